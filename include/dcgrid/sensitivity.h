/* Exact local derivatives: CVODES forward sensitivity analysis.
 *
 * For parameters p_j named by --set paths (any real-valued parameter of the
 * table, a constant schedule, or one point PATH.value.[i] of a schedule),
 * the solver integrates the states y, the quadratures q and their
 * sensitivities s_j = dy/dp_j, sq_j = dq/dp_j alongside (staggered
 * corrector, error control on the sensitivities). The derived series are
 * algebraic in (t, y, q, p), so their derivatives follow from the chain
 * rule, evaluated as a central directional difference of that algebraic
 * map along (s_j, sq_j, e_j); no differencing of solves is involved.
 *
 * Derivatives are per config unit of the parameter (e.g. per TWh/yr for
 * base_demand_twh); elasticities (p / y) dy/dp are dimensionless (NaN where
 * the series is 0).
 */
#ifndef DCGRID_SENSITIVITY_H
#define DCGRID_SENSITIVITY_H

#include <stdbool.h>
#include <stddef.h>

#include "dcgrid/model.h"
#include "dcgrid/status.h"

/* The main series, whose derivatives are computed (those of a grid model
 * include the grid series). */
size_t dcg_sensitivity_series(const struct dcg_model *m,
			      enum dcg_series_id *ids, size_t max);

struct dcg_sensitivity {
	size_t np;
	char (*path)[256];        /* np parameter paths, owned */
	double *value;            /* np values, config units */
	size_t T;
	double *time;             /* T */
	size_t nseries;
	enum dcg_series_id *ids;  /* nseries */
	size_t *width;            /* nseries */
	double **series;          /* nseries arrays T x width: the series */
	double **deriv;           /* nseries * np arrays T x width, [k * np + j] */
	double **elasticity;      /* same layout */
	long steps, rhs_evals;
	double wall_time_s;
};

/* Solves m with forward sensitivities for the np parameters (BDF whatever
 * the model's method, the linear solver of m->linsol as dcg_solve picks it,
 * sensitivities and quadrature sensitivities in the error test). m is not
 * modified (a private clone is perturbed). steps counts every step of
 * every interval between breakpoints; rhs_evals every evaluation of the
 * right-hand side or the quadrature integrands, the sensitivities'
 * difference quotients included. Errors: DCG_EUSAGE for a path
 * that is not a real-valued parameter (the message says why), DCG_ESOLVER,
 * DCG_ENOMEM. Caller frees *ret with dcg_sensitivity_free. */
int dcg_sensitivity_solve(const struct dcg_model *m, const char *const *paths,
			  size_t np, struct dcg_sensitivity **ret,
			  struct dcg_error *err);
/* The same, stopping with DCG_EINTERRUPTED (and no result) as soon as
 * opts->should_stop asks, after any output time or breakpoint; only
 * should_stop of opts is used, and opts may be NULL. */
struct dcg_solve_opts;
int dcg_sensitivity_solve_opts(const struct dcg_model *m,
			       const char *const *paths, size_t np,
			       const struct dcg_solve_opts *opts,
			       struct dcg_sensitivity **ret,
			       struct dcg_error *err);
void dcg_sensitivity_free(struct dcg_sensitivity *s); /* accepts NULL */

/* dcg_h5_write_run with the group /sensitivity (docs/output-format.md,
 * "Sensitivities") in the same file: both are built in memory and
 * published by one rename, so the file appears complete or not at all.
 * s may be NULL (no group). */
struct dcg_result;
int dcg_h5_write_run_sens(const char *path, const struct dcg_model *m,
			  const struct dcg_result *res,
			  const struct dcg_sensitivity *s,
			  const char *config_text, bool force,
			  struct dcg_error *err);

#endif
