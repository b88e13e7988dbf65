/* Energy by the hour in merit order (docs/model.md, "Dispatch by the hour").
 *
 * After trade the thermal fleet must cover net[h] - imp[h] (hours.c: net is
 * the load less variable, must-run, hydro and storage output;
 * corridors.c). Each thermal technology runs at least its minimum
 * m_j A_j (min_output: minimum stable generation, heat-led plants), with
 * A_j = (1 - FOR_j) G_j; the rest splits into what thermal plants serve
 * above their minimum and a surplus,
 *
 *   x = net - imp - sum m_j A_j,   need = hinge(x),   surplus = hinge(-x)
 *
 * (hinge(x) - hinge(-x) = x exactly, smooth.h). Thermal technologies take
 * the need in order of variable cost (schedules at t), each up to the rest
 * of its available capacity: g = m_j A_j + min0(rest, (1 - m_j) A_j); what
 * is left is unserved energy. The surplus is curtailed: variable output first, in
 * proportion to it, the remainder from must-run output (spill). So for
 * every hour, to round-off,
 *
 *   sum_j gen[j] + discharge - charge + imports + unserved = load.
 *
 * Generation, curtailment, unserved energy and emissions (gen x EF) are
 * day-weighted means over the hours (GW; x 8.76 gives TWh/yr).
 */
#include <math.h>

#include "dcgrid/model.h"
#include "hours.h"
#include "model_internal.h"
#include "smooth.h"

/* Thermal technologies in merit order at t into w->merit; returns how
 * many. Insertion sort: J is a handful. */
static size_t merit_order(const struct dcg_model *m, struct dcg_work *w,
			  double t)
{
	size_t n = 0;
	for (size_t j = 0; j < m->J; j++) {
		if (m->techs[j].kind != DCG_TECH_THERMAL)
			continue;
		double cj = m->techs[j].variable_cost.n
				    ? dcg_schedule_eval(&m->techs[j].variable_cost, t)
				    : 0.0;
		w->merit_cost[j] = cj;
		size_t i = n++;
		while (i > 0 && w->merit_cost[w->merit[i - 1]] > cj) {
			w->merit[i] = w->merit[i - 1];
			i--;
		}
		w->merit[i] = j;
	}
	return n;
}

/* The share of a surplus a that an output b takes: min(a, b), smooth,
 * never more than b, and 0 when b is 0. */
static inline double take(double a, double b)
{
	return b > 0.0 ? dcg__min_below(a, b, DCG_SMOOTH_REL * b) : 0.0;
}

void dcg__region_dispatch(const struct dcg_model *m, struct dcg_work *w,
			  double t, const double *y, size_t r,
			  const struct dcg__hourly_out *out)
{
	const struct dcg_layout *l = &m->layout;
	const struct dcg_region *rg = &m->regions[r];
	size_t J = m->J, H = w->H;
	const double *net = &w->net_h[r * H], *imp = &w->imp_h[r * H];
	const double *load = &w->load_h[r * H], *hyd = &w->hyd_h[r * H];
	const double *dis = &w->dis_h[r * H], *chg = &w->chg_h[r * H];
	double *gen = &w->gen[r * J], *curt = &w->curt[r * J];
	size_t nth = merit_order(m, w, t);
	double tmin = 0.0;
	for (size_t n = 0; n < nth; n++) {
		size_t j = w->merit[n];
		tmin += m->techs[j].min_output * (1.0 - m->techs[j].forced_outage_rate) *
			y[dcg_ix_G(l, r, j)];
	}

	double sp = 0.0, hp = 0.0;
	for (size_t j = 0; j < J; j++) {
		gen[j] = curt[j] = 0.0;
		double G = y[dcg_ix_G(l, r, j)];
		if (m->techs[j].kind == DCG_TECH_STORAGE)
			sp += G * m->techs[j].duration_h;
		else if (m->techs[j].kind == DCG_TECH_HYDRO)
			hp += G;
	}
	double uns = 0.0, cdis = 0.0, cchg = 0.0, ctot = 0.0;
	double mean_load = 0.0;
	for (size_t i = 0; i < H; i++)
		mean_load += load[i];
	double s = DCG_SMOOTH_REL * fmax(mean_load / (double)H, 1e-9);

	for (size_t d = 0; d < m->D; d++) {
		double wd = m->day_weight[d] / 365.0 / DCG_HOURS;
		for (size_t h = 0; h < DCG_HOURS; h++) {
			size_t i = d * DCG_HOURS + h;
			double mr = 0.0, vre = 0.0;
			for (size_t j = 0; j < J; j++) {
				enum dcg_tech_kind kd = m->techs[j].kind;
				double o = rg->cf_shape[j * H + i] * y[dcg_ix_G(l, r, j)];
				if (kd == DCG_TECH_MUST_RUN)
					mr += o;
				else if (kd == DCG_TECH_VARIABLE)
					vre += o;
			}
			double x = net[i] - imp[i] - tmin;
			double need = dcg__hinge(x, s), surplus = dcg__hinge(-x, s);
			/* Curtailment: variable output first, then must-run,
			 * then hydro is spilled, then thermal plants run below
			 * their minimum; each share stays within its output. */
			double cv = take(surplus, vre);
			double rem = surplus - cv;
			double cm = take(rem, mr);
			rem -= cm;
			double ch = take(rem, hyd[i]);
			double ct = rem - ch;
			/* A surplus past every output (more imports and
			 * discharge than the hour can use) stays in the
			 * balance on the last stage that produces. */
			if (!(tmin > 0.0)) {
				if (hyd[i] > 0.0)
					ch += ct;
				else if (mr > 0.0)
					cm += ct;
				else
					cv += ct;
				ct = 0.0;
			}
			double fv = vre > 0.0 ? cv / vre : 0.0;
			double fm = mr > 0.0 ? cm / mr : 0.0;
			double fh = hyd[i] > 0.0 ? ch / hyd[i] : 0.0;
			double ft = tmin > 0.0 ? ct / tmin : 0.0;
			for (size_t j = 0; j < J; j++) {
				const struct dcg_tech *tj = &m->techs[j];
				double G = y[dcg_ix_G(l, r, j)], g = 0.0, c = 0.0;
				switch (tj->kind) {
				case DCG_TECH_VARIABLE:
					g = rg->cf_shape[j * H + i] * G;
					c = g * fv;
					g -= c;
					break;
				case DCG_TECH_MUST_RUN:
					g = rg->cf_shape[j * H + i] * G;
					c = g * fm;
					g -= c;
					break;
				case DCG_TECH_HYDRO:
					g = hp > 0.0 ? hyd[i] * G / hp : 0.0;
					c = g * fh;
					g -= c;
					break;
				case DCG_TECH_STORAGE:
					g = sp > 0.0 ? dis[i] * G * tj->duration_h / sp : 0.0;
					break;
				case DCG_TECH_THERMAL:
					continue;
				}
				gen[j] += wd * g;
				curt[j] += wd * c;
				if (out && out->gen)
					out->gen[j * H + i] = g;
			}
			double rest = need;
			for (size_t n = 0; n < nth; n++) {
				size_t j = w->merit[n];
				const struct dcg_tech *tj = &m->techs[j];
				double A = (1.0 - tj->forced_outage_rate) *
					   y[dcg_ix_G(l, r, j)];
				double g = dcg__min0(rest, (1.0 - tj->min_output) * A, s);
				rest -= g;
				double gm = tj->min_output * A;
				curt[j] += wd * gm * ft;
				g += gm * (1.0 - ft);
				gen[j] += wd * g;
				if (out && out->gen)
					out->gen[j * H + i] = g;
			}
			uns += wd * rest;
			cdis += wd * dis[i];
			cchg += wd * chg[i];
			ctot += wd * surplus;
			if (out && out->curt)
				out->curt[i] = surplus;
			if (out && out->unserved)
				out->unserved[i] = rest;
			if (out && out->charge)
				out->charge[i] = chg[i];
		}
	}
	double emis = 0.0;
	for (size_t j = 0; j < J; j++)
		/* GW average x 8.76 = TWh/yr; TWh x t/MWh = Mt. */
		emis += gen[j] * 8.76 * m->techs[j].emission_factor;
	w->unserved[r] = uns;
	w->emis[r] = emis;
	w->charge[r] = cchg;
	w->discharge[r] = cdis;
	w->curt_total[r] = ctot;
}
