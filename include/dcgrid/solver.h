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
	/* Asked after every return of the integrator (each output time,
	 * breakpoint and year boundary) and, with reserve-margin events,
	 * after every internal step; a non-zero answer stops the solve with
	 * DCG_EINTERRUPTED and no result. May be NULL. Must be safe to call
	 * often: e.g. reading a volatile sig_atomic_t set by a signal
	 * handler. */
	int (*should_stop)(void *ctx);
	void *should_stop_ctx;
};

/* Solves m over [t0, t1]. On success returns 0 and *ret_result (caller frees
 * with dcg_result_free). When the integration fails part-way it returns
 * DCG_ESOLVER, fills err with the time, the state component and CVODE's
 * reason, and still hands back the partial result (complete == false) so
 * that what was computed can be kept. When opts->should_stop asks to stop
 * it returns DCG_EINTERRUPTED, the time reached in err and no result.
 * opts may be NULL. */
int dcg_solve(const struct dcg_model *m, const struct dcg_solve_opts *opts,
	      struct dcg_result **ret_result, struct dcg_error *err);

#endif
