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

/* The innermost message of HDF5's error stack (cleared); returns 1 when it
 * is a system error (the quoted errno text is then the reason). */
int dcg__h5_reason(char *buf, size_t size);

/* Flushes the in-memory (core driver) file *file, copies its image into a
 * new buffer (caller frees *ret_buf) and closes it (*file becomes -1).
 * Returns 0; on failure the name of the HDF5 call that failed in *ret_op,
 * or NULL there when out of memory, and *file is left for the caller. */
int dcg__h5_take_image(hid_t *file, unsigned char **ret_buf,
		       size_t *ret_size, const char **ret_op);

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

#endif
