/* HDF5 output, schema "dcgrid/1" (docs/output-format.md). */
#ifndef DCGRID_H5_H
#define DCGRID_H5_H

#include <stdbool.h>

#include "dcgrid/model.h"
#include "dcgrid/result.h"
#include "dcgrid/status.h"

#define DCG_H5_SCHEMA "dcgrid/1"

/* Writes one run. The file is written to a temporary name in the same
 * folder and renamed into place only when complete. An existing file at
 * path is kept (DCG_EEXIST) unless force. config_text is the resolved
 * config (borrowed), stored as the root attribute "config". */
int dcg_h5_write_run(const char *path, const struct dcg_model *m,
		     const struct dcg_result *res, const char *config_text,
		     bool force, struct dcg_error *err);

#endif
