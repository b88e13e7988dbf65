/* Derived series: what planners read, computed from the state at one time.
 *
 *   IT load [GW] = sum_k W u / 1000;  facility load F = IT * PUE
 *   energy [TWh/yr] = 8.76 F;  standard racks = sum_k W * 1000 / 2.5 kW
 *   demand [GW] = B + F;  peak = pfB B + pfDC F;  RM = (firm + imp - peak)/peak
 * Cumulative series are the solver's quadratures.
 */
#include "dcgrid/model.h"
#include "hours.h"
#include "model_internal.h"
#include "planning.h"

/* China's official "standard rack" is 2.5 kW of IT capacity. */
#define DCG_STANDARD_RACK_KW 2.5

int dcg_model_derive(const struct dcg_model *m, struct dcg_work *w, double t,
		     const double *y, const double *q, double *const *out)
{
	const struct dcg_layout *l = &m->layout;
	size_t R = m->R, K = m->K, J = m->grid_enabled ? m->J : 0;
	int rc = dcg__model_eval(m, w, t, y, NULL);
	if (rc)
		return rc;
	double *o;
	for (size_t r = 0; r < R; r++) {
		double w_mw = 0.0;
		for (size_t k = 0; k < K; k++) {
			size_t rk = r * K + k;
			if ((o = out[DCG_SER_RACKS]))
				o[rk] = y[dcg_ix_N(l, r, k)];
			if ((o = out[DCG_SER_RACKS_PIPELINE]))
				o[rk] = y[dcg_ix_P(l, r, k)];
			if ((o = out[DCG_SER_IT_CAPACITY]))
				o[rk] = y[dcg_ix_W(l, r, k)];
			if ((o = out[DCG_SER_COMPUTE]))
				o[rk] = y[dcg_ix_C(l, r, k)];
			if ((o = out[DCG_SER_ORDERS]))
				o[rk] = y[dcg_ix_X(l, k)] * w->orders[rk];
			w_mw += y[dcg_ix_W(l, r, k)];
		}
		if ((o = out[DCG_SER_IT_LOAD]))
			o[r] = w->it_gw[r];
		if ((o = out[DCG_SER_FACILITY_LOAD]))
			o[r] = w->fac_gw[r];
		if ((o = out[DCG_SER_ENERGY]))
			o[r] = 8.76 * w->fac_gw[r];
		if ((o = out[DCG_SER_PUE]))
			o[r] = y[dcg_ix_pue(l, r)];
		if ((o = out[DCG_SER_STANDARD_RACKS]))
			o[r] = w_mw * 1000.0 / DCG_STANDARD_RACK_KW;
		if ((o = out[DCG_SER_DEMAND_SHARE]))
			o[r] = y[dcg_ix_share(l, r)] * w->share_scale;
		if ((o = out[DCG_SER_CUM_DC_ENERGY]))
			o[r] = q[r * l->q_region_size + l->q_dc_energy];
	}
	double dsum = 0.0;
	for (size_t s = 0; s < m->S; s++) {
		dsum += y[dcg_ix_D(l, s)];
		if ((o = out[DCG_SER_SEGMENT_DEMAND]))
			o[s] = y[dcg_ix_D(l, s)];
	}
	if ((o = out[DCG_SER_COMPUTE_DEMAND]))
		o[0] = dsum;
	for (size_t k = 0; k < K; k++)
		if ((o = out[DCG_SER_SUPPLY_CAP]))
			o[k] = y[dcg_ix_X(l, k)];
	if (!m->grid_enabled)
		return 0;
	for (size_t r = 0; r < R; r++) {
		dcg__region_dispatch(m, w, t, y, r, NULL);
		const double *qr = &q[r * l->q_region_size];
		double B = y[dcg_ix_B(l, r)];
		if ((o = out[DCG_SER_BASE_DEMAND]))
			o[r] = B;
		if ((o = out[DCG_SER_DEMAND]))
			o[r] = B + w->fac_gw[r];
		if ((o = out[DCG_SER_PEAK_DEMAND]))
			o[r] = w->peak[r];
		if ((o = out[DCG_SER_FIRM_CAPACITY]))
			o[r] = w->firm[r];
		if ((o = out[DCG_SER_RESERVE_MARGIN]))
			o[r] = w->rm[r];
		if ((o = out[DCG_SER_NET_IMPORT]))
			o[r] = w->imp[r];
		if ((o = out[DCG_SER_UNSERVED]))
			o[r] = w->unserved[r];
		if ((o = out[DCG_SER_PRICE_INDEX]))
			o[r] = w->price[r];
		if ((o = out[DCG_SER_EMISSIONS]))
			o[r] = w->emis[r];
		if ((o = out[DCG_SER_CONNECTION_GATE]))
			o[r] = w->gate[r];
		if ((o = out[DCG_SER_CUM_UNSERVED]))
			o[r] = qr[l->q_unserved];
		if ((o = out[DCG_SER_CUM_EMISSIONS]))
			o[r] = qr[l->q_emissions];
		if ((o = out[DCG_SER_NET_PEAK]))
			o[r] = w->netpeak[r];
		if (out[DCG_SER_LOLE] || out[DCG_SER_EUE]) {
			double lole = w->lole[r], eue = w->eue[r];
			if (!dcg__needs_lole(m))
				dcg__region_lole(m, w, y, r, &lole, &eue, NULL);
			if ((o = out[DCG_SER_LOLE]))
				o[r] = lole;
			if ((o = out[DCG_SER_EUE]))
				o[r] = eue;
		}
		if ((o = out[DCG_SER_STORAGE_CHARGE]))
			o[r] = w->charge[r];
		if ((o = out[DCG_SER_CURTAILMENT_TOTAL]))
			o[r] = w->curt_total[r];
		if ((o = out[DCG_SER_CAPACITY_CREDIT])) {
			double sp = 0.0, hp = 0.0;
			for (size_t j = 0; j < J; j++) {
				if (m->techs[j].kind == DCG_TECH_STORAGE)
					sp += y[dcg_ix_G(l, r, j)];
				else if (m->techs[j].kind == DCG_TECH_HYDRO)
					hp += y[dcg_ix_G(l, r, j)];
			}
			for (size_t j = 0; j < J; j++) {
				const struct dcg_tech *tj = &m->techs[j];
				double c = w->credit[r * J + j];
				if (tj->kind == DCG_TECH_THERMAL)
					c = 1.0 - tj->forced_outage_rate;
				else if (tj->kind == DCG_TECH_STORAGE)
					c = sp > 0.0 ? w->stor_crit[r] / sp : 0.0;
				else if (tj->kind == DCG_TECH_HYDRO)
					c = hp > 0.0 ? w->hyd_crit[r] / hp : 0.0;
				o[r * J + j] = c;
			}
		}
		dcg__invest_region(m, w, t, y, r, NULL);
		for (size_t j = 0; j < J; j++) {
			size_t rj = r * J + j;
			if ((o = out[DCG_SER_INVESTMENT]))
				o[rj] = w->invest[rj];
			if ((o = out[DCG_SER_UNMET_INVESTMENT]))
				o[rj] = w->unmet[rj];
			if ((o = out[DCG_SER_RETIREMENTS]))
				o[rj] = w->retire[rj];
			if ((o = out[DCG_SER_CLOSURES]))
				o[rj] = w->close[rj];
			if ((o = out[DCG_SER_CAPACITY_APPROVAL]))
				o[rj] = y[dcg_ix_App(l, r, j)];
			if ((o = out[DCG_SER_CAPACITY]))
				o[rj] = y[dcg_ix_G(l, r, j)];
			if ((o = out[DCG_SER_CAPACITY_PIPELINE]))
				o[rj] = y[dcg_ix_Q(l, r, j)];
			if ((o = out[DCG_SER_GENERATION]))
				o[rj] = w->gen[rj];
			if ((o = out[DCG_SER_CURTAILMENT]))
				o[rj] = w->curt[rj];
			/* GW average x 8.76 = TWh/yr; TWh x GJ/MWh = PJ. */
			if ((o = out[DCG_SER_FUEL]))
				o[rj] = w->gen[rj] * 8.76 * m->techs[j].heat_rate;
		}
	}
	/* Corridors: the day-weighted mean flow (GW average). */
	for (size_t c = 0; c < m->L; c++) {
		double f = 0.0;
		for (size_t d = 0; d < m->D; d++)
			for (size_t h = 0; h < DCG_HOURS; h++)
				f += m->day_weight[d] / 365.0 / DCG_HOURS *
				     w->flow_h[c * w->H + d * DCG_HOURS + h];
		w->flow[c] = f;
		if ((o = out[DCG_SER_FLOW]))
			o[c] = f;
	}
	return 0;
}
