/* Suite "solver": closed-form solutions, exact steady state over the
 * horizon, monotone responses and solver-carried integrals. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdlib.h>

#include "dcgrid/synth.h"
#include "fixture.h"

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

static double yat(const struct dcg_result *res, size_t i, size_t ix)
{
	return res->y[i * res->n + ix];
}

/* One region, one class, no grid, no demand: orders are the replacement
 * N/L, so P + N is conserved and N relaxes to S L/(L + tau_b) with rate
 * 1/tau_b + 1/L. */
static void test_aging_chain_closed_form(void)
{
	struct dcg_model *m = fx_model(1, 1, 1, 0, 0);
	m->segments[0].initial_demand_pflops = 0.0;
	m->classes[0].initial_pipeline_racks = 300.0;
	const struct dcg_layout *l = &m->layout;
	struct dcg_result *res = solve_ok(m);
	double tb = m->classes[0].build_time_yr, L = m->classes[0].life_yr;
	double N0 = 1000.0, P0 = 300.0, S = N0 + P0;
	double Ninf = S * L / (L + tb), lam = 1.0 / tb + 1.0 / L;
	double worst = 0.0;
	for (size_t i = 0; i < res->T; i++) {
		double t = res->time[i] - m->t0;
		double N = Ninf + (N0 - Ninf) * exp(-lam * t);
		double Nm = yat(res, i, dcg_ix_N(l, 0, 0));
		double Pm = yat(res, i, dcg_ix_P(l, 0, 0));
		worst = fmax(worst, fabs(Nm - N) / N);
		CU_ASSERT_DOUBLE_EQUAL(Nm + Pm, S, 1e-6 * S);
		/* Co-flows: attributes travel with the racks. */
		CU_ASSERT_DOUBLE_EQUAL(yat(res, i, dcg_ix_W(l, 0, 0)), Nm * 10.0 / 1000.0,
				       1e-6 * Nm * 0.01);
		CU_ASSERT_DOUBLE_EQUAL(yat(res, i, dcg_ix_C(l, 0, 0)), Nm * 0.5, 1e-6 * Nm);
	}
	CU_ASSERT(worst < 1e-6);
	dcg_result_free(res);
	dcg_model_free(m);
}

static void test_logistic_demand_closed_form(void)
{
	struct dcg_model *m = fx_model(2, 2, 1, 0, 0);
	double g = 0.4, Dsat = 5000.0;
	fx_const(&m->segments[0].growth, g);
	m->segments[0].saturation_pflops = Dsat;
	m->segments[0].initial_demand_pflops = 800.0;
	struct dcg_result *res = solve_ok(m);
	const double *D = res->series[DCG_SER_COMPUTE_DEMAND];
	double worst = 0.0;
	for (size_t i = 0; i < res->T; i++) {
		double t = res->time[i] - m->t0;
		double exact = Dsat / (1.0 + (Dsat / 800.0 - 1.0) * exp(-g * t));
		worst = fmax(worst, fabs(D[i] - exact) / exact);
	}
	CU_ASSERT(worst < 1e-6);
	/* Installed compute follows demand up. */
	const double *C = res->series[DCG_SER_COMPUTE];
	size_t last = res->T - 1, w = m->R * m->K;
	double c0 = 0.0, c1 = 0.0;
	for (size_t i = 0; i < w; i++) {
		c0 += C[i];
		c1 += C[last * w + i];
	}
	CU_ASSERT(c1 > 2.0 * c0);
	dcg_result_free(res);
	dcg_model_free(m);
}

static void check_steady(size_t J, size_t L)
{
	struct dcg_model *m = fx_model(3, 3, 2, J, L);
	struct dcg_result *res = solve_ok(m);
	double worst = 0.0;
	for (size_t i = 0; i < res->T; i++)
		for (size_t k = 0; k < res->n; k++) {
			double a = yat(res, i, k), b = yat(res, 0, k);
			worst = fmax(worst, fabs(a - b) / fmax(fabs(b), 1e-300));
		}
	CU_ASSERT(worst < 1e-12);
	if (worst >= 1e-12)
		printf("\n  J=%zu steady drift %g\n", J, worst);
	dcg_result_free(res);
	dcg_model_free(m);
}

static void test_zero_growth_steady_state(void)
{
	check_steady(0, 0);
	check_steady(3, 2);
}

/* Two AI classes: an efficient import and a less efficient domestic one.
 * Stopping the import keeps compute near demand but needs more racks and
 * more MW. */
static struct dcg_model *ai_model(int ban)
{
	struct dcg_model *m = fx_model(2, 2, 1, 0, 0);
	fx_const(&m->segments[0].growth, 0.3);
	m->t1 = 2031.0;
	struct dcg_class *gpu = &m->classes[0], *npu = &m->classes[1];
	fx_const(&gpu->kw_per_rack, 40.0);
	fx_const(&gpu->pflops_per_rack, 20.0);
	fx_const(&npu->kw_per_rack, 30.0);
	fx_const(&npu->pflops_per_rack, 8.0);
	gpu->initial_racks = npu->initial_racks = 1000.0;
	gpu->preference = 3.0;
	npu->preference = 1.0;
	if (ban) {
		fx_step(&gpu->availability, 2024.0, 1.0, 2026.0, 0.0);
		gpu->cancel_fraction = 0.5;
	}
	if (dcg_model_finalize(m, NULL))
		abort();
	return m;
}

static double total(const struct dcg_result *res, enum dcg_series_id id,
		    size_t width, size_t i)
{
	double s = 0.0;
	for (size_t k = 0; k < width; k++)
		s += res->series[id][i * width + k];
	return s;
}

static void test_import_ban_substitution(void)
{
	struct dcg_model *a = ai_model(0), *b = ai_model(1);
	struct dcg_result *ra = solve_ok(a), *rb = solve_ok(b);
	size_t i = ra->T - 1, w = a->R * a->K;
	double ca = total(ra, DCG_SER_COMPUTE, w, i), cb = total(rb, DCG_SER_COMPUTE, w, i);
	double na = total(ra, DCG_SER_RACKS, w, i), nb = total(rb, DCG_SER_RACKS, w, i);
	double wa = total(ra, DCG_SER_IT_CAPACITY, w, i), wb = total(rb, DCG_SER_IT_CAPACITY, w, i);
	CU_ASSERT(fabs(cb - ca) / ca < 0.05);
	CU_ASSERT(nb > 1.3 * na);
	CU_ASSERT(wb > 1.1 * wa);
	/* After the ban no import racks are ordered. */
	const double *o = rb->series[DCG_SER_ORDERS];
	CU_ASSERT(o[i * w + 0] < 1e-9 && o[i * w + 1] > 0.0);
	for (size_t t = 0; t < rb->T; t++)
		for (size_t k = 0; k < rb->n; k++)
			CU_ASSERT(yat(rb, t, k) >= 0.0);
	dcg_result_free(ra);
	dcg_result_free(rb);
	dcg_model_free(a);
	dcg_model_free(b);
}

/* Calendar-year totals are exact integrals: with a constant load they are
 * 8.76 * F per year; cumulative energy at the end equals their sum. */
static void test_annual_totals(void)
{
	struct dcg_model *m = fx_model(2, 2, 1, 0, 0);
	fx_const(&m->segments[0].growth, 0.2);
	struct dcg_result *res = solve_ok(m);
	CU_ASSERT_EQUAL(res->Y, 6);
	CU_ASSERT_EQUAL(res->year[0], 2024.0);
	/* Trapezoid over a fine output of the same run. */
	struct dcg_model *f = dcg_model_clone(m);
	f->output_step_yr = 1.0 / 512.0;
	dcg_model_finalize(f, NULL);
	struct dcg_result *fine = solve_ok(f);
	size_t per = 512;
	for (size_t yi = 0; yi < res->Y; yi++)
		for (size_t r = 0; r < m->R; r++) {
			double trap = 0.0;
			for (size_t i = yi * per; i < (yi + 1) * per; i++)
				trap += 0.5 * (fine->series[DCG_SER_ENERGY][i * m->R + r] +
					       fine->series[DCG_SER_ENERGY][(i + 1) * m->R + r]) /
					(double)per;
			double a = res->annual_dc_energy[yi * m->R + r];
			CU_ASSERT_DOUBLE_EQUAL(a, trap, 1e-5 * trap);
		}
	double sum = 0.0;
	for (size_t yi = 0; yi < res->Y; yi++)
		sum += res->annual_dc_energy[yi * m->R];
	CU_ASSERT_DOUBLE_EQUAL(res->series[DCG_SER_CUM_DC_ENERGY][(res->T - 1) * m->R], sum,
			       1e-9 * sum);
	dcg_result_free(res);
	dcg_result_free(fine);
	dcg_model_free(m);
	dcg_model_free(f);
}

/* Two models solved at once in one process give the same numbers as
 * solved alone: nothing is shared between runs. */
static void test_runs_are_independent(void)
{
	struct dcg_model *m = ai_model(1);
	struct dcg_result *a = solve_ok(m), *b = solve_ok(m);
	CU_ASSERT_EQUAL(a->T, b->T);
	int same = 1;
	for (size_t i = 0; i < a->T * a->n; i++)
		same &= a->y[i] == b->y[i];
	CU_ASSERT(same);
	dcg_result_free(a);
	dcg_result_free(b);
	dcg_model_free(m);
}

static void test_failure_names_time_and_state(void)
{
	struct dcg_model *m = fx_model(1, 1, 1, 0, 0);
	m->max_steps = 10;
	fx_const(&m->segments[0].growth, 3.0);
	m->rtol = 1e-12;
	struct dcg_result *res = NULL;
	struct dcg_error err = {0};
	int rc = dcg_solve(m, NULL, &res, &err);
	CU_ASSERT_EQUAL(rc, DCG_ESOLVER);
	CU_ASSERT_FATAL(res != NULL);
	CU_ASSERT(!res->complete);
	CU_ASSERT(strstr(err.msg, "solver failed at t = 2024.") != NULL);
	CU_ASSERT(strstr(err.msg, "CV_TOO_MUCH_WORK") != NULL);
	CU_ASSERT(strstr(err.msg, "[region region0") != NULL ||
		  strstr(err.msg, "[segment seg0]") != NULL);
	dcg_result_free(res);
	dcg_model_free(m);
}

/* A growing grid of regions on a ring with corridors: the three linear
 * solvers must give the same trajectory (the sparse Jacobian is only an
 * approximation used by Newton's method, never the accuracy). */
static struct dcg_model *ring_model(size_t R, enum dcg_linsol ls)
{
	struct dcg_model *m = fx_model(R, 2, 1, 3, R);
	fx_const(&m->segments[0].growth, 0.35);
	for (size_t r = 0; r < R; r++) {
		/* Policy moves demand around the ring, so shares keep moving. */
		fx_step(&m->regions[r].policy_weight, 2024.0, 1.0, 2026.0,
			1.0 + 0.5 * (double)(r % 3));
		fx_const(&m->regions[r].base_growth, 0.04 + 0.01 * (double)(r % 3));
		m->regions[r].capacity_gw[0] = 15.0 + 3.0 * (double)(r % 4);
	}
	m->linsol = ls;
	m->rtol = 1e-7;
	m->atol = 1e-7;
	if (dcg_model_finalize(m, NULL))
		abort();
	return m;
}

static void test_linear_solvers_agree(void)
{
	struct dcg_model *md = ring_model(12, DCG_LINSOL_DENSE);
	struct dcg_model *mk = ring_model(12, DCG_LINSOL_KLU);
	struct dcg_model *mg = ring_model(12, DCG_LINSOL_GMRES);
	struct dcg_result *rd = solve_ok(md), *rk = solve_ok(mk), *rg = solve_ok(mg);
	CU_ASSERT_STRING_EQUAL(rk->stats.linear_solver, "klu");
	CU_ASSERT_STRING_EQUAL(rg->stats.linear_solver, "gmres");
	double ek = fx_final_rel_diff(rd, rk), eg = fx_final_rel_diff(rd, rg);
	CU_ASSERT(ek < 1e-4);
	CU_ASSERT(eg < 1e-4);
	/* Shares sum to one to round-off whichever linear solver ran: an
	 * inexact Krylov solve once let them drift by 7e-8. */
	const struct dcg_result *all[] = {rd, rk, rg};
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < all[k]->T; i++) {
			double sum = 0.0;
			for (size_t r = 0; r < md->R; r++)
				sum += all[k]->series[DCG_SER_DEMAND_SHARE][i * md->R + r];
			CU_ASSERT_DOUBLE_EQUAL(sum, 1.0, 1e-14);
		}
	if (ek >= 1e-4 || eg >= 1e-4)
		printf("\n  klu %g gmres %g\n", ek, eg);
	dcg_result_free(rd);
	dcg_result_free(rk);
	dcg_result_free(rg);
	dcg_model_free(md);
	dcg_model_free(mk);
	dcg_model_free(mg);
}

/* The three preconditioner settings of GMRES compute the same solution;
 * "auto" on a model whose steps are limited by accuracy never builds a
 * Jacobian. */
static void test_preconditioners_agree(void)
{
	struct dcg_model *m = ring_model(12, DCG_LINSOL_GMRES);
	struct dcg_result *r[3];
	const char *expect[3] = {"none", "none", "block"};
	for (int p = 0; p < 3; p++) {
		m->precond = (enum dcg_precond)p;
		r[p] = solve_ok(m);
		CU_ASSERT_STRING_EQUAL(r[p]->stats.preconditioner, expect[p]);
		CU_ASSERT(isnan(r[p]->stats.prec_switch_time));
	}
	CU_ASSERT_EQUAL(r[DCG_PREC_AUTO]->stats.jac_evals, 0);
	CU_ASSERT_EQUAL(r[DCG_PREC_AUTO]->stats.jac_rhs_evals, 0);
	CU_ASSERT(r[DCG_PREC_BLOCK]->stats.jac_evals > 0);
	CU_ASSERT(r[DCG_PREC_BLOCK]->stats.jac_rhs_evals > 0);
	CU_ASSERT(fx_final_rel_diff(r[DCG_PREC_BLOCK], r[DCG_PREC_AUTO]) < 1e-4);
	CU_ASSERT(fx_final_rel_diff(r[DCG_PREC_BLOCK], r[DCG_PREC_NONE]) < 1e-4);
	for (int p = 0; p < 3; p++)
		dcg_result_free(r[p]);
	dcg_model_free(m);
}

/* "auto" switches the block preconditioner on where unpreconditioned GMRES
 * struggles: 100 synthetic regions with a fast investment response
 * (0.011 yr) at a loose tolerance take large steps across fast modes, and
 * GMRES fails to converge without the preconditioner. */
static void test_auto_preconditioner_switches(void)
{
	char *text = NULL;
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL_FATAL(dcg_synth_scenario(100, 1, &text, &err), 0);
	const char *sets[] = {"solver.rtol=1e-2", "grid.invest_time_yr=0.011",
			      "solver.events=false"};
	struct dcg_model *m = NULL;
	int rc = dcg_config_load_string(text, "<synth>", sets, 3, &m, &err);
	free(text);
	if (rc)
		printf("\n  %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	struct dcg_result *res = solve_ok(m);
	CU_ASSERT_STRING_EQUAL(res->stats.linear_solver, "gmres");
	CU_ASSERT_STRING_EQUAL(res->stats.preconditioner, "block");
	CU_ASSERT(res->stats.prec_switch_time > m->t0 &&
		  res->stats.prec_switch_time < m->t1);
	CU_ASSERT(res->stats.jac_evals > 0);
	dcg_result_free(res);
	dcg_model_free(m);
}

/* The largest difference between two runs of one model relative to each
 * quantity's scale, max|a - b| / max|a| over every derived series and
 * calendar-year total (as bench/peer/check.py measures), the quantity
 * named in *worst_name. Series that are zero to round-off are compared in
 * absolute terms against 1e-9. */
static double scale_rel_one(const double *a, const double *b, size_t n)
{
	double scale = 0.0, diff = 0.0;
	for (size_t i = 0; i < n; i++) {
		scale = fmax(scale, fabs(a[i]));
		diff = fmax(diff, fabs(a[i] - b[i]));
	}
	return scale < 1e-9 ? diff * 1e-3 : diff / scale;
}

static double scale_rel_err(const struct dcg_model *m, const struct dcg_result *a,
			    const struct dcg_result *b, const char **worst_name)
{
	double worst = 0.0;
	static const char *const annual[] = {"annual dc energy", "annual consumption",
					     "annual unserved", "annual emissions",
					     "annual generation"};
	*worst_name = "none";
	CU_ASSERT_FATAL(a->T == b->T && a->Y == b->Y);
	for (int id = 0; id < DCG_SER_COUNT; id++) {
		if (!a->series[id] || !b->series[id])
			continue;
		size_t w = dcg_series_width(m, (enum dcg_series_id)id);
		double e = scale_rel_one(a->series[id], b->series[id], a->T * w);
		if (e > worst) {
			worst = e;
			*worst_name = dcg_series_info((enum dcg_series_id)id)->name;
		}
	}
	const double *pa[] = {a->annual_dc_energy, a->annual_consumption,
			      a->annual_unserved, a->annual_emissions,
			      a->annual_generation};
	const double *pb[] = {b->annual_dc_energy, b->annual_consumption,
			      b->annual_unserved, b->annual_emissions,
			      b->annual_generation};
	size_t J = m->grid_enabled ? m->J : 0;
	size_t w[] = {m->R, m->R, m->R, m->R, m->R * J};
	for (int k = 0; k < 5; k++) {
		if (!pa[k] || !pb[k] || !w[k])
			continue;
		double e = scale_rel_one(pa[k], pb[k], a->Y * w[k]);
		if (e > worst) {
			worst = e;
			*worst_name = annual[k];
		}
	}
	return worst;
}

/* A synthetic scenario of R regions with overrides. */
static struct dcg_model *synth_model(size_t R, const char **sets, size_t nsets)
{
	char *text = NULL;
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL_FATAL(dcg_synth_scenario(R, 1, &text, &err), 0);
	struct dcg_model *m = NULL;
	int rc = dcg_config_load_string(text, "<synth>", sets, nsets, &m, &err);
	free(text);
	if (rc)
		printf("\n  %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return m;
}

/* The default method ("auto") on a non-stiff scenario stays on Adams with
 * the fixed-point corrector to the end, and its results agree with BDF at
 * a tight tolerance within 1e-4 of each quantity's scale: states, derived
 * series, calendar-year totals (quadratures) and the reserve-margin events
 * (the same crossings, at times within 1e-3 year). */
static void test_auto_method_stays_adams_when_not_stiff(void)
{
	/* Thermal outage rates of 0.18 and national limits on new coal and
	 * gas (6 and 1 GW/yr: investment that holds its target would
	 * otherwise keep every region above its minimum) make the synthetic
	 * regions cross their minimum. */
	const char *sets[] = {"technologies.[0].forced_outage_rate=0.18",
			      "technologies.[1].forced_outage_rate=0.18",
			      "technologies.[0].build_limit_gw_per_yr=6",
			      "technologies.[1].build_limit_gw_per_yr=1"};
	struct dcg_model *m = synth_model(12, sets, 4);
	CU_ASSERT_EQUAL(m->method, DCG_METHOD_AUTO);
	struct dcg_result *res = solve_ok(m);
	CU_ASSERT_STRING_EQUAL(res->stats.method, "ADAMS");
	CU_ASSERT_STRING_EQUAL(res->stats.method_setting, "auto");
	CU_ASSERT_STRING_EQUAL(res->stats.nonlinear_solver, "fixed_point");
	CU_ASSERT_STRING_EQUAL(res->stats.linear_solver, "none");
	CU_ASSERT(isnan(res->stats.method_switch_time));
	CU_ASSERT(res->stats.restarts > 0); /* breakpoints were crossed */
	struct dcg_model *ref = dcg_model_clone(m);
	ref->method = DCG_METHOD_BDF;
	ref->rtol = ref->atol = 1e-10;
	CU_ASSERT_FATAL(dcg_model_finalize(ref, NULL) == 0);
	struct dcg_result *rr = solve_ok(ref);
	CU_ASSERT_STRING_EQUAL(rr->stats.method, "BDF");
	const char *what;
	double e = scale_rel_err(m, res, rr, &what);
	CU_ASSERT(e < 1e-4);
	if (e >= 1e-4)
		printf("\n  auto vs BDF reference: %g in %s\n", e, what);
	CU_ASSERT(res->n_events > 0);
	CU_ASSERT_EQUAL_FATAL(res->n_events, rr->n_events);
	for (size_t i = 0; i < res->n_events; i++) {
		CU_ASSERT_EQUAL(res->events[i].region, rr->events[i].region);
		CU_ASSERT_EQUAL(res->events[i].kind, rr->events[i].kind);
		CU_ASSERT_DOUBLE_EQUAL(res->events[i].time, rr->events[i].time, 1e-3);
	}
	dcg_result_free(res);
	dcg_result_free(rr);
	dcg_model_free(m);
	dcg_model_free(ref);
}

/* A perception delay of 0.002 year makes the system stiff (an eigenvalue
 * near -500 per year against steps of ~0.03 year): "auto" switches to BDF
 * and Newton's method early in the first year and still agrees with a
 * tight BDF reference within 1e-4. */
static void test_auto_method_switches_when_stiff(void)
{
	const char *sets[] = {"datacenter.perception_time_yr=0.002"};
	struct dcg_model *m = synth_model(12, sets, 1);
	struct dcg_result *res = solve_ok(m);
	CU_ASSERT_STRING_EQUAL(res->stats.method, "BDF");
	CU_ASSERT_STRING_EQUAL(res->stats.method_setting, "auto");
	CU_ASSERT_STRING_EQUAL(res->stats.nonlinear_solver, "newton");
	CU_ASSERT(res->stats.method_switch_time > m->t0 &&
		  res->stats.method_switch_time < m->t0 + 1.0);
	struct dcg_model *ref = dcg_model_clone(m);
	ref->method = DCG_METHOD_BDF;
	ref->rtol = ref->atol = 1e-10;
	CU_ASSERT_FATAL(dcg_model_finalize(ref, NULL) == 0);
	struct dcg_result *rr = solve_ok(ref);
	CU_ASSERT(isnan(rr->stats.method_switch_time));
	const char *what;
	double e = scale_rel_err(m, res, rr, &what);
	CU_ASSERT(e < 1e-4);
	if (e >= 1e-4)
		printf("\n  stiff auto vs BDF reference: %g in %s\n", e, what);
	dcg_result_free(res);
	dcg_result_free(rr);
	dcg_model_free(m);
	dcg_model_free(ref);
}

/* Accuracy at scale: 1,000 synthetic regions at the default tolerances are
 * within 1e-4 of each quantity's scale of a run at rtol = atol = 1e-9
 * (docs/performance.md, "Accuracy"). */
static void test_accuracy_at_1000_regions(void)
{
	struct dcg_model *m = synth_model(1000, NULL, 0);
	struct dcg_result *res = solve_ok(m);
	struct dcg_model *ref = dcg_model_clone(m);
	ref->rtol = ref->atol = 1e-9;
	CU_ASSERT_FATAL(dcg_model_finalize(ref, NULL) == 0);
	struct dcg_result *rr = solve_ok(ref);
	const char *what;
	double e = scale_rel_err(m, res, rr, &what);
	CU_ASSERT(e < 1e-4);
	printf("\n  1,000 regions, default tolerances: largest error %.3g (%s) ", e, what);
	dcg_result_free(res);
	dcg_result_free(rr);
	dcg_model_free(m);
	dcg_model_free(ref);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("solver", NULL, NULL);
	CU_add_test(s, "aging chain closed form", test_aging_chain_closed_form);
	CU_add_test(s, "logistic demand closed form", test_logistic_demand_closed_form);
	CU_add_test(s, "zero growth steady state", test_zero_growth_steady_state);
	CU_add_test(s, "import ban substitution", test_import_ban_substitution);
	CU_add_test(s, "annual totals are exact integrals", test_annual_totals);
	CU_add_test(s, "runs are independent", test_runs_are_independent);
	CU_add_test(s, "failure names time and state", test_failure_names_time_and_state);
	CU_add_test(s, "dense, KLU and GMRES agree", test_linear_solvers_agree);
	CU_add_test(s, "GMRES preconditioners agree", test_preconditioners_agree);
	CU_add_test(s, "auto preconditioner switches when GMRES struggles",
		    test_auto_preconditioner_switches);
	CU_add_test(s, "auto method stays on Adams when not stiff",
		    test_auto_method_stays_adams_when_not_stiff);
	CU_add_test(s, "auto method switches to BDF when stiff",
		    test_auto_method_switches_when_stiff);
	CU_add_test(s, "accuracy at 1,000 regions", test_accuracy_at_1000_regions);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
