/* Age cohorts of generation capacity: retirements by age, planned
 * additions and closures, life extensions (docs/model.md, "Planning").
 *
 * Capacity in service G[r,j] (GW) carries its age in an aging chain of
 * n = DCG_COHORTS stages, each holding capacity for L/n years on average
 * (L = the technology's physical life), so that plant lives follow an
 * Erlang-n distribution (mean L, coefficient of variation 1/sqrt(n)) instead
 * of one exponential. The states are G and the older stages A[1..n-1];
 * the youngest stage is A0 = G - sum_a A[a]. With k = n/L (1/yr):
 *
 *   retire  = k A[n-1] - ext,             ext  = life extension (GW/yr)
 *             (floor0(k A[n-1] - ext) when ext > 0: never negative)
 *   add     = max(planned, 0),            cl   = max(-planned, 0)
 *   close   = min0(cl, G / 0.05 yr)       (a closure stops as G empties)
 *   dG/dt   = start + add - close - retire      start = Q / tau_j
 *   dA[a]/dt = k A[a-1] - k A[a] - close A[a]/G           (a = 1..n-2)
 *   dA[n-1]/dt = k A[n-2] - retire - close A[n-1]/G
 *
 * so new capacity (market-driven or planned) enters the youngest stage,
 * closures take from every stage in proportion (an assumption: which plants
 * a closure plan names is not modelled) and the balance
 * dG/dt = start + add - close - retire holds exactly. With a fleet built
 * at a constant rate the stages hold equal capacity and retire = G/L: the
 * steady state of the old single-exponential model.
 *
 * Initial ages: a fleet of mean age a0 is taken as built at a constant
 * rate over the last 2 a0 years (uniform ages on [0, 2 a0]), stage a
 * receiving the share of ages in [a L/n, (a+1) L/n) (the last stage all
 * older ones). a0 = L/2 (the default) gives the steady state.
 */
#include <math.h>

#include "dcgrid/model.h"
#include "model_internal.h"
#include "planning.h"
#include "smooth.h"

/* A closure can empty a technology no faster than this (yr): it keeps G
 * from going negative when a closure schedule outruns what is left. */
#define DCG_CLOSE_TIME_YR 0.05

void dcg__cohort_flows(const struct dcg_model *m, struct dcg_work *w,
		       double t, const double *y, size_t r,
		       const double *planned)
{
	const struct dcg_layout *l = &m->layout;
	const struct dcg_region *rg = &m->regions[r];
	size_t J = m->J, n = DCG_COHORTS;
	for (size_t j = 0; j < J; j++) {
		const struct dcg_tech *tj = &m->techs[j];
		size_t rj = r * J + j;
		double k = (double)n / tj->life_yr;
		double G = y[dcg_ix_G(l, r, j)];
		double raw = k * y[dcg_ix_A(l, r, j, n - 1)];
		double ext = fmax(dcg_schedule_eval(&rg->life_extension_gw_per_yr[j], t), 0.0);
		w->retire[rj] = ext > 0.0
					? dcg__floor0(raw - ext,
						      DCG_SMOOTH_REL * fmax(k * G, 1e-9))
					: raw;
		double plan = planned[j];
		w->add[rj] = fmax(plan, 0.0);
		double cl = fmax(-plan, 0.0);
		w->close[rj] = cl > 0.0 ? dcg__min0(cl, fmax(G, 0.0) / DCG_CLOSE_TIME_YR,
						    DCG_SMOOTH_REL * cl)
					: 0.0;
	}
}

void dcg__cohort_rhs(const struct dcg_model *m, const struct dcg_work *w,
		     const double *y, size_t r, double *ydot)
{
	const struct dcg_layout *l = &m->layout;
	size_t J = m->J, n = DCG_COHORTS;
	for (size_t j = 0; j < J; j++) {
		const struct dcg_tech *tj = &m->techs[j];
		size_t rj = r * J + j;
		double k = (double)n / tj->life_yr;
		double G = y[dcg_ix_G(l, r, j)];
		double older = 0.0;
		for (size_t a = 1; a < n; a++)
			older += y[dcg_ix_A(l, r, j, a)];
		double prev = fmax(G - older, 0.0); /* the youngest stage */
		double cg = G > 0.0 ? w->close[rj] / G : 0.0;
		for (size_t a = 1; a < n; a++) {
			double A = y[dcg_ix_A(l, r, j, a)];
			double out = a == n - 1 ? w->retire[rj] : k * A;
			ydot[dcg_ix_A(l, r, j, a)] = k * prev - out - cg * A;
			prev = A;
		}
		ydot[dcg_ix_G(l, r, j)] = w->start[rj] + w->add[rj] - w->close[rj] -
					  w->retire[rj];
	}
}

void dcg__cohort_initial(const struct dcg_model *m, size_t r, double *y)
{
	const struct dcg_layout *l = &m->layout;
	size_t n = DCG_COHORTS;
	for (size_t j = 0; j < m->J; j++) {
		const struct dcg_tech *tj = &m->techs[j];
		double G = y[dcg_ix_G(l, r, j)];
		double age = tj->initial_age_yr >= 0.0 ? tj->initial_age_yr
						       : 0.5 * tj->life_yr;
		double span = 2.0 * age, width = tj->life_yr / (double)n;
		for (size_t a = 1; a < n; a++) {
			double lo = (double)a * width;
			double hi = a == n - 1 ? INFINITY : lo + width;
			double share = span > 0.0
					       ? fmax(fmin(hi, span) - lo, 0.0) / span
					       : 0.0;
			y[dcg_ix_A(l, r, j, a)] = share * G;
		}
	}
}
