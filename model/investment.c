/* Investment in generation: how much, held by build caps, through approval
 * and construction (docs/model.md, "Planning").
 *
 * Planners build for the load they expect at the critical hours one lead
 * time ahead and replace what retires, counting what is in approval and
 * under construction as coming, but only beyond what replacement keeps in
 * those stages (the supply-line correction: in a steady state the pipeline
 * only replaces retirements, so counting all of it as new firm capacity let
 * the margin settle at (1 + RMtarget)/(1 + tau/L) - 1, about 5 % instead of
 * 15 % for gas with tau = 4 yr, L = 40 yr). Per region r, technologies i, j,
 * with cc[i] the planning credit (below) and the critical-hour sums of
 * adequacy.c (NP net load, LP load, imp imports, A the available firm
 * fleet, bpk and cpk the load and data-center shapes there):
 *
 *   ret[i]    retirements of i (cohorts.c, GW/yr)
 *   repl      = sum_i cc[i] ret[i]                             (GW/yr firm)
 *   h         = tau_inv + sum_j mix[j] (tau_app[j] + tau[j])   (yr)
 *   dload     = bpk dB/dt + cpk dF/dt                          (GW/yr)
 *   want_firm = NP + RMtarget LP + (1 + RMtarget) h dload - imp
 *               + sum_i cc[i] (tau_app[i] + tau[i]) ret[i]       (GW)
 *   short     = want_firm - A - sum_i cc[i] (Q[i] + App[i])     (GW)
 *   desired[j] = mix[j] (repl + pos(short)/tau_inv) / cc[j]    (GW/yr)
 *
 * MODEL.md's form uses G/L for the retirements; with age cohorts the
 * actual retirement flow takes its place (the two agree in a steady state).
 * Build caps (GW/yr) hold desired investment back, regionally at once and
 * nationally through a perceived factor Y[j] (a state, like the data
 * centers' supply-cap factor, so that regions couple only through it):
 *
 *   capR[j]   = capfactor(desired[j], limit[r,j](t))
 *   dY[j]/dt  = (capfactor(sum_r capR desired, S[j](t)) - Y[j]) / tau_p
 *   invest[j] = Y[j] capR[j] desired[j],   unmet[j] = desired[j] - invest[j]
 *
 * capfactor(o, s) = s/(o^8 + s^8)^(1/8). What is admitted passes through
 * approval (when tau_app > 0) and construction:
 *
 *   dApp/dt = invest - App/tau_app,  dQ/dt = App/tau_app - Q/tau
 *   (tau_app = 0: App stays 0 and dQ/dt = invest - Q/tau)
 *
 * and enters service at start = Q/tau (cohorts.c). Unmet investment is not
 * queued: the shortfall that caused it persists and asks again.
 */
#include <math.h>

#include "adequacy.h"
#include "dcgrid/model.h"
#include "model_internal.h"
#include "planning.h"
#include "smooth.h"

double dcg__planning_credit(const struct dcg_model *m,
			    const struct dcg_work *w, size_t r, size_t j)
{
	const struct dcg_tech *tj = &m->techs[j];
	switch (tj->kind) {
	case DCG_TECH_THERMAL:
		return 1.0 - tj->forced_outage_rate;
	case DCG_TECH_VARIABLE:
	case DCG_TECH_MUST_RUN:
		return w->credit[r * m->J + j];
	case DCG_TECH_HYDRO:
	case DCG_TECH_STORAGE:
		break;
	}
	return m->regions[r].capacity_credit[j];
}

/* The firm capacity region r's planners want beyond the available fleet
 * and its pipelines' cover (before the pipelines), with the replacement
 * flow (repl) and the supply line kept for it (line, inside the result):
 * want_firm - A above. */
static double want_firm(const struct dcg_model *m, const struct dcg_work *w,
			size_t r, double dload, const double *mix, double *repl)
{
	const struct dcg_grid_params *gp = &m->grid;
	size_t J = m->J;
	double rp = 0.0, line = 0.0, h = gp->invest_time_yr;
	for (size_t i = 0; i < J; i++) {
		const struct dcg_tech *ti = &m->techs[i];
		double cc = dcg__planning_credit(m, w, r, i), ret = w->retire[r * J + i];
		double lead = ti->approval_time_yr + ti->lead_time_yr;
		rp += cc * ret;
		line += cc * lead * ret;
		h += mix[i] * lead;
	}
	*repl = rp;
	return w->netpeak[r] + gp->reserve_target * w->loadpeak[r] +
	       (1.0 + gp->reserve_target) * h * dload - w->imp[r] + line - w->avail[r];
}

void dcg__invest_desired(const struct dcg_model *m, struct dcg_work *w,
			 double t, const double *y, size_t r, double dload,
			 const double *mix)
{
	const struct dcg_layout *l = &m->layout;
	const struct dcg_region *rg = &m->regions[r];
	const struct dcg_grid_params *gp = &m->grid;
	size_t J = m->J;
	double repl, cover = 0.0;
	double wf = want_firm(m, w, r, dload, mix, &repl);
	for (size_t i = 0; i < J; i++)
		cover += dcg__planning_credit(m, w, r, i) *
			 (y[dcg_ix_Q(l, r, i)] + y[dcg_ix_App(l, r, i)]);
	double shortfall = wf - cover;
	double want = repl + dcg__pos(shortfall, DCG_SMOOTH_REL * w->loadpeak[r]) /
				     gp->invest_time_yr;
	for (size_t j = 0; j < J; j++) {
		size_t rj = r * J + j;
		double d = mix[j] * want / fmax(dcg__planning_credit(m, w, r, j), 1e-3);
		double lim = fmax(dcg_schedule_eval(&rg->build_limit_gw_per_yr[j], t), 0.0);
		w->desired[rj] = d;
		/* The regionally capped amount, until dcg__invest_region. */
		w->invest[rj] = d * dcg__cap_factor(d, lim);
		w->invest_nat[j] += w->invest[rj];
	}
}

void dcg__invest_national(const struct dcg_model *m, struct dcg_work *w,
			  double t)
{
	for (size_t j = 0; j < m->J; j++) {
		const struct dcg_tech *tj = &m->techs[j];
		w->cap_build[j] = tj->has_build_limit
					  ? dcg__cap_factor(w->invest_nat[j],
							    fmax(dcg_schedule_eval(&tj->build_limit, t),
								 0.0))
					  : 1.0;
	}
}

void dcg__invest_region(const struct dcg_model *m, struct dcg_work *w,
			double t, const double *y, size_t r, double *ydot)
{
	const struct dcg_layout *l = &m->layout;
	size_t J = m->J;
	for (size_t j = 0; j < J; j++) {
		const struct dcg_tech *tj = &m->techs[j];
		size_t rj = r * J + j;
		double Y = tj->has_build_limit ? y[dcg_ix_Y(l, j)] : 1.0;
		double built = Y * w->invest[rj];
		double Q = y[dcg_ix_Q(l, r, j)], App = y[dcg_ix_App(l, r, j)];
		w->invest[rj] = built;
		w->unmet[rj] = w->desired[rj] - built;
		w->start[rj] = Q / tj->lead_time_yr;
		if (!ydot)
			continue;
		double into_q = built;
		if (tj->approval_time_yr > 0.0) {
			into_q = App / tj->approval_time_yr;
			ydot[dcg_ix_App(l, r, j)] = built - into_q;
		} else {
			ydot[dcg_ix_App(l, r, j)] = 0.0;
		}
		ydot[dcg_ix_Q(l, r, j)] = into_q - Q / tj->lead_time_yr;
	}
	(void)t;
}

void dcg__invest_initial(const struct dcg_model *m, struct dcg_work *w,
			 size_t r, double *y)
{
	const struct dcg_layout *l = &m->layout;
	const struct dcg_region *rg = &m->regions[r];
	const struct dcg_grid_params *gp = &m->grid;
	size_t J = m->J;
	/* The normalised mix at t0, in the scratch the next evaluation
	 * overwrites. */
	double t0 = m->t0, mixsum = 0.0, *mix = &w->desired[r * J];
	for (size_t j = 0; j < J; j++) {
		mix[j] = fmax(dcg_schedule_eval(&rg->mix[j], t0), 0.0);
		mixsum += mix[j];
	}
	for (size_t j = 0; j < J; j++)
		mix[j] = mixsum > 0.0 ? mix[j] / mixsum : 0.0;
	double dload = w->bpeak[r] * dcg_schedule_eval(&rg->base_growth, t0) *
			       y[dcg_ix_B(l, r)] +
		       w->cpeak[r] * w->dfac[r];
	/* The shortfall without the pipelines left to this function (S0), the
	 * replacement (repl) and the lead time of the mix over them (H). */
	double repl, H = 0.0;
	double s0 = want_firm(m, w, r, dload, mix, &repl);
	for (size_t j = 0; j < J; j++) {
		const struct dcg_tech *tj = &m->techs[j];
		if (rg->pipeline_gw[j] < 0.0)
			H += mix[j] * (tj->approval_time_yr + tj->lead_time_yr);
		else
			s0 -= dcg__planning_credit(m, w, r, j) * rg->pipeline_gw[j];
	}
	/* The rule's flow with these pipelines at tau x flow: want = repl +
	 * (S0 - want H)/tau_inv where that is positive. */
	double tau = gp->invest_time_yr;
	double want = s0 - repl * H > 0.0 ? (repl * tau + s0) / (tau + H) : repl;
	for (size_t j = 0; j < J; j++) {
		const struct dcg_tech *tj = &m->techs[j];
		double flow = mix[j] * want / fmax(dcg__planning_credit(m, w, r, j), 1e-3);
		/* Within the regional build limit (the national one couples the
		 * regions and is left out). */
		flow *= dcg__cap_factor(flow, fmax(dcg_schedule_eval(&rg->build_limit_gw_per_yr[j], t0),
						   0.0));
		double q = rg->pipeline_gw[j];
		y[dcg_ix_Q(l, r, j)] = q < 0.0 ? tj->lead_time_yr * flow : q;
		y[dcg_ix_App(l, r, j)] = q < 0.0 ? tj->approval_time_yr * flow : 0.0;
	}
}
