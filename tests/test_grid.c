/* Suite "grid": the grid side and its coupling to the data centers.
 *
 * The fixtures have no hours section, so the grid is judged on one
 * peak-hour day (model.c, dcg_model_peak_day). On it the adequacy chain
 * (hourly net load, corridor flows that equalise the two ends'
 * utilisation, clipped at rating x availability, with losses; reserve
 * margin as the smooth minimum over the hours; gate, price) and the
 * merit-order dispatch are recomputed by hand from the header comments of
 * model/hours.c, corridors.c, adequacy.c and dispatch.c and compared at
 * 1e-12; corridors must conserve power (sent - lost = received), respect
 * their usable ratings and flow to the busier end; coupled zero-growth runs
 * must stay constant; the responses the model exists for must have the
 * right sign; switching a feedback off must change only what it feeds;
 * events and quadratures are checked against dense output of the same
 * run; the three linear solvers must agree on a 30-region ring.
 */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcgrid/synth.h"
#include "fixture.h"

/* Sizes of the hand-evaluation buffers below. */
#define HX_R 8
#define HX_J 3
#define HX_L 8

static struct dcg_result *solve_ok(const struct dcg_model *m)
{
	struct dcg_result *res = NULL;
	struct dcg_error err = {0};
	int rc = dcg_solve(m, NULL, &res, &err);
	if (rc)
		printf("\n  solve failed: %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_FATAL(res != NULL && res->complete);
	return res;
}

/* Finalizes a fixture whose parameters were changed after fx_model. The
 * peak-hour day is rebuilt first: dcg_model_finalize builds it only when a
 * model has no days yet, so a peak factor or capacity credit changed after
 * the first finalize would otherwise not reach the shapes. */
static void finalize_ok(struct dcg_model *m)
{
	struct dcg_error err = {0};
	if (m->grid_enabled)
		CU_ASSERT_EQUAL_FATAL(dcg_model_peak_day(m, &err), 0);
	int rc = dcg_model_finalize(m, &err);
	if (rc)
		printf("\n  finalize failed: %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

/* fx_model with the thermal technology's forced-outage rate at 1 - its
 * capacity credit (0.1): its available capacity A = (1 - FOR) G is then
 * the first model's firm capacity cc G, and the fixtures below keep the
 * margins they were built around. */
static struct dcg_model *gx_model(size_t R, size_t K, size_t S, size_t J, size_t L)
{
	struct dcg_model *m = fx_model(R, K, S, J, L);
	for (size_t j = 0; j < J; j++)
		if (m->techs[j].kind == DCG_TECH_THERMAL)
			m->techs[j].forced_outage_rate = 1.0 - m->techs[j].capacity_credit;
	finalize_ok(m);
	return m;
}

static double yat(const struct dcg_result *res, size_t i, size_t ix)
{
	return res->y[i * res->n + ix];
}

/* Entry k of series id at output row i. */
static double ser(const struct dcg_model *m, const struct dcg_result *res,
		  enum dcg_series_id id, size_t i, size_t k)
{
	return res->series[id][i * dcg_series_width(m, id) + k];
}

/* Output row of time t (the runs below use output steps that hit t). */
static size_t row_at(const struct dcg_result *res, double t)
{
	for (size_t i = 0; i < res->T; i++)
		if (fabs(res->time[i] - t) < 1e-9)
			return i;
	CU_FAIL_FATAL("no output row at the requested time");
	return 0;
}

/* Sum over classes of a (T, regions, hardware) series for region r. */
static double region_sum(const struct dcg_model *m, const struct dcg_result *res,
			 enum dcg_series_id id, size_t i, size_t r)
{
	double s = 0.0;
	for (size_t k = 0; k < m->K; k++)
		s += ser(m, res, id, i, r * m->K + k);
	return s;
}

/* The smooth helpers exactly as docs/model.md and the model's header
 * comments state them; written out here instead of including
 * model/smooth.h so that the hand computation shares no code with the
 * model. */
static double h_pos(double x, double s)
{
	if (x <= 0.0)
		return 0.0;
	return x < s ? x * x / (2.0 * s) : x - s / 2.0;
}

/* floor0: 0, 2x^2/s - x^3/s^2, x. */
static double h_floor0(double x, double s)
{
	if (x <= 0.0)
		return 0.0;
	if (x < s)
		return 2.0 * x * x / s - x * x * x / (s * s);
	return x;
}

/* min0(a, b; s) = a - floor0(a - b; s). */
static double h_min0(double a, double b, double s)
{
	return a - h_floor0(a - b, s);
}

/* hinge(x; s): 0 below -s, x above s, (x + s)^2 / (4 s) between. */
/* min_below(a, b; s) = a - floor0(a - b + 4s/27; s): never above b. */
static double h_min_below(double a, double b, double s)
{
	return a - h_floor0(a - b + 4.0 * s / 27.0, s);
}

static double h_hinge(double x, double s)
{
	if (x <= -s)
		return 0.0;
	if (x >= s)
		return x;
	return (x + s) * (x + s) / (4.0 * s);
}

static double h_logistic(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

/* Band width of the smooth helpers relative to their scale (docs: 1e-3). */
#define H_S 1e-3
#define H_HOURS 24

/* Everything the model's header comments say about the grid at one
 * (t, y), for models without an hours section: one peak-hour day
 * (model.c, dcg_model_peak_day) and no hydro or storage, so that a
 * region's net load is its load less variable and must-run output. */
struct hand {
	/* shapes of the peak-hour day (hour 0 and the 23 others) */
	double bshape[HX_R][H_HOURS], cshape[HX_R][H_HOURS];
	double kap[HX_R][HX_J][H_HOURS];
	double F[HX_R], load[HX_R][H_HOURS], net[HX_R][H_HOURS];
	double A[HX_R], imp_h[HX_R][H_HOURS];
	double flow_h[HX_L][H_HOURS], flow[HX_L], lost[HX_L];
	/* at the critical hours */
	double rm[HX_R], peak[HX_R], netpeak[HX_R], imp[HX_R];
	double gate[HX_R], price[HX_R];
	/* day means */
	double mean_load[HX_R], mean_imp[HX_R];
	double gen[HX_R * HX_J], curt[HX_R * HX_J], unserved[HX_R], emis[HX_R];
};

/* Corridor count at region r. */
static size_t h_degree(const struct dcg_model *m, size_t r)
{
	size_t d = 0;
	for (size_t c = 0; c < m->L; c++)
		d += m->corridors[c].from == r || m->corridors[c].to == r;
	return d;
}

static void hand_eval(const struct dcg_model *m, double t, const double *y,
		      struct hand *h)
{
	const struct dcg_layout *l = &m->layout;
	const struct dcg_grid_params *g = &m->grid;
	size_t J = m->J;
	CU_ASSERT_FATAL(m->R <= HX_R && J <= HX_J && m->L <= HX_L && m->D == 1);
	memset(h, 0, sizeof *h);
	for (size_t r = 0; r < m->R; r++) {
		const struct dcg_region *rg = &m->regions[r];
		/* The peak-hour day: hour 0 at the peak factors and capacity
		 * credits, the other 23 hours sharing the rest of the mean. */
		for (size_t i = 0; i < H_HOURS; i++) {
			h->bshape[r][i] = i ? fmax((24.0 - rg->peak_factor) / 23.0, 0.0)
					    : rg->peak_factor;
			h->cshape[r][i] = i ? fmax((24.0 - g->dc_peak_factor) / 23.0, 0.0)
					    : g->dc_peak_factor;
			for (size_t j = 0; j < J; j++) {
				double cc = rg->capacity_credit[j];
				double cf = m->techs[j].capacity_factor;
				h->kap[r][j][i] = i ? fmax((24.0 * cf - cc) / 23.0, 0.0) : cc;
			}
		}
		double it = 0.0;
		for (size_t k = 0; k < m->K; k++)
			it += y[dcg_ix_W(l, r, k)] * m->classes[k].utilisation / 1000.0;
		h->F[r] = it * y[dcg_ix_pue(l, r)];
		double B = y[dcg_ix_B(l, r)];
		for (size_t i = 0; i < H_HOURS; i++) {
			h->load[r][i] = B * h->bshape[r][i] + h->F[r] * h->cshape[r][i];
			h->net[r][i] = h->load[r][i];
			h->mean_load[r] += h->load[r][i] / H_HOURS;
		}
		for (size_t j = 0; j < J; j++) {
			const struct dcg_tech *tj = &m->techs[j];
			double G = y[dcg_ix_G(l, r, j)];
			CU_ASSERT_FATAL(tj->kind != DCG_TECH_HYDRO && tj->kind != DCG_TECH_STORAGE);
			if (tj->kind == DCG_TECH_THERMAL)
				h->A[r] += (1.0 - tj->forced_outage_rate) * G;
			else
				for (size_t i = 0; i < H_HOURS; i++)
					h->net[r][i] -= h->kap[r][j][i] * G;
		}
	}
	/* Corridors: the flow that equalises utilisation net / A, shared
	 * among the busier end's corridors, clipped at rating x availability;
	 * the receiver gets 1 - lambda of what is sent. */
	for (size_t c = 0; c < m->L; c++) {
		const struct dcg_corridor *cr = &m->corridors[c];
		size_t a = cr->from, b = cr->to;
		size_t da = h_degree(m, a), db = h_degree(m, b);
		double share = 1.0 / (double)(da > db ? da : db);
		double cap = fmax(dcg_schedule_eval(&cr->rating_gw, t) * cr->availability, 0.0);
		double s = H_S * fmax(cap, 1e-9);
		double lam = fmin(fmax(cr->loss_per_1000km * cr->length_km / 1000.0, 0.0), 1.0);
		for (size_t i = 0; i < H_HOURS; i++) {
			double Aa = h->A[a], Ab = h->A[b];
			double delta = Aa + Ab > 0.0 ? (h->net[b][i] * Aa - h->net[a][i] * Ab) /
							       (Aa + Ab) * share
						     : 0.0;
			/* Bounded by the rating and by the receiver's share
			 * of its own positive net load; exact saturation. */
			double hi = h_min_below(cap, share * h_pos(h->net[b][i], s), s);
			double lo = -h_min_below(cap, share * h_pos(h->net[a][i], s), s);
			double f = delta - h_pos(delta - hi + 0.5 * s, s) +
				   h_pos(lo + 0.5 * s - delta, s);
			double fp = h_hinge(f, H_S), fm = h_hinge(-f, H_S);
			h->flow_h[c][i] = f;
			h->flow[c] += f / H_HOURS;
			h->imp_h[a][i] -= fp - (1.0 - lam) * fm;
			h->imp_h[b][i] += (1.0 - lam) * fp - fm;
			h->lost[c] += lam * (fp + fm) / H_HOURS;
		}
	}
	for (size_t r = 0; r < m->R; r++) {
		const struct dcg_region *rg = &m->regions[r];
		/* Reserve margin: the smooth minimum of the hourly margins. */
		double mh[H_HOURS], mmin = INFINITY;
		for (size_t i = 0; i < H_HOURS; i++) {
			mh[i] = (h->A[r] - h->net[r][i] + h->imp_h[r][i]) / h->load[r][i];
			mmin = fmin(mmin, mh[i]);
		}
		double sw = 0.0, sm = 0.0, sl = 0.0, sn = 0.0, si = 0.0;
		for (size_t i = 0; i < H_HOURS; i++) {
			double e = exp(-(mh[i] - mmin) / g->peak_smoothing);
			sw += e;
			sm += e * mh[i];
			sl += e * h->load[r][i];
			sn += e * h->net[r][i];
			si += e * h->imp_h[r][i];
			h->mean_imp[r] += h->imp_h[r][i] / H_HOURS;
		}
		h->rm[r] = sm / sw;
		h->peak[r] = sl / sw;
		h->netpeak[r] = sn / sw;
		h->imp[r] = si / sw;
		h->gate[r] = g->gate_enabled
				     ? h_logistic((h->rm[r] - rg->reserve_min) / g->gate_width)
				     : 1.0;
		h->price[r] = 1.0 + g->price_alpha *
					    h_pos((g->reserve_target - h->rm[r]) / g->price_beta, H_S);

		/* Dispatch, hour by hour: the need after trade on the thermal
		 * fleet in merit order (variable cost, then index), the surplus
		 * curtailed from variable output first, then must-run. */
		double s = H_S * fmax(h->mean_load[r], 1e-9);
		for (size_t i = 0; i < H_HOURS; i++) {
			double vre = 0.0, mr = 0.0;
			for (size_t j = 0; j < J; j++) {
				double o = h->kap[r][j][i] * y[dcg_ix_G(l, r, j)];
				if (m->techs[j].kind == DCG_TECH_VARIABLE)
					vre += o;
				else if (m->techs[j].kind == DCG_TECH_MUST_RUN)
					mr += o;
			}
			double x = h->net[r][i] - h->imp_h[r][i];
			double need = h_hinge(x, s), surplus = h_hinge(-x, s);
			double cv = h_min0(surplus, vre, s);
			double fv = vre > 0.0 ? cv / vre : 0.0;
			double fm = mr > 0.0 ? (surplus - cv) / mr : 0.0;
			for (size_t j = 0; j < J; j++) {
				const struct dcg_tech *tj = &m->techs[j];
				if (tj->kind == DCG_TECH_THERMAL)
					continue;
				double o = h->kap[r][j][i] * y[dcg_ix_G(l, r, j)];
				double cut = o * (tj->kind == DCG_TECH_VARIABLE ? fv : fm);
				h->gen[r * J + j] += (o - cut) / H_HOURS;
				h->curt[r * J + j] += cut / H_HOURS;
			}
			double rest = need;
			bool done[HX_J] = {false};
			for (size_t n = 0; n < J; n++) {
				/* The cheapest thermal technology not yet used. */
				size_t best = J;
				double cbest = INFINITY;
				for (size_t j = 0; j < J; j++) {
					if (done[j] || m->techs[j].kind != DCG_TECH_THERMAL)
						continue;
					const struct dcg_schedule *vc = &m->techs[j].variable_cost;
					double cj = vc->n ? dcg_schedule_eval(vc, t) : 0.0;
					if (cj < cbest) {
						cbest = cj;
						best = j;
					}
				}
				if (best == J)
					break;
				done[best] = true;
				double Aj = (1.0 - m->techs[best].forced_outage_rate) *
					    y[dcg_ix_G(l, r, best)];
				double gj = h_min0(rest, Aj, s);
				rest -= gj;
				h->gen[r * J + best] += gj / H_HOURS;
			}
			h->unserved[r] += rest / H_HOURS;
		}
		for (size_t j = 0; j < J; j++)
			h->emis[r] += h->gen[r * J + j] * 8.76 * m->techs[j].emission_factor;
	}
}

/* |a - b| <= tol * max(1, |b|), printing the pair when it fails. */
static int close_rel(const char *what, size_t k, double a, double b, double tol)
{
	if (fabs(a - b) <= tol * fmax(1.0, fabs(b)))
		return 1;
	printf("\n  %s[%zu]: model %.15g, by hand %.15g (diff %.3g)", what, k, a, b, a - b);
	return 0;
}

/* ------------------------------------------------------------------ */
/* 1. Corridors over a 5-region ring: the hourly rule, ratings,         */
/*    direction, and conservation with losses.                          */

/* A region's mean net import after losses, from its dispatch: generation
 * (storage: its discharge) - storage charge + imports + unserved = load
 * hour by hour (dispatch.c), and the day's mean load is B + F (shapes of
 * mean 1). */
static double model_mean_import(const struct dcg_model *m, const struct dcg_result *res,
				size_t i, size_t r)
{
	double x = ser(m, res, DCG_SER_DEMAND, i, r) + ser(m, res, DCG_SER_STORAGE_CHARGE, i, r) -
		   ser(m, res, DCG_SER_UNSERVED, i, r);
	for (size_t j = 0; j < m->J; j++)
		x -= ser(m, res, DCG_SER_GENERATION, i, r * m->J + j);
	return x;
}

static void test_corridor_conservation(void)
{
	struct dcg_model *m = gx_model(5, 2, 1, 3, 5);
	static const double cap[5] = {14.0, 26.0, 17.0, 30.0, 16.0};
	fx_const(&m->segments[0].growth, 0.35);
	for (size_t k = 0; k < m->K; k++)
		m->classes[k].initial_racks = 40000.0 * (double)(k + 1);
	for (size_t r = 0; r < 5; r++) {
		m->regions[r].capacity_gw[0] = cap[r];
		fx_const(&m->regions[r].base_growth, 0.03 + 0.01 * (double)r);
	}
	/* Ratings that step up and down mid-horizon (solver stops there). */
	fx_step(&m->corridors[0].rating_gw, 2024.0, 2.0, 2026.5, 4.0);
	fx_step(&m->corridors[1].rating_gw, 2024.0, 3.0, 2027.25, 1.0);
	fx_step(&m->corridors[3].rating_gw, 2024.0, 2.5, 2025.75, 0.5);
	/* Losses on three lines (3 % per 1,000 km): 4.5 %, 2.4 %, 6.6 %. */
	m->corridors[0].length_km = 1500.0;
	m->corridors[2].length_km = 800.0;
	m->corridors[4].length_km = 2200.0;
	m->corridors[1].availability = 0.9;
	m->output_step_yr = 0.125;
	finalize_ok(m);
	struct dcg_result *res = solve_ok(m);

	double worst_cons = 0.0, worst_imp = 0.0, worst_over = -1.0, max_util = 0.0;
	double max_lost = 0.0;
	int wrong_dir = 0, zero_flow = 0, one_way = 0, bad = 0;
	struct hand h;
	for (size_t i = 0; i < res->T; i++) {
		double t = res->time[i], fmaxi = 0.0, balance = 0.0, load = 0.0;
		hand_eval(m, t, &res->y[i * res->n], &h);
		for (size_t c = 0; c < m->L; c++) {
			const struct dcg_corridor *cr = &m->corridors[c];
			double f = ser(m, res, DCG_SER_FLOW, i, c);
			/* The hourly rule of corridors.c, averaged over the day. */
			bad += !close_rel("flow", c, f, h.flow[c], 1e-12);
			double T = dcg_schedule_eval(&cr->rating_gw, t) * cr->availability;
			fmaxi = fmax(fmaxi, fabs(f));
			/* The flow saturates exactly at T (never above). */
			worst_over = fmax(worst_over, fabs(f) - T);
			max_util = fmax(max_util, fabs(f) / T);
			/* Downhill: where the far end is the busier one in every
			 * hour (utilisation net / A), power flows to it. */
			size_t a = cr->from, b = cr->to;
			int up = 0, down = 0;
			for (size_t k = 0; k < H_HOURS; k++) {
				double du = h.net[b][k] / h.A[b] - h.net[a][k] / h.A[a];
				up += du > 1e-3;
				down += du < -1e-3;
			}
			if (up == H_HOURS || down == H_HOURS) {
				one_way++;
				double dir = up ? 1.0 : -1.0;
				wrong_dir += f * dir < 0.0;
				zero_flow += f == 0.0;
			}
			balance += h.lost[c];
			max_lost = fmax(max_lost, h.lost[c]);
		}
		/* Sent - lost = received: the regions' mean imports (from their
		 * dispatch) sum to minus the losses. */
		for (size_t r = 0; r < m->R; r++) {
			double imp = model_mean_import(m, res, i, r);
			load += ser(m, res, DCG_SER_DEMAND, i, r);
			balance += imp;
			worst_imp = fmax(worst_imp, fabs(imp - h.mean_imp[r]) /
							   ser(m, res, DCG_SER_DEMAND, i, r));
		}
		CU_ASSERT(fmaxi > 0.1);
		worst_cons = fmax(worst_cons, fabs(balance) / load);
	}
	if (worst_cons > 1e-12 || worst_imp > 1e-12 || worst_over > 1e-12 || wrong_dir ||
	    zero_flow || bad)
		printf("\n  sent - lost - received %g, imports %g, over rating %g, "
		       "wrong direction %d, zero %d, flows off %d",
		       worst_cons, worst_imp, worst_over, wrong_dir, zero_flow, bad);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(worst_cons <= 1e-12);
	CU_ASSERT(worst_imp <= 1e-12);
	CU_ASSERT(worst_over <= 1e-12);
	CU_ASSERT_EQUAL(wrong_dir, 0);
	CU_ASSERT_EQUAL(zero_flow, 0);
	/* The checks had something to check: one-way corridors, losses. */
	CU_ASSERT(one_way > 20);
	CU_ASSERT(max_lost > 0.01);
	/* The bound is tested where it binds: some corridor runs at its
	 * usable rating, and corridor 3 carries more than its later usable
	 * 0.475 GW before the step and no more than that after it. */
	CU_ASSERT(max_util > 0.99);
	size_t before = row_at(res, 2025.625), after = row_at(res, 2025.75);
	CU_ASSERT(fabs(ser(m, res, DCG_SER_FLOW, before, 3)) > 0.5);
	CU_ASSERT(fabs(ser(m, res, DCG_SER_FLOW, after, 3)) <= 0.475 * (1.0 + 0.5 * H_S));
	dcg_result_free(res);
	dcg_model_free(m);
}

/* ------------------------------------------------------------------ */
/* 2. Hand-computed equilibrium and dispatch at t0.                     */

/* Compares every grid series at row 0 with the hand evaluation; returns
 * the number of mismatches. */
static int compare_t0(const struct dcg_model *m, const struct dcg_result *res,
		      const struct hand *h)
{
	const struct {
		const char *name;
		enum dcg_series_id id;
		const double *hand;
	} per_region[] = {
		{"peak", DCG_SER_PEAK_DEMAND, h->peak},
		{"firm", DCG_SER_FIRM_CAPACITY, h->A},
		{"facility", DCG_SER_FACILITY_LOAD, h->F},
		{"demand", DCG_SER_DEMAND, h->mean_load},
		{"net_import", DCG_SER_NET_IMPORT, h->imp},
		{"reserve_margin", DCG_SER_RESERVE_MARGIN, h->rm},
		{"gate", DCG_SER_CONNECTION_GATE, h->gate},
		{"price", DCG_SER_PRICE_INDEX, h->price},
	};
	int bad = 0;
	for (size_t v = 0; v < sizeof per_region / sizeof per_region[0]; v++)
		for (size_t r = 0; r < m->R; r++)
			bad += !close_rel(per_region[v].name, r,
					  ser(m, res, per_region[v].id, 0, r),
					  per_region[v].hand[r], 1e-12);
	for (size_t c = 0; c < m->L; c++)
		bad += !close_rel("flow", c, ser(m, res, DCG_SER_FLOW, 0, c), h->flow[c], 1e-12);
	/* The model's peak-hour day is the one built by hand. */
	for (size_t r = 0; r < m->R; r++)
		for (size_t i = 0; i < H_HOURS; i++) {
			bad += !close_rel("load shape", r, m->regions[r].load_shape[i],
					  h->bshape[r][i], 1e-15);
			bad += !close_rel("dc shape", r, m->regions[r].dc_shape[i],
					  h->cshape[r][i], 1e-15);
			for (size_t j = 0; j < m->J; j++)
				if (m->techs[j].kind != DCG_TECH_THERMAL)
					bad += !close_rel("cf shape", r,
							  m->regions[r].cf_shape[j * H_HOURS + i],
							  h->kap[r][j][i], 1e-15);
		}
	return bad;
}

/* Two regions, one thermal technology (FOR 0.1), one corridor. */
struct two {
	double cap1;    /* importer's thermal capacity (GW) */
	double rating;  /* corridor rating (GW; availability 0.95) */
	bool twins;     /* region 1 a copy of region 0 */
};

static struct dcg_model *two_region(const struct two *p)
{
	struct dcg_model *m = gx_model(2, 1, 1, 1, 1);
	struct dcg_class *c = &m->classes[0];
	c->initial_racks = 100000.0;
	fx_const(&c->kw_per_rack, 20.0);
	m->regions[0].initial_share = 0.7;
	m->regions[1].initial_share = 0.3;
	m->regions[0].initial_pue = 1.3;
	m->regions[1].initial_pue = 1.5;
	fx_const(&m->regions[0].pue_target, 1.3);
	fx_const(&m->regions[1].pue_target, 1.5);
	m->regions[0].base_demand_gw = 10.0;
	m->regions[1].base_demand_gw = 8.0;
	m->regions[0].capacity_gw[0] = 18.5;
	m->regions[1].capacity_gw[0] = p->cap1;
	m->regions[0].reserve_min = 0.12;
	m->regions[1].reserve_min = 0.04;
	m->regions[1].peak_factor = 1.25;
	if (p->twins) {
		m->regions[1].initial_share = 0.5;
		m->regions[0].initial_share = 0.5;
		m->regions[1].initial_pue = 1.3;
		fx_const(&m->regions[1].pue_target, 1.3);
		m->regions[1].base_demand_gw = 10.0;
		m->regions[1].capacity_gw[0] = 18.5;
		m->regions[1].reserve_min = 0.12;
		m->regions[1].peak_factor = 1.3;
	}
	fx_const(&m->corridors[0].rating_gw, p->rating);
	m->grid.gate_width = 0.05;
	m->t1 = 2025.0;
	finalize_ok(m);
	return m;
}

static void check_two_region(const struct two *p, int case_id)
{
	struct dcg_model *m = two_region(p);
	struct dcg_result *res = solve_ok(m);
	const struct dcg_layout *l = &m->layout;
	/* The initial state itself, by hand: racks by share, MW by kW per
	 * rack, base demand and capacity as given. */
	double y0[256];
	CU_ASSERT_FATAL(res->n <= 256);
	memcpy(y0, res->y, res->n * sizeof *y0);
	if (!p->twins) {
		static const double share[2] = {0.7, 0.3}, pue[2] = {1.3, 1.5},
				    B[2] = {10.0, 8.0};
		for (size_t r = 0; r < 2; r++) {
			CU_ASSERT_EQUAL(y0[dcg_ix_W(l, r, 0)], share[r] * 100000.0 * 20.0 / 1000.0);
			CU_ASSERT_EQUAL(y0[dcg_ix_pue(l, r)], pue[r]);
			CU_ASSERT_EQUAL(y0[dcg_ix_B(l, r)], B[r]);
		}
		CU_ASSERT_EQUAL(y0[dcg_ix_G(l, 1, 0)], p->cap1);
	}
	CU_ASSERT_EQUAL(y0[dcg_ix_G(l, 0, 0)], 18.5);

	struct hand h;
	hand_eval(m, m->t0, y0, &h);
	/* Region 0: F = 1400 MW * 0.5 / 1000 * 1.3 = 0.91 GW, its peak hour
	 * 1.3 * 10 + 1.05 * 0.91, A = 0.9 * 18.5. */
	CU_ASSERT_DOUBLE_EQUAL(h.F[0], p->twins ? 0.65 : 0.91, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(h.load[0][0], 13.0 + 1.05 * h.F[0], 1e-14);
	CU_ASSERT_DOUBLE_EQUAL(h.A[0], 0.9 * 18.5, 1e-14);
	double cap = 0.95 * p->rating, s = H_S * cap;
	if (case_id == 0) {
		/* The rating binds in every hour: the flow saturates at
		 * T avail exactly; the importer is gated hard and both are
		 * priced above 1. */
		for (size_t i = 0; i < H_HOURS; i++) {
			double du = h.net[1][i] / h.A[1] - h.net[0][i] / h.A[0];
			double delta = du * h.A[0] * h.A[1] / (h.A[0] + h.A[1]);
			CU_ASSERT(delta > cap + s);
			CU_ASSERT_DOUBLE_EQUAL(h.flow_h[0][i], cap, 1e-14);
		}
		CU_ASSERT_DOUBLE_EQUAL(ser(m, res, DCG_SER_FLOW, 0, 0), cap, 1e-14);
		CU_ASSERT(h.gate[1] < 0.5 && h.price[0] > 1.0 && h.price[1] > 2.0);
	} else if (case_id == 1) {
		/* The rating does not bind: each hour's flow equalises the two
		 * fleets' utilisation, (net0 + f) / A0 = (net1 - f) / A1. */
		for (size_t i = 0; i < H_HOURS; i++) {
			double f = h.flow_h[0][i];
			CU_ASSERT(fabs(f) > 0.5 && fabs(f) < cap - s);
			CU_ASSERT_DOUBLE_EQUAL((h.net[0][i] + f) / h.A[0], (h.net[1][i] - f) / h.A[1],
					       1e-14);
		}
		/* Seen in the model's own dispatch: each thermal fleet then runs
		 * at the same share of its available capacity. */
		double u0 = ser(m, res, DCG_SER_GENERATION, 0, 0) / h.A[0];
		double u1 = ser(m, res, DCG_SER_GENERATION, 0, 1) / h.A[1];
		CU_ASSERT(u0 > 0.5 && u0 < 1.0);
		CU_ASSERT_DOUBLE_EQUAL(u0, u1, 1e-12);
	} else {
		/* Equal utilisation in every hour: no flow at all, exactly. */
		CU_ASSERT_EQUAL(ser(m, res, DCG_SER_FLOW, 0, 0), 0.0);
		CU_ASSERT_EQUAL(ser(m, res, DCG_SER_NET_IMPORT, 0, 0), 0.0);
		CU_ASSERT_EQUAL(ser(m, res, DCG_SER_NET_IMPORT, 0, 1), 0.0);
	}
	CU_ASSERT_DOUBLE_EQUAL(h.imp_h[0][0], -h.flow_h[0][0], 1e-15);
	int bad = compare_t0(m, res, &h);
	CU_ASSERT_EQUAL(bad, 0);
	dcg_result_free(res);
	dcg_model_free(m);
}

static void test_two_region_equilibrium(void)
{
	const struct two binds = {10.5, 1.0, false}, free_flow = {11.0, 10.0, false},
			 twins = {18.5, 2.5, true};
	check_two_region(&binds, 0);
	check_two_region(&free_flow, 1);
	check_two_region(&twins, 2);
}

/* Three regions on a line with all three kinds of technology: region 0
 * curtails wind and solar, region 1 needs part of its thermal fleet,
 * region 2 runs out of capacity. With merit, technology 1 is a second
 * thermal one, cheaper than technology 0, so that the merit order is not
 * the index order. */
static struct dcg_model *dispatch_model(bool merit)
{
	struct dcg_model *m = gx_model(3, 1, 1, 3, 2);
	m->classes[0].initial_racks = 200000.0;
	fx_const(&m->classes[0].kw_per_rack, 15.0);
	static const double G[3][3] = {{12.0, 10.0, 14.0}, {24.0, 2.0, 3.0}, {6.0, 3.0, 2.0}};
	static const double B[3] = {9.0, 12.0, 11.0};
	for (size_t r = 0; r < 3; r++) {
		m->regions[r].base_demand_gw = B[r];
		for (size_t j = 0; j < 3; j++)
			m->regions[r].capacity_gw[j] = G[r][j];
	}
	/* tech0 thermal, tech1 must-run, tech2 variable (fixture order). */
	m->techs[0].capacity_factor = 0.55;
	m->techs[1].capacity_factor = 0.8;
	m->techs[2].capacity_factor = 0.3;
	m->techs[0].emission_factor = 0.85;
	m->techs[1].emission_factor = 0.012;
	m->techs[2].emission_factor = 0.02;
	m->regions[0].capacity_credit[2] = 0.15;
	m->regions[1].capacity_credit[2] = 0.15;
	m->regions[2].capacity_credit[2] = 0.15;
	fx_const(&m->corridors[0].rating_gw, 1.5);
	fx_const(&m->corridors[1].rating_gw, 3.0);
	m->corridors[1].length_km = 1000.0;
	if (merit) {
		m->techs[1].kind = DCG_TECH_THERMAL;
		m->techs[1].forced_outage_rate = 0.15;
		fx_const(&m->techs[0].variable_cost, 40.0);
		fx_const(&m->techs[1].variable_cost, 25.0);
	}
	m->t1 = 2025.0;
	finalize_ok(m);
	return m;
}

static void check_dispatch(bool merit)
{
	struct dcg_model *m = dispatch_model(merit);
	struct dcg_result *res = solve_ok(m);
	struct hand h;
	hand_eval(m, m->t0, res->y, &h);
	size_t J = m->J;
	/* The regimes are the ones intended (with merit, region 0 has no
	 * must-run output to make a surplus). */
	CU_ASSERT(merit || h.curt[0 * J + 2] > 0.5);
	CU_ASSERT(h.gen[1 * J + 0] > 1.0 && h.gen[1 * J + 0] < h.A[1] - 1.0);
	CU_ASSERT(h.unserved[2] > 0.5 && h.unserved[0] == 0.0 && h.unserved[1] == 0.0);
	if (merit) {
		/* The cheaper technology 1 runs flat out (0.85 x 2 GW) in
		 * region 1 before technology 0 tops up. */
		CU_ASSERT_DOUBLE_EQUAL(ser(m, res, DCG_SER_GENERATION, 0, 1 * J + 1), 0.85 * 2.0,
				       1e-9);
		CU_ASSERT_EQUAL(h.curt[1 * J + 1], 0.0);
	}
	CU_ASSERT(fabs(h.mean_imp[1]) > 0.1 && fabs(h.mean_imp[2]) > 0.1);
	CU_ASSERT(h.lost[1] > 0.01);
	int bad = compare_t0(m, res, &h);
	for (size_t r = 0; r < m->R; r++) {
		bad += !close_rel("unserved", r, ser(m, res, DCG_SER_UNSERVED, 0, r),
				  h.unserved[r], 1e-12);
		bad += !close_rel("emissions", r, ser(m, res, DCG_SER_EMISSIONS, 0, r), h.emis[r],
				  1e-12);
		for (size_t j = 0; j < J; j++) {
			bad += !close_rel("generation", r * J + j,
					  ser(m, res, DCG_SER_GENERATION, 0, r * J + j),
					  h.gen[r * J + j], 1e-12);
			bad += !close_rel("curtailment", r * J + j,
					  ser(m, res, DCG_SER_CURTAILMENT, 0, r * J + j),
					  h.curt[r * J + j], 1e-12);
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* Exact energy balance in every region, whatever the marginal source:
	 * generation + imports after losses + unserved = load, hour by hour,
	 * so also as day means (the imports from the hand's corridor flows). */
	for (size_t r = 0; r < m->R; r++) {
		double g = ser(m, res, DCG_SER_UNSERVED, 0, r) + h.mean_imp[r];
		for (size_t j = 0; j < J; j++)
			g += ser(m, res, DCG_SER_GENERATION, 0, r * J + j);
		if (!close_rel("energy balance, region", r, g, ser(m, res, DCG_SER_DEMAND, 0, r),
			       1e-12))
			CU_FAIL("generation + imports + unserved != load");
	}
	dcg_result_free(res);
	dcg_model_free(m);
}

static void test_dispatch_by_hand(void)
{
	check_dispatch(false);
	check_dispatch(true);
}

/* ------------------------------------------------------------------ */
/* 3. Coupled zero-growth steady states.                                */

static double steady_drift(const struct dcg_result *res, size_t *at)
{
	double worst = 0.0;
	for (size_t i = 0; i < res->T; i++)
		for (size_t k = 0; k < res->n; k++) {
			double a = yat(res, i, k), b = yat(res, 0, k);
			double d = fabs(a - b) / fmax(fabs(b), 1e-300);
			if (a != b && d > worst) {
				worst = d;
				*at = k;
			}
		}
	return worst;
}

static void report_drift(const struct dcg_model *m, const char *what, double worst,
			 size_t at)
{
	char d[256];
	if (worst >= 1e-12)
		printf("\n  %s: drift %g in %s", what, worst,
		       dcg_model_describe_state(m, at, d, sizeof d));
}

/* Holds every region's investment in technology 0 (the only one in the
 * fixtures' mix) at its replacement level with a regional build limit, so
 * that a region short of its reserve target stays short and steady: the
 * investment rule would otherwise close the gap. With built = d c(d, S),
 * c(d, S) = S/(d^8 + S^8)^(1/8) and the ratio rho = replacement/d wanted,
 * S = rho d/(1 - rho^8)^(1/8). */
static void hold_at_replacement(struct dcg_model *m)
{
	struct dcg_work *w = dcg_work_new(m);
	size_t R = m->R, J = m->J;
	double *y = calloc(m->layout.n, sizeof *y), *q = calloc(m->layout.nq, sizeof *q);
	double *inv = calloc(R * J, sizeof *inv), *unmet = calloc(R * J, sizeof *unmet);
	double *ret = calloc(R * J, sizeof *ret), *out[DCG_SER_COUNT] = {0};
	CU_ASSERT_FATAL(w && y && q && inv && unmet && ret);
	out[DCG_SER_INVESTMENT] = inv;
	out[DCG_SER_UNMET_INVESTMENT] = unmet;
	out[DCG_SER_RETIREMENTS] = ret;
	/* Construction holds lead time x replacement (the retirements do not
	 * depend on it); then the investment wanted with it in place. */
	CU_ASSERT_EQUAL(dcg_model_initial(m, y), 0);
	CU_ASSERT_EQUAL(dcg_model_derive(m, w, m->t0, y, q, out), 0);
	for (size_t r = 0; r < R; r++)
		m->regions[r].pipeline_gw[0] = m->techs[0].lead_time_yr * ret[r * J];
	finalize_ok(m);
	dcg_work_invalidate(w);
	CU_ASSERT_EQUAL(dcg_model_initial(m, y), 0);
	CU_ASSERT_EQUAL(dcg_model_derive(m, w, m->t0, y, q, out), 0);
	for (size_t r = 0; r < R; r++) {
		double d = inv[r * J] + unmet[r * J], rho = ret[r * J] / d;
		CU_ASSERT_FATAL(rho > 0.0 && rho <= 1.0);
		if (rho == 1.0)
			continue; /* at or above target: replacement only */
		fx_const(&m->regions[r].build_limit_gw_per_yr[0],
			 rho * d / pow(1.0 - pow(rho, 8.0), 0.125));
	}
	finalize_ok(m);
	free(ret);
	free(unmet);
	free(inv);
	free(q);
	free(y);
	dcg_work_free(w);
}

/* Four equal regions short of their reserve target, so that the price is
 * above 1 and the gate well below 1 throughout; a build limit holds
 * investment at replacement (hold_at_replacement). */
static void test_steady_with_feedbacks(void)
{
	struct dcg_model *m = gx_model(4, 3, 2, 3, 2);
	for (size_t r = 0; r < m->R; r++)
		m->regions[r].capacity_gw[0] = 15.5;
	for (size_t j = 0; j < m->J; j++)
		m->techs[j].lead_time_yr = 10.0;
	finalize_ok(m);
	hold_at_replacement(m);
	struct dcg_result *res = solve_ok(m);
	for (size_t r = 0; r < m->R; r++) {
		CU_ASSERT(ser(m, res, DCG_SER_PRICE_INDEX, 0, r) > 1.5);
		CU_ASSERT(ser(m, res, DCG_SER_CONNECTION_GATE, 0, r) < 0.9);
	}
	CU_ASSERT(yat(res, 0, dcg_ix_price(&m->layout)) > 1.5);
	size_t at = 0;
	double worst = steady_drift(res, &at);
	report_drift(m, "feedbacks on", worst, at);
	CU_ASSERT(worst < 1e-12);
	dcg_result_free(res);
	dcg_model_free(m);
}

/* Unequal regions: shares, base demand and capacity differ, corridors
 * carry power and prices differ; policy weights are set to
 * share * price^eta so that the price-tilted targets equal the shares. */
static void test_steady_unequal_regions(void)
{
	struct dcg_model *m = gx_model(4, 3, 2, 3, 2);
	static const double share[4] = {0.1, 0.2, 0.3, 0.4};
	static const double cap[4] = {21.0, 15.0, 19.0, 24.0};
	static const double B[4] = {9.0, 11.0, 10.0, 14.0};
	for (size_t r = 0; r < 4; r++) {
		m->regions[r].initial_share = share[r];
		m->regions[r].base_demand_gw = B[r];
		m->regions[r].capacity_gw[0] = cap[r];
	}
	for (size_t k = 0; k < m->K; k++)
		m->classes[k].initial_racks *= 100.0;
	for (size_t j = 0; j < m->J; j++)
		m->techs[j].lead_time_yr = 10.0;
	finalize_ok(m);
	struct dcg_work *w = dcg_work_new(m);
	double *y = calloc(m->layout.n, sizeof *y), q[64] = {0};
	double price[4], flow[2], *out[DCG_SER_COUNT] = {0};
	CU_ASSERT_FATAL(w && y && m->layout.nq <= 64);
	out[DCG_SER_PRICE_INDEX] = price;
	out[DCG_SER_FLOW] = flow;
	CU_ASSERT_EQUAL(dcg_model_initial(m, y), 0);
	CU_ASSERT_EQUAL(dcg_model_derive(m, w, m->t0, y, q, out), 0);
	CU_ASSERT(fabs(flow[0]) > 0.1 && fabs(flow[1]) > 0.1);
	CU_ASSERT(fabs(price[1] - price[3]) > 0.1);
	for (size_t r = 0; r < 4; r++)
		fx_const(&m->regions[r].policy_weight,
			 share[r] * pow(price[r], m->grid.share_price_elasticity));
	finalize_ok(m);
	hold_at_replacement(m);
	struct dcg_result *res = solve_ok(m);
	size_t at = 0;
	double worst = steady_drift(res, &at);
	report_drift(m, "unequal regions", worst, at);
	CU_ASSERT(worst < 1e-12);
	dcg_result_free(res);
	free(y);
	dcg_work_free(w);
	dcg_model_free(m);
}

/* ------------------------------------------------------------------ */
/* 4. Monotone responses.                                               */

struct mono {
	double base_growth1;   /* base demand growth of region 1 */
	double lead_time_yr;   /* all technologies */
	double rating0;        /* corridor 0 -> 1 */
	bool gate, price_growth, price_share;
};

static const struct mono mono_default = {0.02, 2.0, 1.0, true, true, true};

/* Three regions on a line 0 -> 1 -> 2; region 1 has a small capacity
 * margin, imports from both neighbours and can build at most 0.7 GW/yr (a
 * build limit: an investment rule that holds its target would otherwise
 * close any gap); AI demand grows 40 %/yr. */
static struct dcg_model *mono_model(const struct mono *p)
{
	struct dcg_model *m = gx_model(3, 2, 1, 3, 2);
	m->t1 = 2030.0;
	fx_const(&m->segments[0].growth, 0.4);
	for (size_t k = 0; k < m->K; k++)
		m->classes[k].initial_racks = 50000.0;
	static const double cap[3] = {21.0, 16.6, 20.0};
	for (size_t r = 0; r < 3; r++) {
		m->regions[r].capacity_gw[0] = cap[r];
		fx_const(&m->regions[r].base_growth, 0.02);
	}
	fx_const(&m->regions[1].base_growth, p->base_growth1);
	fx_const(&m->regions[1].build_limit_gw_per_yr[0], 0.7);
	/* Construction starts at replacement level (G/L at the default, steady
	 * ages), so that a longer lead time delivers expansion later. */
	for (size_t r = 0; r < 3; r++)
		m->regions[r].pipeline_gw[0] = p->lead_time_yr * cap[r] / m->techs[0].life_yr;
	for (size_t j = 0; j < m->J; j++)
		m->techs[j].lead_time_yr = p->lead_time_yr;
	fx_const(&m->corridors[0].rating_gw, p->rating0);
	fx_const(&m->corridors[1].rating_gw, 1.0);
	m->corridors[1].from = 2;
	m->corridors[1].to = 1;
	m->grid.gate_enabled = p->gate;
	m->grid.price_growth_enabled = p->price_growth;
	m->grid.price_share_enabled = p->price_share;
	finalize_ok(m);
	return m;
}

static void test_faster_base_growth(void)
{
	struct mono a = mono_default, b = mono_default;
	b.base_growth1 = 0.08;
	struct dcg_model *ma = mono_model(&a), *mb = mono_model(&b);
	struct dcg_result *ra = solve_ok(ma), *rb = solve_ok(mb);
	size_t e = ra->T - 1;
	double rma = ser(ma, ra, DCG_SER_RESERVE_MARGIN, e, 1);
	double rmb = ser(mb, rb, DCG_SER_RESERVE_MARGIN, e, 1);
	double ga = ser(ma, ra, DCG_SER_CONNECTION_GATE, e, 1);
	double gb = ser(mb, rb, DCG_SER_CONNECTION_GATE, e, 1);
	double na = region_sum(ma, ra, DCG_SER_RACKS, e, 1);
	double nb = region_sum(mb, rb, DCG_SER_RACKS, e, 1);
	double wa = region_sum(ma, ra, DCG_SER_IT_CAPACITY, e, 1);
	double wb = region_sum(mb, rb, DCG_SER_IT_CAPACITY, e, 1);
	if (!(rmb < rma - 0.003 && gb < ga && nb < na && wb < wa))
		printf("\n  RM %.4f -> %.4f, gate %.4f -> %.4f, racks %.0f -> %.0f, MW %.1f -> %.1f",
		       rma, rmb, ga, gb, na, nb, wa, wb);
	CU_ASSERT(rmb < rma - 0.003);
	CU_ASSERT(gb < ga);
	CU_ASSERT(nb < na);
	CU_ASSERT(wb < wa);
	/* (b) The faster-growing region's margin is lower at every time
	 * after the start. */
	int higher = 0;
	for (size_t i = 1; i < ra->T; i++)
		higher += ser(mb, rb, DCG_SER_RESERVE_MARGIN, i, 1) >=
			  ser(ma, ra, DCG_SER_RESERVE_MARGIN, i, 1);
	CU_ASSERT_EQUAL(higher, 0);
	dcg_result_free(ra);
	dcg_result_free(rb);
	dcg_model_free(ma);
	dcg_model_free(mb);
}

/* (b) over a range of growth rates: the end margin of region 1 falls
 * strictly as its base growth rises. */
static void test_margin_falls_with_base_growth(void)
{
	static const double g[4] = {0.0, 0.03, 0.06, 0.09};
	double prev = INFINITY;
	for (int i = 0; i < 4; i++) {
		struct mono p = mono_default;
		p.base_growth1 = g[i];
		struct dcg_model *m = mono_model(&p);
		struct dcg_result *res = solve_ok(m);
		double rm = ser(m, res, DCG_SER_RESERVE_MARGIN, res->T - 1, 1);
		CU_ASSERT(rm < prev);
		prev = rm;
		dcg_result_free(res);
		dcg_model_free(m);
	}
}

static void test_slower_build(void)
{
	struct mono a = mono_default, b = mono_default;
	a.base_growth1 = b.base_growth1 = 0.05;
	b.lead_time_yr = 6.0;
	struct dcg_model *ma = mono_model(&a), *mb = mono_model(&b);
	struct dcg_result *ra = solve_ok(ma), *rb = solve_ok(mb);
	double mina = INFINITY, minb = INFINITY, gsa = 0.0, gsb = 0.0;
	for (size_t i = 0; i < ra->T; i++) {
		mina = fmin(mina, ser(ma, ra, DCG_SER_RESERVE_MARGIN, i, 1));
		minb = fmin(minb, ser(mb, rb, DCG_SER_RESERVE_MARGIN, i, 1));
		gsa += ser(ma, ra, DCG_SER_CONNECTION_GATE, i, 1);
		gsb += ser(mb, rb, DCG_SER_CONNECTION_GATE, i, 1);
	}
	size_t e = ra->T - 1;
	double na = region_sum(ma, ra, DCG_SER_RACKS, e, 1);
	double nb = region_sum(mb, rb, DCG_SER_RACKS, e, 1);
	if (!(minb < mina - 0.005 && gsb < gsa && nb < na))
		printf("\n  min RM %.4f -> %.4f, mean gate %.4f -> %.4f, racks %.0f -> %.0f",
		       mina, minb, gsa / (double)ra->T, gsb / (double)ra->T, na, nb);
	CU_ASSERT(minb < mina - 0.005);
	CU_ASSERT(gsb < gsa);
	CU_ASSERT(nb < na);
	dcg_result_free(ra);
	dcg_result_free(rb);
	dcg_model_free(ma);
	dcg_model_free(mb);
}

static void test_corridor_removed(void)
{
	struct mono a = mono_default, b = mono_default;
	/* Slow builds: with the corridor, planners count on its imports and
	 * build less, so within a lead time or two the run without it would
	 * catch up by building more; the comparison is of the same fleets. */
	a.lead_time_yr = b.lead_time_yr = 6.0;
	b.rating0 = 0.0;
	struct dcg_model *ma = mono_model(&a), *mb = mono_model(&b);
	struct dcg_result *ra = solve_ok(ma), *rb = solve_ok(mb);
	CU_ASSERT(ser(ma, ra, DCG_SER_FLOW, 0, 0) > 0.1);
	/* A zero rating carries nothing (to round-off of the band). */
	CU_ASSERT(fabs(ser(mb, rb, DCG_SER_FLOW, 0, 0)) <= 1e-12);
	CU_ASSERT(ser(mb, rb, DCG_SER_RESERVE_MARGIN, 0, 1) <
		  ser(ma, ra, DCG_SER_RESERVE_MARGIN, 0, 1) - 0.01);
	int higher = 0;
	for (size_t i = 0; i < ra->T; i++)
		higher += ser(mb, rb, DCG_SER_RESERVE_MARGIN, i, 1) >=
			  ser(ma, ra, DCG_SER_RESERVE_MARGIN, i, 1);
	if (higher)
		printf("\n  margin without the corridor is higher at %d outputs", higher);
	CU_ASSERT_EQUAL(higher, 0);
	dcg_result_free(ra);
	dcg_result_free(rb);
	dcg_model_free(ma);
	dcg_model_free(mb);
}

/* (e) Switching a feedback off changes only what it feeds. */
static void test_gate_off(void)
{
	struct mono p = mono_default;
	p.base_growth1 = 0.08;
	p.gate = false;
	struct dcg_model *m = mono_model(&p);
	struct dcg_result *res = solve_ok(m);
	int not_one = 0;
	double would = 1.0;
	for (size_t i = 0; i < res->T; i++)
		for (size_t r = 0; r < m->R; r++) {
			not_one += ser(m, res, DCG_SER_CONNECTION_GATE, i, r) != 1.0;
			double rm = ser(m, res, DCG_SER_RESERVE_MARGIN, i, r);
			would = fmin(would, h_logistic((rm - m->regions[r].reserve_min) /
						       m->grid.gate_width));
		}
	CU_ASSERT_EQUAL(not_one, 0);
	/* Switched on, the gate would have been well below 1 somewhere. */
	CU_ASSERT(would < 0.9);
	dcg_result_free(res);
	dcg_model_free(m);
}

static void test_price_growth_off(void)
{
	for (int on = 0; on <= 1; on++) {
		struct mono p = mono_default;
		p.base_growth1 = 0.08;
		p.price_growth = on;
		struct dcg_model *m = mono_model(&p);
		m->segments[0].saturation_pflops = 4.0 * 75000.0;
		m->rtol = 1e-9;
		finalize_ok(m);
		struct dcg_result *res = solve_ok(m);
		double D0 = ser(m, res, DCG_SER_COMPUTE_DEMAND, 0, 0);
		double Dsat = m->segments[0].saturation_pflops;
		double worst = 0.0, pmax = 0.0;
		for (size_t i = 0; i < res->T; i++) {
			double t = res->time[i] - m->t0;
			double exact = Dsat / (1.0 + (Dsat / D0 - 1.0) * exp(-0.4 * t));
			double D = ser(m, res, DCG_SER_COMPUTE_DEMAND, i, 0);
			worst = fmax(worst, fabs(D - exact) / exact);
			pmax = fmax(pmax, yat(res, i, dcg_ix_price(&m->layout)));
		}
		CU_ASSERT(pmax > 1.1);
		if (on) {
			CU_ASSERT(worst > 1e-3);
		} else {
			if (worst >= 1e-6)
				printf("\n  logistic off by %g with price up to %g", worst, pmax);
			CU_ASSERT(worst < 1e-6);
		}
		dcg_result_free(res);
		dcg_model_free(m);
	}
}

static void test_price_share_off(void)
{
	for (int on = 0; on <= 1; on++) {
		struct mono p = mono_default;
		p.base_growth1 = 0.08;
		p.price_share = on;
		struct dcg_model *m = mono_model(&p);
		struct dcg_result *res = solve_ok(m);
		double worst = 0.0, pspread = 0.0;
		for (size_t i = 0; i < res->T; i++) {
			pspread = fmax(pspread, ser(m, res, DCG_SER_PRICE_INDEX, i, 1) -
							ser(m, res, DCG_SER_PRICE_INDEX, i, 0));
			for (size_t r = 0; r < m->R; r++)
				worst = fmax(worst, fabs(ser(m, res, DCG_SER_DEMAND_SHARE, i, r) -
							 1.0 / 3.0));
		}
		CU_ASSERT(pspread > 0.2);
		if (on) {
			CU_ASSERT(worst > 1e-3);
		} else {
			CU_ASSERT(worst < 1e-15);
		}
		dcg_result_free(res);
		dcg_model_free(m);
	}
	/* Unequal initial shares with equal weights and prices ignored: each
	 * share relaxes to 1/R as s(t) = 1/R + (s0 - 1/R) exp(-(t-t0)/tau). */
	struct mono p = mono_default;
	p.base_growth1 = 0.08;
	p.price_share = false;
	struct dcg_model *m = mono_model(&p);
	static const double s0[3] = {0.5, 0.2, 0.3};
	for (size_t r = 0; r < 3; r++)
		m->regions[r].initial_share = s0[r];
	m->rtol = 1e-9;
	finalize_ok(m);
	struct dcg_result *res = solve_ok(m);
	double worst = 0.0, tau = m->grid.share_time_yr;
	for (size_t i = 0; i < res->T; i++)
		for (size_t r = 0; r < 3; r++) {
			double decay = exp(-(res->time[i] - m->t0) / tau);
			double ex = 1.0 / 3.0 + (s0[r] - 1.0 / 3.0) * decay;
			double sh = ser(m, res, DCG_SER_DEMAND_SHARE, i, r);
			worst = fmax(worst, fabs(sh - ex) / ex);
		}
	if (worst >= 1e-6)
		printf("\n  shares off the relaxation by %g", worst);
	CU_ASSERT(worst < 1e-6);
	dcg_result_free(res);
	dcg_model_free(m);
}

/* With all three feedbacks off the data-center side must equal the same
 * model without a grid (gate 1, price 1). */
static void test_all_feedbacks_off_equals_no_grid(void)
{
	struct mono p = mono_default;
	p.base_growth1 = 0.08;
	p.gate = p.price_growth = p.price_share = false;
	struct dcg_model *mg = mono_model(&p);
	mg->rtol = mg->atol = 1e-9;
	finalize_ok(mg);
	struct dcg_model *mn = fx_model(3, 2, 1, 0, 0); /* no grid */
	mn->t1 = mg->t1;
	mn->rtol = mn->atol = 1e-9;
	fx_const(&mn->segments[0].growth, 0.4);
	for (size_t k = 0; k < mn->K; k++)
		mn->classes[k].initial_racks = 50000.0;
	finalize_ok(mn);
	struct dcg_result *rg = solve_ok(mg), *rn = solve_ok(mn);
	CU_ASSERT_FATAL(rg->T == rn->T);
	/* The grid run is really short of capacity somewhere. */
	double pmax = 0.0;
	for (size_t i = 0; i < rg->T; i++)
		pmax = fmax(pmax, ser(mg, rg, DCG_SER_PRICE_INDEX, i, 1));
	CU_ASSERT(pmax > 1.1);
	static const enum dcg_series_id ids[] = {
		DCG_SER_RACKS, DCG_SER_RACKS_PIPELINE, DCG_SER_IT_CAPACITY, DCG_SER_COMPUTE,
		DCG_SER_ORDERS, DCG_SER_FACILITY_LOAD, DCG_SER_PUE, DCG_SER_DEMAND_SHARE,
		DCG_SER_COMPUTE_DEMAND, DCG_SER_SUPPLY_CAP};
	double worst = 0.0;
	for (size_t s = 0; s < sizeof ids / sizeof ids[0]; s++) {
		size_t wdt = dcg_series_width(mn, ids[s]);
		CU_ASSERT_EQUAL(wdt, dcg_series_width(mg, ids[s]));
		for (size_t i = 0; i < rg->T; i++)
			for (size_t k = 0; k < wdt; k++) {
				double a = rg->series[ids[s]][i * wdt + k];
				double b = rn->series[ids[s]][i * wdt + k];
				worst = fmax(worst, fabs(a - b) / fmax(fabs(b), 1e-300));
			}
	}
	if (worst >= 1e-6)
		printf("\n  grid (feedbacks off) vs no grid: %g", worst);
	CU_ASSERT(worst < 1e-6);
	dcg_result_free(rg);
	dcg_result_free(rn);
	dcg_model_free(mg);
	dcg_model_free(mn);
}

/* ------------------------------------------------------------------ */
/* 5. Events.                                                           */

/* Region 0 starts just above its minimum, its base demand grows 12 %/yr
 * until 2026 and then stops; investment brings it back. Region 1 starts
 * below its minimum. Region 2 is comfortable throughout. */
static struct dcg_model *event_model(double step)
{
	struct dcg_model *m = gx_model(3, 1, 1, 1, 0);
	m->t1 = 2030.0;
	m->output_step_yr = step;
	m->regions[0].capacity_gw[0] = 15.3;
	fx_step(&m->regions[0].base_growth, 2024.0, 0.12, 2026.0, 0.0);
	m->regions[1].capacity_gw[0] = 14.4;
	m->techs[0].lead_time_yr = 1.5;
	/* Region 0 starts with a replacement-level pipeline (none for the
	 * growth ahead) and can build 1.5 GW/yr: it falls below its minimum
	 * while its base demand grows, and recovers after. */
	m->regions[0].pipeline_gw[0] = 1.5 * 15.3 / m->techs[0].life_yr;
	fx_const(&m->regions[0].build_limit_gw_per_yr[0], 1.5);
	finalize_ok(m);
	return m;
}

/* Times where RM - RMmin of region r changes sign between neighbouring
 * outputs, located by linear interpolation. */
static size_t crossings(const struct dcg_model *m, const struct dcg_result *res, size_t r,
			double *t, int *down, size_t max)
{
	size_t n = 0;
	double rmin = m->regions[r].reserve_min;
	for (size_t i = 1; i < res->T && n < max; i++) {
		double a = ser(m, res, DCG_SER_RESERVE_MARGIN, i - 1, r) - rmin;
		double b = ser(m, res, DCG_SER_RESERVE_MARGIN, i, r) - rmin;
		if ((a < 0.0) == (b < 0.0))
			continue;
		double t0 = res->time[i - 1], t1 = res->time[i];
		t[n] = t0 + (t1 - t0) * a / (a - b);
		down[n] = b < a;
		n++;
	}
	return n;
}

static void test_events(void)
{
	struct dcg_model *m = event_model(0.25), *f = event_model(1.0 / 1024.0);
	struct dcg_result *res = solve_ok(m), *fine = solve_ok(f);
	/* Region 1: below at t0. */
	int at_t0 = 0;
	for (size_t e = 0; e < res->n_events; e++)
		at_t0 += res->events[e].region == 1 && res->events[e].kind == DCG_EVENT_BELOW &&
			 res->events[e].time == m->t0;
	CU_ASSERT_EQUAL(at_t0, 1);
	for (size_t r = 0; r < m->R; r++) {
		double tc[8];
		int down[8];
		size_t nc = crossings(f, fine, r, tc, down, 8);
		/* The region's own events after t0, in order. */
		size_t ne = 0;
		for (size_t e = 0; e < res->n_events; e++) {
			const struct dcg_event *ev = &res->events[e];
			if (ev->region != r || ev->time == m->t0)
				continue;
			CU_ASSERT_FATAL(ne < nc);
			CU_ASSERT_EQUAL(ev->kind == DCG_EVENT_BELOW, down[ne]);
			if (fabs(ev->time - tc[ne]) > 1e-3)
				printf("\n  region %zu event %.6f vs dense %.6f", r, ev->time, tc[ne]);
			CU_ASSERT(fabs(ev->time - tc[ne]) <= 1e-3);
			ne++;
		}
		CU_ASSERT_EQUAL(ne, nc);
		if (r == 0) {
			/* BELOW then RECOVER. */
			CU_ASSERT_EQUAL(nc, 2);
			CU_ASSERT(nc == 2 && down[0] && !down[1]);
		}
		if (r == 2)
			CU_ASSERT_EQUAL(nc, 0);
	}
	dcg_result_free(res);
	dcg_result_free(fine);
	dcg_model_free(m);
	dcg_model_free(f);
}

/* A synthetic scenario (dcg_synth_scenario, as `dcgrid synth`), loaded,
 * with the forced-outage rate of coal and gas at q and of "other" at 0.4.
 * The generator sizes the regions' firm fleets for capacity credits of
 * 0.9 and 0.6: q = 0.1 gives the margins it draws, a larger q less. */
static struct dcg_model *synth_model(size_t regions, uint64_t seed, double q, const char *set)
{
	char *text = NULL;
	struct dcg_model *m = NULL;
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL_FATAL(dcg_synth_scenario(regions, seed, &text, &err), 0);
	char coal[64], gas[64];
	snprintf(coal, sizeof coal, "technologies.[0].forced_outage_rate=%.17g", q);
	snprintf(gas, sizeof gas, "technologies.[1].forced_outage_rate=%.17g", q);
	const char *sets[] = {coal, gas, "technologies.[6].forced_outage_rate=0.4", set};
	int rc = dcg_config_load_string(text, "<synth>", sets, set ? 4 : 3, &m, &err);
	if (rc)
		printf("\n  %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	free(text);
	return m;
}

/* Uniform in [0, 1), reproducible everywhere (xorshift64*). */
static double uniform(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 2685821657736338717ull) >> 11) * 0x1.0p-53;
}

/* The region-local event function is the whole model's, bit for bit, on
 * random states (each state of the initial one scaled by 0.5 to 1.5, so
 * that margins, flows and the smoothing bands take every regime), and it
 * reads only the states dcg_model_root_states lists: with every other state
 * NaN it still gives the same double. */
static void test_root_region(void)
{
	struct dcg_model *m = synth_model(60, 7, 0.1, NULL);
	CU_ASSERT_FATAL(dcg_model_nroots(m) == m->R && m->L > m->R);
	size_t n = m->layout.n, R = m->R;
	struct dcg_work *w = dcg_work_new(m);
	double *y0 = malloc(n * sizeof *y0), *y = malloc(n * sizeof *y);
	double *ynan = malloc(n * sizeof *ynan), *g = malloc(R * sizeof *g);
	size_t *ix = malloc(n * sizeof *ix);
	CU_ASSERT_FATAL(w && y0 && y && ynan && g && ix);
	CU_ASSERT_EQUAL_FATAL(dcg_model_initial(m, y0), 0);
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	size_t differ = 0, nan_differ = 0, below = 0, above = 0;
	double times[] = {m->t0, 2026.37, 2027.0, m->t1};
	for (int draw = 0; draw < 40; draw++) {
		double t = times[draw % 4];
		for (size_t i = 0; i < n; i++)
			y[i] = y0[i] * (0.5 + uniform(&seed));
		CU_ASSERT_EQUAL_FATAL(dcg_model_roots(m, w, t, y, g), 0);
		for (size_t r = 0; r < R; r++) {
			double gr = dcg_model_root_region(m, w, t, y, r);
			differ += memcmp(&gr, &g[r], sizeof gr) != 0;
			below += g[r] < 0.0;
			above += g[r] >= 0.0;
			if (r % 7 != (size_t)draw % 7)
				continue;
			size_t k = dcg_model_root_states(m, w, r, ix);
			CU_ASSERT(k > m->K + m->J + 2 && k <= n);
			for (size_t i = 0; i < n; i++)
				ynan[i] = NAN;
			for (size_t i = 0; i < k; i++)
				ynan[ix[i]] = y[ix[i]];
			double gn = dcg_model_root_region(m, w, t, ynan, r);
			nan_differ += memcmp(&gn, &g[r], sizeof gn) != 0;
		}
	}
	if (differ || nan_differ)
		printf("\n  %zu local values differ, %zu read unlisted states", differ, nan_differ);
	CU_ASSERT_EQUAL(differ, 0);
	CU_ASSERT_EQUAL(nan_differ, 0);
	/* Both sides of the minimum were exercised. */
	CU_ASSERT(below > 100 && above > 100);
	free(y0);
	free(y);
	free(ynan);
	free(g);
	free(ix);
	dcg_work_free(w);
	dcg_model_free(m);
}

/* Events come out in time order, and each region's alternate: below,
 * recover, below, ... (a region starts with `below` only at t0 or when it
 * starts above its minimum). */
static void check_event_order(const struct dcg_model *m, const struct dcg_result *res)
{
	int *last = malloc(m->R * sizeof *last);
	CU_ASSERT_FATAL(last != NULL);
	for (size_t r = 0; r < m->R; r++)
		last[r] = -1;
	size_t bad_order = 0, bad_kind = 0;
	for (size_t e = 0; e < res->n_events; e++) {
		const struct dcg_event *ev = &res->events[e];
		if (e > 0 && ev->time < res->events[e - 1].time)
			bad_order++;
		int want = last[ev->region] == DCG_EVENT_BELOW ? DCG_EVENT_RECOVER : DCG_EVENT_BELOW;
		bad_kind += (int)ev->kind != want;
		last[ev->region] = (int)ev->kind;
	}
	CU_ASSERT_EQUAL(bad_order, 0);
	CU_ASSERT_EQUAL(bad_kind, 0);
	free(last);
}

/* The events of `dcgrid synth --regions 50` (seed 1, coal and gas at a
 * forced-outage rate of 0.18, so that regions fall below their minimum and
 * investment brings them back) as the hourly grid model located them
 * (issue-12 at ca5777d, block preconditioner, default tolerances): region,
 * kind, time. A regression record: the earlier list (CVODE's own
 * root-finding, 2f28047) was of the annual-average grid. Re-recorded when
 * investment began to hold its target (issue 13: supply-line rule, age
 * cohorts, build limits). When the grid's
 * equations change on purpose, print the new list with
 *   DUMP_EVENTS=1 build/tests/test_grid
 * (run from tests/) and say why in the commit. */
static const struct {
	size_t region;
	int kind;
	double time;
} synth50_events[] = {
	{15, 0, 2024},
	{23, 0, 2024},
	{25, 0, 2024},
	{26, 0, 2024},
	{25, 1, 2024.0319916309461},
	{15, 1, 2024.1170485199166},
	{26, 1, 2024.256714170416},
	{23, 1, 2024.2639662231174},
};

/* The same events, same kinds, same order and the same times to 1e-8 yr;
 * events on and off give the same solution, bit for bit (the stepping is
 * CV_NORMAL's either way), through the two breakpoints of the scenario.
 * The events above were recorded with the block preconditioner: without
 * it the trajectory differs within the tolerance and event times by more
 * than 1e-8 yr. */
static void test_events_as_cvode_located(void)
{
	struct dcg_model *m = synth_model(50, 1, 0.18, NULL),
			 *off = synth_model(50, 1, 0.18, "solver.events=false");
	m->precond = off->precond = DCG_PREC_BLOCK;
	/* Recorded with BDF, the synthetic scenarios' method then. */
	m->method = off->method = DCG_METHOD_BDF;
	struct dcg_result *res = solve_ok(m), *roff = solve_ok(off);
	size_t ne = sizeof synth50_events / sizeof synth50_events[0];
	/* The list above, regenerated (see there). */
	for (size_t e = 0; getenv("DUMP_EVENTS") && e < res->n_events; e++)
		printf("\n\t{%zu, %d, %.17g},", res->events[e].region,
		       (int)res->events[e].kind, res->events[e].time);
	CU_ASSERT_EQUAL(res->n_events, ne);
	double worst = 0.0;
	for (size_t e = 0; e < ne && e < res->n_events; e++) {
		CU_ASSERT_EQUAL(res->events[e].region, synth50_events[e].region);
		CU_ASSERT_EQUAL((int)res->events[e].kind, synth50_events[e].kind);
		worst = fmax(worst, fabs(res->events[e].time - synth50_events[e].time));
	}
	if (worst > 1e-8 || getenv("DCG_PRINT_EVENTS"))
		for (size_t e = 0; e < res->n_events; e++)
			printf("\n\t{%zu, %d, %.17g},", res->events[e].region,
			       (int)res->events[e].kind, res->events[e].time);
	if (worst > 1e-8)
		printf("\n  event times differ by up to %g yr", worst);
	CU_ASSERT(worst <= 1e-8);
	check_event_order(m, res);
	CU_ASSERT(res->stats.root_evals > 0);
	CU_ASSERT_EQUAL(roff->n_events, 0);
	CU_ASSERT_EQUAL(roff->stats.root_evals, 0);
	CU_ASSERT(res->stats.restarts >= 2);
	CU_ASSERT_EQUAL(res->stats.steps, roff->stats.steps);
	CU_ASSERT_EQUAL_FATAL(res->T, roff->T);
	CU_ASSERT(memcmp(res->y, roff->y, res->T * res->n * sizeof *res->y) == 0);
	CU_ASSERT(memcmp(res->q, roff->q, res->T * res->nq * sizeof *res->q) == 0);
	CU_ASSERT(memcmp(res->annual_unserved, roff->annual_unserved,
			 res->Y * m->R * sizeof *res->annual_unserved) == 0);
	dcg_result_free(res);
	dcg_result_free(roff);
	dcg_model_free(m);
	dcg_model_free(off);
}

/* Like event_model but without breakpoints (constant growth), so that the
 * output step changes nothing but the output times: region 0 falls below
 * its minimum in 2025, region 1, below at t0, recovers in 2026. */
static struct dcg_model *smooth_event_model(double step)
{
	struct dcg_model *m = gx_model(3, 1, 1, 1, 0);
	m->t1 = 2030.0;
	m->output_step_yr = step;
	m->regions[0].capacity_gw[0] = 19.0;
	fx_const(&m->regions[0].base_growth, 0.2);
	/* Region 0 can build only 2 GW/yr: investment that holds its target
	 * would otherwise keep it above its minimum. */
	fx_const(&m->regions[0].build_limit_gw_per_yr[0], 2.0);
	m->regions[1].capacity_gw[0] = 14.4;
	m->techs[0].lead_time_yr = 2.5;
	finalize_ok(m);
	return m;
}

/* At every event time the reserve margin is at the region's minimum: a
 * second solve with the output step set so that an output falls on the
 * event (the same steps: outputs are interpolated) reads the margin there. */
static void test_events_on_the_minimum(void)
{
	struct dcg_model *m = smooth_event_model(1.0);
	struct dcg_result *res = solve_ok(m);
	if (getenv("DCG_PRINT_EVENTS"))
		for (size_t e = 0; e < res->n_events; e++)
			printf("\n  event %zu %d %.6f", res->events[e].region, (int)res->events[e].kind, res->events[e].time);
	check_event_order(m, res);
	size_t checked = 0, kinds[2] = {0, 0};
	for (size_t e = 0; e < res->n_events; e++) {
		const struct dcg_event *ev = &res->events[e];
		/* The first output target sets CVODE's initial step; from one
		 * year on it is the year boundary whatever the step. */
		if (ev->time < m->t0 + 1.0)
			continue;
		struct dcg_model *a = smooth_event_model(ev->time - m->t0);
		struct dcg_result *ra = solve_ok(a);
		CU_ASSERT_EQUAL(ra->stats.steps, res->stats.steps);
		CU_ASSERT_FATAL(ra->T >= 2 && fabs(ra->time[1] - ev->time) <= 1e-12);
		double g = ser(a, ra, DCG_SER_RESERVE_MARGIN, 1, ev->region) -
			   m->regions[ev->region].reserve_min;
		if (fabs(g) > 1e-9)
			printf("\n  region %zu event at %.12f: RM - RMmin = %g", ev->region,
			       ev->time, g);
		CU_ASSERT(fabs(g) <= 1e-9);
		/* The same events in the second solve. */
		CU_ASSERT_EQUAL(ra->n_events, res->n_events);
		for (size_t i = 0; i < res->n_events && i < ra->n_events; i++)
			CU_ASSERT(fabs(ra->events[i].time - res->events[i].time) <= 1e-12);
		checked++;
		kinds[ev->kind]++;
		dcg_result_free(ra);
		dcg_model_free(a);
	}
	/* Both kinds were checked. */
	CU_ASSERT(kinds[DCG_EVENT_BELOW] >= 1 && kinds[DCG_EVENT_RECOVER] >= 1);
	CU_ASSERT(checked >= 2);
	dcg_result_free(res);
	dcg_model_free(m);
}

/* A corridor rating that steps to zero at 2027 takes the importer below
 * its minimum at once: the crossing is recorded at the breakpoint (CVODE's
 * root-finding, restarted there, used to lose it), and investment later
 * brings the region back. */
static void test_event_at_breakpoint(void)
{
	struct dcg_model *m = gx_model(2, 1, 1, 1, 1);
	m->output_step_yr = 0.25;
	m->regions[0].capacity_gw[0] = 25.0;
	m->regions[1].capacity_gw[0] = 14.4;
	fx_step(&m->corridors[0].rating_gw, 2024.0, 2.0, 2027.0, 0.0);
	finalize_ok(m);
	struct dcg_result *res = solve_ok(m);
	check_event_order(m, res);
	size_t at_bp = 0, r1 = 0;
	for (size_t e = 0; e < res->n_events; e++) {
		const struct dcg_event *ev = &res->events[e];
		CU_ASSERT_EQUAL(ev->region, 1);
		r1 += ev->region == 1;
		at_bp += ev->region == 1 && ev->kind == DCG_EVENT_BELOW && ev->time == 2027.0;
	}
	CU_ASSERT_EQUAL(at_bp, 1);
	CU_ASSERT(r1 >= 1 && res->events[0].time == 2027.0);
	/* The outputs agree: above just before, below at the breakpoint (an
	 * output there is recorded after the discrete changes). */
	double rmin = m->regions[1].reserve_min;
	CU_ASSERT(ser(m, res, DCG_SER_RESERVE_MARGIN, row_at(res, 2026.75), 1) > rmin);
	CU_ASSERT(ser(m, res, DCG_SER_RESERVE_MARGIN, row_at(res, 2027.0), 1) < rmin);
	dcg_result_free(res);
	dcg_model_free(m);
}

/* ------------------------------------------------------------------ */
/* 6. Grid quadratures against a fine trapezoid.                        */

static struct dcg_model *quad_model(double step)
{
	struct dcg_model *m = gx_model(3, 2, 1, 3, 1);
	m->t1 = 2028.0;
	m->output_step_yr = step;
	fx_const(&m->segments[0].growth, 0.3);
	for (size_t k = 0; k < m->K; k++)
		m->classes[k].initial_racks = 60000.0;
	static const double G[3][3] = {{14.0, 6.0, 10.0}, {20.0, 3.0, 8.0}, {16.0, 1.0, 2.0}};
	for (size_t r = 0; r < 3; r++) {
		for (size_t j = 0; j < 3; j++)
			m->regions[r].capacity_gw[j] = G[r][j];
		fx_const(&m->regions[r].base_growth, 0.05);
	}
	/* Region 2 has no corridor, too little energy and no new capacity
	 * (a build limit of 0; investment would otherwise close the gap):
	 * unserved throughout. */
	m->regions[2].base_demand_gw = 18.0;
	fx_const(&m->regions[2].build_limit_gw_per_yr[0], 0.0);
	m->techs[1].emission_factor = 0.01;
	m->techs[2].emission_factor = 0.02;
	finalize_ok(m);
	return m;
}

static double trap(const struct dcg_model *m, const struct dcg_result *fine,
		   enum dcg_series_id id, size_t k, size_t i0, size_t i1, double scale)
{
	double s = 0.0;
	for (size_t i = i0; i < i1; i++)
		s += 0.5 * (ser(m, fine, id, i, k) + ser(m, fine, id, i + 1, k)) *
		     (fine->time[i + 1] - fine->time[i]);
	return s * scale;
}

/* Solver-carried integral against the trapezoid: 1e-4 relative, with an
 * absolute floor of 1e-9 (TWh or Mt) for series that are zero up to
 * round-off (unserved energy where there is enough capacity). */
static int close_q(const char *what, size_t k, double a, double b)
{
	/* (2e-4: the hourly dispatch's smooth corners near the corridors'
	 * bounds make the integrands' curvature, and so the trapezoid's own
	 * error at 1/512 yr, larger than the first model's.) */
	if (fabs(a - b) <= 2e-4 * fabs(b) + 1e-9)
		return 1;
	printf("\n  %s[%zu]: solver %.12g, trapezoid %.12g (rel %.3g)", what, k, a, b,
	       (a - b) / b);
	return 0;
}

static void test_grid_quadratures(void)
{
	struct dcg_model *m = quad_model(0.5), *f = quad_model(1.0 / 512.0);
	struct dcg_result *res = solve_ok(m), *fine = solve_ok(f);
	size_t R = m->R, J = m->J;
	int bad = 0;
	CU_ASSERT(ser(m, res, DCG_SER_UNSERVED, 0, 2) > 0.5);
	/* Cumulative series at every coarse output. */
	for (size_t i = 1; i < res->T; i++) {
		size_t fi = row_at(fine, res->time[i]);
		for (size_t r = 0; r < R; r++) {
			bad += !close_q("cum unserved", r, ser(m, res, DCG_SER_CUM_UNSERVED, i, r),
					trap(f, fine, DCG_SER_UNSERVED, r, 0, fi, 8.76));
			bad += !close_q("cum emissions", r, ser(m, res, DCG_SER_CUM_EMISSIONS, i, r),
					trap(f, fine, DCG_SER_EMISSIONS, r, 0, fi, 1.0));
		}
	}
	CU_ASSERT(ser(m, res, DCG_SER_CUM_UNSERVED, res->T - 1, 2) > 1.0);
	/* Calendar-year totals. */
	CU_ASSERT_EQUAL(res->Y, 4);
	for (size_t yi = 0; yi < res->Y; yi++) {
		size_t i0 = row_at(fine, res->year[yi]), i1 = row_at(fine, res->year[yi] + 1.0);
		for (size_t r = 0; r < R; r++) {
			size_t yr = yi * R + r;
			bad += !close_q("annual emissions", yr, res->annual_emissions[yr],
					trap(f, fine, DCG_SER_EMISSIONS, r, i0, i1, 1.0));
			bad += !close_q("annual consumption", yr, res->annual_consumption[yr],
					trap(f, fine, DCG_SER_DEMAND, r, i0, i1, 8.76));
			bad += !close_q("annual unserved", yr, res->annual_unserved[yr],
					trap(f, fine, DCG_SER_UNSERVED, r, i0, i1, 8.76));
			for (size_t j = 0; j < J; j++)
				bad += !close_q("annual generation", yr * J + j,
						res->annual_generation[yr * J + j],
						trap(f, fine, DCG_SER_GENERATION, r * J + j, i0, i1,
						     8.76));
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	dcg_result_free(res);
	dcg_result_free(fine);
	dcg_model_free(m);
	dcg_model_free(f);
}

/* ------------------------------------------------------------------ */
/* 7. Linear solvers on a 30-region ring, coupled.                      */

static struct dcg_model *ring30(enum dcg_linsol ls)
{
	size_t R = 30;
	struct dcg_model *m = gx_model(R, 2, 1, 3, R);
	fx_const(&m->segments[0].growth, 0.4);
	for (size_t k = 0; k < m->K; k++)
		m->classes[k].initial_racks = 20000.0 * (double)(k + 1);
	for (size_t r = 0; r < R; r++) {
		fx_const(&m->regions[r].base_growth, 0.03 + 0.015 * (double)(r % 4));
		m->regions[r].capacity_gw[0] = 15.0 + 2.0 * (double)(r % 5);
		m->regions[r].initial_share = (1.0 + (double)(r % 3)) / 60.0;
		fx_const(&m->regions[r].policy_weight, 1.0);
		/* Investment that holds its target would close every gap; a
		 * build limit keeps the ring short, so gates and prices vary. */
		fx_const(&m->regions[r].build_limit_gw_per_yr[0], 0.3);
	}
	m->linsol = ls;
	m->rtol = 1e-7;
	m->atol = 1e-7;
	finalize_ok(m);
	return m;
}

static void test_linear_solvers_coupled(void)
{
	struct dcg_model *md = ring30(DCG_LINSOL_DENSE), *mk = ring30(DCG_LINSOL_KLU),
			 *mg = ring30(DCG_LINSOL_GMRES);
	struct dcg_result *rd = solve_ok(md), *rk = solve_ok(mk), *rg = solve_ok(mg);
	CU_ASSERT_STRING_EQUAL(rd->stats.linear_solver, "dense");
	CU_ASSERT_STRING_EQUAL(rk->stats.linear_solver, "klu");
	CU_ASSERT_STRING_EQUAL(rg->stats.linear_solver, "gmres");
	/* The ring is really coupled: gates and prices vary. */
	double gmin = 1.0, pmax = 1.0;
	size_t last = rd->T - 1;
	for (size_t r = 0; r < md->R; r++) {
		gmin = fmin(gmin, ser(md, rd, DCG_SER_CONNECTION_GATE, last, r));
		pmax = fmax(pmax, ser(md, rd, DCG_SER_PRICE_INDEX, last, r));
	}
	CU_ASSERT(gmin < 0.9 && pmax > 1.1);
	double ek = fx_final_rel_diff(rd, rk), eg = fx_final_rel_diff(rd, rg);
	if (ek >= 1e-4 || eg >= 1e-4)
		printf("\n  klu %g gmres %g", ek, eg);
	CU_ASSERT(ek < 1e-4);
	CU_ASSERT(eg < 1e-4);
	dcg_result_free(rd);
	dcg_result_free(rk);
	dcg_result_free(rg);
	dcg_model_free(md);
	dcg_model_free(mk);
	dcg_model_free(mg);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("grid", NULL, NULL);
	CU_add_test(s, "corridors conserve power, respect ratings, flow downhill",
		    test_corridor_conservation);
	CU_add_test(s, "two-region equilibrium by hand", test_two_region_equilibrium);
	CU_add_test(s, "dispatch by hand", test_dispatch_by_hand);
	CU_add_test(s, "steady state with gate and price active", test_steady_with_feedbacks);
	CU_add_test(s, "steady state with unequal regions", test_steady_unequal_regions);
	CU_add_test(s, "faster base growth: lower margin, fewer racks", test_faster_base_growth);
	CU_add_test(s, "margin falls with base growth", test_margin_falls_with_base_growth);
	CU_add_test(s, "slower generation build gates orders", test_slower_build);
	CU_add_test(s, "removing a corridor lowers the importer's margin",
		    test_corridor_removed);
	CU_add_test(s, "gate off: gate is exactly 1", test_gate_off);
	CU_add_test(s, "price growth off: logistic demand", test_price_growth_off);
	CU_add_test(s, "price share off: shares follow weights", test_price_share_off);
	CU_add_test(s, "all feedbacks off equals no grid", test_all_feedbacks_off_equals_no_grid);
	CU_add_test(s, "reserve events against dense output", test_events);
	CU_add_test(s, "region-local event function is the whole model's, bit for bit",
		    test_root_region);
	CU_add_test(s, "events of a synthetic 50-region run as recorded", test_events_as_cvode_located);
	CU_add_test(s, "reserve margin at the minimum at every event", test_events_on_the_minimum);
	CU_add_test(s, "a crossing caused by a breakpoint is recorded there", test_event_at_breakpoint);
	CU_add_test(s, "grid quadratures against a fine trapezoid", test_grid_quadratures);
	CU_add_test(s, "dense, KLU and GMRES agree on a coupled ring",
		    test_linear_solvers_coupled);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
