/* Hand-built models for the model and solver suites: no config parsing, so
 * these tests pin the equations alone. */
#ifndef DCGRID_TESTS_FIXTURE_H
#define DCGRID_TESTS_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dcgrid/dcgrid.h"

static inline void fx_const(struct dcg_schedule *s, double v)
{
	if (dcg_schedule_set_constant(s, v))
		abort();
}

static inline void fx_step(struct dcg_schedule *s, double y0, double v0,
			   double y1, double v1)
{
	dcg_schedule_free(s);
	s->n = 2;
	s->year = malloc(2 * sizeof(double));
	s->value = malloc(2 * sizeof(double));
	if (!s->year || !s->value)
		abort();
	s->year[0] = y0;
	s->year[1] = y1;
	s->value[0] = v0;
	s->value[1] = v1;
	s->interp = DCG_INTERP_STEP;
}

/* R regions with equal shares, K classes in segment 0 (or class k in
 * segment k % S), constant parameters, zero growth; grid with J
 * technologies (kind by index: thermal, must-run, variable, ...) when J > 0,
 * and corridors joining region l to l+1. Steady by construction. */
static inline struct dcg_model *fx_model(size_t R, size_t K, size_t S,
					 size_t J, size_t L)
{
	struct dcg_model *m = dcg_model_new();
	if (!m || dcg_model_resize(m, R, K, S, J, L, NULL))
		abort();
	snprintf(m->scenario, sizeof m->scenario, "fixture");
	m->t0 = 2024.0;
	m->t1 = 2030.0;
	m->output_step_yr = 0.5;
	m->rtol = 1e-8;
	m->atol = 1e-8;
	m->grid_enabled = J > 0;
	for (size_t s = 0; s < S; s++) {
		struct dcg_segment *sg = &m->segments[s];
		snprintf(sg->name, sizeof sg->name, "seg%zu", s);
		fx_const(&sg->growth, 0.0);
		sg->saturation_pflops = 1e12;
		sg->adjust_time_yr = 2.0;
		sg->initial_demand_pflops = -1.0;
	}
	for (size_t k = 0; k < K; k++) {
		struct dcg_class *c = &m->classes[k];
		snprintf(c->name, sizeof c->name, "class%zu", k);
		c->segment = k % S;
		c->build_time_yr = 1.0 + 0.25 * (double)k;
		c->life_yr = 5.0 + (double)k;
		c->utilisation = 0.5;
		/* Preferences proportional to each class's retiring compute
		 * make the segment mix match the installed mix: steady. */
		c->preference = 1000.0 * (double)(k + 1) * 0.5 * (double)(k + 1) /
				c->life_yr;
		fx_const(&c->kw_per_rack, 10.0 * (double)(k + 1));
		fx_const(&c->pflops_per_rack, 0.5 * (double)(k + 1));
		fx_const(&c->availability, 1.0);
		c->initial_racks = 1000.0 * (double)(k + 1);
	}
	for (size_t r = 0; r < R; r++) {
		struct dcg_region *rg = &m->regions[r];
		snprintf(rg->name, sizeof rg->name, "region%zu", r);
		rg->initial_share = 1.0 / (double)R;
		fx_const(&rg->policy_weight, rg->initial_share);
		rg->initial_pue = 1.4;
		fx_const(&rg->pue_target, 1.4);
		if (!J)
			continue;
		rg->base_demand_gw = 10.0;
		fx_const(&rg->base_growth, 0.0);
		rg->peak_factor = 1.3;
		rg->reserve_min = 0.05;
		for (size_t j = 0; j < J; j++) {
			rg->capacity_gw[j] = 0.0;
			rg->capacity_credit[j] = 0.9;
			fx_const(&rg->planned_gw_per_yr[j], 0.0);
			fx_const(&rg->mix[j], 0.0);
		}
		/* One firm technology carries the region: investment then
		 * equals retirement exactly. */
		rg->capacity_gw[0] = 20.0;
		fx_const(&rg->mix[0], 1.0);
	}
	for (size_t j = 0; j < J; j++) {
		struct dcg_tech *t = &m->techs[j];
		snprintf(t->name, sizeof t->name, "tech%zu", j);
		t->kind = (enum dcg_tech_kind)((j == 0) ? DCG_TECH_THERMAL
							 : (j % 2 ? DCG_TECH_MUST_RUN
								  : DCG_TECH_VARIABLE));
		t->lead_time_yr = 2.0;
		t->life_yr = 30.0;
		t->capacity_credit = 0.9;
		t->capacity_factor = 0.6;
		t->emission_factor = 0.8;
	}
	for (size_t l = 0; l < L; l++) {
		struct dcg_corridor *c = &m->corridors[l];
		snprintf(c->name, sizeof c->name, "line%zu", l);
		c->from = l % R;
		c->to = (l + 1) % R;
		fx_const(&c->rating_gw, 2.0);
	}
	if (dcg_model_finalize(m, NULL))
		abort();
	return m;
}

/* Largest relative difference between the final states of two results of
 * one model (denominators floored at 1e-6), for solver comparisons. */
static inline double fx_final_rel_diff(const struct dcg_result *a,
				       const struct dcg_result *b)
{
	double worst = 0.0;
	const double *ya = &a->y[(a->T - 1) * a->n], *yb = &b->y[(b->T - 1) * b->n];
	for (size_t i = 0; i < a->n; i++) {
		double d = fabs(yb[i] - ya[i]) / fmax(fabs(ya[i]), 1e-6);
		worst = d > worst ? d : worst;
	}
	return worst;
}

#endif
