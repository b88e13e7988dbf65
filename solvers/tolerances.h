/* Absolute tolerances of CVODE's states, shared by plain and sensitivity
 * solves (internal to solvers/). */
#ifndef DCGRID_SOLVERS_TOLERANCES_H
#define DCGRID_SOLVERS_TOLERANCES_H

#include "dcgrid/model.h"

/* abstol[i] = atol times the typical size of state i (n entries): the
 * largest initial value of the same kind over all regions (at least 1 for
 * PUE and shares), so that a region that starts empty still gets a
 * meaningful tolerance; national states their own initial size, at least
 * 1. */
void dcg__abs_tolerances(const struct dcg_model *m, const double *y0,
			 double *abstol);

#endif
