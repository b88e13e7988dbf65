/* Suite "sensitivity": CVODES forward sensitivities against central finite
 * differences of whole solves, for parameters of every kind (a constant
 * schedule, a plain number, a scaled number, a technology map entry, a
 * point of a schedule, an initial value and a jump across a breakpoint);
 * parameter paths that have no derivative are refused. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcgrid/dcgrid.h"
#include "dcgrid/sensitivity.h"

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
	 * solved at rtol = 1e-12 keeps both near 1e-6. */
	const double rel = 1e-3;
	double worst_all = 0.0;
	for (size_t j = 0; j < np; j++) {
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
			CU_ASSERT(diff <= 1e-3 * big + 10.0 * noise);
			if (big > 100.0 * noise) {
				double e = diff / big;
				checked++;
				if (e > 1e-3)
					printf("\n    %s, %s: max |sens - fd| / max |fd| = %.2e",
					       paths[j], dcg_series_info(id)->name, e);
				worst = fmax(worst, e);
			}
		}
		printf("\n    %-36s %2zu series, worst relative difference %.1e",
		       paths[j], checked, worst);
		CU_ASSERT(checked >= 1);
		CU_ASSERT(worst < 1e-3);
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
	dcg_result_free(r);
	dcg_sensitivity_free(s);
	dcg_model_free(m);
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
	CU_add_test(s, "parameter paths to fields", test_param_paths);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
