/* Internal: helpers of outputs/h5.c shared with the other HDF5 writers
 * (outputs/h5_study.c, outputs/h5_sens.c), so that every file dcgrid writes
 * is published the same safe way: built in memory, written under a
 * temporary name in the target folder, fsync()ed and renamed into place. */
#ifndef DCG_OUTPUTS_H5_INTERNAL_H
#define DCG_OUTPUTS_H5_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <hdf5.h>

#include "dcgrid/status.h"

/* Every file dcgrid writes ends with a trailer of this size after the
 * HDF5 image, holding a checksum of the image (outputs/h5_checksum.c):
 * dcg__h5_save writes the image, then the trailer dcg__h5_stamp fills.
 * dcg__h5_verify returns 0 for a file whose checksum matches or that has
 * none (written or rewritten by another program), DCG_EFORMAT for a
 * damaged one. */
#define DCG__H5_TRAILER 64
void dcg__h5_stamp(const unsigned char *image, size_t size,
		   unsigned char trailer[DCG__H5_TRAILER]);
int dcg__h5_verify(const char *path, struct dcg_error *err);

/* The innermost message of HDF5's error stack (cleared); returns 1 when it
 * is a system error (the quoted errno text is then the reason). */
int dcg__h5_reason(char *buf, size_t size);

/* Flushes the in-memory (core driver) file *file, copies its image into a
 * new buffer (caller frees *ret_buf) and closes it (*file becomes -1).
 * Returns 0; on failure the name of the HDF5 call that failed in *ret_op,
 * or NULL there when out of memory, and *file is left for the caller. */
int dcg__h5_take_image(hid_t *file, unsigned char **ret_buf,
		       size_t *ret_size, const char **ret_op);

/* The property choices every dcgrid file shares. dcg__h5_set_order: on a
 * file, group (links true) or dataset creation list, creation order
 * tracked and indexed, no modification times. dcg__h5_image_fapl: a new
 * file access list building the file in memory (core driver, no backing
 * store) with HDF5 1.8 object formats, closed strongly. dcg__h5_utf8_vlen:
 * a new variable-length UTF-8 string type. Negative on failure; the
 * caller closes what it gets. */
int dcg__h5_set_order(hid_t plist, bool links);
hid_t dcg__h5_image_fapl(void);
hid_t dcg__h5_utf8_vlen(void);

/* Builds a file's image in memory; tmp names the file for HDF5. */
typedef int (*dcg__h5_build_fn)(void *ctx, const char *tmp,
				unsigned char **ret_buf, size_t *ret_size);

/* Writes a file safely: refuses an existing path without force (and a path
 * that is not a regular file in any case), claims .<base>.tmp.XXXXXX next
 * to the target, builds the image with HDF5's error printing silenced,
 * writes and fsync()s it, renames it into place atomically and makes the
 * rename durable. Nothing is left under either name on failure. */
int dcg__h5_save(const char *path, bool force, dcg__h5_build_fn build,
		 void *ctx, struct dcg_error *err);

/* Writes the group /sensitivity (outputs/h5_sens.c) into the open run
 * file being built, after its own datasets and dimension scales; messages
 * name path. */
struct dcg_sensitivity;
int dcg__h5_sens_write(hid_t file, const char *path,
		       const struct dcg_sensitivity *s, struct dcg_error *err);

/* Writes /parameters of a run file: the resolved parameters of m as the
 * table of outputs/h5_params.c (name, value, text). path names the file in
 * messages. */
struct dcg_model;
int dcg__h5_write_parameters(hid_t file, const struct dcg_model *m, const char *path,
			     struct dcg_error *err);

/* Writes all of dataset ds from n variable-length elements (strings or
 * hvl_t) of mem_type. HDF5 converts them through a buffer of the
 * transfer's size, 1 MiB by default and zeroed on every H5Dwrite, which
 * costs more than writing a short label coordinate; this sizes it to the
 * elements. Returns H5Dwrite's status. */
herr_t dcg__h5_write_vlen(hid_t ds, hid_t mem_type, size_t n, const void *buf);

/* Dimension scales attached in bulk. H5DSattach_scale() checks both
 * datasets, then reads, deletes and rewrites the scale's whole
 * REFERENCE_LIST on every call, so attaching /time to the 40 series of a
 * run costs more than writing them. These write the same two attributes
 * (the dataset's DIMENSION_LIST, a vlen of object references per axis,
 * and the scale's REFERENCE_LIST, a compound of the dataset's reference
 * and the axis, as HDF5's ds_list_t) once each, with the same types and
 * contents, so H5DS, h5py and netCDF-4 read them as before. The scales
 * themselves are made with H5DSset_scale() as usual. */
struct dcg__h5_dim_ref {
	hobj_ref_t ref; /* the dataset */
	unsigned int dim; /* its axis; layout of HDF5's ds_list_t */
};

struct dcg__h5_scale_refs {
	hid_t scale; /* borrowed */
	hobj_ref_t ref;
	struct dcg__h5_dim_ref *list;
	size_t n, cap;
};

struct dcg__h5_dims {
	struct dcg__h5_scale_refs *s;
	size_t n, cap;
};

/* Attaches scales[i] (when > 0) to axis i of ds: writes ds's
 * DIMENSION_LIST now and records the dataset for the scale's
 * REFERENCE_LIST. Returns 0, or -1 with the failed HDF5 call's name in
 * *ret_op (NULL there when out of memory). */
int dcg__h5_dims_attach(struct dcg__h5_dims *d, hid_t ds, int rank,
			const hid_t *scales, const char **ret_op);

/* Writes the REFERENCE_LIST of scale (of every recorded scale when scale
 * < 0) and forgets it; call it before the scale is closed. Same returns. */
int dcg__h5_dims_write(struct dcg__h5_dims *d, hid_t scale,
		       const char **ret_op);

/* Forgets everything (no writes). Accepts a zeroed struct. */
void dcg__h5_dims_free(struct dcg__h5_dims *d);

#endif
