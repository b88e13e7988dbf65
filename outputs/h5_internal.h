/* Internal: helpers of outputs/h5.c shared with the other HDF5 writers
 * (outputs/h5_study.c), so that every file dcgrid writes is published the
 * same safe way: built in memory, written under a temporary name in the
 * target folder, fsync()ed and renamed into place. */
#ifndef DCG_OUTPUTS_H5_INTERNAL_H
#define DCG_OUTPUTS_H5_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <hdf5.h>

#include "dcgrid/status.h"

/* The innermost message of HDF5's error stack (cleared); returns 1 when it
 * is a system error (the quoted errno text is then the reason). */
int dcg__h5_reason(char *buf, size_t size);

/* Creates .<base>.tmp.XXXXXX next to target; path names it in messages.
 * Caller frees *ret_tmp. */
int dcg__h5_create_temp(const char *target, const char *path, char **ret_tmp,
			int *ret_fd, struct dcg_error *err);

/* Flushes the in-memory (core driver) file *file, copies its image into a
 * new buffer (caller frees *ret_buf) and closes it (*file becomes -1).
 * Returns 0; on failure the name of the HDF5 call that failed in *ret_op,
 * or NULL there when out of memory, and *file is left for the caller. */
int dcg__h5_take_image(hid_t *file, unsigned char **ret_buf,
		       size_t *ret_size, const char **ret_op);

/* Writes all n bytes and fsync()s. */
int dcg__h5_write_image(int fd, const unsigned char *buf, size_t n,
			const char *path, struct dcg_error *err);

/* Renames tmp to target (atomically refusing an existing file without
 * force), then makes the rename durable. */
int dcg__h5_publish(const char *tmp, const char *target, const char *path,
		    bool force, struct dcg_error *err);

#endif
