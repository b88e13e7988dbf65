/* dcgrid status codes and error reports.
 *
 * Every library function that can fail returns a negative enum dcg_status
 * and, when the caller passes a non-NULL struct dcg_error, fills it with a
 * message a planner can act on: file, line, setting, value, what was expected.
 * The library never prints and never exits; app/ decides what to do.
 */
#ifndef DCGRID_STATUS_H
#define DCGRID_STATUS_H

#include <stddef.h>

/* One list generates the enum and dcg_strerror(). */
#define DCG_STATUS_LIST(X)                                                 \
	X(DCG_OK, 0, "success")                                             \
	X(DCG_ENOMEM, -1, "out of memory")                                  \
	X(DCG_EIO, -2, "input/output error")                                \
	X(DCG_ECONFIG, -3, "invalid configuration")                         \
	X(DCG_EUSAGE, -4, "invalid usage")                                  \
	X(DCG_ESOLVER, -5, "solver failure")                                \
	X(DCG_EEXIST, -6, "output file exists")                             \
	X(DCG_EHDF5, -7, "HDF5 error")                                      \
	X(DCG_ELIMIT, -8, "size limit exceeded")                            \
	X(DCG_EINTERNAL, -9, "internal error")                              \
	X(DCG_EINTERRUPTED, -10, "interrupted")                             \
	X(DCG_EFORMAT, -11, "not a valid result file")

enum dcg_status {
#define DCG__STATUS_ENUM(name, value, text) name = value,
	DCG_STATUS_LIST(DCG__STATUS_ENUM)
#undef DCG__STATUS_ENUM
};

/* Message buffer size: long enough for a path, a key path, a value and a
 * suggestion. */
#define DCG_ERROR_MSG_MAX 1024

struct dcg_error {
	int status;                  /* the enum dcg_status of the failure */
	char msg[DCG_ERROR_MSG_MAX]; /* NUL-terminated, no trailing newline */
};

/* Returns a static string; never NULL (unknown codes give "unknown status"). */
const char *dcg_strerror(int status);

/* Fills err (if non-NULL) with status and a printf-style message and returns
 * status, so that failures read `return dcg_error_set(err, DCG_ECONFIG, ...);`.
 * A message already present is replaced. */
int dcg_error_set(struct dcg_error *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears err to DCG_OK and an empty message (err may be NULL). */
void dcg_error_clear(struct dcg_error *err);

#endif
