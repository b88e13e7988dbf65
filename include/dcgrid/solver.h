/* Integrating a model with CVODES. */
#ifndef DCGRID_SOLVER_H
#define DCGRID_SOLVER_H

#include <stdbool.h>

#include "dcgrid/model.h"
#include "dcgrid/result.h"
#include "dcgrid/status.h"

struct dcg_solve_opts {
	/* Called after each output time (t in years); may be NULL. */
	void (*progress)(double t, double t0, double t1, void *ctx);
	void *progress_ctx;
};

/* Solves m over [t0, t1]. On success returns 0 and *ret_result (caller frees
 * with dcg_result_free). When the integration fails part-way it returns
 * DCG_ESOLVER, fills err with the time, the state component and CVODE's
 * reason, and still hands back the partial result (complete == false) so
 * that what was computed can be kept. opts may be NULL. */
int dcg_solve(const struct dcg_model *m, const struct dcg_solve_opts *opts,
	      struct dcg_result **ret_result, struct dcg_error *err);

#endif
