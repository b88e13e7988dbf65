/* Absolute tolerances of CVODE's states, shared by plain and sensitivity
 * solves (internal to solvers/). */
#ifndef DCGRID_SOLVERS_TOLERANCES_H
#define DCGRID_SOLVERS_TOLERANCES_H

#include "dcgrid/model.h"

/* Above DCG_TOL_REGIONS regions the tolerances shrink as
 * sqrt(DCG_TOL_REGIONS / R). CVODE's error test is a root-mean-square over
 * all states, so a local error confined to a few regions is diluted by the
 * square root of the region count: at the default 1e-6 the error against a
 * tight reference, relative to each quantity's scale, was 5e-5 to 9e-5 from
 * 10 to 1,000 regions and 3.3e-4 at 10,000 (the unserved energy and
 * connection gate of the regions near their reserve margin). Scaled, it
 * stays below 1e-4 from 10 to 10,000 regions (docs/performance.md,
 * "Accuracy at scale"; tests/test_solver.c at 1,000). */
#define DCG_TOL_REGIONS 100.0

/* The factor (<= 1) applied to solver.rtol and solver.atol for model m. */
double dcg__tol_scale(const struct dcg_model *m);

/* abstol[i] = atol times dcg__tol_scale(m) times the typical size of state
 * i (n entries): the
 * largest initial value of the same kind over all regions (at least 1 for
 * PUE and shares), so that a region that starts empty still gets a
 * meaningful tolerance; national states their own initial size, at least
 * 1. */
void dcg__abs_tolerances(const struct dcg_model *m, const double *y0,
			 double *abstol);

#endif
