/* Suite "calibrate": least-squares calibration with sensitivity gradients
 * recovers known parameters from synthetic figures made by the model, and
 * reads figures tables. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcgrid/calibrate.h"
#include "dcgrid/config.h"
#include "fixture.h"

/* A growing two-class model with a grid, so stocks, annual energy and PUE
 * all depend on the parameters. */
static struct dcg_model *truth(double ai_growth, double life)
{
	struct dcg_model *m = fx_model(2, 2, 2, 3, 1);
	m->t1 = 2028.0;
	m->output_step_yr = 0.25;
	fx_const(&m->segments[0].growth, 0.1);
	fx_const(&m->segments[1].growth, ai_growth);
	m->classes[1].life_yr = life;
	fx_step(&m->regions[0].pue_target, 2024.0, 1.4, 2025.0, 1.3);
	if (dcg_model_finalize(m, NULL))
		abort();
	return m;
}

/* Figures computed from a run of the true model. */
static size_t make_targets(struct dcg_target *t)
{
	struct dcg_model *m = truth(0.35, 7.0);
	struct dcg_result *r = NULL;
	CU_ASSERT_EQUAL_FATAL(dcg_solve(m, NULL, &r, NULL), 0);
	size_t n = 0;
	const double times[] = {2025.0, 2026.0, 2027.0, 2028.0};
	for (size_t k = 0; k < 4; k++) {
		size_t i = (size_t)((times[k] - 2024.0) / 0.25 + 0.5);
		double racks = 0.0, comp = 0.0;
		for (size_t c = 0; c < m->R * m->K; c++) {
			racks += r->series[DCG_SER_RACKS][i * m->R * m->K + c];
			comp += r->series[DCG_SER_COMPUTE][i * m->R * m->K + c];
		}
		t[n] = (struct dcg_target){.kind = DCG_TARGET_STOCK, .time = times[k],
					   .value = racks, .scale = 0.01 * racks};
		snprintf(t[n].id, sizeof t[n].id, "racks-%zu", k);
		snprintf(t[n++].dataset, sizeof t->dataset, "datacenter/racks");
		t[n] = (struct dcg_target){.kind = DCG_TARGET_STOCK, .time = times[k],
					   .value = comp, .scale = 0.01 * comp};
		snprintf(t[n].id, sizeof t[n].id, "compute-%zu", k);
		snprintf(t[n++].dataset, sizeof t->dataset, "datacenter/compute");
	}
	double e = r->annual_dc_energy[2 * m->R] + r->annual_dc_energy[2 * m->R + 1];
	t[n] = (struct dcg_target){.kind = DCG_TARGET_ANNUAL, .time = 2026.0, .value = e,
				   .scale = 0.01 * e};
	snprintf(t[n].id, sizeof t[n].id, "energy-2026");
	snprintf(t[n++].dataset, sizeof t->dataset, "annual/dc_energy");
	dcg_result_free(r);
	dcg_model_free(m);
	return n;
}

static void test_recovers_known_parameters(void)
{
	struct dcg_target t[16];
	size_t nt = make_targets(t);
	/* Start well away from the truth (0.35, 7). */
	struct dcg_model *m = truth(0.2, 5.0);
	struct dcg_calib_param p[2] = {
		{.path = "segments.[1].growth", .lo = 0.0, .hi = 1.0},
		{.path = "hardware.[1].life_yr", .lo = 1.0, .hi = 20.0},
	};
	struct dcg_calib_result *r = NULL;
	struct dcg_error err = {0};
	int rc = dcg_calibrate(m, t, nt, p, 2, &r, &err);
	if (rc)
		printf("\n  %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT(r->converged);
	CU_ASSERT_DOUBLE_EQUAL(r->initial[0], 0.2, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(r->value[0], 0.35, 1e-4);
	CU_ASSERT_DOUBLE_EQUAL(r->value[1], 7.0, 2e-3);
	CU_ASSERT(r->chi2_before > 100.0);
	CU_ASSERT(r->chi2_after < 1e-4);
	/* The model given is left as it was. */
	CU_ASSERT_DOUBLE_EQUAL(m->classes[1].life_yr, 5.0, 0.0);
	dcg_calib_free(r);
	dcg_model_free(m);
}

static void test_errors(void)
{
	struct dcg_target t[16];
	size_t nt = make_targets(t);
	struct dcg_model *m = truth(0.2, 5.0);
	struct dcg_calib_result *r = NULL;
	struct dcg_error err = {0};
	struct dcg_calib_param out = {.path = "segments.[1].growth", .lo = 0.5, .hi = 1.0};
	CU_ASSERT_EQUAL(dcg_calibrate(m, t, nt, &out, 1, &r, &err), DCG_EUSAGE);
	CU_ASSERT_STRING_EQUAL(err.msg,
			       "parameter segments.[1].growth = 0.2 lies outside its bounds 0.5:1");
	struct dcg_calib_param name = {.path = "regions.[0].name", .lo = 0.0, .hi = 1.0};
	CU_ASSERT_EQUAL(dcg_calibrate(m, t, nt, &name, 1, &r, &err), DCG_EUSAGE);
	struct dcg_target bad = t[0];
	snprintf(bad.dataset, sizeof bad.dataset, "annual/consumption");
	bad.kind = DCG_TARGET_ANNUAL;
	struct dcg_calib_param g = {.path = "segments.[1].growth", .lo = 0.0, .hi = 1.0};
	CU_ASSERT_EQUAL(dcg_calibrate(m, &bad, 1, &g, 1, &r, &err), DCG_EUSAGE);
	CU_ASSERT(strstr(err.msg, "target racks-0: annual/consumption has no derivative") ==
		  err.msg);
	CU_ASSERT_PTR_NULL(r);
	dcg_model_free(m);
}

static void test_figures_table(void)
{
	struct dcg_target *t = NULL;
	size_t n = 0;
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL_FATAL(dcg_targets_load_csv("../inputs/validation/china-2022-2024.csv",
						   &t, &n, &err), 0);
	CU_ASSERT_EQUAL(n, 15);
	CU_ASSERT_STRING_EQUAL(t[0].id, "racks-2022m");
	CU_ASSERT_EQUAL(t[0].kind, DCG_TARGET_STOCK);
	CU_ASSERT_DOUBLE_EQUAL(t[0].scale, 0.2 * 5.9e6, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(t[7].scale, 0.03, 0.0); /* pue-2022: absolute */
	CU_ASSERT_STRING_EQUAL(t[13].source, "IEA, Energy and AI (2025)");
	free(t);
	char path[] = "/tmp/dcgrid-figures-XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	const char *text = "id,dataset,kind,time,published,comparison,tolerance,source\n"
			   "a,datacenter/racks,stock,2025.0,12x,approx,0.1,me\n";
	CU_ASSERT(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	CU_ASSERT_EQUAL(dcg_targets_load_csv(path, &t, &n, &err), DCG_ECONFIG);
	char want[256];
	snprintf(want, sizeof want, "%s:2: published = \"12x\" is not a number", path);
	CU_ASSERT_STRING_EQUAL(err.msg, want);
	unlink(path);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("calibrate", NULL, NULL);
	CU_add_test(s, "recovers known parameters", test_recovers_known_parameters);
	CU_add_test(s, "errors", test_errors);
	CU_add_test(s, "figures table", test_figures_table);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
