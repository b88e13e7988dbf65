/* Robustness of the library (suite "robust"): what happens when a run goes
 * wrong rather than when an input is wrong (tests/test_errors.sh covers
 * those).
 *
 * - A NaN that reaches the right-hand side part-way through a run ends the
 *   solve with DCG_ESOLVER, a message naming the time, the state (region
 *   and class) and the reason, and the partial result up to that time,
 *   which the writer stores as complete = 0.
 * - dcg_solve_opts.should_stop stops a solve with DCG_EINTERRUPTED and no
 *   result.
 * - The memory limit refuses a run that would not fit, with the estimate
 *   and the limit, before anything large is allocated; a malformed
 *   DCGRID_MEMORY_LIMIT is a usage error.
 */
#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcgrid/config.h"
#include "dcgrid/h5.h"
#include "dcgrid/model.h"
#include "dcgrid/result.h"
#include "dcgrid/schedule.h"
#include "dcgrid/solver.h"

/* The catalogue's valid scenario; the suite runs in tests/. */
#define OK_CFG "bad-inputs/ok.cfg"

static void test_nan_in_rhs(void)
{
	/* gpu kw_per_rack steps to a value at 2027 that the loader would
	 * never accept; the model is patched after validation so that the
	 * first 3 years solve normally. */
	const char *sets[] = {
		"hardware.[1].kw_per_rack={interp=\"step\";"
		"year=[2024.0,2027.0];value=[40.0,60.0];}",
	};
	struct dcg_model *m = NULL;
	struct dcg_result *res = NULL;
	struct dcg_error err = {0};
	int rc = dcg_config_load_file(OK_CFG, sets, 1, &m, &err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	m->classes[1].kw_per_rack.value[1] = NAN;

	rc = dcg_solve(m, NULL, &res, &err);
	CU_ASSERT_EQUAL(rc, DCG_ESOLVER);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res);
	CU_ASSERT_FALSE(res->complete);
	/* Every output time before the NaN was kept. */
	CU_ASSERT(fabs(res->t_reached - 2027.0) < 1e-6);
	CU_ASSERT_EQUAL(res->T, 7); /* 2024.0 to 2027.0 every 0.5 */
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "solver failed at t = 2027.0"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "is not finite"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "class gpu"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "[region "));
	if (!strstr(err.msg, "is not finite"))
		fprintf(stderr, "message: %s\n", err.msg);

	/* The partial result is a valid file marked incomplete. */
	char dir[] = "/tmp/dcg-test-robust-XXXXXX", path[128];
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/partial.h5", dir);
	rc = dcg_h5_write_run(path, m, res, "scenario = \"x\";\n", false, &err);
	CU_ASSERT_EQUAL(rc, 0);
	hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	CU_ASSERT(f >= 0);
	if (f >= 0) {
		int complete = -1;
		double t_reached = 0.0;
		hid_t a = H5Aopen(f, "complete", H5P_DEFAULT);
		CU_ASSERT(a >= 0 && H5Aread(a, H5T_NATIVE_INT, &complete) >= 0);
		H5Aclose(a);
		a = H5Aopen(f, "t_reached", H5P_DEFAULT);
		CU_ASSERT(a >= 0 && H5Aread(a, H5T_NATIVE_DOUBLE, &t_reached) >= 0);
		H5Aclose(a);
		CU_ASSERT_EQUAL(complete, 0);
		CU_ASSERT(fabs(t_reached - 2027.0) < 1e-6);
		hid_t d = H5Dopen2(f, "time", H5P_DEFAULT);
		hid_t sp = H5Dget_space(d);
		hsize_t n = 0;
		H5Sget_simple_extent_dims(sp, &n, NULL);
		CU_ASSERT_EQUAL(n, 7);
		H5Sclose(sp);
		H5Dclose(d);
		H5Fclose(f);
	}
	remove(path);
	rmdir(dir);
	dcg_result_free(res);
	dcg_model_free(m);
}

static int stop_after(void *ctx)
{
	int *calls = ctx;
	return ++*calls > 3;
}

static void test_should_stop(void)
{
	struct dcg_model *m = NULL;
	struct dcg_result *res = NULL;
	struct dcg_error err = {0};
	int calls = 0;
	int rc = dcg_config_load_file(OK_CFG, NULL, 0, &m, &err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	struct dcg_solve_opts opts = {
		.should_stop = stop_after,
		.should_stop_ctx = &calls,
	};
	rc = dcg_solve(m, &opts, &res, &err);
	CU_ASSERT_EQUAL(rc, DCG_EINTERRUPTED);
	CU_ASSERT_PTR_NULL(res);
	CU_ASSERT_EQUAL(calls, 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "interrupted at t = "));
	CU_ASSERT_STRING_EQUAL(dcg_strerror(DCG_EINTERRUPTED), "interrupted");
	dcg_model_free(m);
}

static void test_memory_limit(void)
{
	struct dcg_model *m = NULL;
	struct dcg_error err = {0};
	const char *fine[] = {"horizon.output_step_yr=0.01"};

	CU_ASSERT_EQUAL(setenv("DCGRID_MEMORY_LIMIT", "64K", 1), 0);
	int rc = dcg_config_load_file(OK_CFG, fine, 1, &m, &err);
	CU_ASSERT_EQUAL(rc, DCG_ELIMIT);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_STRING_EQUAL(
		err.msg, "bad-inputs/ok.cfg: 2 regions x 601 output times "
			 "(184 values each) need 1.7 MiB for the result; the "
			 "limit is 64.0 KiB (from DCGRID_MEMORY_LIMIT)");

	/* The same run fits a larger limit; "none" lifts it. */
	CU_ASSERT_EQUAL(setenv("DCGRID_MEMORY_LIMIT", "2MiB", 1), 0);
	rc = dcg_config_load_file(OK_CFG, fine, 1, &m, &err);
	CU_ASSERT_EQUAL(rc, 0);
	dcg_model_free(m);
	m = NULL;
	CU_ASSERT_EQUAL(setenv("DCGRID_MEMORY_LIMIT", "none", 1), 0);
	rc = dcg_config_load_file(OK_CFG, fine, 1, &m, &err);
	CU_ASSERT_EQUAL(rc, 0);
	dcg_model_free(m);
	m = NULL;

	CU_ASSERT_EQUAL(setenv("DCGRID_MEMORY_LIMIT", "lots", 1), 0);
	rc = dcg_config_load_file(OK_CFG, NULL, 0, &m, &err);
	CU_ASSERT_EQUAL(rc, DCG_EUSAGE);
	CU_ASSERT_STRING_EQUAL(err.msg,
			       "DCGRID_MEMORY_LIMIT = \"lots\" is not a size "
			       "(expected e.g. 8GiB, 512M, a number of bytes, "
			       "or none)");
	CU_ASSERT_PTR_NULL(m);

	/* Without the variable the default (half the physical memory) lets
	 * an ordinary run through. */
	CU_ASSERT_EQUAL(unsetenv("DCGRID_MEMORY_LIMIT"), 0);
	rc = dcg_config_load_file(OK_CFG, NULL, 0, &m, &err);
	CU_ASSERT_EQUAL(rc, 0);
	dcg_model_free(m);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("robust", NULL, NULL);
	if (!s ||
	    !CU_add_test(s, "a NaN part-way keeps the partial result",
			 test_nan_in_rhs) ||
	    !CU_add_test(s, "should_stop interrupts a solve", test_should_stop) ||
	    !CU_add_test(s, "the memory limit refuses large runs",
			 test_memory_limit)) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
