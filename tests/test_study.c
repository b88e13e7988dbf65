/* Suite "study": study files (validation, designs), ensembles (failed
 * members, thread-count independence, resume from a checkpoint) and the
 * study HDF5 file read back. */
#include <CUnit/Basic.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcgrid/study.h"

static char tmpdir[] = "/tmp/dcg_test_study.XXXXXX";

static struct dcg_study *load_ok(const char *path)
{
	struct dcg_study *s = NULL;
	struct dcg_error err = {0};
	int rc = dcg_study_load_file(path, &s, &err);
	if (rc)
		printf("\n  %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return s;
}

/* Writes text to a study file in tmpdir and loads it; returns the status
 * and the message. */
static int load_text(const char *text, char *msg, size_t size)
{
	char path[256];
	snprintf(path, sizeof path, "%s/s.cfg", tmpdir);
	FILE *f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
	struct dcg_study *s = NULL;
	struct dcg_error err = {0};
	int rc = dcg_study_load_file(path, &s, &err);
	snprintf(msg, size, "%s", err.msg);
	dcg_study_free(s);
	return rc;
}

#define HEAD "name = \"t\";\ndesign = \"lhs\";\nsamples = 4;\n"
#define PAR "parameters = ( { path = \"segments.[1].growth\"; dist = \"uniform\"; min = 0.3; max = 0.5; } );\n"
#define MET "metrics = ( { name = \"e\"; kind = \"dc_energy_twh\"; year = 2030; } );\n"

static void expect_error(const char *text, const char *part)
{
	char msg[DCG_ERROR_MSG_MAX];
	int rc = load_text(text, msg, sizeof msg);
	CU_ASSERT_EQUAL(rc, DCG_ECONFIG);
	if (!strstr(msg, part))
		printf("\n  expected \"%s\" in: %s", part, msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, part));
}

static void test_validation(void)
{
	char msg[DCG_ERROR_MSG_MAX];
	CU_ASSERT_EQUAL(load_text(HEAD PAR MET, msg, sizeof msg), 0);
	expect_error(HEAD PAR MET "sampels = 3;\n", "s.cfg:6: unknown key sampels (did you mean samples?)");
	expect_error("name = \"t\";\ndesign = \"lhss\";\nsamples = 4;\n" PAR MET,
		     "s.cfg:2: design = \"lhss\" is not known (did you mean lhs?)");
	expect_error("name = \"t\";\ndesign = \"lhs\";\n" PAR MET, "samples is missing");
	expect_error("name = \"t\";\ndesign = \"grid\";\nsamples = 4;\n" PAR MET,
		     "samples does not apply to design \"grid\"");
	expect_error(HEAD "levels = 3;\n" PAR MET,
		     "s.cfg:4: levels does not apply to design \"lhs\" (only to grid, oat and morris)");
	expect_error(HEAD "bootstrap = 10;\n" PAR MET, "bootstrap does not apply to design \"lhs\"");
	expect_error(HEAD "parameters = ( { path = \"segments.[1].growth\"; dist = \"uniform\"; min = 0.5; max = 0.3; } );\n" MET,
		     "s.cfg:4: parameters.[0].max = 0.3 must be above min = 0.5");
	expect_error(HEAD "parameters = ( { path = \"segments.[1].growth\"; dist = \"normal\"; mean = 0.4; sd = 0.1; min = 0.1; } );\n" MET,
		     "parameters.[0].min does not apply to dist = \"normal\"");
	expect_error(HEAD "parameters = ( { path = \"segments.[1].growth\"; dist = \"gauss\"; mean = 0.4; sd = 0.1; } );\n" MET,
		     "dist = \"gauss\" is not known");
	/* A path --set refuses is refused with the loader's message. */
	expect_error(HEAD "parameters = ( { path = \"hardware.[1].lfe_yr\"; dist = \"uniform\"; min = 1; max = 2; } );\n" MET,
		     "unknown key hardware.[1].lfe_yr (did you mean life_yr?)");
	expect_error(HEAD PAR "metrics = ( { name = \"e\"; kind = \"dc_energy\"; year = 2030; } );\n",
		     "kind = \"dc_energy\" is not known (did you mean dc_energy_twh?)");
	expect_error(HEAD PAR "metrics = ( { name = \"e\"; kind = \"dc_energy_twh\"; year = 2040; } );\n",
		     "metrics.[0].year = 2040 is not a calendar year inside the horizon");
	expect_error(HEAD PAR MET "series = [\"energi\"];\n", "series.[0] = \"energi\" is not an output series (did you mean energy?)");
	expect_error(HEAD "parameters = ( { path = \"segments.[1].growth\"; dist = \"discrete\"; values = [0.3, 0.4]; weights = [1.0]; } );\n" MET,
		     "weights must be an array of 2 numbers");
}

static void test_designs(void)
{
	struct dcg_study *s = load_ok("data/study_grid.cfg");
	size_t M = 0;
	double *u = NULL, *x = NULL;
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL(s->P, 3);
	CU_ASSERT_EQUAL(s->nmetrics, 6);
	CU_ASSERT_EQUAL(s->nseries, 2);

	s->design = DCG_DESIGN_GRID;
	s->levels = 3;
	CU_ASSERT_EQUAL_FATAL(dcg_study_design(s, &M, &u, &x, &err), 0);
	CU_ASSERT_EQUAL(M, 27);
	/* The last parameter varies fastest; uniform levels span min..max. */
	CU_ASSERT_DOUBLE_EQUAL(x[0], 0.1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(x[26 * 3], 0.3, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(x[1 * 3 + 2], 700.0, 1e-9);
	free(u);
	free(x);

	s->design = DCG_DESIGN_OAT;
	CU_ASSERT_EQUAL_FATAL(dcg_study_design(s, &M, &u, &x, &err), 0);
	CU_ASSERT_EQUAL(M, 1 + 3 * 3);
	CU_ASSERT_DOUBLE_EQUAL(x[0], 0.2, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(x[1], 5.0, 1e-12); /* triangular median */
	CU_ASSERT_DOUBLE_EQUAL(x[2], 700.0, 1e-9);
	free(u);
	free(x);

	s->design = DCG_DESIGN_SALTELLI;
	CU_ASSERT_EQUAL_FATAL(dcg_study_design(s, &M, &u, &x, &err), 0);
	CU_ASSERT_EQUAL(M, 12 * 5);
	free(u);
	free(x);
	s->design = DCG_DESIGN_MORRIS;
	CU_ASSERT_EQUAL_FATAL(dcg_study_design(s, &M, &u, &x, &err), 0);
	CU_ASSERT_EQUAL(M, 12 * 4);
	free(u);
	free(x);

	/* A grid visits every value of a discrete parameter, whatever its
	 * weights. */
	struct dcg_study_param *dp = &s->params[0];
	dp->dist = DCG_DIST_DISCRETE;
	dp->nvalues = 3;
	dp->values = malloc(3 * sizeof *dp->values);
	dp->weights = malloc(3 * sizeof *dp->weights);
	CU_ASSERT_FATAL(dp->values && dp->weights);
	for (size_t k = 0; k < 3; k++) {
		dp->values[k] = 0.1 * (double)(k + 1);
		dp->weights[k] = k == 0 ? 0.9 : 0.05;
	}
	s->design = DCG_DESIGN_GRID;
	CU_ASSERT_EQUAL_FATAL(dcg_study_design(s, &M, &u, &x, &err), 0);
	CU_ASSERT_EQUAL(M, 27);
	CU_ASSERT_DOUBLE_EQUAL(x[0 * 9 * 3], 0.1, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(x[1 * 9 * 3], 0.2, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(x[2 * 9 * 3], 0.3, 1e-15);
	free(u);
	free(x);

	/* Inverse CDFs. */
	struct dcg_study_param p = {.dist = DCG_DIST_TRIANGULAR, .min = 0, .mode = 1, .max = 4};
	CU_ASSERT_DOUBLE_EQUAL(dcg_study_param_value(&p, 0.25), 1.0, 1e-12);
	p = (struct dcg_study_param){.dist = DCG_DIST_LOG_UNIFORM, .min = 1, .max = 100};
	CU_ASSERT_DOUBLE_EQUAL(dcg_study_param_value(&p, 0.5), 10.0, 1e-12);
	p = (struct dcg_study_param){.dist = DCG_DIST_NORMAL, .mean = 3, .sd = 2};
	CU_ASSERT_DOUBLE_EQUAL(dcg_study_param_value(&p, 0.5), 3.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(dcg_study_param_value(&p, (0.8413447461 - 0.005) / 0.99),
			       5.0, 1e-6);
	p = (struct dcg_study_param){.dist = DCG_DIST_TRUNC_NORMAL, .mean = 0, .sd = 1,
				     .min = 0, .max = 10};
	CU_ASSERT_DOUBLE_EQUAL(dcg_study_param_value(&p, 0.0), 0.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(dcg_study_param_value(&p, 0.6826894921), 1.0, 1e-6);
	double vals[3] = {1, 2, 3}, w[3] = {1, 0, 3};
	p = (struct dcg_study_param){.dist = DCG_DIST_DISCRETE, .values = vals, .weights = w,
				     .nvalues = 3};
	CU_ASSERT_EQUAL(dcg_study_param_value(&p, 0.2), 1.0);
	CU_ASSERT_EQUAL(dcg_study_param_value(&p, 0.3), 3.0);
	dcg_study_free(s);
}

static struct dcg_ensemble *run(const struct dcg_study *s, size_t threads,
				const char *ckpt)
{
	struct dcg_ensemble *e = NULL;
	struct dcg_error err = {0};
	struct dcg_ensemble_opts o = {.threads = threads, .checkpoint = ckpt};
	int rc = dcg_ensemble_run(s, &o, &e, &err);
	if (rc)
		printf("\n  %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return e;
}

static bool same(const struct dcg_ensemble *a, const struct dcg_ensemble *b)
{
	if (a->M != b->M || memcmp(a->x, b->x, a->M * a->P * sizeof *a->x) ||
	    memcmp(a->status, b->status, a->M * sizeof *a->status))
		return false;
	for (size_t i = 0; i < a->M * a->nmetrics; i++)
		if (memcmp(&a->metrics[i], &b->metrics[i], sizeof(double)))
			return false;
	for (size_t k = 0; k < a->nseries; k++)
		if (memcmp(a->series[k], b->series[k],
			   a->M * a->T * a->width[k] * sizeof(double)))
			return false;
	return true;
}

/* The same seed gives bit-identical members whatever the thread count;
 * another seed gives other members. */
static void test_seed_and_threads(void)
{
	struct dcg_study *s = load_ok("data/study_grid.cfg");
	struct dcg_ensemble *a = run(s, 1, NULL), *b = run(s, 2, NULL);
	CU_ASSERT(same(a, b));
	for (size_t i = 0; i < a->M; i++)
		CU_ASSERT_EQUAL(a->status[i], DCG_MEMBER_OK);
	/* Metrics are sane: energy positive, the breach after t0. */
	CU_ASSERT(a->metrics[0] > 0.0);
	CU_ASSERT(a->metrics[3] >= 2024.0);
	CU_ASSERT(isfinite(a->metrics[5]) && a->metrics[5] > 0.0);
	s->seed = 43;
	struct dcg_ensemble *c = run(s, 2, NULL);
	CU_ASSERT(!same(a, c));
	dcg_ensemble_free(a);
	dcg_ensemble_free(b);
	dcg_ensemble_free(c);
	dcg_study_free(s);
}

static void test_failed_members(void)
{
	struct dcg_study *s = load_ok("data/study_fail.cfg");
	struct dcg_ensemble *e = run(s, 2, NULL);
	CU_ASSERT_EQUAL_FATAL(e->M, 3);
	/* life -1 and 2 load? -1 does not; 2 and 5 do. */
	CU_ASSERT_EQUAL(e->status[0], DCG_MEMBER_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e->reason[0], "life_yr"));
	CU_ASSERT(isnan(e->metrics[0]));
	CU_ASSERT_EQUAL(e->status[1], DCG_MEMBER_OK);
	CU_ASSERT_EQUAL(e->status[2], DCG_MEMBER_OK);
	CU_ASSERT(isfinite(e->metrics[2]));
	struct dcg_study_analysis *an = NULL;
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL(dcg_study_analyse(s, e, &an, &err), 0);
	CU_ASSERT_EQUAL(an->ok, 2);
	dcg_study_analysis_free(an, s->nseries);
	dcg_ensemble_free(e);
	dcg_study_free(s);
}

/* A checkpoint cut after 5 members and part of a sixth (as a kill leaves
 * it) resumes with those 5 read back, and the result equals a fresh run. */
static void test_resume(void)
{
	struct dcg_study *s = load_ok("data/study_grid.cfg");
	char ck[256];
	snprintf(ck, sizeof ck, "%s/r.h5.ckpt", tmpdir);
	unlink(ck);
	struct dcg_ensemble *full = run(s, 2, ck);
	CU_ASSERT_EQUAL(full->resumed, 0);
	size_t rs = dcg_ensemble_record_size(full);
	FILE *f = fopen(ck, "rb");
	CU_ASSERT_FATAL(f != NULL);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	long head = size - (long)(full->M * rs);
	CU_ASSERT_FATAL(head > 0);
	CU_ASSERT_EQUAL_FATAL(truncate(ck, head + 5 * (long)rs + (long)rs / 2), 0);
	struct dcg_ensemble *again = run(s, 2, ck);
	CU_ASSERT_EQUAL(again->resumed, 5);
	CU_ASSERT(same(full, again));
	/* Everything is in the checkpoint now: a third run computes nothing. */
	struct dcg_ensemble *third = run(s, 2, ck);
	CU_ASSERT_EQUAL(third->resumed, full->M);
	CU_ASSERT(same(full, third));
	/* Another study refuses the checkpoint. */
	s->seed = 7;
	struct dcg_ensemble *e = NULL;
	struct dcg_error err = {0};
	struct dcg_ensemble_opts o = {.checkpoint = ck};
	CU_ASSERT_EQUAL(dcg_ensemble_run(s, &o, &e, &err), DCG_EUSAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "is a stale checkpoint: the study's design changed"));
	unlink(ck);
	dcg_ensemble_free(full);
	dcg_ensemble_free(again);
	dcg_ensemble_free(third);
	dcg_study_free(s);
}

static void put_file(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
}

/* A checkpoint is bound to the fully resolved scenario: a change in a file
 * the scenario @includes (the study file and the scenario file unchanged)
 * makes it stale, with a message saying so (it used to mix members of the
 * old and new scenario without a word). */
static void test_stale_include(void)
{
	static const char *const scenario =
		"@include \"part.inc\"\n";
	static const char *const part =
		"scenario = \"inc\";\n"
		"horizon = { start = 2024.0; end = 2027.0; output_step_yr = 1.0; };\n"
		"segments = ( { name = \"general\"; growth = %s; } );\n"
		"hardware = ( { name = \"cpu\"; segment = \"general\"; "
		"build_time_yr = 1.0; life_yr = 6.0; kw_per_rack = 8.0; "
		"pflops_per_rack = 0.1; initial_racks = 1000.0; } );\n"
		"regions = ( { name = \"only\"; initial_share = 1.0; "
		"initial_pue = 1.3; } );\n";
	static const char *const study =
		"name = \"inc\";\nscenario = \"base.cfg\";\ndesign = \"lhs\";\n"
		"samples = 4;\nseed = 1;\n"
		"parameters = ( { path = \"hardware.[0].life_yr\"; dist = "
		"\"uniform\"; min = 4.0; max = 8.0; } );\n"
		"metrics = ( { name = \"e\"; kind = \"dc_energy_twh\"; year = 2025; } );\n";
	char text[1024], path[256], ck[256];
	snprintf(text, sizeof text, part, "0.1");
	put_file("part.inc", text);
	put_file("base.cfg", scenario);
	put_file("inc-study.cfg", study);
	snprintf(path, sizeof path, "%s/inc-study.cfg", tmpdir);
	snprintf(ck, sizeof ck, "%s/inc.ckpt", tmpdir);
	unlink(ck);
	struct dcg_study *s = load_ok(path);
	struct dcg_ensemble *e = run(s, 1, ck);
	dcg_ensemble_free(e);
	dcg_study_free(s);
	/* Unchanged: resumes everything. */
	s = load_ok(path);
	e = run(s, 1, ck);
	CU_ASSERT_EQUAL(e->resumed, 4);
	dcg_ensemble_free(e);
	dcg_study_free(s);
	/* The included file changes. */
	snprintf(text, sizeof text, part, "0.2");
	put_file("part.inc", text);
	s = load_ok(path);
	e = NULL;
	struct dcg_error err = {0};
	struct dcg_ensemble_opts o = {.checkpoint = ck};
	CU_ASSERT_EQUAL(dcg_ensemble_run(s, &o, &e, &err), DCG_EUSAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "is a stale checkpoint: the scenario changed since it was written"));
	dcg_ensemble_free(e);
	dcg_study_free(s);
	unlink(ck);
	const char *names[] = {"part.inc", "base.cfg", "inc-study.cfg"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
}

static void test_h5_file(void)
{
	struct dcg_study *s = load_ok("data/study_grid.cfg");
	struct dcg_ensemble *e = run(s, 2, NULL);
	struct dcg_study_analysis *an = NULL;
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL_FATAL(dcg_study_analyse(s, e, &an, &err), 0);
	char path[256];
	snprintf(path, sizeof path, "%s/study.h5", tmpdir);
	unlink(path);
	CU_ASSERT_EQUAL_FATAL(dcg_h5_write_study(path, s, e, an, false, &err), 0);
	CU_ASSERT_EQUAL(dcg_h5_write_study(path, s, e, an, false, &err), DCG_EEXIST);

	hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	CU_ASSERT_FATAL(f >= 0);
	hid_t d = H5Dopen2(f, "/series/reserve_margin", H5P_DEFAULT);
	CU_ASSERT_FATAL(d >= 0);
	hid_t sp = H5Dget_space(d);
	hsize_t dims[3];
	CU_ASSERT_EQUAL(H5Sget_simple_extent_ndims(sp), 3);
	H5Sget_simple_extent_dims(sp, dims, NULL);
	CU_ASSERT_EQUAL(dims[0], e->M);
	CU_ASSERT_EQUAL(dims[1], e->T);
	CU_ASSERT_EQUAL(dims[2], 2);
	/* Contiguous and unfiltered, as in a run file (outputs/h5.c). */
	hid_t pl = H5Dget_create_plist(d);
	CU_ASSERT_EQUAL(H5Pget_layout(pl), H5D_CONTIGUOUS);
	CU_ASSERT_EQUAL(H5Pget_nfilters(pl), 0);
	H5Pclose(pl);
	H5Sclose(sp);
	/* Every axis has its scale, attached both ways (the writer attaches
	 * them in bulk, outputs/h5_internal.h). */
	const char *axes[3] = {"/member", "/time", "/regions"};
	for (unsigned i = 0; i < 3; i++) {
		hid_t sc = H5Dopen2(f, axes[i], H5P_DEFAULT);
		CU_ASSERT(sc >= 0 && H5DSis_scale(sc) > 0);
		CU_ASSERT(H5DSget_num_scales(d, i) == 1);
		CU_ASSERT(H5DSis_attached(d, sc, i) > 0);
		H5Dclose(sc);
	}
	static const char *const by_member[] = {
		"/parameters/matrix", "/metrics/dc_twh_2030", "/members/status",
		"/members/reason", "/members/wall_time_s"};
	hid_t member = H5Dopen2(f, "/member", H5P_DEFAULT);
	for (size_t k = 0; k < sizeof by_member / sizeof *by_member; k++) {
		hid_t x = H5Dopen2(f, by_member[k], H5P_DEFAULT);
		CU_ASSERT(x >= 0 && H5DSis_attached(x, member, 0) > 0);
		H5Dclose(x);
	}
	H5Dclose(member);
	H5Dclose(d);
	double *m = malloc(e->M * sizeof *m), q[5 * 6];
	CU_ASSERT_FATAL(m != NULL);
	d = H5Dopen2(f, "/metrics/dc_twh_2030", H5P_DEFAULT);
	CU_ASSERT_EQUAL(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, m), 0);
	for (size_t i = 0; i < e->M; i++)
		CU_ASSERT_EQUAL(m[i], e->metrics[i * e->nmetrics]);
	H5Dclose(d);
	d = H5Dopen2(f, "/quantiles/metrics", H5P_DEFAULT);
	CU_ASSERT_EQUAL(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, q), 0);
	CU_ASSERT(q[0] <= q[2] && q[2] <= q[4]);
	H5Dclose(d);
	d = H5Dopen2(f, "/parameters/matrix", H5P_DEFAULT);
	CU_ASSERT(H5Aexists(d, "names") > 0 && H5Aexists(d, "distributions") > 0 &&
		  H5Aexists(d, "seed") > 0);
	H5Dclose(d);
	hid_t a = H5Aopen(f, "schema", H5P_DEFAULT);
	char schema[32] = "";
	hid_t t = H5Aget_type(a);
	H5Aread(a, t, schema);
	CU_ASSERT_STRING_EQUAL(schema, DCG_STUDY_SCHEMA);
	H5Tclose(t);
	H5Aclose(a);
	H5Fclose(f);
	free(m);
	unlink(path);
	dcg_study_analysis_free(an, s->nseries);
	dcg_ensemble_free(e);
	dcg_study_free(s);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("study", NULL, NULL);
	CU_add_test(s, "study file validation", test_validation);
	CU_add_test(s, "design sizes and inverse CDFs", test_designs);
	CU_add_test(s, "seed reproducibility, independent of threads", test_seed_and_threads);
	CU_add_test(s, "failed members recorded, study goes on", test_failed_members);
	CU_add_test(s, "resume after interruption", test_resume);
	CU_add_test(s, "study HDF5 file read back", test_h5_file);
	CU_add_test(s, "stale checkpoint: an included file changed", test_stale_include);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	rmdir(tmpdir);
	return failed ? 1 : 0;
}
