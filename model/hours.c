/* A region's representative hours before trade (docs/model.md, "The grid by
 * the hour"). For each day d and hour h, with shapes b (load), c (data
 * centers) and kappa[j] (output over capacity):
 *
 *   load[h] = B b[h] + F c[h]                                   (GW)
 *   vre[h]  = sum_{j variable} kappa[j,h] G[j]
 *   mr[h]   = sum_{j must-run} kappa[j,h] G[j]      (nuclear: outages in its profile)
 *   n0[h]   = load[h] - vre[h] - mr[h]
 *   hydro:   budget E_d = sum_h kappa[hydro,h] G (inflow), of which a share
 *            min_output runs flat and the rest shaves the peaks of n0 with
 *            power G - that flat part (storage.h, dcg__budget_day)
 *   storage: the technologies of kind storage pooled (power sum G, energy
 *            sum G duration, efficiency energy-weighted) shave the day's
 *            peaks of n0 - hydro (storage.h, dcg__shave_day)
 *   net[h]  = load - vre - mr - hydro - discharge + charge
 *   Cn      = sum_{j thermal} G[j];  A = sum_{j thermal} (1 - FOR[j]) G[j]
 *
 * net is what the thermal fleet (whose random outages adequacy.c measures)
 * and imports must cover. Cost O(D 24 J) per region, no allocation.
 */
#include <math.h>

#include "dcgrid/model.h"
#include "hours.h"
#include "model_internal.h"
#include "smooth.h"
#include "storage.h"

void dcg__region_hours(const struct dcg_model *m, struct dcg_work *w,
		       const double *y, size_t r)
{
	const struct dcg_layout *l = &m->layout;
	const struct dcg_region *rg = &m->regions[r];
	size_t J = m->J, H = w->H;
	double B = y[dcg_ix_B(l, r)], F = w->fac_gw[r];
	double *load = &w->load_h[r * H], *net = &w->net_h[r * H];
	double *hyd = &w->hyd_h[r * H], *dis = &w->dis_h[r * H],
	       *chg = &w->chg_h[r * H];

	double cn = 0.0, avail = 0.0, sp = 0.0, se = 0.0, see = 0.0,
	       hp = 0.0, hmin = 0.0;
	for (size_t j = 0; j < J; j++) {
		const struct dcg_tech *tj = &m->techs[j];
		double G = y[dcg_ix_G(l, r, j)];
		switch (tj->kind) {
		case DCG_TECH_THERMAL:
			cn += G;
			avail += (1.0 - tj->forced_outage_rate) * G;
			break;
		case DCG_TECH_STORAGE:
			sp += G;
			se += G * tj->duration_h;
			see += G * tj->duration_h * tj->efficiency;
			break;
		case DCG_TECH_HYDRO:
			hp += G;
			hmin += G * tj->min_output;
			break;
		case DCG_TECH_VARIABLE:
		case DCG_TECH_MUST_RUN:
			break;
		}
	}
	w->cn[r] = cn;
	w->avail[r] = avail;
	double eta = se > 0.0 ? see / se : 1.0;
	double hmin_share = hp > 0.0 ? hmin / hp : 0.0;

	/* Load less variable and must-run output, hour by hour. */
	for (size_t i = 0; i < H; i++) {
		load[i] = B * rg->load_shape[i] + F * rg->dc_shape[i];
		net[i] = load[i];
	}
	for (size_t j = 0; j < J; j++) {
		enum dcg_tech_kind kd = m->techs[j].kind;
		if (kd != DCG_TECH_VARIABLE && kd != DCG_TECH_MUST_RUN)
			continue;
		double G = y[dcg_ix_G(l, r, j)];
		const double *kap = &rg->cf_shape[j * H];
		for (size_t i = 0; i < H; i++)
			net[i] -= kap[i] * G;
	}

	double mean_load = 0.0;
	for (size_t i = 0; i < H; i++)
		mean_load += load[i];
	mean_load /= (double)H;
	double s = DCG_SMOOTH_REL * fmax(mean_load, 1e-9);

	for (size_t d = 0; d < m->D; d++) {
		size_t o = d * DCG_HOURS;
		/* Hydro: the day's inflow, a flat minimum and the rest on the
		 * peaks. */
		for (size_t h = 0; h < DCG_HOURS; h++)
			hyd[o + h] = 0.0;
		if (hp > 0.0) {
			double budget = 0.0;
			for (size_t j = 0; j < J; j++) {
				if (m->techs[j].kind != DCG_TECH_HYDRO)
					continue;
				double G = y[dcg_ix_G(l, r, j)];
				const double *kap = &rg->cf_shape[j * H + o];
				for (size_t h = 0; h < DCG_HOURS; h++)
					budget += kap[h] * G;
			}
			double flat = hmin_share * budget / DCG_HOURS;
			double tmp[DCG_HOURS], out[DCG_HOURS];
			for (size_t h = 0; h < DCG_HOURS; h++)
				tmp[h] = net[o + h] - flat;
			dcg__budget_day(tmp, DCG_HOURS, fmax(hp - flat, 0.0),
					(1.0 - hmin_share) * budget, s, out);
			for (size_t h = 0; h < DCG_HOURS; h++) {
				hyd[o + h] = flat + out[h];
				net[o + h] -= hyd[o + h];
			}
		}
		/* Storage on what is left. */
		dcg__shave_day(&net[o], DCG_HOURS, sp, se, eta, s, &dis[o], &chg[o]);
		for (size_t h = 0; h < DCG_HOURS; h++)
			net[o + h] += chg[o + h] - dis[o + h];
	}
}
