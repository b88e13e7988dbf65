/* Internal: the checks a result file passes before the reader indexes
 * anything in it (outputs/h5_validate.c). A file from elsewhere is input:
 * every failure here is DCG_EFORMAT with a message naming the file, the
 * dataset and what was expected. */
#ifndef DCG_OUTPUTS_H5_VALIDATE_H
#define DCG_OUTPUTS_H5_VALIDATE_H

#include <stddef.h>

#include "dcgrid/h5read.h"

/* The schema versions this reader knows: "dcgrid/1", optionally with a
 * minor version "dcgrid/1.N" (additions only). Anything else that starts
 * with "dcgrid/" is refused: a later major version may store what the
 * reader looks up under the same names with another meaning. */
int dcg__h5_check_schema(const char *path, const char *schema,
			 struct dcg_error *err);

/* Checks the listed datasets v[0..n) of file path against the schema:
 * /time is a 1-D numeric dimension scale, /regions and /hardware are 1-D
 * string scales, every attached dimension scale is a listed 1-D dataset
 * as long as the axis it is attached to, and every dataset of the time
 * series groups (/datacenter, /grid, /cumulative) runs along /time and
 * every one of /annual along /annual/year. */
int dcg__h5_check_vars(const char *path, const struct dcg_h5_var *v, size_t n,
		       struct dcg_error *err);

/* Checks that the dataset v, about to be indexed as a series, has the
 * given rank and, per axis, the dimension scale named (NULL: any). */
int dcg__h5_check_shape(const char *path, const struct dcg_h5_var *v,
			int rank, const char *const *scales,
			struct dcg_error *err);

#endif
