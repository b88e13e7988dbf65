/* Internal to model/: the planning side of the grid, called from rhs.c.
 * cohorts.c ages capacity in service and retires it; investment.c decides
 * new capacity and passes it through the build caps and the approval and
 * construction stages. Equations in each file's header comment. */
#ifndef DCGRID_MODEL_PLANNING_H
#define DCGRID_MODEL_PLANNING_H

#include <stddef.h>

#include "dcgrid/model.h"
#include "model_internal.h"

/* Region r's retirements, planned additions and closures (GW/yr) into
 * w->retire, w->add and w->close, from the planned additions' values at t
 * (J entries, negative: closures). */
void dcg__cohort_flows(const struct dcg_model *m, struct dcg_work *w,
		       double t, const double *y, size_t r,
		       const double *planned);

/* Writes dG/dt and the age stages' derivatives of region r from the flows
 * above and w->start (capacity entering service, GW/yr). */
void dcg__cohort_rhs(const struct dcg_model *m, const struct dcg_work *w,
		     const double *y, size_t r, double *ydot);

/* Splits region r's initial capacity y[G] into age stages (y[A]). */
void dcg__cohort_initial(const struct dcg_model *m, size_t r, double *y);

/* Firm capacity a GW of technology j adds in region r, as planners count
 * it: 1 - FOR for the thermal fleet, the measured output at the critical
 * hours for variable and must-run sources (w->credit), the configured
 * planning credit for hydro and storage. */
double dcg__planning_credit(const struct dcg_model *m,
			    const struct dcg_work *w, size_t r, size_t j);

/* Desired investment of region r (GW/yr per technology, before the build
 * caps) into w->desired, from the retirements of dcg__cohort_flows, the
 * growth of the load at the critical hours dload (GW/yr), the critical-hour
 * sums of the adequacy evaluation and the normalised mix (J entries); adds
 * it to w->invest_nat. */
void dcg__invest_desired(const struct dcg_model *m, struct dcg_work *w,
			 double t, const double *y, size_t r, double dload,
			 const double *mix);

/* The national build-cap factors at t from w->invest_nat (w->cap_build). */
void dcg__invest_national(const struct dcg_model *m, struct dcg_work *w,
			  double t);

/* Region r's built and unmet investment (w->invest, w->unmet), capacity
 * entering service (w->start), and dQ/dt and the approval stage's
 * derivative into ydot (when not NULL). */
void dcg__invest_region(const struct dcg_model *m, struct dcg_work *w,
			double t, const double *y, size_t r, double *ydot);

/* Initial construction and approval pipelines of region r where the config
 * leaves them to the model (pipeline_gw < 0): the flow the investment rule
 * asks for at t0 with those pipelines in place, over each stage's time, so
 * that no start-up surge appears (needs the age stages and an evaluation
 * at t0 in w); regional build limits apply, national ones do not. A
 * pipeline the config gives has no approval stage. */
void dcg__invest_initial(const struct dcg_model *m, struct dcg_work *w,
			 size_t r, double *y);

#endif
