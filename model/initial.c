/* The initial state at t0.
 *
 * Racks start as each region's share of the national fleet of each class,
 * with the fleet's average power and compute per rack. Unless given, the
 * construction pipelines start at their steady-growth level (completions
 * replace retirements and add the segment's initial growth) and the grid
 * pipelines at replacement level (investment.c), with capacity split into
 * age stages by the fleets' mean ages (cohorts.c); the national perceived aggregates start at
 * their instantaneous values so that no start-up transient appears.
 */
#include <math.h>

#include "dcgrid/model.h"
#include "model_internal.h"
#include "planning.h"

int dcg_model_initial(const struct dcg_model *m, double *y)
{
	const struct dcg_layout *l = &m->layout;
	double t0 = m->t0;
	for (size_t i = 0; i < l->n; i++)
		y[i] = 0.0;
	for (size_t r = 0; r < m->R; r++) {
		const struct dcg_region *rg = &m->regions[r];
		for (size_t k = 0; k < m->K; k++) {
			const struct dcg_class *c = &m->classes[k];
			const struct dcg_segment *sg = &m->segments[c->segment];
			double kw = c->initial_kw_per_rack >= 0.0
					    ? c->initial_kw_per_rack
					    : dcg_schedule_eval(&c->kw_per_rack, t0);
			double pf = c->initial_pflops_per_rack >= 0.0
					    ? c->initial_pflops_per_rack
					    : dcg_schedule_eval(&c->pflops_per_rack, t0);
			double N = rg->initial_share * c->initial_racks;
			double g = fmax(dcg_schedule_eval(&sg->growth, t0), 0.0);
			/* The steady pipeline holds the compute that replaces
			 * retirements and adds growth over one build time,
			 * valued at the compute of a new rack. */
			double P = c->initial_pipeline_racks >= 0.0
					   ? rg->initial_share * c->initial_pipeline_racks
					   : c->build_time_yr * N * pf * (1.0 / c->life_yr + g) /
						     dcg_schedule_eval(&c->pflops_per_rack, t0);
			y[dcg_ix_P(l, r, k)] = P;
			y[dcg_ix_N(l, r, k)] = N;
			y[dcg_ix_W(l, r, k)] = N * kw / 1000.0;
			y[dcg_ix_C(l, r, k)] = N * pf;
		}
		y[dcg_ix_pue(l, r)] = rg->initial_pue;
		y[dcg_ix_share(l, r)] = rg->initial_share;
		if (!m->grid_enabled)
			continue;
		y[dcg_ix_B(l, r)] = rg->base_demand_gw;
		for (size_t j = 0; j < m->J; j++)
			y[dcg_ix_G(l, r, j)] = rg->capacity_gw[j];
		dcg__cohort_initial(m, r, y);
	}
	for (size_t s = 0; s < m->S; s++) {
		double D = m->segments[s].initial_demand_pflops;
		if (D < 0.0) {
			D = 0.0;
			for (size_t r = 0; r < m->R; r++)
				for (size_t k = 0; k < m->K; k++)
					if (m->classes[k].segment == s)
						D += y[dcg_ix_C(l, r, k)];
		}
		y[dcg_ix_D(l, s)] = D;
	}
	/* The uncapped orders do not depend on X or on the perceived price
	 * except through demand growth; two passes settle both. */
	for (size_t k = 0; k < m->K; k++)
		y[dcg_ix_X(l, k)] = 1.0;
	y[dcg_ix_price(l)] = 1.0;
	size_t J = m->grid_enabled ? m->J : 0;
	for (size_t j = 0; j < J; j++)
		y[dcg_ix_Y(l, j)] = 1.0;
	struct dcg_work *w = dcg_work_new(m);
	if (!w)
		return DCG_ENOMEM;
	/* The pipelines need the peaks, imports and retirements at t0, which
	 * do not depend on them. */
	dcg__model_eval(m, w, t0, y, NULL);
	for (size_t r = 0; J && r < m->R; r++)
		dcg__invest_initial(m, w, r, y);
	for (int pass = 0; pass < 2; pass++) {
		dcg__model_eval(m, w, t0, y, NULL);
		for (size_t k = 0; k < m->K; k++)
			y[dcg_ix_X(l, k)] = w->cap_inst[k];
		y[dcg_ix_price(l)] = w->price_nat;
		for (size_t j = 0; j < J; j++)
			y[dcg_ix_Y(l, j)] = w->cap_build[j];
	}
	dcg_work_free(w);
	return 0;
}
