/* Suite "sensitivity": CVODES forward sensitivities against central finite
 * differences of whole solves, for parameters of every kind (a constant
 * schedule, a plain number, a scaled number, a technology map entry, a
 * point of a schedule, an initial value, a jump across a breakpoint, and
 * the hourly grid's forced-outage rate and corridor availability);
 * the dense, KLU and GMRES linear solvers against each other; a
 * multi-region synthetic scenario (GMRES, one-sided and central difference
 * quotients) against central differences; parameter paths that have no
 * derivative are refused. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcgrid/dcgrid.h"
#include "dcgrid/sensitivity.h"
#include "dcgrid/synth.h"

/* cfg_grid.cfg, tight tolerances, and a step in the gpu class's
 * availability so that its pipeline jumps (cancel_fraction 0.5) in 2027. */
static struct dcg_model *load(void)
{
	static const char *const sets[] = {
		"solver.rtol=1e-9",
		"solver.atol=1e-9",
		"solver.max_steps=1000000",
		"hardware.[1].availability={interp=\"step\";year=[2024.0,2027.0];value=[1.0,0.6];}",
	};
	struct dcg_model *m = NULL;
	struct dcg_error err = {0};
	int rc = dcg_config_load_file("data/cfg_grid.cfg", sets, 4, &m, &err);
	if (rc)
		printf("\n  %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return m;
}

static struct dcg_result *solve_with(const struct dcg_model *m, const char *path,
				     double factor)
{
	struct dcg_model *c = dcg_model_clone(m);
	double *p = NULL;
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL_FATAL(dcg_config_param_ptr(c, path, &p, NULL, NULL), 0);
	*p *= factor;
	/* The reference differences solves, so it needs tolerances far below
	 * the sensitivities' for its noise (global error / rel) to stay
	 * under the 1e-3 being checked. */
	c->rtol = 1e-12;
	c->atol = 1e-12;
	struct dcg_result *r = NULL;
	CU_ASSERT_EQUAL_FATAL(dcg_solve(c, NULL, &r, NULL), 0);
	dcg_model_free(c);
	return r;
}

static void test_against_finite_differences(void)
{
	static const char *const paths[] = {
		"segments.[0].growth",                  /* constant schedule */
		"hardware.[1].life_yr",                 /* number */
		"regions.[0].grid.base_demand_twh",     /* scaled (TWh -> GW) */
		"regions.[0].grid.capacity_gw.coal",    /* technology map */
		"corridors.[0].rating_gw.value.[1]",    /* schedule point */
		"hardware.[0].initial_racks",           /* initial state */
		"hardware.[1].cancel_fraction",         /* jump at 2027 */
		"grid.reserve_target",
		"technologies.[0].forced_outage_rate",  /* hourly adequacy */
		"corridors.[0].availability",           /* hourly corridor */
	};
	const size_t np = sizeof paths / sizeof paths[0];
	struct dcg_model *m = load();
	struct dcg_sensitivity *s = NULL;
	struct dcg_error err = {0};
	int rc = dcg_sensitivity_solve(m, paths, np, &s, &err);
	if (rc)
		printf("\n  %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT(s->nseries >= 10);
	/* Central differences of whole solves: truncation error O(rel^2),
	 * solver noise O(global error / rel); rel = 1e-3 with the reference
	 * solved at rtol = 1e-12 keeps both near 1e-6. Since investment holds
	 * its target (issue 13) the regions' margins sit in the smoothing band
	 * of the investment rule's pos(), whose second derivative is large
	 * there: for the parameters that move the margin (base demand,
	 * capacity, reserve target) central differences at rel = 1e-3 err by
	 * 2-3e-2 of the largest derivative, at 1e-4 by 1.1e-3 (the
	 * sensitivities do not move), so those take rel = 1e-4 and a bound of
	 * 3e-3. */
	double worst_all = 0.0;
	for (size_t j = 0; j < np; j++) {
		bool in_band = j == 2 || j == 3 || j == 7;
		const double rel = in_band ? 1e-4 : 1e-3, bound = in_band ? 3e-3 : 1e-3;
		double *pp = NULL, scale = 1.0;
		struct dcg_model *c = dcg_model_clone(m);
		CU_ASSERT_EQUAL_FATAL(dcg_config_param_ptr(c, paths[j], &pp, &scale, NULL), 0);
		double p0 = *pp;
		dcg_model_free(c);
		CU_ASSERT_DOUBLE_EQUAL(s->value[j], p0 * scale, 1e-12 * fabs(p0 * scale));
		struct dcg_result *rp = solve_with(m, paths[j], 1.0 + rel);
		struct dcg_result *rm = solve_with(m, paths[j], 1.0 - rel);
		double dp = 2.0 * rel * p0 * scale; /* in config units */
		double worst = 0.0;
		size_t checked = 0;
		for (size_t k = 0; k < s->nseries; k++) {
			enum dcg_series_id id = s->ids[k];
			size_t n = s->T * s->width[k];
			const double *d = s->deriv[k * np + j];
			double big = 0.0, ybig = 0.0, diff = 0.0;
			for (size_t a = 0; a < n; a++) {
				double fd = (rp->series[id][a] - rm->series[id][a]) / dp;
				big = fmax(big, fabs(fd));
				ybig = fmax(ybig, fabs(s->series[k][a]));
				diff = fmax(diff, fabs(fd - d[a]));
			}
			/* The sensitivities carry the global error of the
			 * rtol = 1e-9 solve (about 1e-7 of the series' size per
			 * unit of p): derivatives below 100 times that are
			 * compared in absolute terms only. */
			double noise = 1e-7 * ybig / fabs(p0 * scale);
			CU_ASSERT(diff <= bound * big + 10.0 * noise);
			if (big > 100.0 * noise) {
				double e = diff / big;
				checked++;
				if (e > bound)
					printf("\n    %s, %s: max |sens - fd| / max |fd| = %.2e",
					       paths[j], dcg_series_info(id)->name, e);
				worst = fmax(worst, e);
			}
		}
		printf("\n    %-36s %2zu series, worst relative difference %.1e",
		       paths[j], checked, worst);
		CU_ASSERT(checked >= 1);
		CU_ASSERT(worst < bound);
		worst_all = fmax(worst_all, worst);
		dcg_result_free(rp);
		dcg_result_free(rm);
	}
	/* Elasticities are derivatives times p / y. */
	size_t ke = 0;
	while (ke < s->nseries && s->ids[ke] != DCG_SER_ENERGY)
		ke++;
	CU_ASSERT_FATAL(ke < s->nseries);
	size_t i = s->T - 1, w = s->width[ke];
	double y = s->series[ke][i * w], d = s->deriv[ke * np + 1][i * w];
	CU_ASSERT_DOUBLE_EQUAL(s->elasticity[ke * np + 1][i * w], d * s->value[1] / y,
			       1e-9 * fabs(d * s->value[1] / y) + 1e-15);
	dcg_sensitivity_free(s);
	dcg_model_free(m);
}

/* The series carried along equal those of a plain solve. */
static void test_series_match_solve(void)
{
	struct dcg_model *m = load();
	const char *p = "hardware.[1].life_yr";
	struct dcg_sensitivity *s = NULL;
	CU_ASSERT_EQUAL_FATAL(dcg_sensitivity_solve(m, &p, 1, &s, NULL), 0);
	struct dcg_result *r = NULL;
	CU_ASSERT_EQUAL_FATAL(dcg_solve(m, NULL, &r, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(r->T, s->T);
	for (size_t k = 0; k < s->nseries; k++) {
		size_t n = s->T * s->width[k];
		double big = 0.0, diff = 0.0;
		for (size_t a = 0; a < n; a++) {
			big = fmax(big, fabs(r->series[s->ids[k]][a]));
			diff = fmax(diff, fabs(r->series[s->ids[k]][a] - s->series[k][a]));
		}
		CU_ASSERT(diff <= 1e-6 * big + 1e-12);
	}
	/* Steps are counted over every restart (at 3637ea6 only the last
	 * interval's were): the extended system takes at least about as
	 * many as the plain one. */
	CU_ASSERT(s->steps >= r->stats.steps * 8 / 10);
	dcg_result_free(r);
	dcg_sensitivity_free(s);
	dcg_model_free(m);
}

/* Largest difference between two sensitivity results for parameter j,
 * relative to the largest derivative of the same series in a, over the
 * series whose derivatives are not negligible (below `floor` times the
 * largest of all series, relative to their own scale, they are noise). */
static double worst_rel(const struct dcg_sensitivity *a,
			const struct dcg_sensitivity *b, size_t j, size_t *checked)
{
	double worst = 0.0;
	*checked = 0;
	CU_ASSERT_FATAL(a->np == b->np && a->T == b->T && a->nseries == b->nseries);
	for (size_t k = 0; k < a->nseries; k++) {
		const double *da = a->deriv[k * a->np + j], *db = b->deriv[k * b->np + j];
		size_t n = a->T * a->width[k];
		double big = 0.0, ybig = 0.0, diff = 0.0;
		for (size_t i = 0; i < n; i++) {
			big = fmax(big, fabs(da[i]));
			ybig = fmax(ybig, fabs(a->series[k][i]));
			diff = fmax(diff, fabs(da[i] - db[i]));
		}
		/* As test_against_finite_differences: derivatives below 100
		 * times the solver's noise (1e-7 of the series' size per unit
		 * of p) are compared in absolute terms only. */
		double noise = 1e-7 * ybig / fabs(a->value[j]);
		CU_ASSERT(diff <= 2e-3 * big + 10.0 * noise);
		if (big <= 100.0 * noise)
			continue;
		(*checked)++;
		if (diff / big > 1e-3)
			printf("\n      %s: %.1e", dcg_series_info(a->ids[k])->name, diff / big);
		worst = fmax(worst, diff / big);
	}
	return worst;
}

static struct dcg_sensitivity *sens_with(const struct dcg_model *m0,
					 const char *const *paths, size_t np,
					 enum dcg_linsol ls)
{
	struct dcg_model *m = dcg_model_clone(m0);
	CU_ASSERT_FATAL(m != NULL);
	m->linsol = ls;
	struct dcg_sensitivity *s = NULL;
	struct dcg_error err = {0};
	int rc = dcg_sensitivity_solve(m, paths, np, &s, &err);
	if (rc)
		printf("\n  %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	dcg_model_free(m);
	return s;
}

/* The sensitivity solve uses the plain runs' linear solver
 * (solver.linear_solver); dense (the only one before), KLU and GMRES with
 * the block preconditioner solve the same equations, so at rtol = 1e-9
 * their sensitivities agree far below the 1e-3 checked against finite
 * differences. */
static void test_linear_solvers_agree(void)
{
	static const char *const paths[] = {
		"corridors.[0].rating_gw.value.[1]", /* schedule point */
		"hardware.[1].life_yr",              /* life time */
		"hardware.[1].cancel_fraction",      /* jump at 2027 */
		"grid.reserve_target",               /* grid parameter */
		"regions.[1].grid.capacity_gw.coal", /* regional grid value */
	};
	const size_t np = sizeof paths / sizeof paths[0];
	struct dcg_model *m = load();
	struct dcg_sensitivity *d = sens_with(m, paths, np, DCG_LINSOL_DENSE);
	struct dcg_sensitivity *k = sens_with(m, paths, np, DCG_LINSOL_KLU);
	struct dcg_sensitivity *g = sens_with(m, paths, np, DCG_LINSOL_GMRES);
	for (size_t j = 0; j < np; j++) {
		size_t ck = 0, cg = 0;
		double ek = worst_rel(d, k, j, &ck), eg = worst_rel(d, g, j, &cg);
		printf("\n    %-36s klu %.1e, gmres %.1e (%zu series)", paths[j], ek,
		       eg, cg);
		CU_ASSERT(ck >= 1 && cg >= 1);
		/* (2e-5: the linear solvers' Newton iterations stop at the
		 * solver tolerance; with the hourly grid's corridor bounds a
		 * pipeline-cancellation derivative differed by 1.0e-5.) */
		CU_ASSERT(ek < 2e-5);
		CU_ASSERT(eg < 2e-5);
	}
	dcg_sensitivity_free(d);
	dcg_sensitivity_free(k);
	dcg_sensitivity_free(g);
	dcg_model_free(m);
}

/* A synthetic scenario of six regions (dcg_synth_scenario: 180 states, so
 * GMRES with the block preconditioner, corridors between regions) at
 * default-like tolerances, where the sensitivity right-hand sides are
 * one-sided differences, and at rtol = 1e-9 (central differences): both
 * against central differences of whole solves at rtol = 1e-12. */
static struct dcg_model *synth(size_t regions, double rtol)
{
	char *text = NULL, r[64], a[64];
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL_FATAL(dcg_synth_scenario(regions, 7, &text, &err), 0);
	snprintf(r, sizeof r, "solver.rtol=%.17g", rtol);
	snprintf(a, sizeof a, "solver.atol=%.17g", rtol);
	const char *const sets[] = {r, a, "solver.max_steps=1000000"};
	struct dcg_model *m = NULL;
	int rc = dcg_config_load_string(text, "<synth>", sets, 3, &m, &err);
	if (rc)
		printf("\n  %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	free(text);
	return m;
}

static void test_synthetic_against_finite_differences(void)
{
	static const char *const paths[] = {
		"segments.[1].growth.value.[0]",     /* schedule point */
		"hardware.[0].life_yr",              /* life time */
		"hardware.[2].build_time_yr",
		"grid.reserve_target",               /* grid parameter */
		"regions.[2].grid.base_demand_twh",  /* regional, scaled */
		/* Regional schedules, which the work area caches per t: a
		 * perturbed value must not be read from the cache. */
		"regions.[1].pue_target.value.[0]",
		"regions.[1].policy_weight.value.[0]",
	};
	const size_t np = sizeof paths / sizeof paths[0];
	struct dcg_model *loose = synth(6, 1e-6), *tight = synth(6, 1e-9);
	CU_ASSERT_FATAL(loose->layout.n > 60);
	struct dcg_sensitivity *sl = sens_with(loose, paths, np, DCG_LINSOL_AUTO);
	struct dcg_sensitivity *st = sens_with(tight, paths, np, DCG_LINSOL_AUTO);
	/* The reference: central differences of solves at rtol = 1e-12 (as
	 * test_against_finite_differences), packed like a sensitivity
	 * result so that worst_rel compares it. A relative step of 1e-4:
	 * with 1e-3, regions.[2].grid.base_demand_twh moves a region's
	 * reserve margin across the smoothing band of the price's pos() and
	 * the differences, not the sensitivities, are off (by 34 % in the
	 * price index; 1e-6 at a step of 1e-5). */
	struct dcg_sensitivity fd = *st;
	double **deriv = calloc(st->nseries * np, sizeof *deriv);
	CU_ASSERT_FATAL(deriv != NULL);
	fd.deriv = deriv;
	const double rel = 1e-4;
	for (size_t j = 0; j < np; j++) {
		double scale = 1.0, *pp = NULL;
		struct dcg_model *c = dcg_model_clone(tight);
		CU_ASSERT_EQUAL_FATAL(dcg_config_param_ptr(c, paths[j], &pp, &scale, NULL), 0);
		double p0 = *pp;
		dcg_model_free(c);
		struct dcg_result *rp = solve_with(tight, paths[j], 1.0 + rel);
		struct dcg_result *rm = solve_with(tight, paths[j], 1.0 - rel);
		for (size_t k = 0; k < st->nseries; k++) {
			size_t n = st->T * st->width[k];
			double *d = deriv[k * np + j] = calloc(n + 1, sizeof *d);
			CU_ASSERT_FATAL(d != NULL);
			for (size_t i = 0; i < n; i++)
				d[i] = (rp->series[st->ids[k]][i] - rm->series[st->ids[k]][i]) /
				       (2.0 * rel * p0 * scale);
		}
		dcg_result_free(rp);
		dcg_result_free(rm);
		size_t cl = 0, ct = 0;
		double el = worst_rel(&fd, sl, j, &cl), et = worst_rel(&fd, st, j, &ct);
		printf("\n    %-36s rtol 1e-6: %.1e, rtol 1e-9: %.1e (%zu series)",
		       paths[j], el, et, ct);
		CU_ASSERT(cl >= 1 && ct >= 1);
		/* At rtol = 1e-6 the sensitivities carry up to about 1e-3 of
		 * global error here (8.7e-4 with the dense solver and CVODES'
		 * own quotients before, 8.4e-4 now, against rtol = 1e-10); at
		 * 1e-9 the comparison is limited by the differences' own
		 * error (up to 4e-4). Since investment holds its target (issue
		 * 13) the regions' margins sit in or near the smoothing band of
		 * the investment rule's pos(), whose second derivative jumps at
		 * the band's edges: central differences of hardware.[0].life_yr
		 * then err by O(step), not O(step^2), on the reserve margin
		 * (2.7e-4, 2.4e-3, 1.2e-3 and 9.9e-3 of its largest derivative
		 * at relative steps 3e-4, 1e-4, 3e-5 and 1e-5, while the
		 * sensitivities at rtol 1e-6 and 1e-9 agree). */
		CU_ASSERT(el < 4e-3);
		CU_ASSERT(et < 3e-3);
	}
	for (size_t a = 0; a < st->nseries * np; a++)
		free(deriv[a]);
	free(deriv);
	dcg_sensitivity_free(sl);
	dcg_sensitivity_free(st);
	dcg_model_free(loose);
	dcg_model_free(tight);
}

static void expect_refused(struct dcg_model *m, const char *path, const char *part)
{
	double *p = NULL;
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL(dcg_config_param_ptr(m, path, &p, NULL, &err), DCG_EUSAGE);
	if (!strstr(err.msg, part))
		printf("\n  expected \"%s\" in: %s", part, err.msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, part));
}

static void test_param_paths(void)
{
	struct dcg_model *m = load();
	double *p = NULL, scale = 0.0;
	CU_ASSERT_EQUAL(dcg_config_param_ptr(m, "hardware.[1].life_yr", &p, &scale, NULL), 0);
	CU_ASSERT_PTR_EQUAL(p, &m->classes[1].life_yr);
	CU_ASSERT_EQUAL(scale, 1.0);
	CU_ASSERT_EQUAL(dcg_config_param_ptr(m, "regions.[1].grid.capacity_gw.hydro", &p,
					     NULL, NULL), 0);
	CU_ASSERT_PTR_EQUAL(p, &m->regions[1].capacity_gw[2]);
	CU_ASSERT_EQUAL(dcg_config_param_ptr(m, "grid.reserve_target", &p, NULL, NULL), 0);
	CU_ASSERT_PTR_EQUAL(p, &m->grid.reserve_target);
	expect_refused(m, "hardware.[1].lfe_yr", "unknown key lfe_yr");
	expect_refused(m, "hardware.[5].life_yr", "list index out of range");
	expect_refused(m, "corridors.[0].rating_gw", "is a schedule of 2 points");
	expect_refused(m, "corridors.[0].rating_gw.year.[0]", "schedule years are not");
	expect_refused(m, "solver.max_steps", "not a real-valued parameter");
	expect_refused(m, "regions.[0].grid.capacity_gw.nuclear", "technology name");
	/* Which fields the work area caches per t (and a sensitivity
	 * parameter must invalidate): regional and corridor schedules and
	 * the technologies' lead times, nothing else. */
	static const struct {
		const char *path;
		bool cached;
	} cache[] = {
		{"corridors.[0].rating_gw.value.[1]", true},
		{"regions.[1].pue_target", true},
		{"regions.[0].policy_weight", true},
		{"technologies.[0].lead_time_yr", true},
		{"hardware.[1].life_yr", false},
		{"grid.reserve_target", false},
		{"regions.[1].grid.capacity_gw.hydro", false},
		{"segments.[0].growth", false},
	};
	for (size_t i = 0; i < sizeof cache / sizeof cache[0]; i++) {
		CU_ASSERT_EQUAL_FATAL(dcg_config_param_ptr(m, cache[i].path, &p, NULL, NULL), 0);
		if (dcg_work_caches(m, p) != cache[i].cached)
			printf("\n  %s: cached should be %d", cache[i].path, cache[i].cached);
		CU_ASSERT_EQUAL(dcg_work_caches(m, p), cache[i].cached);
	}
	dcg_model_free(m);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("sensitivity", NULL, NULL);
	CU_add_test(s, "forward sensitivities vs central differences",
		    test_against_finite_differences);
	CU_add_test(s, "carried series equal a plain solve", test_series_match_solve);
	CU_add_test(s, "dense, KLU and GMRES sensitivities agree",
		    test_linear_solvers_agree);
	CU_add_test(s, "synthetic regions vs central differences",
		    test_synthetic_against_finite_differences);
	CU_add_test(s, "parameter paths to fields", test_param_paths);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
