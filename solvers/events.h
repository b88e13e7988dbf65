/* Reserve-margin events, located region by region (internal to solvers/).
 *
 * solvers/cvode.c drives CVODE one internal step at a time and calls
 * dcg__events_step after each step. There the event functions
 * g[r] = RM[r] - RMmin[r] of all regions are evaluated once, at the step's
 * end (O(R)). A region is below its minimum when g < 0 and not below when
 * g >= 0 (g == 0 counts as not below, here and at t0); a region whose side
 * changed crossed inside the step. Only such a region's crossing is then
 * located, on CVODE's interpolating polynomial of the step (the dense
 * output CVodeGetDky(t, 0) gives), by the Illinois variant of regula falsi
 * on g of that region alone (dcg_model_root_region), to CVODE's own time
 * tolerance, 100 * unit round-off * (|tn| + |h|). The trial states are
 * interpolated through a vector whose operations touch only the states that
 * region's g reads, so a trial costs O(degree * (K + J) * order), not O(n).
 * A step's crossings are recorded in time order (ties by region), at the
 * first time found on the new side, as CVODE reports a root.
 *
 * At a breakpoint, a discrete change (a corridor rating that steps) can
 * move a margin across its minimum at once: dcg__events_restart records
 * that crossing at the breakpoint.
 */
#ifndef DCGRID_SOLVERS_EVENTS_H
#define DCGRID_SOLVERS_EVENTS_H

#include <sundials/sundials_context.h>

#include "dcgrid/model.h"
#include "dcgrid/result.h"

struct dcg__events;

/* Event bookkeeping for a model with events (dcg_model_nroots(m) > 0). w is
 * borrowed (the solve's work space; only its adequacy part is used), sctx
 * too. Returns NULL when out of memory. */
struct dcg__events *dcg__events_new(const struct dcg_model *m, struct dcg_work *w,
				    SUNContext sctx);
void dcg__events_free(struct dcg__events *ev); /* accepts NULL */

/* At the start t0, state y: records BELOW at t0 for every region already
 * below its minimum. Returns 0 or DCG_ENOMEM. */
int dcg__events_start(struct dcg__events *ev, double t0, const double *y,
		      struct dcg_result *res);

/* After an internal step of cvode_mem that ended at tn with y = y(tn);
 * t_model is the time at which the model reads its schedules at tn (the
 * left limit at an interval's end). Records the crossings inside the step.
 * Returns 0, DCG_ENOMEM, or DCG_ESOLVER when CVODE's dense output fails. */
int dcg__events_step(struct dcg__events *ev, void *cvode_mem, double tn,
		     double t_model, const double *y, struct dcg_result *res);

/* After the discrete changes at breakpoint t, y the state the integrator
 * restarts from: records the crossings they caused, at t. Returns 0 or
 * DCG_ENOMEM. */
int dcg__events_restart(struct dcg__events *ev, double t, const double *y,
			struct dcg_result *res);

/* Region-local event-function evaluations so far (the solver statistic
 * root_evals). */
long dcg__events_evals(const struct dcg__events *ev);

#endif
