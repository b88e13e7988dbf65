/* HDF5 output, schema "dcgrid/1" (docs/output-format.md). */
#ifndef DCGRID_H5_H
#define DCGRID_H5_H

#include <stdbool.h>

#include "dcgrid/model.h"
#include "dcgrid/result.h"
#include "dcgrid/status.h"

#define DCG_H5_SCHEMA "dcgrid/1"

/* Writes one run. The file is built in memory, written to a temporary name
 * in the same folder, fsync()ed and renamed into place only when complete;
 * on failure nothing is left under either name. m, res and config_text are
 * borrowed; config_text is the resolved config, stored as the root
 * attribute "config" (NULL stores an empty string).
 *
 * Errors: DCG_EEXIST when path exists and !force ("PATH exists; use --force
 * to replace it"); DCG_EUSAGE when path is not a file name or, with force,
 * names something other than a regular file (a symbolic link to a file
 * replaces that file); DCG_EIO for system errors such as a missing folder or
 * a full disk ("cannot create PATH: No such file or directory", "cannot
 * write PATH: No space left on device"); DCG_EHDF5 for a failed HDF5 call
 * (the message names the call and the object); DCG_ENOMEM. */
int dcg_h5_write_run(const char *path, const struct dcg_model *m,
		     const struct dcg_result *res, const char *config_text,
		     bool force, struct dcg_error *err);

#endif
