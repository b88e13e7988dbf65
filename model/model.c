/* Model lifetime, state layout and initial state.
 *
 * The state vector is a block per region followed by the national states:
 *
 *   region r: P[K] N[K] W[K] C[K] PUE sigma | B Q[J] G[J]   (grid part optional)
 *   national: D[S] X[K] price
 *
 * so that the Jacobian is block diagonal per region plus corridor blocks and
 * a few dense national rows and columns (an arrowhead).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcgrid/model.h"
#include "model_internal.h"

struct dcg_model *dcg_model_new(void)
{
	struct dcg_model *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->t0 = 2024.0;
	m->t1 = 2031.0;
	m->output_step_yr = 0.25;
	m->rtol = 1e-6;
	m->atol = 1e-6;
	m->method = DCG_METHOD_BDF;
	m->linsol = DCG_LINSOL_AUTO;
	m->precond = DCG_PREC_AUTO;
	m->max_steps = 100000;
	m->events = true;
	m->grid = (struct dcg_grid_params){
		.reserve_target = 0.15,
		.invest_time_yr = 1.0,
		.gate_width = 0.02,
		.flow_scale = 0.05,
		.transfer_factor = 0.6,
		.dc_peak_factor = 1.05,
		.price_alpha = 2.0,
		.price_beta = 0.1,
		.demand_price_elasticity = 0.5,
		.share_price_elasticity = 2.0,
		.share_time_yr = 3.0,
		.perception_time_yr = 0.2,
		.pue_time_yr = 2.0,
		.peak_smoothing = 0.005,
		.standard = DCG_STD_RESERVE_MARGIN,
		.gate_reads = DCG_STD_RESERVE_MARGIN,
		.lole_standard_h = 3.0,
		.load_uncertainty = 0.03,
		.lole_gate_width = 0.5,
		.gate_enabled = true,
		.price_growth_enabled = true,
		.price_share_enabled = true,
	};
	return m;
}

static void free_region(struct dcg_region *r, size_t J)
{
	dcg_schedule_free(&r->policy_weight);
	dcg_schedule_free(&r->pue_target);
	dcg_schedule_free(&r->base_growth);
	if (r->planned_gw_per_yr)
		for (size_t j = 0; j < J; j++)
			dcg_schedule_free(&r->planned_gw_per_yr[j]);
	if (r->mix)
		for (size_t j = 0; j < J; j++)
			dcg_schedule_free(&r->mix[j]);
	if (r->build_limit_gw_per_yr)
		for (size_t j = 0; j < J; j++)
			dcg_schedule_free(&r->build_limit_gw_per_yr[j]);
	if (r->life_extension_gw_per_yr)
		for (size_t j = 0; j < J; j++)
			dcg_schedule_free(&r->life_extension_gw_per_yr[j]);
	free(r->build_limit_gw_per_yr);
	free(r->life_extension_gw_per_yr);
	free(r->capacity_gw);
	free(r->pipeline_gw);
	free(r->capacity_credit);
	free(r->planned_gw_per_yr);
	free(r->mix);
	free(r->load_shape);
	free(r->dc_shape);
	free(r->cf_shape);
	r->load_shape = r->dc_shape = r->cf_shape = NULL;
}

static void free_class(struct dcg_class *c)
{
	dcg_schedule_free(&c->kw_per_rack);
	dcg_schedule_free(&c->pflops_per_rack);
	dcg_schedule_free(&c->availability);
	dcg_schedule_free(&c->supply_limit);
}

static void free_arrays(struct dcg_model *m)
{
	for (size_t r = 0; m->regions && r < m->R; r++)
		free_region(&m->regions[r], m->J);
	for (size_t k = 0; m->classes && k < m->K; k++)
		free_class(&m->classes[k]);
	for (size_t s = 0; m->segments && s < m->S; s++)
		dcg_schedule_free(&m->segments[s].growth);
	for (size_t l = 0; m->corridors && l < m->L; l++)
		dcg_schedule_free(&m->corridors[l].rating_gw);
	for (size_t j = 0; m->techs && j < m->J; j++) {
		dcg_schedule_free(&m->techs[j].variable_cost);
		dcg_schedule_free(&m->techs[j].build_limit);
	}
	free(m->day_weight);
	m->day_weight = NULL;
	m->D = 0;
	free(m->regions);
	free(m->classes);
	free(m->segments);
	free(m->techs);
	free(m->corridors);
	m->regions = NULL;
	m->classes = NULL;
	m->segments = NULL;
	m->techs = NULL;
	m->corridors = NULL;
	m->R = m->K = m->S = m->J = m->L = 0;
}

void dcg_model_free(struct dcg_model *m)
{
	if (!m)
		return;
	free_arrays(m);
	free(m);
}

int dcg_model_resize(struct dcg_model *m, size_t R, size_t K, size_t S,
		     size_t J, size_t L, struct dcg_error *err)
{
	free_arrays(m);
	if (R == 0 || K == 0 || S == 0)
		return dcg_error_set(err, DCG_ECONFIG,
				     "a model needs at least one region, one "
				     "hardware class and one segment");
	m->regions = calloc(R, sizeof *m->regions);
	m->classes = calloc(K, sizeof *m->classes);
	m->segments = calloc(S, sizeof *m->segments);
	m->techs = J ? calloc(J, sizeof *m->techs) : NULL;
	m->corridors = L ? calloc(L, sizeof *m->corridors) : NULL;
	if (!m->regions || !m->classes || !m->segments || (J && !m->techs) ||
	    (L && !m->corridors))
		goto oom;
	m->R = R;
	m->K = K;
	m->S = S;
	m->J = J;
	m->L = L;
	for (size_t r = 0; r < R && J; r++) {
		struct dcg_region *rg = &m->regions[r];
		rg->capacity_gw = calloc(J, sizeof(double));
		rg->pipeline_gw = calloc(J, sizeof(double));
		rg->capacity_credit = calloc(J, sizeof(double));
		rg->planned_gw_per_yr = calloc(J, sizeof(struct dcg_schedule));
		rg->mix = calloc(J, sizeof(struct dcg_schedule));
		rg->build_limit_gw_per_yr = calloc(J, sizeof(struct dcg_schedule));
		rg->life_extension_gw_per_yr =
			calloc(J, sizeof(struct dcg_schedule));
		if (!rg->capacity_gw || !rg->pipeline_gw ||
		    !rg->capacity_credit || !rg->planned_gw_per_yr || !rg->mix ||
		    !rg->build_limit_gw_per_yr || !rg->life_extension_gw_per_yr)
			goto oom;
		for (size_t j = 0; j < J; j++) {
			rg->pipeline_gw[j] = -1.0;
			/* Unlimited and no extension, until the config says. */
			if (dcg_schedule_set_constant(&rg->build_limit_gw_per_yr[j],
						      DCG_UNLIMITED_GW_PER_YR) ||
			    dcg_schedule_set_constant(
				    &rg->life_extension_gw_per_yr[j], 0.0))
				goto oom;
		}
	}
	/* The parameter table's defaults (inputs/params.c). */
	for (size_t j = 0; j < J; j++) {
		m->techs[j].forced_outage_rate = 0.05;
		m->techs[j].unit_size_gw = 0.5;
		m->techs[j].efficiency = 0.85;
		m->techs[j].duration_h = 4.0;
		m->techs[j].min_output = 0.0;
	}
	for (size_t l = 0; l < L; l++) {
		m->corridors[l].availability = 0.95;
		m->corridors[l].loss_per_1000km = 0.03;
	}
	for (size_t j = 0; j < J; j++)
		m->techs[j].initial_age_yr = -1.0;
	for (size_t k = 0; k < K; k++) {
		m->classes[k].initial_kw_per_rack = -1.0;
		m->classes[k].initial_pflops_per_rack = -1.0;
		m->classes[k].initial_pipeline_racks = -1.0;
	}
	for (size_t s = 0; s < S; s++)
		m->segments[s].initial_demand_pflops = -1.0;
	return 0;
oom:
	free_arrays(m);
	return dcg_error_set(err, DCG_ENOMEM,
			     "out of memory allocating a model of %zu regions",
			     R);
}

int dcg_model_set_days(struct dcg_model *m, size_t D, struct dcg_error *err)
{
	if (!m->grid_enabled || m->J == 0 || D == 0)
		return dcg_error_set(err, DCG_ECONFIG,
				     "representative days need a grid with "
				     "technologies and at least one day");
	size_t H = D * DCG_HOURS, J = m->J;
	double *wt = malloc(D * sizeof *wt);
	if (!wt)
		goto oom;
	for (size_t d = 0; d < D; d++)
		wt[d] = 365.0 / (double)D;
	for (size_t r = 0; r < m->R; r++) {
		struct dcg_region *rg = &m->regions[r];
		double *ls = malloc(H * sizeof *ls), *ds = malloc(H * sizeof *ds);
		double *cf = malloc(J * H * sizeof *cf);
		if (!ls || !ds || !cf) {
			free(ls);
			free(ds);
			free(cf);
			free(wt);
			goto oom;
		}
		for (size_t i = 0; i < H; i++)
			ls[i] = ds[i] = 1.0;
		for (size_t j = 0; j < J; j++)
			for (size_t i = 0; i < H; i++)
				cf[j * H + i] = m->techs[j].capacity_factor;
		free(rg->load_shape);
		free(rg->dc_shape);
		free(rg->cf_shape);
		rg->load_shape = ls;
		rg->dc_shape = ds;
		rg->cf_shape = cf;
	}
	free(m->day_weight);
	m->day_weight = wt;
	m->D = D;
	return 0;
oom:
	return dcg_error_set(err, DCG_ENOMEM,
			     "out of memory for %zu representative days", D);
}

int dcg_model_peak_day(struct dcg_model *m, struct dcg_error *err)
{
	int rc = dcg_model_set_days(m, 1, err);
	if (rc)
		return rc;
	const double n = DCG_HOURS, rest = DCG_HOURS - 1;
	for (size_t r = 0; r < m->R; r++) {
		struct dcg_region *rg = &m->regions[r];
		double pb = rg->peak_factor, pd = m->grid.dc_peak_factor;
		for (size_t h = 0; h < DCG_HOURS; h++) {
			rg->load_shape[h] = h ? fmax((n - pb) / rest, 0.0) : pb;
			rg->dc_shape[h] = h ? fmax((n - pd) / rest, 0.0) : pd;
		}
		for (size_t j = 0; j < m->J; j++) {
			double cc = rg->capacity_credit[j];
			double cf = m->techs[j].capacity_factor;
			double *k = &rg->cf_shape[j * DCG_HOURS];
			for (size_t h = 0; h < DCG_HOURS; h++)
				k[h] = h ? fmax((n * cf - cc) / rest, 0.0) : cc;
		}
	}
	return 0;
}

static double *dup_doubles(const double *src, size_t n)
{
	if (!src)
		return NULL;
	double *d = malloc((n ? n : 1) * sizeof *d);
	if (d && n)
		memcpy(d, src, n * sizeof *d);
	return d;
}

static int copy_schedules(struct dcg_schedule *dst,
			  const struct dcg_schedule *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (dcg_schedule_copy(&dst[i], &src[i]))
			return DCG_ENOMEM;
	return 0;
}

struct dcg_model *dcg_model_clone(const struct dcg_model *src)
{
	struct dcg_model *m = dcg_model_new();
	if (!m)
		return NULL;
	*m = *src;
	/* Drop the borrowed pointers before resizing so that a failure frees
	 * only what the clone owns. */
	m->regions = NULL;
	m->classes = NULL;
	m->segments = NULL;
	m->techs = NULL;
	m->corridors = NULL;
	m->day_weight = NULL;
	m->D = 0;
	m->R = m->K = m->S = m->J = m->L = 0;
	if (dcg_model_resize(m, src->R, src->K, src->S, src->J, src->L, NULL))
		goto fail;
	size_t J = src->J;
	for (size_t r = 0; r < src->R; r++) {
		struct dcg_region *d = &m->regions[r];
		const struct dcg_region *s = &src->regions[r];
		double *cap = d->capacity_gw, *pipe = d->pipeline_gw,
		       *cc = d->capacity_credit;
		struct dcg_schedule *planned = d->planned_gw_per_yr,
				    *mix = d->mix, *blim = d->build_limit_gw_per_yr,
				    *ext = d->life_extension_gw_per_yr;
		/* The resize set these to constants; the copies replace them. */
		for (size_t j = 0; j < J; j++) {
			dcg_schedule_free(&blim[j]);
			dcg_schedule_free(&ext[j]);
		}
		*d = *s;
		d->capacity_gw = cap;
		d->pipeline_gw = pipe;
		d->capacity_credit = cc;
		d->planned_gw_per_yr = planned;
		d->mix = mix;
		d->build_limit_gw_per_yr = blim;
		d->life_extension_gw_per_yr = ext;
		d->policy_weight = d->pue_target = d->base_growth =
			(struct dcg_schedule){0};
		size_t H = src->D * DCG_HOURS;
		d->load_shape = dup_doubles(s->load_shape, H);
		d->dc_shape = dup_doubles(s->dc_shape, H);
		d->cf_shape = dup_doubles(s->cf_shape, J * H);
		if ((s->load_shape && !d->load_shape) ||
		    (s->dc_shape && !d->dc_shape) || (s->cf_shape && !d->cf_shape))
			goto fail;
		if (J) {
			memcpy(cap, s->capacity_gw, J * sizeof *cap);
			memcpy(pipe, s->pipeline_gw, J * sizeof *pipe);
			memcpy(cc, s->capacity_credit, J * sizeof *cc);
		}
		if (dcg_schedule_copy(&d->policy_weight, &s->policy_weight) ||
		    dcg_schedule_copy(&d->pue_target, &s->pue_target) ||
		    dcg_schedule_copy(&d->base_growth, &s->base_growth) ||
		    (J && copy_schedules(planned, s->planned_gw_per_yr, J)) ||
		    (J && copy_schedules(mix, s->mix, J)) ||
		    (J && copy_schedules(blim, s->build_limit_gw_per_yr, J)) ||
		    (J && copy_schedules(ext, s->life_extension_gw_per_yr, J)))
			goto fail;
	}
	for (size_t k = 0; k < src->K; k++) {
		struct dcg_class *d = &m->classes[k];
		*d = src->classes[k];
		d->kw_per_rack = d->pflops_per_rack = d->availability =
			d->supply_limit = (struct dcg_schedule){0};
		if (dcg_schedule_copy(&d->kw_per_rack,
				      &src->classes[k].kw_per_rack) ||
		    dcg_schedule_copy(&d->pflops_per_rack,
				      &src->classes[k].pflops_per_rack) ||
		    dcg_schedule_copy(&d->availability,
				      &src->classes[k].availability) ||
		    dcg_schedule_copy(&d->supply_limit,
				      &src->classes[k].supply_limit))
			goto fail;
	}
	for (size_t s = 0; s < src->S; s++) {
		m->segments[s] = src->segments[s];
		m->segments[s].growth = (struct dcg_schedule){0};
		if (dcg_schedule_copy(&m->segments[s].growth,
				      &src->segments[s].growth))
			goto fail;
	}
	for (size_t j = 0; j < J; j++) {
		m->techs[j] = src->techs[j];
		m->techs[j].variable_cost = (struct dcg_schedule){0};
		if (dcg_schedule_copy(&m->techs[j].variable_cost,
				      &src->techs[j].variable_cost))
			goto fail;
		m->techs[j].build_limit = (struct dcg_schedule){0};
		if (dcg_schedule_copy(&m->techs[j].build_limit,
				      &src->techs[j].build_limit))
			goto fail;
	}
	if (src->D) {
		m->day_weight = dup_doubles(src->day_weight, src->D);
		if (!m->day_weight)
			goto fail;
		m->D = src->D;
	}
	for (size_t l = 0; l < src->L; l++) {
		m->corridors[l] = src->corridors[l];
		m->corridors[l].rating_gw = (struct dcg_schedule){0};
		if (dcg_schedule_copy(&m->corridors[l].rating_gw,
				      &src->corridors[l].rating_gw))
			goto fail;
	}
	return m;
fail:
	dcg_model_free(m);
	return NULL;
}

int dcg_model_finalize(struct dcg_model *m, struct dcg_error *err)
{
	if (m->R == 0 || m->K == 0 || m->S == 0)
		return dcg_error_set(err, DCG_ECONFIG,
				     "a model needs at least one region, one "
				     "hardware class and one segment");
	if (!(m->t1 > m->t0))
		return dcg_error_set(err, DCG_ECONFIG,
				     "horizon end %g is not after its start %g",
				     m->t1, m->t0);
	if (m->grid_enabled && m->J == 0)
		return dcg_error_set(err, DCG_ECONFIG,
				     "the grid is enabled but there are no "
				     "technologies");
	if (!m->grid_enabled && (m->J || m->L))
		return dcg_error_set(err, DCG_ECONFIG,
				     "technologies or corridors given without "
				     "a grid section");
	for (size_t k = 0; k < m->K; k++)
		if (m->classes[k].segment >= m->S)
			return dcg_error_set(err, DCG_ECONFIG,
					     "hardware class %s names segment "
					     "%zu of %zu",
					     m->classes[k].name,
					     m->classes[k].segment, m->S);
	double sum = 0.0;
	for (size_t r = 0; r < m->R; r++)
		sum += m->regions[r].initial_share;
	if (fabs(sum - 1.0) > 1e-6)
		return dcg_error_set(err, DCG_ECONFIG,
				     "regions' initial_share values sum to "
				     "%.9g (expected 1)",
				     sum);
	for (size_t l = 0; l < m->L; l++) {
		const struct dcg_corridor *c = &m->corridors[l];
		if (c->from >= m->R || c->to >= m->R || c->from == c->to)
			return dcg_error_set(err, DCG_ECONFIG,
					     "corridor %s must join two "
					     "different regions",
					     c->name);
	}

	/* A grid without representative days is judged on one peak-hour day. */
	if (m->grid_enabled && m->D == 0) {
		int rc = dcg_model_peak_day(m, err);
		if (rc)
			return rc;
	}

	struct dcg_layout *l = &m->layout;
	size_t K = m->K, J = m->grid_enabled ? m->J : 0;
	*l = (struct dcg_layout){0};
	l->off_P = 0;
	l->off_N = K;
	l->off_W = 2 * K;
	l->off_C = 3 * K;
	l->off_pue = 4 * K;
	l->off_share = 4 * K + 1;
	l->off_B = 4 * K + 2;
	l->off_Q = l->off_B + 1;
	l->off_G = l->off_Q + J;
	/* Planning block (investment.c, cohorts.c). */
	l->off_A = l->off_G + J;
	l->off_App = l->off_A + J * (DCG_COHORTS - 1);
	l->region_size = m->grid_enabled ? l->off_App + J : 4 * K + 2;
	l->nat = m->R * l->region_size;
	l->nat_D = l->nat;
	l->nat_X = l->nat_D + m->S;
	l->nat_price = l->nat_X + K;
	l->nat_Y = l->nat_price + 1;
	l->n = l->nat_Y + J;
	l->q_dc_energy = 0;
	l->q_consumption = 1;
	l->q_unserved = 2;
	l->q_emissions = 3;
	l->q_generation = 4;
	l->q_region_size = 4 + J;
	l->nq = m->R * l->q_region_size;
	return 0;
}

const char *dcg_model_describe_state(const struct dcg_model *m, size_t i,
				     char *buf, size_t size)
{
	const struct dcg_layout *l = &m->layout;
	if (i >= l->n) {
		snprintf(buf, size, "state %zu (out of range)", i);
		return buf;
	}
	if (i >= l->nat) {
		size_t o = i - l->nat;
		if (o < m->S)
			snprintf(buf, size, "compute demand D [segment %s]",
				 m->segments[o].name);
		else if (o < m->S + m->K)
			snprintf(buf, size,
				 "perceived supply-cap factor [class %s]",
				 m->classes[o - m->S].name);
		else if (o == m->S + m->K)
			snprintf(buf, size, "perceived national price index");
		else
			snprintf(buf, size,
				 "perceived build-cap factor [technology %s]",
				 m->techs[o - m->S - m->K - 1].name);
		return buf;
	}
	size_t r = i / l->region_size, o = i % l->region_size, K = m->K;
	const char *rn = m->regions[r].name;
	static const char *const dc[] = {
		"racks under construction P", "racks in service N",
		"IT capacity W (MW)", "compute capacity C (PFLOPS)"};
	if (o < 4 * K)
		snprintf(buf, size, "%s [region %s, class %s]", dc[o / K], rn,
			 m->classes[o % K].name);
	else if (o == l->off_pue)
		snprintf(buf, size, "PUE [region %s]", rn);
	else if (o == l->off_share)
		snprintf(buf, size, "demand share [region %s]", rn);
	else if (o == l->off_B)
		snprintf(buf, size, "base demand B (GW) [region %s]", rn);
	else if (o < l->off_G)
		snprintf(buf, size,
			 "capacity under construction Q (GW) [region %s, "
			 "technology %s]",
			 rn, m->techs[o - l->off_Q].name);
	else if (o < l->off_A)
		snprintf(buf, size,
			 "capacity in service G (GW) [region %s, technology "
			 "%s]",
			 rn, m->techs[o - l->off_G].name);
	else if (o < l->off_App)
		snprintf(buf, size,
			 "capacity of age stage %zu (GW) [region %s, "
			 "technology %s]",
			 (o - l->off_A) % (DCG_COHORTS - 1) + 1, rn,
			 m->techs[(o - l->off_A) / (DCG_COHORTS - 1)].name);
	else
		snprintf(buf, size,
			 "capacity in approval (GW) [region %s, technology "
			 "%s]",
			 rn, m->techs[o - l->off_App].name);
	return buf;
}

void dcg_model_constraints(const struct dcg_model *m, double *c)
{
	/* Every state is a stock, a share, an index or a factor: none may
	 * become negative. */
	for (size_t i = 0; i < m->layout.n; i++)
		c[i] = 1.0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static size_t count_points(const struct dcg_schedule *s)
{
	return s->n > 1 ? s->n : 0;
}

static void add_points(const struct dcg_model *m, const struct dcg_schedule *s,
		       double *t, size_t *n)
{
	if (s->n < 2)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (s->year[i] > m->t0 && s->year[i] < m->t1)
			t[(*n)++] = s->year[i];
}

/* Calls fn on every schedule of the model; used to collect breakpoints. */
#define DCG__FOR_EACH_SCHEDULE(m, ACTION)                                    \
	do {                                                                 \
		for (size_t r_ = 0; r_ < (m)->R; r_++) {                     \
			const struct dcg_region *rg_ = &(m)->regions[r_];    \
			ACTION(&rg_->policy_weight);                         \
			ACTION(&rg_->pue_target);                            \
			if ((m)->grid_enabled) {                             \
				ACTION(&rg_->base_growth);                   \
				for (size_t j_ = 0; j_ < (m)->J; j_++) {     \
					ACTION(&rg_->planned_gw_per_yr[j_]); \
					ACTION(&rg_->mix[j_]);               \
					ACTION(&rg_->build_limit_gw_per_yr[j_]); \
					ACTION(&rg_->life_extension_gw_per_yr[j_]); \
				}                                            \
			}                                                    \
		}                                                            \
		for (size_t k_ = 0; k_ < (m)->K; k_++) {                     \
			const struct dcg_class *c_ = &(m)->classes[k_];      \
			ACTION(&c_->kw_per_rack);                            \
			ACTION(&c_->pflops_per_rack);                        \
			ACTION(&c_->availability);                           \
			if (c_->has_supply_limit)                            \
				ACTION(&c_->supply_limit);                   \
		}                                                            \
		for (size_t s_ = 0; s_ < (m)->S; s_++)                       \
			ACTION(&(m)->segments[s_].growth);                   \
		for (size_t l_ = 0; l_ < (m)->L; l_++)                       \
			ACTION(&(m)->corridors[l_].rating_gw);               \
		for (size_t j_ = 0; (m)->grid_enabled && j_ < (m)->J; j_++)  \
			if ((m)->techs[j_].has_build_limit)                  \
				ACTION(&(m)->techs[j_].build_limit);         \
	} while (0)

int dcg_model_breakpoints(const struct dcg_model *m, double **ret_t,
			  size_t *ret_n, struct dcg_error *err)
{
	size_t cap = 0;
#define DCG__COUNT(s) (cap += count_points(s))
	DCG__FOR_EACH_SCHEDULE(m, DCG__COUNT);
#undef DCG__COUNT
	double *t = malloc((cap ? cap : 1) * sizeof *t);
	if (!t)
		return dcg_error_set(err, DCG_ENOMEM,
				     "out of memory collecting breakpoints");
	size_t n = 0;
#define DCG__ADD(s) add_points(m, (s), t, &n)
	DCG__FOR_EACH_SCHEDULE(m, DCG__ADD);
#undef DCG__ADD
	qsort(t, n, sizeof *t, cmp_double);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || t[i] - t[u - 1] > 1e-9)
			t[u++] = t[i];
	*ret_t = t;
	*ret_n = u;
	return 0;
}

int dcg_model_apply_jumps(const struct dcg_model *m, double t, double *y)
{
	const struct dcg_layout *l = &m->layout;
	int changed = 0;
	for (size_t k = 0; k < m->K; k++) {
		const struct dcg_class *c = &m->classes[k];
		if (c->cancel_fraction <= 0.0 ||
		    c->availability.interp != DCG_INTERP_STEP)
			continue;
		double before = dcg_schedule_eval(&c->availability, t - 1e-9);
		double after = dcg_schedule_eval(&c->availability, t);
		if (!(after < before) || before <= 0.0)
			continue;
		double keep = 1.0 - c->cancel_fraction * (before - after) / before;
		for (size_t r = 0; r < m->R; r++)
			y[dcg_ix_P(l, r, k)] *= keep;
		changed = 1;
	}
	return changed;
}
