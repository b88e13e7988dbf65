/* Adequacy as planners measure it (docs/model.md, "Adequacy").
 *
 * Reserve margin at the critical hours. With z[h] = net[h] - imp[h] the need
 * on the firm fleet (hours.c, corridors.c) and A its average availability,
 * the hourly margin over the load is m[h] = (A - z[h]) / load[h]; the
 * region's reserve margin is its smooth minimum over the year's hours,
 *
 *   RM = sum_h m[h] e^(-m[h]/tau) / sum_h e^(-m[h]/tau)     (tau: peak_smoothing)
 *
 * and the same weights give the net peak, the load and the imports at the
 * critical hours and each technology's capacity credit there (variable:
 * its output per GW; hydro and storage: their net output per GW). With one
 * flat hour this is the first model's (firm + imp - peak) / peak.
 *
 * Loss of load. The outage O of the thermal fleet (capacity Cn = sum G, forced-outage rates FOR, unit sizes u) has mean
 * mu = sum FOR G, variance v = sum FOR (1 - FOR) u G and third central
 * moment m3 = sum FOR (1 - FOR) (1 - 2 FOR) u^2 G; it is taken as a shifted
 * gamma with those three moments: shape k = 4 v^3 / m3^2, scale
 * theta = m3 / (2 v), shift mu - k theta. Then, with c[h] = Cn - z[h] the
 * capacity that may fail before load is lost,
 *
 *   LOLP[h] = P(O > c[h]) = Q(k, (c[h] - shift)/theta)
 *   EUE     = sum_d w_d sum_h theta (k Q(k + 1, a) - a Q(k, a)),  a = (c - shift)/theta
 *   LOLE    = sum_d w_d sum_h LOLP[h]                  (h/yr; EUE in GWh/yr)
 *
 * (Q the regularised upper incomplete gamma function, from R's standalone
 * math library.) The hour's load is uncertain too (forecast, weather): a
 * normal deviation of sd load_uncertainty x load[h] adds its variance to v
 * (and nothing to m3), so k and theta are the hour's. Without variance the outage is its mean and LOLP a step;
 * with m3 <= 0 (outage rates of 0.5 or more) a normal distribution is used.
 */
#include <math.h>

#define MATHLIB_STANDALONE 1
#include <Rmath.h>

#include "dcgrid/model.h"
#include "hours.h"
#include "model_internal.h"

/* Hours whose spare capacity lies this many standard deviations (and, for
 * the gamma, 40 scale units more) beyond the mean outage have a loss-of-
 * load probability below 1e-17 and are skipped. */
#define DCG_LOLP_TAIL_SD 12.0

void dcg__region_margin(const struct dcg_model *m, struct dcg_work *w, size_t r)
{
	const struct dcg_region *rg = &m->regions[r];
	size_t H = w->H, J = m->J;
	const double *load = &w->load_h[r * H], *net = &w->net_h[r * H];
	const double *imp = &w->imp_h[r * H];
	double A = w->avail[r], tau = m->grid.peak_smoothing;
	double mmin = INFINITY;
	for (size_t i = 0; i < H; i++) {
		double mi = load[i] > 0.0 ? (A - net[i] + imp[i]) / load[i] : 0.0;
		mmin = fmin(mmin, mi);
	}
	double sw = 0.0, sm = 0.0, sn = 0.0, sl = 0.0, si = 0.0, sb = 0.0,
	       sc = 0.0, ss = 0.0, sh = 0.0;
	const double *hyd = &w->hyd_h[r * H], *dis = &w->dis_h[r * H],
		     *chg = &w->chg_h[r * H];
	double *cr = &w->credit[r * J];
	for (size_t j = 0; j < J; j++)
		cr[j] = 0.0;
	for (size_t i = 0; i < H; i++) {
		double mi = load[i] > 0.0 ? (A - net[i] + imp[i]) / load[i] : 0.0;
		double x = (mi - mmin) / tau;
		if (x > 40.0)
			continue;
		double e = exp(-x);
		sw += e;
		sm += e * mi;
		sn += e * net[i];
		sl += e * load[i];
		si += e * imp[i];
		sb += e * rg->load_shape[i];
		sc += e * rg->dc_shape[i];
		ss += e * (dis[i] - chg[i]);
		sh += e * hyd[i];
		for (size_t j = 0; j < J; j++)
			if (m->techs[j].kind == DCG_TECH_VARIABLE ||
			    m->techs[j].kind == DCG_TECH_MUST_RUN)
				cr[j] += e * rg->cf_shape[j * H + i];
	}
	w->rm[r] = sm / sw;
	w->netpeak[r] = sn / sw;
	w->loadpeak[r] = sl / sw;
	w->imppeak[r] = si / sw;
	w->bpeak[r] = sb / sw;
	w->cpeak[r] = sc / sw;
	w->stor_crit[r] = ss / sw;
	w->hyd_crit[r] = sh / sw;
	for (size_t j = 0; j < J; j++)
		cr[j] /= sw;
}

void dcg__region_lole(const struct dcg_model *m, const struct dcg_work *w,
		      const double *y, size_t r, double *lole_h, double *eue_gwh,
		      double *lolp)
{
	const struct dcg_layout *l = &m->layout;
	size_t H = w->H;
	const double *net = &w->net_h[r * H], *imp = &w->imp_h[r * H];
	double cn = 0.0, mu = 0.0, v = 0.0, m3 = 0.0;
	for (size_t j = 0; j < m->J; j++) {
		const struct dcg_tech *tj = &m->techs[j];
		if (tj->kind != DCG_TECH_THERMAL)
			continue;
		double G = y[dcg_ix_G(l, r, j)], q = tj->forced_outage_rate;
		double u = tj->unit_size_gw;
		cn += G;
		mu += q * G;
		v += q * (1.0 - q) * u * G;
		m3 += q * (1.0 - q) * (1.0 - 2.0 * q) * u * u * G;
	}
	const double *load = &w->load_h[r * H];
	double lu = m->grid.load_uncertainty;
	double lole = 0.0, eue = 0.0;
	for (size_t d = 0; d < m->D; d++) {
		double wd = m->day_weight[d];
		for (size_t h = 0; h < DCG_HOURS; h++) {
			size_t i = d * DCG_HOURS + h;
			double c = cn - (net[i] - imp[i]);
			double vh = v + lu * lu * load[i] * load[i];
			double sd = sqrt(vh);
			bool gamma = vh > 0.0 && m3 > 0.0;
			double k = gamma ? 4.0 * vh * vh * vh / (m3 * m3) : 0.0;
			double th = gamma ? m3 / (2.0 * vh) : 0.0;
			double shift = mu - k * th;
			double p = 0.0, e = 0.0;
			if (!(vh > 0.0)) {
				p = mu > c ? 1.0 : 0.0;
				e = fmax(mu - c, 0.0);
			} else if (gamma && k < 1e6) {
				double a = (c - shift) / th;
				if (a > k + DCG_LOLP_TAIL_SD * sqrt(k) + 40.0) {
					p = 0.0;
				} else if (a <= 0.0) {
					p = 1.0;
					e = mu - c;
				} else {
					p = pgamma(a, k, 1.0, 0, 0);
					e = th * (k * pgamma(a, k + 1.0, 1.0, 0, 0) - a * p);
				}
			} else if (c - mu <= DCG_LOLP_TAIL_SD * sd) {
				/* A shape past 1e6 is a normal distribution to
				 * within 1e-3 of its skew. */
				double zs = (c - mu) / sd;
				p = pnorm(zs, 0.0, 1.0, 0, 0);
				e = sd * dnorm(zs, 0.0, 1.0, 0) - (c - mu) * p;
			}
			if (lolp)
				lolp[i] = p;
			lole += wd * p;
			eue += wd * fmax(e, 0.0);
		}
	}
	*lole_h = lole;
	*eue_gwh = eue;
}
