/* The right-hand side of the dcgrid model (docs/model.md has the equations).
 *
 * Data-center side, per region r and hardware class k in segment s(k):
 *   completions = P/tau_b
 *   dP/dt = orders - completions
 *   dN/dt = completions - N/L
 *   dW/dt = completions * w(t)/1000 - W/L          (MW)
 *   dC/dt = completions * c(t) - C/L               (PFLOPS)
 *   orders = X[k] * floor0(m[k] * (repl + gate*(grow + pos(gap)/tau_a)) / c(t))
 *   dPUE/dt = (PUE_target(t) - PUE)/tau_pue
 *   dsigma/dt = (sigma* - sigma)/tau_sigma,  sigma* = a/sum(a),
 *               a[r] = weight[r](t) * price[r]^-eta
 * National: dD[s]/dt = g[s](t) D (1 - D/Dsat) pn^-epsilon;
 *   dX[k]/dt = (capfactor(sum_r orders_uncapped, S[k](t)) - X)/tau_p;
 *   dpn/dt = (sum_r F price / sum_r F - pn)/tau_p.
 * Grid side, per region r and technology j:
 *   dB/dt = gB(t) B; investment, approval and construction (investment.c);
 *   capacity in service by age, retirements and closures (cohorts.c)
 * Adequacy by the hour (hours.h: hours.c, storage.c, corridors.c,
 *   adequacy.c): each region's representative hours, the corridors' hourly
 *   flows, the reserve margin at the critical hours (or LOLE), which set
 *   the gate and the price.
 *
 * Cost O(R*(K+S) + R*D*24*J + L*D*24) per call; no allocation, no I/O.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adequacy.h"
#include "hours.h"
#include "dcgrid/model.h"
#include "model_internal.h"
#include "planning.h"
#include "smooth.h"

/* Cached per-region schedule values (struct dcg_work's sv). */
enum {
	DCG_SV_PUE = 0,         /* PUE target */
	DCG_SV_WEIGHT = 1,      /* policy weight, >= 0 */
	DCG_SV_BASE_GROWTH = 2, /* base-load growth rate (grid) */
	DCG_SV_LEAD = 3,        /* mix-weighted lead time (grid) */
	DCG_SV_COUNT = 4,
};

struct dcg_work *dcg_work_new(const struct dcg_model *m)
{
	size_t R = m->R, K = m->K, S = m->S, J = m->grid_enabled ? m->J : 0;
	size_t L = m->L;
	struct dcg_work *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->m = m;
	/* One block for all arrays keeps teardown simple. */
	size_t total = 5 * K + 3 * S + 11 * R + 3 * R * S + R * K + L +
		       2 * R * J + 2 * R;
	double *p = calloc(total ? total : 1, sizeof *p);
	if (!p) {
		free(w);
		return NULL;
	}
#define TAKE(field, count) (w->field = p, p += (count))
	TAKE(mix, K);
	TAKE(c_new, K);
	TAKE(w_new, K);
	TAKE(cap_inst, K);
	TAKE(orders_nat, K);
	TAKE(dD, S);
	TAKE(tau_seg, S);
	TAKE(mix_den, S);
	TAKE(it_gw, R);
	TAKE(fac_gw, R);
	TAKE(dfac, R);
	TAKE(peak, R);
	TAKE(firm, R);
	TAKE(mpre, R);
	TAKE(imp, R);
	TAKE(rm, R);
	TAKE(gate, R);
	TAKE(price, R);
	TAKE(attract, R);
	TAKE(repl, R * S);
	TAKE(grow, R * S);
	TAKE(gap, R * S);
	TAKE(orders, R * K);
	TAKE(flow, L);
	TAKE(gen, R * J);
	TAKE(curt, R * J);
	TAKE(unserved, R);
	TAKE(emis, R);
#undef TAKE
	w->charge = w->discharge = w->curt_total = NULL;
	w->sv = calloc(R * (DCG_SV_COUNT + 2 * J) + 1, sizeof *w->sv);
	w->sv_dyn = calloc(R + 1, 1);
	w->rating = calloc(L + 1, sizeof *w->rating);
	/* The hourly view: 6 R H + L H values, and per region the firm fleet,
	 * the critical-hour sums, LOLE, EUE and the dispatch totals (14 R), the
	 * credits (R J) and the merit-order costs (J). */
	size_t H = J ? m->D * DCG_HOURS : 0;
	w->H = H;
	w->hourly = calloc(6 * R * H + L * H + 14 * R + R * J + J + 1,
			   sizeof *w->hourly);
	w->merit = calloc(J + 1, sizeof *w->merit);
	/* Planning: 7 arrays per region x technology, 2 per technology. */
	w->plan = calloc(7 * R * J + 2 * J + 1, sizeof *w->plan);
	if (!w->sv || !w->sv_dyn || !w->rating || !w->hourly || !w->merit ||
	    !w->plan || dcg__roots_init(w)) {
		dcg_work_free(w);
		return NULL;
	}
	double *q = w->hourly;
#define TAKE(field, count) (w->field = q, q += (count))
	TAKE(load_h, R * H);
	TAKE(net_h, R * H);
	TAKE(hyd_h, R * H);
	TAKE(dis_h, R * H);
	TAKE(chg_h, R * H);
	TAKE(imp_h, R * H);
	TAKE(flow_h, L * H);
	TAKE(cn, R);
	TAKE(avail, R);
	TAKE(netpeak, R);
	TAKE(loadpeak, R);
	TAKE(imppeak, R);
	TAKE(bpeak, R);
	TAKE(cpeak, R);
	TAKE(stor_crit, R);
	TAKE(hyd_crit, R);
	TAKE(lole, R);
	TAKE(eue, R);
	TAKE(charge, R);
	TAKE(discharge, R);
	TAKE(curt_total, R);
	TAKE(credit, R * J);
	TAKE(merit_cost, J);
	q = w->plan;
	TAKE(retire, R * J);
	TAKE(add, R * J);
	TAKE(close, R * J);
	TAKE(start, R * J);
	TAKE(desired, R * J);
	TAKE(invest, R * J);
	TAKE(unmet, R * J);
	TAKE(invest_nat, J);
	TAKE(cap_build, J);
#undef TAKE
	return w;
}

void dcg_work_free(struct dcg_work *w)
{
	if (!w)
		return;
	free(w->mix); /* the first array is the start of the block */
	free(w->sv);
	free(w->sv_dyn);
	free(w->rating);
	free(w->hourly);
	free(w->merit);
	free(w->plan);
	free(w->inc_ptr);
	free(w->inc);
	free(w);
}

void dcg_work_invalidate(struct dcg_work *w)
{
	if (w)
		w->sched_valid = false;
}

static bool in_schedule(const struct dcg_schedule *s, const double *field)
{
	return s->n && ((field >= s->value && field < s->value + s->n) ||
			(field >= s->year && field < s->year + s->n));
}

bool dcg_work_caches(const struct dcg_model *m, const double *field)
{
	size_t J = m->grid_enabled ? m->J : 0;
	for (size_t r = 0; r < m->R; r++) {
		const struct dcg_region *rg = &m->regions[r];
		if (in_schedule(&rg->pue_target, field) ||
		    in_schedule(&rg->policy_weight, field) ||
		    (J && in_schedule(&rg->base_growth, field)))
			return true;
		for (size_t j = 0; j < J; j++)
			if (in_schedule(&rg->mix[j], field) ||
			    in_schedule(&rg->planned_gw_per_yr[j], field))
				return true;
	}
	for (size_t l = 0; l < m->L; l++)
		if (in_schedule(&m->corridors[l].rating_gw, field))
			return true;
	/* A technology's lead time enters the cached mix-weighted lead time. */
	for (size_t j = 0; j < J; j++)
		if (field == &m->techs[j].lead_time_yr)
			return true;
	return false;
}

/* Region r's cached schedule values: the DCG_SV_* entries, then the
 * technologies' normalised mix (J) and planned additions (J). */
static inline const double *region_sv(const struct dcg_model *m,
				      const struct dcg_work *w, size_t r)
{
	size_t J = m->grid_enabled ? m->J : 0;
	return &w->sv[r * (DCG_SV_COUNT + 2 * J)];
}

/* Which of region r's cached values depend on time (schedules of more than
 * one point); the others are computed once. */
enum {
	DYN_PUE = 1,
	DYN_WEIGHT = 2,
	DYN_BASE_GROWTH = 4,
	DYN_MIX = 8,     /* any technology's mix share */
	DYN_PLANNED = 16,
};

static void region_values(const struct dcg_model *m, double *v, size_t r,
			  unsigned what, double t)
{
	const struct dcg_region *rg = &m->regions[r];
	size_t J = m->grid_enabled ? m->J : 0;
	if (what & DYN_PUE)
		v[DCG_SV_PUE] = dcg_schedule_eval(&rg->pue_target, t);
	if (what & DYN_WEIGHT)
		v[DCG_SV_WEIGHT] = fmax(dcg_schedule_eval(&rg->policy_weight, t), 0.0);
	if (!J)
		return;
	if (what & DYN_BASE_GROWTH)
		v[DCG_SV_BASE_GROWTH] = dcg_schedule_eval(&rg->base_growth, t);
	if (what & DYN_MIX) {
		double mixsum = 0.0, hmix = 0.0;
		for (size_t j = 0; j < J; j++) {
			double mj = fmax(dcg_schedule_eval(&rg->mix[j], t), 0.0);
			v[DCG_SV_COUNT + j] = mj;
			mixsum += mj;
			hmix += mj * m->techs[j].lead_time_yr;
		}
		for (size_t j = 0; j < J; j++)
			v[DCG_SV_COUNT + j] = mixsum > 0.0 ? v[DCG_SV_COUNT + j] / mixsum : 0.0;
		v[DCG_SV_LEAD] = mixsum > 0.0 ? hmix / mixsum : 0.0;
	}
	if (what & DYN_PLANNED)
		for (size_t j = 0; j < J; j++)
			/* Negative: closures (cohorts.c reads the schedule). */
			v[DCG_SV_COUNT + J + j] =
				dcg_schedule_eval(&rg->planned_gw_per_yr[j], t);
}

/* The regions' and corridors' schedule values at t: computed in full the
 * first time (and after dcg_work_invalidate), then only those that vary. */
static void region_schedules(const struct dcg_model *m, struct dcg_work *w,
			     double t)
{
	if (w->sched_valid && w->sched_t == t)
		return;
	size_t J = m->grid_enabled ? m->J : 0, stride = DCG_SV_COUNT + 2 * J;
	bool full = !w->sched_valid;
	for (size_t r = 0; r < m->R; r++) {
		if (full) {
			const struct dcg_region *rg = &m->regions[r];
			unsigned d = 0;
			d |= rg->pue_target.n > 1 ? DYN_PUE : 0;
			d |= rg->policy_weight.n > 1 ? DYN_WEIGHT : 0;
			if (J) {
				d |= rg->base_growth.n > 1 ? DYN_BASE_GROWTH : 0;
				for (size_t j = 0; j < J; j++) {
					d |= rg->mix[j].n > 1 ? DYN_MIX : 0;
					d |= rg->planned_gw_per_yr[j].n > 1 ? DYN_PLANNED : 0;
				}
			}
			w->sv_dyn[r] = (unsigned char)d;
			region_values(m, &w->sv[r * stride], r, ~0u, t);
		} else if (w->sv_dyn[r]) {
			region_values(m, &w->sv[r * stride], r, w->sv_dyn[r], t);
		}
	}
	if (J)
		for (size_t l = 0; l < m->L; l++)
			if (full || m->corridors[l].rating_gw.n > 1)
				w->rating[l] = dcg_schedule_eval(&m->corridors[l].rating_gw, t);
	w->sched_t = t;
	w->sched_valid = true;
}

/* What the connection gate, the events and the outputs read of region r's
 * adequacy: its reserve margin, or its LOLE as ln(standard / LOLE), each
 * measured against its threshold (> 0: adequate). */
double dcg__adequacy_metric(const struct dcg_model *m, const struct dcg_work *w,
			    size_t r, enum dcg_standard which)
{
	if (which == DCG_STD_LOLE)
		return log(m->grid.lole_standard_h) - log(w->lole[r] + DCG_LOLE_FLOOR_H);
	return w->rm[r] - m->regions[r].reserve_min;
}

bool dcg__needs_lole(const struct dcg_model *m)
{
	return m->grid.standard == DCG_STD_LOLE ||
	       (m->grid.gate_enabled && m->grid.gate_reads == DCG_STD_LOLE);
}

void dcg__grid_adequacy(const struct dcg_model *m, struct dcg_work *w,
			const double *y)
{
	const struct dcg_grid_params *gp = &m->grid;
	size_t R = m->R, H = w->H;
	for (size_t r = 0; r < R; r++)
		dcg__region_hours(m, w, y, r);
	for (size_t i = 0; i < R * H; i++)
		w->imp_h[i] = 0.0;
	/* In corridor order: roots.c sums a region's imports in the same
	 * order, for the same rounding. */
	for (size_t c = 0; c < m->L; c++) {
		dcg__corridor_hours(m, w, c, w->rating[c]);
		dcg__corridor_imports(m, w, c);
	}
	bool lole = dcg__needs_lole(m);
	for (size_t r = 0; r < R; r++) {
		dcg__region_margin(m, w, r);
		w->peak[r] = w->loadpeak[r];
		w->firm[r] = w->avail[r];
		w->imp[r] = w->imppeak[r];
		if (lole)
			dcg__region_lole(m, w, y, r, &w->lole[r], &w->eue[r], NULL);
		double g = gp->gate_reads == DCG_STD_LOLE
				   ? dcg__adequacy_metric(m, w, r, DCG_STD_LOLE) /
					     gp->lole_gate_width
				   : dcg__adequacy_metric(m, w, r, DCG_STD_RESERVE_MARGIN) /
					     gp->gate_width;
		w->gate[r] = gp->gate_enabled ? dcg__logistic(g) : 1.0;
		w->price[r] = 1.0 + gp->price_alpha *
					    dcg__pos((gp->reserve_target - w->rm[r]) /
							     gp->price_beta,
						     DCG_SMOOTH_REL);
	}
}

int dcg__model_eval(const struct dcg_model *m, struct dcg_work *w, double t,
		    const double *y, double *ydot)
{
	const struct dcg_layout *l = &m->layout;
	const struct dcg_grid_params *gp = &m->grid;
	size_t R = m->R, K = m->K, S = m->S, J = m->grid_enabled ? m->J : 0;

	/* Hardware mix, normalised inside each segment so that an import stop
	 * moves builds to the classes of the same segment still available. */
	for (size_t s = 0; s < S; s++) {
		w->mix_den[s] = 0.0;
		w->tau_seg[s] = 0.0;
	}
	for (size_t k = 0; k < K; k++) {
		const struct dcg_class *c = &m->classes[k];
		double a = dcg_schedule_eval(&c->availability, t);
		w->mix[k] = c->preference * fmax(a, 0.0);
		w->mix_den[c->segment] += w->mix[k];
		w->c_new[k] = dcg_schedule_eval(&c->pflops_per_rack, t);
		w->w_new[k] = dcg_schedule_eval(&c->kw_per_rack, t);
	}
	for (size_t k = 0; k < K; k++) {
		const struct dcg_class *c = &m->classes[k];
		double den = w->mix_den[c->segment];
		w->mix[k] = den > 0.0 ? w->mix[k] / den : 0.0;
		w->tau_seg[c->segment] += w->mix[k] * c->build_time_yr;
	}

	region_schedules(m, w, t);

	/* Loads (GW) and their rates of change. */
	for (size_t r = 0; r < R; r++) {
		double it = dcg__it_gw(m, y, r), dit = 0.0;
		for (size_t k = 0; k < K; k++) {
			const struct dcg_class *c = &m->classes[k];
			double P = y[dcg_ix_P(l, r, k)];
			double W = y[dcg_ix_W(l, r, k)];
			double dW = P / c->build_time_yr * w->w_new[k] / 1000.0 -
				    W / c->life_yr;
			dit += dW * c->utilisation / 1000.0;
		}
		double pue = y[dcg_ix_pue(l, r)];
		double dpue = (region_sv(m, w, r)[DCG_SV_PUE] - pue) / gp->pue_time_yr;
		w->it_gw[r] = it;
		w->fac_gw[r] = it * pue;
		w->dfac[r] = dit * pue + it * dpue;
		if (ydot)
			ydot[dcg_ix_pue(l, r)] = dpue;
	}

	/* Grid adequacy by the hour: each region's hours before trade, the
	 * corridors' flows, then margins, gate and price. */
	if (m->grid_enabled)
		dcg__grid_adequacy(m, w, y);
	else
		for (size_t r = 0; r < R; r++) {
			w->peak[r] = w->firm[r] = w->imp[r] = 0.0;
			w->rm[r] = 0.0;
			w->gate[r] = 1.0;
			w->price[r] = 1.0;
		}

	if (w->adequacy_only)
		return 0;

	/* National demand for compute, slowed by the perceived price. */
	double pn = y[dcg_ix_price(l)];
	double phi = gp->price_growth_enabled && m->grid_enabled
			     ? pow(fmax(pn, 1e-12), -gp->demand_price_elasticity)
			     : 1.0;
	for (size_t s = 0; s < S; s++) {
		const struct dcg_segment *sg = &m->segments[s];
		double D = y[dcg_ix_D(l, s)];
		w->dD[s] = dcg_schedule_eval(&sg->growth, t) * D *
			   (1.0 - D / sg->saturation_pflops) * phi;
		if (ydot)
			ydot[dcg_ix_D(l, s)] = w->dD[s];
	}

	/* Shares act normalised, sigma/sum(sigma): sum(dsigma/dt) = 0 holds
	 * analytically, but an inexact linear solve (GMRES, or Newton with the
	 * approximate sparse Jacobian) lets the states' sum drift by the
	 * solver tolerance; the normalised shares sum to 1 to round-off. */
	double ssum = 0.0;
	for (size_t r = 0; r < R; r++)
		ssum += y[dcg_ix_share(l, r)];
	w->share_scale = ssum > 0.0 ? 1.0 / ssum : 0.0;

	/* Regional shares relax toward policy weights tilted by price. */
	double eta = gp->price_share_enabled && m->grid_enabled
			     ? gp->share_price_elasticity
			     : 0.0;
	double asum = 0.0;
	for (size_t r = 0; r < R; r++) {
		double a = region_sv(m, w, r)[DCG_SV_WEIGHT];
		if (eta != 0.0)
			a *= pow(w->price[r], -eta);
		w->attract[r] = a;
		asum += a;
	}
	if (ydot)
		for (size_t r = 0; r < R; r++) {
			double target = asum > 0.0 ? w->attract[r] / asum
						   : 1.0 / (double)R;
			ydot[dcg_ix_share(l, r)] =
				(target - y[dcg_ix_share(l, r)] * w->share_scale) /
				gp->share_time_yr;
		}

	/* Stock management: replacement, growth and the capacity gap. */
	for (size_t r = 0; r < R; r++) {
		double sigma = y[dcg_ix_share(l, r)] * w->share_scale;
		for (size_t s = 0; s < S; s++) {
			w->repl[r * S + s] = 0.0;
			w->gap[r * S + s] = 0.0;
		}
		for (size_t k = 0; k < K; k++) {
			const struct dcg_class *c = &m->classes[k];
			size_t s = c->segment;
			double C = y[dcg_ix_C(l, r, k)];
			w->repl[r * S + s] += C / c->life_yr;
			w->gap[r * S + s] -= C + y[dcg_ix_P(l, r, k)] * w->c_new[k];
		}
		for (size_t s = 0; s < S; s++) {
			double D = y[dcg_ix_D(l, s)];
			double grow = sigma * w->dD[s];
			w->grow[r * S + s] = grow;
			w->gap[r * S + s] += sigma * D + w->tau_seg[s] *
							       (w->repl[r * S + s] + grow);
		}
	}
	for (size_t k = 0; k < K; k++)
		w->orders_nat[k] = 0.0;
	for (size_t r = 0; r < R; r++) {
		for (size_t k = 0; k < K; k++) {
			const struct dcg_class *c = &m->classes[k];
			size_t s = c->segment, rs = r * S + s;
			double sigma_d = y[dcg_ix_share(l, r)] * w->share_scale *
					 y[dcg_ix_D(l, s)];
			double sgap = DCG_SMOOTH_REL * fmax(sigma_d, 1e-9);
			double want = w->repl[rs] +
				      w->gate[r] * (w->grow[rs] +
						    dcg__pos(w->gap[rs], sgap) /
							    m->segments[s].adjust_time_yr);
			double o = w->mix[k] * want / w->c_new[k];
			/* The floor band scales with the replacement flow so
			 * that steady runs are not biased. */
			o = dcg__floor0(o, DCG_SMOOTH_REL * sgap /
						   (m->segments[s].adjust_time_yr *
						    w->c_new[k]));
			w->orders[r * K + k] = o;
			w->orders_nat[k] += o;
		}
	}
	for (size_t k = 0; k < K; k++) {
		const struct dcg_class *c = &m->classes[k];
		w->cap_inst[k] = c->has_supply_limit
					 ? dcg__cap_factor(w->orders_nat[k],
							   fmax(dcg_schedule_eval(
									&c->supply_limit, t),
								0.0))
					 : 1.0;
	}

	/* National price as perceived: the facility-load weighted mean. */
	double fsum = 0.0, pf = 0.0;
	for (size_t r = 0; r < R; r++) {
		fsum += w->fac_gw[r];
		pf += w->fac_gw[r] * w->price[r];
	}
	w->price_nat = fsum > 0.0 ? pf / fsum : 1.0;

	/* Generation investment before the national build caps. */
	if (m->grid_enabled) {
		for (size_t j = 0; j < J; j++)
			w->invest_nat[j] = 0.0;
		for (size_t r = 0; r < R; r++) {
			const double *sv = region_sv(m, w, r);
			double dB = sv[DCG_SV_BASE_GROWTH] * y[dcg_ix_B(l, r)];
			double dload = w->bpeak[r] * dB + w->cpeak[r] * w->dfac[r];
			dcg__cohort_flows(m, w, t, y, r, &sv[DCG_SV_COUNT + J]);
			dcg__invest_desired(m, w, t, y, r, dload, &sv[DCG_SV_COUNT]);
		}
		dcg__invest_national(m, w, t);
	}

	if (!ydot)
		return 0;

	double tp = gp->perception_time_yr;
	for (size_t k = 0; k < K; k++)
		ydot[dcg_ix_X(l, k)] = (w->cap_inst[k] - y[dcg_ix_X(l, k)]) / tp;
	ydot[dcg_ix_price(l)] = (w->price_nat - pn) / tp;

	for (size_t r = 0; r < R; r++) {
		for (size_t k = 0; k < K; k++) {
			const struct dcg_class *c = &m->classes[k];
			double P = y[dcg_ix_P(l, r, k)];
			double done = P / c->build_time_yr;
			double orders = y[dcg_ix_X(l, k)] * w->orders[r * K + k];
			w->orders[r * K + k] = orders;
			ydot[dcg_ix_P(l, r, k)] = orders - done;
			ydot[dcg_ix_N(l, r, k)] = done - y[dcg_ix_N(l, r, k)] / c->life_yr;
			ydot[dcg_ix_W(l, r, k)] = done * w->w_new[k] / 1000.0 -
						  y[dcg_ix_W(l, r, k)] / c->life_yr;
			ydot[dcg_ix_C(l, r, k)] = done * w->c_new[k] -
						  y[dcg_ix_C(l, r, k)] / c->life_yr;
		}
		if (!m->grid_enabled)
			continue;
		const double *sv = region_sv(m, w, r);
		ydot[dcg_ix_B(l, r)] = sv[DCG_SV_BASE_GROWTH] * y[dcg_ix_B(l, r)];
		dcg__invest_region(m, w, t, y, r, ydot);
		dcg__cohort_rhs(m, w, y, r, ydot);
	}
	for (size_t j = 0; j < J; j++)
		ydot[dcg_ix_Y(l, j)] = (w->cap_build[j] - y[dcg_ix_Y(l, j)]) / tp;
	return 0;
}

int dcg_model_rhs(const struct dcg_model *m, struct dcg_work *w, double t,
		  const double *y, double *ydot)
{
	int rc = dcg__model_eval(m, w, t, y, ydot);
	if (rc)
		return rc;
	/* A NaN or Inf is reported to the solver as recoverable first: a
	 * smaller step often avoids it; if not, CVODE fails and the caller
	 * names the component. */
	for (size_t i = 0; i < m->layout.n; i++)
		if (!isfinite(ydot[i]))
			return 1;
	return 0;
}

int dcg_model_quad(const struct dcg_model *m, struct dcg_work *w, double t,
		   const double *y, double *qdot)
{
	/* The integrands need the loads and the trade (imports), which the
	 * adequacy part of the evaluation gives; demand, orders and shares are
	 * not needed (CVODES evaluates the quadratures once per step). */
	w->adequacy_only = true;
	int rc = dcg__model_eval(m, w, t, y, NULL);
	w->adequacy_only = false;
	if (rc)
		return rc;
	const struct dcg_layout *l = &m->layout;
	for (size_t r = 0; r < m->R; r++) {
		double *q = &qdot[r * l->q_region_size];
		q[l->q_dc_energy] = 8.76 * w->fac_gw[r];
		q[l->q_consumption] = 0.0;
		q[l->q_unserved] = 0.0;
		q[l->q_emissions] = 0.0;
		if (!m->grid_enabled)
			continue;
		dcg__region_dispatch(m, w, t, y, r, NULL);
		q[l->q_consumption] = 8.76 * (y[dcg_ix_B(l, r)] + w->fac_gw[r]);
		q[l->q_unserved] = 8.76 * w->unserved[r];
		q[l->q_emissions] = w->emis[r];
		for (size_t j = 0; j < m->J; j++)
			q[l->q_generation + j] = 8.76 * w->gen[r * m->J + j];
	}
	return 0;
}
