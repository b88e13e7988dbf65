/* CUnit suite "h5read": the result-file reader (dcgrid/h5read.h).
 *
 * Solves the fixture scenarios data/cfg_grid.cfg (with a grid) and
 * data/cfg_small.cfg (without), writes them with dcg_h5_write_run into a
 * temporary folder and reads them back: the dataset list with shapes,
 * dimension names and units, exact values against the result in memory,
 * labels, attributes, events (injected into the result before writing),
 * the key figures against sums computed here, and the comparison of files
 * (identical, one value changed, a dataset missing). Also the errors:
 * missing file, a file that is not HDF5, an HDF5 file that is not a dcgrid
 * result, a dataset that does not exist.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <hdf5.h>

#include "dcgrid/dcgrid.h"
#include "dcgrid/h5read.h"

static char tmpdir[256];
static struct dcg_model *mg, *ms;  /* grid and no-grid models */
static struct dcg_result *rg, *rs; /* their results (rg with events) */
static char path_grid[512], path_small[512], path_changed[512];

static int write_file(const char *path, const struct dcg_model *m,
		      const struct dcg_result *r)
{
	struct dcg_error err = {0};
	char *config = NULL;
	if (dcg_config_dump(m, &config, &err) < 0)
		return -1;
	int rc = dcg_h5_write_run(path, m, r, config, true, &err);
	if (rc < 0)
		fprintf(stderr, "write %s: %s\n", path, err.msg);
	free(config);
	return rc;
}

static int solve(const char *cfg, struct dcg_model **ret_m,
		 struct dcg_result **ret_r)
{
	struct dcg_error err = {0};
	if (dcg_config_load_file(cfg, NULL, 0, ret_m, &err) < 0 ||
	    dcg_solve(*ret_m, NULL, ret_r, &err) < 0) {
		fprintf(stderr, "%s: %s\n", cfg, err.msg);
		return -1;
	}
	return 0;
}

static int suite_init(void)
{
	snprintf(tmpdir, sizeof tmpdir, "%s/dcgrid-h5read.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	if (solve("data/cfg_grid.cfg", &mg, &rg) || solve("data/cfg_small.cfg", &ms, &rs))
		return -1;
	/* Two events, so that /events has rows to read back. */
	free(rg->events);
	rg->n_events = 2;
	rg->events = calloc(2, sizeof *rg->events);
	if (!rg->events)
		return -1;
	rg->events[0] = (struct dcg_event){1, DCG_EVENT_BELOW, 2026.25};
	rg->events[1] = (struct dcg_event){1, DCG_EVENT_RECOVER, 2027.5};
	snprintf(path_grid, sizeof path_grid, "%s/grid.h5", tmpdir);
	snprintf(path_small, sizeof path_small, "%s/small.h5", tmpdir);
	snprintf(path_changed, sizeof path_changed, "%s/changed.h5", tmpdir);
	if (write_file(path_grid, mg, rg) || write_file(path_small, ms, rs))
		return -1;
	/* The same result with one value of /datacenter/racks changed. */
	double *racks = rg->series[DCG_SER_RACKS];
	double keep = racks[3];
	racks[3] += 1.0;
	int rc = write_file(path_changed, mg, rg);
	racks[3] = keep;
	return rc;
}

static int suite_clean(void)
{
	unlink(path_grid);
	unlink(path_small);
	unlink(path_changed);
	rmdir(tmpdir);
	dcg_result_free(rg);
	dcg_result_free(rs);
	dcg_model_free(mg);
	dcg_model_free(ms);
	return 0;
}

static struct dcg_h5_file *open_ok(const char *path)
{
	struct dcg_h5_file *f = NULL;
	struct dcg_error err = {0};
	int rc = dcg_h5_open(path, &f, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "%s\n", err.msg);
	return f;
}

static void test_open_errors(void)
{
	struct dcg_h5_file *f = NULL;
	struct dcg_error err = {0};
	char path[600];

	CU_ASSERT_EQUAL(dcg_h5_open("no-such-file.h5", &f, &err), DCG_EUSAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "no-such-file.h5"));
	CU_ASSERT_PTR_NULL(f);

	/* Not HDF5: a config file. */
	CU_ASSERT_EQUAL(dcg_h5_open("data/cfg_small.cfg", &f, &err), DCG_EUSAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "not an HDF5 file"));

	/* HDF5, but not a dcgrid result. */
	snprintf(path, sizeof path, "%s/other.h5", tmpdir);
	hid_t h = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
	CU_ASSERT(h >= 0);
	H5Fclose(h);
	CU_ASSERT_EQUAL(dcg_h5_open(path, &f, &err), DCG_EUSAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "not a dcgrid result"));
	CU_ASSERT_PTR_NULL(f);
	unlink(path);
	dcg_h5_close(NULL);
}

static const struct dcg_h5_var *find(const struct dcg_h5_var *v, size_t n,
				     const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].path, path) == 0)
			return &v[i];
	return NULL;
}

static void test_list(void)
{
	struct dcg_h5_file *f = open_ok(path_grid);
	struct dcg_h5_var *v = NULL;
	struct dcg_error err = {0};
	size_t n = 0;
	if (!f)
		return;
	CU_ASSERT_EQUAL_FATAL(dcg_h5_list(f, &v, &n, &err), 0);
	/* Creation order: the time coordinate comes first. */
	CU_ASSERT_STRING_EQUAL(v[0].path, "/time");
	CU_ASSERT(v[0].is_scale);

	/* Every series of the table is listed with its shape and units. */
	size_t series = 0;
	for (int id = 0; id < DCG_SER_COUNT; id++) {
		const struct dcg_series_info *si =
			dcg_series_info((enum dcg_series_id)id);
		char path[256];
		snprintf(path, sizeof path, "/%s/%s", si->group, si->name);
		const struct dcg_h5_var *x = find(v, n, path);
		CU_ASSERT_PTR_NOT_NULL(x);
		if (!x)
			continue;
		series++;
		CU_ASSERT_EQUAL(x->kind, DCG_H5_NUMBER);
		CU_ASSERT_STRING_EQUAL(x->units, si->units);
		CU_ASSERT_STRING_EQUAL(x->long_name, si->long_name);
		CU_ASSERT_EQUAL(x->dims[0], rg->T);
		CU_ASSERT_STRING_EQUAL(x->dim_name[0], "time");
		CU_ASSERT_EQUAL(x->npoints,
				rg->T * dcg_series_width(mg, (enum dcg_series_id)id));
	}
	CU_ASSERT_EQUAL(series, DCG_SER_COUNT);

	const struct dcg_h5_var *racks = find(v, n, "/datacenter/racks");
	CU_ASSERT_PTR_NOT_NULL_FATAL(racks);
	CU_ASSERT_EQUAL(racks->rank, 3);
	CU_ASSERT_STRING_EQUAL(racks->dim_name[1], "regions");
	CU_ASSERT_STRING_EQUAL(racks->dim_name[2], "hardware");
	CU_ASSERT_STRING_EQUAL(racks->scale_path[2], "/hardware");
	CU_ASSERT_EQUAL(racks->dims[1], mg->R);
	CU_ASSERT_EQUAL(racks->dims[2], mg->K);

	const struct dcg_h5_var *gen = find(v, n, "/annual/generation");
	CU_ASSERT_PTR_NOT_NULL_FATAL(gen);
	CU_ASSERT_STRING_EQUAL(gen->dim_name[0], "year");
	CU_ASSERT_STRING_EQUAL(gen->scale_path[0], "/annual/year");
	CU_ASSERT_STRING_EQUAL(gen->dim_name[2], "technologies");

	const struct dcg_h5_var *ev = find(v, n, "/events");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	CU_ASSERT_EQUAL(ev->kind, DCG_H5_COMPOUND);
	CU_ASSERT_EQUAL(ev->dims[0], 2);
	CU_ASSERT_STRING_EQUAL(ev->dim_name[0], "event");

	const struct dcg_h5_var *reg = find(v, n, "/regions");
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	CU_ASSERT_EQUAL(reg->kind, DCG_H5_STRING);
	CU_ASSERT(reg->is_scale);

	/* Every dataset of the file has a scale on every axis (netCDF). */
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < v[i].rank; d++)
			if (!v[i].is_scale && !v[i].dim_name[d][0]) {
				fprintf(stderr, "%s axis %d has no scale\n",
					v[i].path, d);
				CU_FAIL("an axis without a dimension scale");
			}
	free(v);

	/* The file without a grid has no grid datasets. */
	dcg_h5_close(f);
	f = open_ok(path_small);
	if (!f)
		return;
	CU_ASSERT_EQUAL_FATAL(dcg_h5_list(f, &v, &n, &err), 0);
	CU_ASSERT_PTR_NULL(find(v, n, "/grid/flow"));
	CU_ASSERT_PTR_NULL(find(v, n, "/events"));
	CU_ASSERT_PTR_NOT_NULL(find(v, n, "/datacenter/racks"));
	CU_ASSERT_FALSE(dcg_h5_exists(f, "/grid/flow"));
	CU_ASSERT_FALSE(dcg_h5_exists(f, "/grid"));
	CU_ASSERT_TRUE(dcg_h5_exists(f, "/datacenter/racks"));
	free(v);
	dcg_h5_close(f);
}

static void test_values(void)
{
	struct dcg_h5_file *f = open_ok(path_grid);
	struct dcg_error err = {0};
	struct dcg_h5_var v;
	if (!f)
		return;
	for (int id = 0; id < DCG_SER_COUNT; id++) {
		const struct dcg_series_info *si =
			dcg_series_info((enum dcg_series_id)id);
		char path[256];
		double *d = NULL;
		snprintf(path, sizeof path, "/%s/%s", si->group, si->name);
		CU_ASSERT_EQUAL_FATAL(dcg_h5_read_doubles(f, path, &d, &v, &err), 0);
		/* Bit for bit what the solver produced. */
		CU_ASSERT_EQUAL(memcmp(d, rg->series[id],
				       v.npoints * sizeof *d), 0);
		free(d);
	}
	double *t = NULL;
	CU_ASSERT_EQUAL(dcg_h5_read_doubles(f, "/time", &t, &v, &err), 0);
	CU_ASSERT_EQUAL(v.npoints, rg->T);
	if (t)
		CU_ASSERT_EQUAL(memcmp(t, rg->time, rg->T * sizeof *t), 0);
	free(t);
	double *a = NULL;
	CU_ASSERT_EQUAL(dcg_h5_read_doubles(f, "/annual/dc_energy", &a, &v, &err), 0);
	CU_ASSERT_EQUAL(v.npoints, rg->Y * mg->R);
	if (a)
		CU_ASSERT_EQUAL(memcmp(a, rg->annual_dc_energy,
				       v.npoints * sizeof *a), 0);
	free(a);

	char **labels = NULL;
	size_t n = 0;
	CU_ASSERT_EQUAL_FATAL(dcg_h5_read_labels(f, "/regions", &labels, &n, &err), 0);
	CU_ASSERT_EQUAL(n, mg->R);
	for (size_t r = 0; r < n && r < mg->R; r++)
		CU_ASSERT_STRING_EQUAL(labels[r], mg->regions[r].name);
	dcg_h5_labels_free(labels, n);
	CU_ASSERT_EQUAL(dcg_h5_read_labels(f, "/technologies", &labels, &n, &err), 0);
	CU_ASSERT_EQUAL(n, mg->J);
	for (size_t j = 0; j < n && j < mg->J; j++)
		CU_ASSERT_STRING_EQUAL(labels[j], mg->techs[j].name);
	dcg_h5_labels_free(labels, n);

	/* Errors name the file and the dataset. */
	double *x = NULL;
	CU_ASSERT_EQUAL(dcg_h5_read_doubles(f, "/grid/nothing", &x, NULL, &err),
			DCG_EHDF5);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "/grid/nothing"));
	CU_ASSERT_PTR_NULL(x);
	CU_ASSERT_EQUAL(dcg_h5_read_doubles(f, "/regions", &x, NULL, &err),
			DCG_EHDF5);
	CU_ASSERT_EQUAL(dcg_h5_read_labels(f, "/time", &labels, &n, &err),
			DCG_EHDF5);
	CU_ASSERT_EQUAL(dcg_h5_describe(f, "/nothing", &v, &err), DCG_EHDF5);
	dcg_h5_close(f);
}

static void test_attributes(void)
{
	struct dcg_h5_file *f = open_ok(path_grid);
	struct dcg_error err = {0};
	char *text = NULL;
	double x = 0.0;
	if (!f)
		return;
	CU_ASSERT_EQUAL(dcg_h5_attr_text(f, "/", "schema", &text, &err), 0);
	if (text)
		CU_ASSERT_STRING_EQUAL(text, DCG_H5_SCHEMA);
	free(text);
	text = NULL;
	CU_ASSERT_EQUAL(dcg_h5_attr_text(f, "/", "scenario", &text, &err), 0);
	if (text)
		CU_ASSERT_STRING_EQUAL(text, mg->scenario);
	free(text);
	text = NULL;
	/* The stored config loads back into the same scenario. */
	CU_ASSERT_EQUAL(dcg_h5_attr_text(f, "/", "config", &text, &err), 0);
	struct dcg_model *m2 = NULL;
	if (text)
		CU_ASSERT_EQUAL(dcg_config_load_string(text, "config", NULL, 0, &m2, &err), 0);
	if (m2)
		CU_ASSERT_EQUAL(m2->R, mg->R);
	dcg_model_free(m2);
	free(text);
	CU_ASSERT_EQUAL(dcg_h5_attr_number(f, "/", "complete", &x, &err), 0);
	CU_ASSERT_EQUAL(x, 1.0);
	CU_ASSERT_EQUAL(dcg_h5_attr_number(f, "/", "nothing", &x, &err), DCG_EHDF5);
	CU_ASSERT_EQUAL(dcg_h5_attr_number(f, "/", "schema", &x, &err), DCG_EHDF5);

	struct dcg_h5_attr *a = NULL;
	size_t n = 0;
	CU_ASSERT_EQUAL_FATAL(dcg_h5_attrs(f, "/solver", &a, &n, &err), 0);
	CU_ASSERT(n >= 10);
	CU_ASSERT_STRING_EQUAL(a[0].name, "steps"); /* creation order */
	CU_ASSERT_EQUAL(a[0].kind, DCG_H5_NUMBER);
	CU_ASSERT(a[0].is_integer);
	CU_ASSERT_EQUAL(a[0].number, (double)rg->stats.steps);
	int found = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i].name, "method") == 0) {
			found = 1;
			CU_ASSERT_EQUAL(a[i].kind, DCG_H5_STRING);
			CU_ASSERT_STRING_EQUAL(a[i].text, rg->stats.method);
		}
	CU_ASSERT(found);
	free(a);
	dcg_h5_close(f);
}

static void test_events(void)
{
	struct dcg_h5_file *f = open_ok(path_grid);
	struct dcg_h5_event *ev = NULL;
	struct dcg_error err = {0};
	size_t n = 0;
	if (!f)
		return;
	CU_ASSERT_EQUAL_FATAL(dcg_h5_read_events(f, &ev, &n, &err), 0);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(ev[0].region, 1);
	CU_ASSERT_STRING_EQUAL(ev[0].region_name, mg->regions[1].name);
	CU_ASSERT_EQUAL(ev[0].kind, 0);
	CU_ASSERT_EQUAL(ev[0].time, 2026.25);
	CU_ASSERT_EQUAL(ev[1].kind, 1);
	CU_ASSERT_EQUAL(ev[1].time, 2027.5);
	free(ev);
	/* The netCDF-visible copy. */
	double *t = NULL;
	CU_ASSERT_EQUAL(dcg_h5_read_doubles(f, "/event", &t, NULL, &err), 0);
	if (t)
		CU_ASSERT_EQUAL(t[1], 2027.5);
	free(t);
	double *k = NULL;
	CU_ASSERT_EQUAL(dcg_h5_read_doubles(f, "/event_kind", &k, NULL, &err), 0);
	if (k)
		CU_ASSERT_EQUAL(k[1], 1.0);
	free(k);
	dcg_h5_close(f);

	f = open_ok(path_small);
	if (!f)
		return;
	ev = (struct dcg_h5_event *)&n; /* must be reset */
	CU_ASSERT_EQUAL(dcg_h5_read_events(f, &ev, &n, &err), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(ev);
	dcg_h5_close(f);
}

static void test_key_figures(void)
{
	struct dcg_h5_file *f = open_ok(path_grid);
	struct dcg_h5_figures g;
	struct dcg_error err = {0};
	if (!f)
		return;
	CU_ASSERT_EQUAL_FATAL(dcg_h5_key_figures(f, 2027.0, &g, &err), 0);
	CU_ASSERT_STRING_EQUAL(g.scenario, mg->scenario);
	CU_ASSERT(g.grid);
	CU_ASSERT(g.complete);
	CU_ASSERT_EQUAL(g.t_start, rg->time[0]);
	CU_ASSERT_EQUAL(g.t_end, rg->time[rg->T - 1]);
	size_t i = 0;
	while (i < rg->T && fabs(rg->time[i] - 2027.0) > 1e-9)
		i++;
	CU_ASSERT_FATAL(i < rg->T);
	CU_ASSERT_EQUAL(g.t_at, rg->time[i]);
	/* Sums computed here, in the same order as the reader. */
	size_t R = mg->R, K = mg->K;
	double racks = 0.0;
	for (size_t k = 0; k < K; k++) {
		double s = 0.0;
		for (size_t r = 0; r < R; r++)
			s += rg->series[DCG_SER_RACKS][(i * R + r) * K + k];
		CU_ASSERT_DOUBLE_EQUAL(g.racks_by_class[k], s, 1e-9 * fabs(s));
		CU_ASSERT_STRING_EQUAL(g.hardware[k], mg->classes[k].name);
		racks += s;
	}
	CU_ASSERT_DOUBLE_EQUAL(g.racks, racks, 1e-9 * racks);
	size_t y = 0;
	while (y < rg->Y && rg->year[y] != 2027.0)
		y++;
	CU_ASSERT_FATAL(y < rg->Y);
	double dc = 0.0, em = 0.0;
	for (size_t r = 0; r < R; r++) {
		dc += rg->annual_dc_energy[y * R + r];
		em += rg->annual_emissions[y * R + r];
	}
	CU_ASSERT_DOUBLE_EQUAL(g.dc_energy_twh, dc, 1e-12 * dc);
	CU_ASSERT_DOUBLE_EQUAL(g.emissions_mt, em, 1e-12 * em);
	double rm = INFINITY;
	for (size_t t = 0; t < rg->T; t++)
		for (size_t r = 0; r < R; r++)
			rm = fmin(rm, rg->series[DCG_SER_RESERVE_MARGIN][t * R + r]);
	CU_ASSERT_EQUAL(g.rm_min, rm);
	CU_ASSERT_EQUAL(g.n_events, 2);
	CU_ASSERT_EQUAL(g.n_below, 1);
	/* A year outside the horizon: no calendar-year totals. */
	CU_ASSERT_EQUAL(dcg_h5_key_figures(f, 2050.0, &g, &err), 0);
	CU_ASSERT(isnan(g.dc_energy_twh));
	CU_ASSERT_EQUAL(g.t_at, rg->time[rg->T - 1]);
	dcg_h5_close(f);

	/* Without a grid the grid figures are NaN. */
	f = open_ok(path_small);
	if (!f)
		return;
	CU_ASSERT_EQUAL(dcg_h5_key_figures(f, 2027.0, &g, &err), 0);
	CU_ASSERT_FALSE(g.grid);
	CU_ASSERT(isnan(g.rm_min));
	CU_ASSERT(isnan(g.emissions_mt));
	CU_ASSERT(g.racks > 0.0);
	dcg_h5_close(f);
}

static void test_compare(void)
{
	struct dcg_h5_file *a = open_ok(path_grid), *b = open_ok(path_grid);
	struct dcg_h5_file *c = open_ok(path_changed), *s = open_ok(path_small);
	struct dcg_h5_diff *d = NULL;
	struct dcg_error err = {0};
	size_t n = 99, compared = 0;
	if (!a || !b || !c || !s)
		goto finish;
	CU_ASSERT_EQUAL(dcg_h5_compare(a, b, &d, &n, &compared, &err), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT(compared > DCG_SER_COUNT);
	free(d);
	d = NULL;

	CU_ASSERT_EQUAL(dcg_h5_compare(a, c, &d, &n, NULL, &err), 0);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(d[0].path, "/datacenter/racks");
	CU_ASSERT_STRING_EQUAL(d[0].what, "values");
	CU_ASSERT_EQUAL(d[0].n_differ, 1);
	CU_ASSERT_DOUBLE_EQUAL(d[0].max_abs, 1.0, 1e-6);
	free(d);
	d = NULL;

	/* A grid file against one without: the grid datasets are only in A. */
	CU_ASSERT_EQUAL(dcg_h5_compare(a, s, &d, &n, NULL, &err), 0);
	CU_ASSERT(n > 0);
	int only_a = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(d[i].path, "/grid/flow") == 0)
			only_a = strcmp(d[i].what, "only in A") == 0;
	CU_ASSERT(only_a);
	free(d);
finish:
	dcg_h5_close(a);
	dcg_h5_close(b);
	dcg_h5_close(c);
	dcg_h5_close(s);
}

/* Identifiers the library still holds open (files, groups, datasets,
 * types, spaces, attributes): none once every file is closed. */
static ssize_t open_ids(void)
{
	return H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
}

/* The damaged copies of the grid file that tests/damage.py builds: each
 * refused at open with its message, and nothing left open. */
static void test_damaged(void)
{
	static const struct {
		const char *name, *msg;
	} cases[] = {
		{"short-series", "/grid/reserve_margin has 5 entries along /time, which has 15"},
		{"long-series", "/grid/reserve_margin has 30 entries along /time, which has 15"},
		{"time-2d", "/time has 2 dimensions of numbers"},
		{"wrong-axis", "/datacenter/it_load has 4 entries along /regions, which has 2"},
		{"string-series", "/datacenter/standard_racks is not numeric"},
		{"self-link", "group /grid/loop is /grid again"},
		{"schema-999", "schema \"dcgrid/999\" is not one this dcgrid reads"},
	};
	char cmd[1200], path[600];
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 ./damage.py %s %s", path_grid,
		 tmpdir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dcg_h5_file *f = NULL;
		struct dcg_error err = {0};
		snprintf(path, sizeof path, "%s/damaged-%s.h5", tmpdir,
			 cases[i].name);
		int rc = dcg_h5_open(path, &f, &err);
		CU_ASSERT_EQUAL(rc, DCG_EFORMAT);
		CU_ASSERT_PTR_NULL(f);
		if (!strstr(err.msg, cases[i].msg)) {
			fprintf(stderr, "%s: got \"%s\"\n", cases[i].name, err.msg);
			CU_FAIL("message");
		}
		CU_ASSERT_EQUAL(open_ids(), 0);
		dcg_h5_close(f);
	}

	/* Strings as h5py and netCDF write them (ASCII, fixed and variable
	 * length) read as the UTF-8 ones do. */
	snprintf(path, sizeof path, "%s/damaged-ascii.h5", tmpdir);
	struct dcg_h5_file *f = open_ok(path);
	char **labels = NULL, *text = NULL;
	size_t n = 0;
	struct dcg_h5_event *ev = NULL;
	struct dcg_error err = {0};
	if (f) {
		CU_ASSERT_EQUAL(dcg_h5_read_labels(f, "/regions", &labels, &n, &err), 0);
		CU_ASSERT_EQUAL(n, mg->R);
		if (labels && n == mg->R)
			CU_ASSERT_STRING_EQUAL(labels[0], mg->regions[0].name);
		CU_ASSERT_EQUAL(dcg_h5_attr_text(f, "/", "scenario", &text, &err), 0);
		if (text)
			CU_ASSERT_STRING_EQUAL(text, mg->scenario);
		int rc = dcg_h5_read_events(f, &ev, &n, &err);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc)
			fprintf(stderr, "events: %s\n", err.msg);
		CU_ASSERT_EQUAL(n, 2);
		if (ev && n == 2)
			CU_ASSERT_STRING_EQUAL(ev[0].region_name, mg->regions[1].name);
	}
	dcg_h5_labels_free(labels, mg->R);
	free(text);
	free(ev);
	dcg_h5_close(f);
	CU_ASSERT_EQUAL(open_ids(), 0);
	snprintf(cmd, sizeof cmd, "rm -f %s/damaged-*.h5", tmpdir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("h5read", suite_init, suite_clean);
	CU_add_test(s, "open errors", test_open_errors);
	CU_add_test(s, "dataset list", test_list);
	CU_add_test(s, "values and labels", test_values);
	CU_add_test(s, "attributes", test_attributes);
	CU_add_test(s, "events", test_events);
	CU_add_test(s, "key figures", test_key_figures);
	CU_add_test(s, "compare", test_compare);
	CU_add_test(s, "damaged files", test_damaged);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed() +
			 CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
