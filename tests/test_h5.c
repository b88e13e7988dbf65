/* CUnit suite "h5": the HDF5 writer (schema dcgrid/1).
 *
 * Builds small models and results by hand, writes them with
 * dcg_h5_write_run and reads every part back with the HDF5 C API: shapes,
 * units, dimension-scale attachment, exact values, root and solver
 * attributes, the parameter attributes (checked against dcg_config_visit),
 * the no-clobber rule, temporary-file hygiene and failures (missing folder,
 * full disk simulated with RLIMIT_FSIZE). The writers' bulk attachment of
 * dimension scales (dcg__h5_dims_*) is checked against H5DSattach_scale
 * itself: same attribute types, same references, same order. One test checks that
 * docs/output-format.md lists the series table exactly; run with
 * DCG_UPDATE_DOCS=1 to rewrite that block of the doc after a table change.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include "dcgrid/config.h"
#include "dcgrid/h5.h"
#include "dcgrid/model.h"
#include "dcgrid/result.h"
#include "dcgrid/version.h"
#include "h5_internal.h"

static char tmpdir[256];
static int file_counter;

/* --- Fixtures ----------------------------------------------------------- */

static struct dcg_model *make_model(int grid)
{
	struct dcg_error err = {0};
	struct dcg_model *m = dcg_model_new();
	if (!m)
		return NULL;
	size_t J = grid ? 3 : 0, L = grid ? 1 : 0;
	if (dcg_model_resize(m, 2, 2, 1, J, L, &err))
		goto fail;
	snprintf(m->scenario, sizeof m->scenario, "h5-test");
	snprintf(m->description, sizeof m->description, "hand-built model");
	m->grid_enabled = grid;
	static const char *regions[] = {"north", "south-east-coast"};
	static const char *classes[] = {"cpu", "gpu-import"};
	static const char *techs[] = {"coal", "wind", "solar"};
	for (size_t r = 0; r < m->R; r++) {
		struct dcg_region *rg = &m->regions[r];
		snprintf(rg->name, sizeof rg->name, "%s", regions[r]);
		rg->initial_share = 0.5;
		rg->initial_pue = 1.4;
		rg->base_demand_gw = 100.0;
		rg->peak_factor = 1.3;
		rg->reserve_min = 0.1;
		if (dcg_schedule_set_constant(&rg->policy_weight, 1.0) ||
		    dcg_schedule_set_constant(&rg->pue_target, 1.25))
			goto fail;
		if (grid && dcg_schedule_set_constant(&rg->base_growth, 0.03))
			goto fail;
		for (size_t j = 0; j < J; j++) {
			rg->capacity_gw[j] = 10.0 * (double)(j + 1);
			rg->capacity_credit[j] = 0.5;
			if (dcg_schedule_set_constant(&rg->planned_gw_per_yr[j],
						      1.0) ||
			    dcg_schedule_set_constant(&rg->mix[j], 1.0 / 3.0))
				goto fail;
		}
	}
	for (size_t k = 0; k < m->K; k++) {
		struct dcg_class *c = &m->classes[k];
		snprintf(c->name, sizeof c->name, "%s", classes[k]);
		c->segment = 0;
		c->build_time_yr = 1.0;
		c->life_yr = 5.0;
		c->utilisation = 0.6;
		c->preference = 1.0;
		c->initial_racks = 1000.0;
		if (dcg_schedule_set_constant(&c->pflops_per_rack, 0.1) ||
		    dcg_schedule_set_constant(&c->availability, 1.0))
			goto fail;
		/* A two-point schedule, for the 2 x n parameter attribute. */
		c->kw_per_rack.n = 2;
		c->kw_per_rack.year = malloc(2 * sizeof(double));
		c->kw_per_rack.value = malloc(2 * sizeof(double));
		if (!c->kw_per_rack.year || !c->kw_per_rack.value)
			goto fail;
		c->kw_per_rack.year[0] = 2024.0;
		c->kw_per_rack.year[1] = 2030.0;
		c->kw_per_rack.value[0] = 10.0 * (double)(k + 1);
		c->kw_per_rack.value[1] = 20.0 * (double)(k + 1);
		c->kw_per_rack.interp = DCG_INTERP_LOG;
	}
	snprintf(m->segments[0].name, sizeof m->segments[0].name, "general");
	m->segments[0].saturation_pflops = 1e6;
	m->segments[0].adjust_time_yr = 1.0;
	if (dcg_schedule_set_constant(&m->segments[0].growth, 0.2))
		goto fail;
	for (size_t j = 0; j < J; j++) {
		snprintf(m->techs[j].name, sizeof m->techs[j].name, "%s",
			 techs[j]);
		m->techs[j].kind = j == 0 ? DCG_TECH_THERMAL : DCG_TECH_VARIABLE;
		m->techs[j].lead_time_yr = 3.0;
		m->techs[j].life_yr = 30.0;
		m->techs[j].capacity_factor = 0.3;
	}
	for (size_t l = 0; l < L; l++) {
		snprintf(m->corridors[l].name, sizeof m->corridors[l].name,
			 "north-to-south-east");
		m->corridors[l].from = 0;
		m->corridors[l].to = 1;
		if (dcg_schedule_set_constant(&m->corridors[l].rating_gw, 8.0))
			goto fail;
	}
	if (dcg_model_finalize(m, &err))
		goto fail;
	return m;
fail:
	fprintf(stderr, "make_model: %s\n", err.msg);
	dcg_model_free(m);
	return NULL;
}

/* The value written at flat index i of series id: distinct per series and
 * element, exactly representable, shifted by `salt` to tell files apart. */
static double series_value(int id, size_t i, double salt)
{
	return 1000.0 * id + (double)i + 0.25 + salt;
}

static struct dcg_result *make_result(const struct dcg_model *m, size_t T,
				      double salt)
{
	size_t Y = 3;
	struct dcg_result *r = dcg_result_new(m, T, Y);
	if (!r)
		return NULL;
	for (size_t t = 0; t < T; t++)
		r->time[t] = 2024.0 + 0.25 * (double)t;
	for (int id = 0; id < DCG_SER_COUNT; id++) {
		size_t w = dcg_series_width(m, (enum dcg_series_id)id);
		for (size_t i = 0; r->series[id] && i < T * w; i++)
			r->series[id][i] = series_value(id, i, salt);
	}
	size_t R = m->R, J = m->grid_enabled ? m->J : 0;
	for (size_t y = 0; y < Y; y++) {
		r->year[y] = 2024.0 + (double)y;
		for (size_t i = 0; i < R; i++) {
			r->annual_dc_energy[y * R + i] = 10.0 * y + i + 0.5;
			r->annual_consumption[y * R + i] = 100.0 * y + i + 0.5;
			r->annual_unserved[y * R + i] = 0.125 * (double)(y + i);
			r->annual_emissions[y * R + i] = 7.0 * y + i;
			for (size_t j = 0; j < J; j++)
				r->annual_generation[(y * R + i) * J + j] =
					1000.0 * y + 10.0 * i + j;
		}
	}
	if (m->grid_enabled) {
		r->n_events = 2;
		r->events = calloc(2, sizeof *r->events);
		if (!r->events) {
			dcg_result_free(r);
			return NULL;
		}
		r->events[0] = (struct dcg_event){1, DCG_EVENT_BELOW, 2025.375};
		r->events[1] = (struct dcg_event){1, DCG_EVENT_RECOVER, 2027.5};
	}
	r->stats = (struct dcg_solver_stats){
		.steps = 1234, .rhs_evals = 2345, .jac_evals = 12,
		.lin_setups = 56, .err_test_fails = 7, .nonlin_iters = 2000,
		.nonlin_conv_fails = 3, .root_evals = 99, .restarts = 8,
		.wall_time_s = 0.5, .last_step_yr = 0.0625,
		.method = "BDF", .linear_solver = "dense"};
	r->complete = true;
	r->t_reached = r->time[T - 1];
	return r;
}

static void make_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s-%d.h5", tmpdir, name, ++file_counter);
}

/* Number of leftover temporary files (".*.tmp.*") in the test folder. */
static int count_temp_files(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] == '.' && strstr(e->d_name, ".tmp."))
			n++;
	closedir(d);
	return n;
}

static int file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* Open HDF5 identifiers of the whole library: the writer must leave none. */
static ssize_t open_ids(void)
{
	return H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL);
}

/* --- Reading helpers ---------------------------------------------------- */

/* Reads a string attribute, fixed or variable length (caller frees). */
static char *read_attr_string(hid_t obj, const char *name)
{
	char *out = NULL;
	hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
	if (a < 0)
		return NULL;
	hid_t ft = H5Aget_type(a);
	hid_t mt = H5Tcopy(H5T_C_S1);
	if (H5Tget_class(ft) != H5T_STRING)
		goto finish;
	/* HDF5 does not convert between character sets. */
	H5Tset_cset(mt, H5Tget_cset(ft));
	if (H5Tis_variable_str(ft) > 0) {
		char *s = NULL;
		H5Tset_size(mt, H5T_VARIABLE);
		if (H5Aread(a, mt, &s) >= 0 && s) {
			out = strdup(s);
			H5free_memory(s);
		}
	} else {
		size_t n = H5Tget_size(ft);
		H5Tset_size(mt, n + 1);
		H5Tset_strpad(mt, H5T_STR_NULLTERM);
		out = calloc(n + 1, 1);
		if (out && H5Aread(a, mt, out) < 0) {
			free(out);
			out = NULL;
		}
	}
finish:
	H5Tclose(mt);
	H5Tclose(ft);
	H5Aclose(a);
	return out;
}

static int attr_string_is(hid_t obj, const char *name, const char *want)
{
	char *s = read_attr_string(obj, name);
	int ok = s && strcmp(s, want) == 0;
	if (!ok)
		fprintf(stderr, "\nattribute %s: got \"%s\", want \"%s\"\n",
			name, s ? s : "(missing)", want);
	free(s);
	return ok;
}

static double read_attr_double(hid_t obj, const char *name)
{
	double v = NAN;
	hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
	if (a >= 0) {
		if (H5Aread(a, H5T_NATIVE_DOUBLE, &v) < 0)
			v = NAN;
		H5Aclose(a);
	}
	return v;
}

static long long read_attr_int(hid_t obj, const char *name)
{
	long long v = -999999;
	hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
	if (a >= 0) {
		if (H5Aread(a, H5T_NATIVE_LLONG, &v) < 0)
			v = -999999;
		H5Aclose(a);
	}
	return v;
}

/* Reads a double dataset (caller frees), with its rank and shape. */
static double *read_doubles(hid_t file, const char *name, int *ret_rank,
			    hsize_t *dims)
{
	double *buf = NULL;
	hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
	if (ds < 0)
		return NULL;
	hid_t sp = H5Dget_space(ds);
	int rank = H5Sget_simple_extent_ndims(sp);
	H5Sget_simple_extent_dims(sp, dims, NULL);
	hssize_t n = H5Sget_simple_extent_npoints(sp);
	buf = malloc((size_t)(n > 0 ? n : 1) * sizeof *buf);
	if (buf && n > 0 &&
	    H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
		    buf) < 0) {
		free(buf);
		buf = NULL;
	}
	*ret_rank = rank;
	H5Sclose(sp);
	H5Dclose(ds);
	return buf;
}

/* Reads a 1-D string dataset into a newline-joined string (caller frees). */
static char *read_labels(hid_t file, const char *name, hsize_t *ret_n)
{
	hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
	if (ds < 0)
		return NULL;
	hid_t sp = H5Dget_space(ds);
	hsize_t n = 0;
	H5Sget_simple_extent_dims(sp, &n, NULL);
	hid_t mt = H5Tcopy(H5T_C_S1);
	H5Tset_size(mt, H5T_VARIABLE);
	H5Tset_cset(mt, H5T_CSET_UTF8);
	char **v = calloc(n ? n : 1, sizeof *v);
	char *out = calloc(1, 1024);
	if (v && out && (n == 0 || H5Dread(ds, mt, H5S_ALL, H5S_ALL,
					   H5P_DEFAULT, v) >= 0)) {
		for (hsize_t i = 0; i < n; i++) {
			if (i)
				strcat(out, "\n");
			strncat(out, v[i], 1000 - strlen(out));
		}
		if (n)
			H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, v);
	} else {
		free(out);
		out = NULL;
	}
	*ret_n = n;
	free(v);
	H5Tclose(mt);
	H5Sclose(sp);
	H5Dclose(ds);
	return out;
}

/* 1 when the dataset's axis idx has the dimension scale at scale_path. */
static int scale_attached(hid_t file, const char *ds_path, unsigned idx,
			  const char *scale_path)
{
	hid_t ds = H5Dopen2(file, ds_path, H5P_DEFAULT);
	hid_t sc = H5Dopen2(file, scale_path, H5P_DEFAULT);
	int ok = ds >= 0 && sc >= 0 && H5DSis_scale(sc) > 0 &&
		 H5DSis_attached(ds, sc, idx) > 0;
	if (sc >= 0)
		H5Dclose(sc);
	if (ds >= 0)
		H5Dclose(ds);
	return ok;
}

static int exists(hid_t file, const char *path)
{
	return H5Lexists(file, path, H5P_DEFAULT) > 0;
}

/* Axis names (dimension-scale paths) of a series' dims. */
static int dims_axes(enum dcg_dims d, const char *axes[3])
{
	int n = 0;
	axes[n++] = "/time";
	switch (d) {
	case DCG_DIMS_T:
		break;
	case DCG_DIMS_TS:
		axes[n++] = "/segments";
		break;
	case DCG_DIMS_TR:
		axes[n++] = "/regions";
		break;
	case DCG_DIMS_TRK:
		axes[n++] = "/regions";
		axes[n++] = "/hardware";
		break;
	case DCG_DIMS_TK:
		axes[n++] = "/hardware";
		break;
	case DCG_DIMS_TRJ:
		axes[n++] = "/regions";
		axes[n++] = "/technologies";
		break;
	case DCG_DIMS_TL:
		axes[n++] = "/corridors";
		break;
	}
	return n;
}

static hsize_t axis_len(const struct dcg_model *m, size_t T, const char *ax)
{
	if (!strcmp(ax, "/time"))
		return T;
	if (!strcmp(ax, "/regions"))
		return m->R;
	if (!strcmp(ax, "/hardware"))
		return m->K;
	if (!strcmp(ax, "/segments"))
		return m->S;
	if (!strcmp(ax, "/technologies"))
		return m->J;
	return m->L;
}

/* --- Parameter attributes against dcg_config_visit ---------------------- */

/* The /parameters table read back: name, value and text, n rows. */
struct param_table {
	size_t n;
	char **name, **text;
	double *value;
};

static char **read_strings(hid_t g, const char *name, size_t *ret_n)
{
	hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
	if (ds < 0)
		return NULL;
	hid_t sp = H5Dget_space(ds);
	hssize_t n = H5Sget_simple_extent_npoints(sp);
	H5Sclose(sp);
	hid_t mt = H5Tcopy(H5T_C_S1);
	H5Tset_size(mt, H5T_VARIABLE);
	H5Tset_cset(mt, H5T_CSET_UTF8);
	char **v = calloc((size_t)n + 1, sizeof *v);
	if (v && n > 0 && H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
		free(v);
		v = NULL;
	}
	H5Tclose(mt);
	H5Dclose(ds);
	*ret_n = (size_t)n;
	return v;
}

static bool read_param_table(hid_t f, struct param_table *t)
{
	size_t nt = 0;
	hid_t g = H5Gopen2(f, "/parameters", H5P_DEFAULT);
	if (g < 0)
		return false;
	t->name = read_strings(g, "name", &t->n);
	t->text = read_strings(g, "text", &nt);
	t->value = calloc(t->n + 1, sizeof *t->value);
	hid_t ds = H5Dopen2(g, "value", H5P_DEFAULT);
	bool ok = t->name && t->text && t->value && nt == t->n && ds >= 0 &&
		  H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, t->value) >= 0;
	if (ds >= 0)
		H5Dclose(ds);
	H5Gclose(g);
	return ok;
}

static void free_param_table(struct param_table *t)
{
	for (size_t i = 0; t->name && i < t->n; i++)
		H5free_memory(t->name[i]);
	for (size_t i = 0; t->text && i < t->n; i++)
		H5free_memory(t->text[i]);
	free(t->name);
	free(t->text);
	free(t->value);
}

struct param_check {
	const struct param_table *t;
	size_t row;
	int count, bad;
};

/* Row c->row is name with this value (text empty) or this text (value
 * NaN, when text is not NULL). */
static bool row_is(struct param_check *c, const char *name, double value, const char *text)
{
	const struct param_table *t = c->t;
	if (c->row >= t->n)
		return false;
	size_t i = c->row++;
	if (strcmp(t->name[i], name) != 0)
		return false;
	if (text)
		return isnan(t->value[i]) && strcmp(t->text[i], text) == 0;
	return t->value[i] == value && t->text[i][0] == '\0';
}

static int check_param(void *ctx, const struct dcg_param_value *pv)
{
	struct param_check *c = ctx;
	c->count++;
	bool ok = false;
	switch (pv->type) {
	case DCG_PT_DOUBLE:
	case DCG_PT_INT:
		ok = row_is(c, pv->path, pv->number, NULL);
		break;
	case DCG_PT_BOOL:
		ok = row_is(c, pv->path, pv->number != 0.0 ? 1.0 : 0.0, NULL);
		break;
	case DCG_PT_STRING:
	case DCG_PT_ENUM:
		ok = row_is(c, pv->path, NAN, pv->string ? pv->string : "");
		break;
	case DCG_PT_SCHEDULE: {
		const struct dcg_schedule *s = pv->schedule;
		size_t n = s ? s->n : 0;
		char name[512];
		ok = true;
		for (size_t i = 0; i < n; i++) {
			snprintf(name, sizeof name, "%s.value.[%zu]", pv->path, i);
			ok = ok && row_is(c, name, s->value[i], NULL);
			snprintf(name, sizeof name, "%s.year.[%zu]", pv->path, i);
			ok = ok && row_is(c, name, s->year[i], NULL);
		}
		static const char *interp[] = {"linear", "step", "log"};
		snprintf(name, sizeof name, "%s.interp", pv->path);
		ok = ok && row_is(c, name, NAN, interp[s ? s->interp : 0]);
		break;
	}
	case DCG_PT_ARRAY: {
		char name[512];
		ok = true;
		for (size_t i = 0; i < pv->count; i++) {
			snprintf(name, sizeof name, "%s.[%zu]", pv->path, i);
			ok = ok && row_is(c, name, pv->values[i], NULL);
		}
		break;
	}
	}
	if (!ok) {
		c->bad++;
		fprintf(stderr, "\nparameter row %s is wrong\n", pv->path);
	}
	return 0;
}

/* --- The checks shared by the write tests -------------------------------- */

static void check_file(const char *path, const struct dcg_model *m,
		       const struct dcg_result *res, const char *config,
		       double salt)
{
	hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	CU_ASSERT_FATAL(f >= 0);

	/* Root attributes. */
	CU_ASSERT(attr_string_is(f, "schema", "dcgrid/1"));
	CU_ASSERT(attr_string_is(f, "dcgrid_version", DCG_VERSION));
	CU_ASSERT(attr_string_is(f, "scenario", "h5-test"));
	CU_ASSERT(attr_string_is(f, "config", config));
	CU_ASSERT(attr_string_is(f, "Conventions", "CF-1.8"));
	CU_ASSERT(attr_string_is(f, "title", "dcgrid projection: h5-test"));
	CU_ASSERT(attr_string_is(f, "comment", "hand-built model"));
	CU_ASSERT_EQUAL(read_attr_int(f, "complete"), res->complete ? 1 : 0);
	CU_ASSERT_EQUAL(H5Aexists(f, "failure") > 0, !res->complete);
	char *created = read_attr_string(f, "created");
	CU_ASSERT_PTR_NOT_NULL(created);
	if (created) {
		/* 2025-01-02T03:04:05Z */
		CU_ASSERT_EQUAL(strlen(created), 20);
		CU_ASSERT(created[4] == '-' && created[10] == 'T' &&
			  created[19] == 'Z');
		char *history = read_attr_string(f, "history");
		char want[128];
		snprintf(want, sizeof want, "%s: created by dcgrid %s",
			 created, DCG_VERSION);
		CU_ASSERT(history && strcmp(history, want) == 0);
		free(history);
	}
	free(created);

	/* Coordinates. */
	int rank = 0;
	hsize_t dims[3] = {0, 0, 0};
	double *v = read_doubles(f, "/time", &rank, dims);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT(rank == 1 && dims[0] == res->T);
	for (size_t t = 0; t < res->T; t++)
		CU_ASSERT_EQUAL(v[t], res->time[t]);
	free(v);
	hid_t ds = H5Dopen2(f, "/time", H5P_DEFAULT);
	CU_ASSERT(H5DSis_scale(ds) > 0);
	CU_ASSERT(attr_string_is(ds, "units", "year"));
	CU_ASSERT(attr_string_is(ds, "long_name", "time, decimal years"));
	H5Dclose(ds);

	hsize_t n = 0;
	char *labels = read_labels(f, "/regions", &n);
	CU_ASSERT(labels && n == 2 &&
		  strcmp(labels, "north\nsouth-east-coast") == 0);
	free(labels);
	labels = read_labels(f, "/hardware", &n);
	CU_ASSERT(labels && n == 2 && strcmp(labels, "cpu\ngpu-import") == 0);
	free(labels);
	labels = read_labels(f, "/segments", &n);
	CU_ASSERT(labels && n == 1 && strcmp(labels, "general") == 0);
	free(labels);
	CU_ASSERT_EQUAL(exists(f, "/technologies"), m->grid_enabled);
	CU_ASSERT_EQUAL(exists(f, "/corridors"), m->grid_enabled);
	if (m->grid_enabled) {
		labels = read_labels(f, "/technologies", &n);
		CU_ASSERT(labels && n == 3 &&
			  strcmp(labels, "coal\nwind\nsolar") == 0);
		free(labels);
		labels = read_labels(f, "/corridors", &n);
		CU_ASSERT(labels && n == 1 &&
			  strcmp(labels, "north-to-south-east") == 0);
		free(labels);
	}

	/* Every series of the table. */
	for (int id = 0; id < DCG_SER_COUNT; id++) {
		const struct dcg_series_info *si =
			dcg_series_info((enum dcg_series_id)id);
		char name[256];
		snprintf(name, sizeof name, "/%s/%s", si->group, si->name);
		if (si->grid_only && !m->grid_enabled) {
			CU_ASSERT(!exists(f, name));
			continue;
		}
		v = read_doubles(f, name, &rank, dims);
		CU_ASSERT_PTR_NOT_NULL(v);
		if (!v) {
			fprintf(stderr, "\nmissing dataset %s\n", name);
			continue;
		}
		const char *axes[3];
		int na = dims_axes(si->dims, axes);
		CU_ASSERT_EQUAL(rank, na);
		size_t npts = 1;
		for (int i = 0; i < na && i < rank; i++) {
			CU_ASSERT_EQUAL(dims[i], axis_len(m, res->T, axes[i]));
			CU_ASSERT(scale_attached(f, name, (unsigned)i, axes[i]));
			npts *= (size_t)dims[i];
		}
		for (size_t i = 0; i < npts; i++)
			if (v[i] != series_value(id, i, salt)) {
				CU_FAIL("series value differs");
				fprintf(stderr, "\n%s[%zu] = %g\n", name, i,
					v[i]);
				break;
			}
		free(v);
		ds = H5Dopen2(f, name, H5P_DEFAULT);
		CU_ASSERT(attr_string_is(ds, "units", si->units));
		CU_ASSERT(attr_string_is(ds, "long_name", si->long_name));
		CU_ASSERT_EQUAL(H5Aexists(ds, "standard_name") > 0,
				si->standard_name != NULL);
		H5Dclose(ds);
	}

	/* Calendar-year totals. */
	v = read_doubles(f, "/annual/year", &rank, dims);
	CU_ASSERT(v && rank == 1 && dims[0] == res->Y);
	for (size_t y = 0; v && y < res->Y; y++)
		CU_ASSERT_EQUAL(v[y], res->year[y]);
	free(v);
	struct {
		const char *name, *units;
		const double *want;
		int grid, rank;
	} annual[] = {
		{"/annual/dc_energy", "TWh", res->annual_dc_energy, 0, 2},
		{"/annual/consumption", "TWh", res->annual_consumption, 1, 2},
		{"/annual/unserved_energy", "TWh", res->annual_unserved, 1, 2},
		{"/annual/emissions", "Mt", res->annual_emissions, 1, 2},
		{"/annual/generation", "TWh", res->annual_generation, 1, 3},
	};
	for (size_t a = 0; a < sizeof annual / sizeof annual[0]; a++) {
		if (annual[a].grid && !m->grid_enabled) {
			CU_ASSERT(!exists(f, annual[a].name));
			continue;
		}
		v = read_doubles(f, annual[a].name, &rank, dims);
		CU_ASSERT_FATAL(v != NULL);
		CU_ASSERT_EQUAL(rank, annual[a].rank);
		CU_ASSERT(dims[0] == res->Y && dims[1] == m->R);
		size_t npts = res->Y * m->R;
		if (rank == 3) {
			CU_ASSERT_EQUAL(dims[2], m->J);
			npts *= m->J;
			CU_ASSERT(scale_attached(f, annual[a].name, 2,
						 "/technologies"));
		}
		for (size_t i = 0; i < npts; i++)
			CU_ASSERT_EQUAL(v[i], annual[a].want[i]);
		free(v);
		CU_ASSERT(scale_attached(f, annual[a].name, 0, "/annual/year"));
		CU_ASSERT(scale_attached(f, annual[a].name, 1, "/regions"));
		ds = H5Dopen2(f, annual[a].name, H5P_DEFAULT);
		CU_ASSERT(attr_string_is(ds, "units", annual[a].units));
		H5Dclose(ds);
	}

	/* Events. */
	CU_ASSERT_EQUAL(exists(f, "/events"), m->grid_enabled);
	if (m->grid_enabled) {
		struct row {
			int region;
			char name[32];
			int kind;
			double time;
		} rows[2];
		memset(rows, 0, sizeof rows);
		hid_t str = H5Tcopy(H5T_C_S1);
		H5Tset_size(str, sizeof rows[0].name);
		H5Tset_cset(str, H5T_CSET_UTF8);
		hid_t kind = H5Tenum_create(H5T_NATIVE_INT);
		int below = DCG_EVENT_BELOW, recover = DCG_EVENT_RECOVER;
		H5Tenum_insert(kind, "below", &below);
		H5Tenum_insert(kind, "recover", &recover);
		hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof(struct row));
		H5Tinsert(mt, "region", HOFFSET(struct row, region),
			  H5T_NATIVE_INT);
		H5Tinsert(mt, "region_name", HOFFSET(struct row, name), str);
		H5Tinsert(mt, "kind", HOFFSET(struct row, kind), kind);
		H5Tinsert(mt, "time", HOFFSET(struct row, time),
			  H5T_NATIVE_DOUBLE);
		ds = H5Dopen2(f, "/events", H5P_DEFAULT);
		hid_t sp = H5Dget_space(ds);
		hsize_t ne = 0;
		H5Sget_simple_extent_dims(sp, &ne, NULL);
		CU_ASSERT_EQUAL(ne, 2);
		CU_ASSERT(H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT,
				  rows) >= 0);
		CU_ASSERT(rows[0].region == 1 && rows[1].region == 1);
		CU_ASSERT_STRING_EQUAL(rows[0].name, "south-east-coast");
		CU_ASSERT(rows[0].kind == DCG_EVENT_BELOW &&
			  rows[1].kind == DCG_EVENT_RECOVER);
		CU_ASSERT(rows[0].time == 2025.375 && rows[1].time == 2027.5);
		H5Sclose(sp);
		H5Dclose(ds);
		H5Tclose(mt);
		H5Tclose(kind);
		H5Tclose(str);
	}

	/* Solver statistics. */
	hid_t g = H5Gopen2(f, "/solver", H5P_DEFAULT);
	CU_ASSERT_FATAL(g >= 0);
	CU_ASSERT_EQUAL(read_attr_int(g, "steps"), 1234);
	CU_ASSERT_EQUAL(read_attr_int(g, "rhs_evals"), 2345);
	CU_ASSERT_EQUAL(read_attr_int(g, "jac_evals"), 12);
	CU_ASSERT_EQUAL(read_attr_int(g, "lin_setups"), 56);
	CU_ASSERT_EQUAL(read_attr_int(g, "err_test_fails"), 7);
	CU_ASSERT_EQUAL(read_attr_int(g, "nonlin_iters"), 2000);
	CU_ASSERT_EQUAL(read_attr_int(g, "nonlin_conv_fails"), 3);
	CU_ASSERT_EQUAL(read_attr_int(g, "root_evals"), 99);
	CU_ASSERT_EQUAL(read_attr_int(g, "restarts"), 8);
	CU_ASSERT_EQUAL(read_attr_double(g, "wall_time_s"), 0.5);
	CU_ASSERT_EQUAL(read_attr_double(g, "last_step_yr"), 0.0625);
	CU_ASSERT_EQUAL(read_attr_double(g, "rtol"), m->rtol);
	CU_ASSERT_EQUAL(read_attr_double(g, "atol"), m->atol);
	CU_ASSERT(attr_string_is(g, "method", "BDF"));
	CU_ASSERT(attr_string_is(g, "linear_solver", "dense"));
	H5Gclose(g);

	/* Parameters: one row per visited parameter (2n + 1 per schedule
	 * of n points), in visiting order, same values, nothing else. */
	struct param_table pt = {0};
	CU_ASSERT_FATAL(read_param_table(f, &pt));
	struct param_check pc = {.t = &pt};
	CU_ASSERT_EQUAL(dcg_config_visit(m, check_param, &pc), 0);
	CU_ASSERT(pc.count > 0);
	CU_ASSERT_EQUAL(pc.bad, 0);
	CU_ASSERT_EQUAL(pc.row, pt.n);
	free_param_table(&pt);

	CU_ASSERT(H5Fclose(f) >= 0);
}

static void write_and_check(int grid, int complete)
{
	char path[512];
	make_path(path, sizeof path, grid ? "grid" : "nogrid");
	struct dcg_model *m = make_model(grid);
	CU_ASSERT_FATAL(m != NULL);
	struct dcg_result *res = make_result(m, 9, 0.0);
	CU_ASSERT_FATAL(res != NULL);
	if (!complete) {
		res->complete = false;
		res->t_reached = 2025.5;
		snprintf(res->failure, sizeof res->failure,
			 "CVODE failed at t = 2025.5: too much work");
	}
	const char *config = "scenario = \"h5-test\";\n# résumé: UTF-8\n";
	struct dcg_error err = {0};
	int rc = dcg_h5_write_run(path, m, res, config, false, &err);
	if (rc)
		fprintf(stderr, "\n%s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(open_ids(), 0);
	CU_ASSERT_EQUAL(count_temp_files(tmpdir), 0);
	check_file(path, m, res, config, 0.0);
	if (!complete) {
		hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
		CU_ASSERT(attr_string_is(
			f, "failure", "CVODE failed at t = 2025.5: too much work"));
		CU_ASSERT_EQUAL(read_attr_double(f, "t_reached"), 2025.5);
		H5Fclose(f);
	}
	dcg_result_free(res);
	dcg_model_free(m);
}

/* --- Tests -------------------------------------------------------------- */

static void test_write_without_grid(void)
{
	write_and_check(0, 1);
}

static void test_write_with_grid(void)
{
	write_and_check(1, 1);
}

static void test_write_incomplete(void)
{
	write_and_check(1, 0);
}

static double first_racks_value(const char *path)
{
	int rank;
	hsize_t dims[3];
	hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	if (f < 0)
		return NAN;
	double *v = read_doubles(f, "/datacenter/racks", &rank, dims);
	H5Fclose(f);
	double x = v ? v[0] : NAN;
	free(v);
	return x;
}

static void test_no_clobber(void)
{
	char path[512];
	make_path(path, sizeof path, "clobber");
	struct dcg_model *m = make_model(0);
	struct dcg_result *a = make_result(m, 5, 0.0);
	struct dcg_result *b = make_result(m, 5, 0.5);
	CU_ASSERT_FATAL(m && a && b);
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL(dcg_h5_write_run(path, m, a, "a", false, &err), 0);
	double first = first_racks_value(path);
	CU_ASSERT_EQUAL(first, series_value(DCG_SER_RACKS, 0, 0.0));

	int rc = dcg_h5_write_run(path, m, b, "b", false, &err);
	CU_ASSERT_EQUAL(rc, DCG_EEXIST);
	CU_ASSERT_EQUAL(err.status, DCG_EEXIST);
	char want[600];
	snprintf(want, sizeof want, "%s exists; use --force to replace it",
		 path);
	CU_ASSERT_STRING_EQUAL(err.msg, want);
	CU_ASSERT_EQUAL(first_racks_value(path), first);
	CU_ASSERT_EQUAL(count_temp_files(tmpdir), 0);

	dcg_error_clear(&err);
	CU_ASSERT_EQUAL(dcg_h5_write_run(path, m, b, "b", true, &err), 0);
	CU_ASSERT_EQUAL(first_racks_value(path),
			series_value(DCG_SER_RACKS, 0, 0.5));
	hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	CU_ASSERT(attr_string_is(f, "config", "b"));
	H5Fclose(f);
	CU_ASSERT_EQUAL(count_temp_files(tmpdir), 0);
	CU_ASSERT_EQUAL(open_ids(), 0);
	dcg_result_free(a);
	dcg_result_free(b);
	dcg_model_free(m);
}

static void test_missing_folder(void)
{
	char path[512];
	snprintf(path, sizeof path, "%s/no-such-folder/run.h5", tmpdir);
	struct dcg_model *m = make_model(0);
	struct dcg_result *res = make_result(m, 3, 0.0);
	CU_ASSERT_FATAL(m && res);
	struct dcg_error err = {0};
	int rc = dcg_h5_write_run(path, m, res, "", false, &err);
	CU_ASSERT_EQUAL(rc, DCG_EIO);
	char want[600];
	snprintf(want, sizeof want,
		 "cannot create %s: No such file or directory", path);
	CU_ASSERT_STRING_EQUAL(err.msg, want);
	CU_ASSERT(!file_exists(path));
	CU_ASSERT_EQUAL(open_ids(), 0);
	dcg_result_free(res);
	dcg_model_free(m);
}

static void test_not_a_file_name(void)
{
	char path[512];
	snprintf(path, sizeof path, "%s/no-such-file/", tmpdir);
	struct dcg_model *m = make_model(0);
	struct dcg_result *res = make_result(m, 3, 0.0);
	CU_ASSERT_FATAL(m && res);
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL(dcg_h5_write_run(path, m, res, "", true, &err),
			DCG_EUSAGE);
	char want[600];
	snprintf(want, sizeof want, "cannot create %s: not a file name", path);
	CU_ASSERT_STRING_EQUAL(err.msg, want);
	CU_ASSERT_EQUAL(count_temp_files(tmpdir), 0);
	dcg_result_free(res);
	dcg_model_free(m);
}

/* --force replaces regular files only: renaming over a device (say
 * /dev/full) or a folder would replace the node itself. Through a symbolic
 * link, the file it points to is replaced and the link kept. */
static void test_force_targets(void)
{
	char dir[512], real[512], link_path[512], want[600];
	make_path(dir, sizeof dir, "folder");
	make_path(real, sizeof real, "real");
	make_path(link_path, sizeof link_path, "link");
	struct dcg_model *m = make_model(0);
	struct dcg_result *a = make_result(m, 3, 0.0);
	struct dcg_result *b = make_result(m, 3, 0.5);
	CU_ASSERT_FATAL(m && a && b);
	struct dcg_error err = {0};

	CU_ASSERT_FATAL(mkdir(dir, 0777) == 0);
	CU_ASSERT_EQUAL(dcg_h5_write_run(dir, m, a, "", true, &err),
			DCG_EUSAGE);
	snprintf(want, sizeof want, "cannot replace %s: not a regular file",
		 dir);
	CU_ASSERT_STRING_EQUAL(err.msg, want);
	struct stat st;
	CU_ASSERT(stat(dir, &st) == 0 && S_ISDIR(st.st_mode));
	rmdir(dir);

	CU_ASSERT_EQUAL(dcg_h5_write_run(real, m, a, "", false, &err), 0);
	CU_ASSERT_FATAL(symlink(real, link_path) == 0);
	CU_ASSERT_EQUAL(dcg_h5_write_run(link_path, m, b, "", false, &err),
			DCG_EEXIST);
	CU_ASSERT_EQUAL(dcg_h5_write_run(link_path, m, b, "", true, &err), 0);
	CU_ASSERT(lstat(link_path, &st) == 0 && S_ISLNK(st.st_mode));
	CU_ASSERT_EQUAL(first_racks_value(real),
			series_value(DCG_SER_RACKS, 0, 0.5));
	CU_ASSERT_EQUAL(count_temp_files(tmpdir), 0);
	dcg_result_free(a);
	dcg_result_free(b);
	dcg_model_free(m);
}

/* A full disk, simulated with a file-size limit: write() fails with EFBIG
 * exactly as it fails with ENOSPC on a full file system. */
static void test_disk_full(void)
{
	char path[512];
	make_path(path, sizeof path, "full");
	struct dcg_model *m = make_model(1);
	struct dcg_result *res = make_result(m, 2000, 0.0);
	CU_ASSERT_FATAL(m && res);
	struct rlimit old;
	CU_ASSERT_FATAL(getrlimit(RLIMIT_FSIZE, &old) == 0);
	void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
	struct rlimit lim = old;
	lim.rlim_cur = 16 * 1024;
	CU_ASSERT_FATAL(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	struct dcg_error err = {0};
	int rc = dcg_h5_write_run(path, m, res, "", false, &err);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, old_handler);

	CU_ASSERT_EQUAL(rc, DCG_EIO);
	char want[600];
	snprintf(want, sizeof want, "cannot write %s: File too large", path);
	CU_ASSERT_STRING_EQUAL(err.msg, want);
	CU_ASSERT(!file_exists(path));
	CU_ASSERT_EQUAL(count_temp_files(tmpdir), 0);
	CU_ASSERT_EQUAL(open_ids(), 0);
	dcg_result_free(res);
	dcg_model_free(m);
}

/* Large series are chunked and compressed, small ones contiguous; a config
 * text over 64 KiB still fits (dense attribute storage). */
static void test_large(void)
{
	char path[512];
	make_path(path, sizeof path, "large");
	struct dcg_model *m = make_model(1);
	size_t T = 5000;
	struct dcg_result *res = make_result(m, T, 0.0);
	CU_ASSERT_FATAL(m && res);
	size_t nconfig = 200 * 1024;
	char *config = malloc(nconfig + 1);
	CU_ASSERT_FATAL(config != NULL);
	for (size_t i = 0; i < nconfig; i++)
		config[i] = (char)('a' + i % 26);
	config[nconfig] = '\0';
	struct dcg_error err = {0};
	int rc = dcg_h5_write_run(path, m, res, config, false, &err);
	if (rc)
		fprintf(stderr, "\n%s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	check_file(path, m, res, config, 0.0);

	/* Large datasets too are contiguous and unfiltered: deflate cost six
	 * times the rest of the write for a quarter of the bytes. */
	hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	hid_t ds = H5Dopen2(f, "/datacenter/racks", H5P_DEFAULT);
	hid_t p = H5Dget_create_plist(ds);
	CU_ASSERT_EQUAL(H5Pget_layout(p), H5D_CONTIGUOUS);
	CU_ASSERT_EQUAL(H5Pget_nfilters(p), 0);
	H5Pclose(p);
	H5Dclose(ds);
	ds = H5Dopen2(f, "/datacenter/compute_demand", H5P_DEFAULT);
	p = H5Dget_create_plist(ds);
	CU_ASSERT_EQUAL(H5Pget_layout(p), H5D_CONTIGUOUS);
	H5Pclose(p);
	H5Dclose(ds);
	H5Fclose(f);
	CU_ASSERT_EQUAL(open_ids(), 0);
	free(config);
	dcg_result_free(res);
	dcg_model_free(m);
}

static int read_file(const char *path, char **ret, size_t *ret_n)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return -1;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
		n += got;
		if (n == cap) {
			char *nb = realloc(buf, 2 * cap + 1);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(fp);
	if (!buf)
		return -1;
	buf[n] = '\0';
	*ret = buf;
	*ret_n = n;
	return 0;
}

/* With SOURCE_DATE_EPOCH set, two writes of one run are byte-identical, so
 * reference files can be compared with cmp. */
static void test_reproducible(void)
{
	char p1[512], p2[512];
	make_path(p1, sizeof p1, "repro");
	make_path(p2, sizeof p2, "repro");
	struct dcg_model *m = make_model(1);
	struct dcg_result *res = make_result(m, 7, 0.0);
	CU_ASSERT_FATAL(m && res);
	const char *old = getenv("SOURCE_DATE_EPOCH");
	char *saved = old ? strdup(old) : NULL;
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL(dcg_h5_write_run(p1, m, res, "x", false, &err), 0);
	CU_ASSERT_EQUAL(dcg_h5_write_run(p2, m, res, "x", false, &err), 0);
	if (saved)
		setenv("SOURCE_DATE_EPOCH", saved, 1);
	else
		unsetenv("SOURCE_DATE_EPOCH");
	free(saved);
	char *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	CU_ASSERT_FATAL(read_file(p1, &a, &na) == 0);
	CU_ASSERT_FATAL(read_file(p2, &b, &nb) == 0);
	CU_ASSERT(na == nb && memcmp(a, b, na) == 0);
	free(a);
	free(b);
	hid_t f = H5Fopen(p1, H5F_ACC_RDONLY, H5P_DEFAULT);
	CU_ASSERT(attr_string_is(f, "created", "2023-11-14T22:13:20Z"));
	H5Fclose(f);
	dcg_result_free(res);
	dcg_model_free(m);
}

/* --- docs/output-format.md lists the series table exactly ---------------- */

static const char *dims_text(enum dcg_dims d)
{
	switch (d) {
	case DCG_DIMS_T:
		return "(time)";
	case DCG_DIMS_TS:
		return "(time, segments)";
	case DCG_DIMS_TR:
		return "(time, regions)";
	case DCG_DIMS_TRK:
		return "(time, regions, hardware)";
	case DCG_DIMS_TK:
		return "(time, hardware)";
	case DCG_DIMS_TRJ:
		return "(time, regions, technologies)";
	case DCG_DIMS_TL:
		return "(time, corridors)";
	}
	return "?";
}

#define DOC_BEGIN "<!-- series-table:begin -->\n"
#define DOC_END "<!-- series-table:end -->\n"

/* The generated Markdown table (caller frees). */
static char *series_markdown(void)
{
	size_t cap = 16384, n = 0;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	n += (size_t)snprintf(s + n, cap - n,
			      "| dataset | shape | units | long_name | "
			      "standard_name | written |\n"
			      "|---|---|---|---|---|---|\n");
	for (int id = 0; id < DCG_SER_COUNT && n < cap; id++) {
		const struct dcg_series_info *si =
			dcg_series_info((enum dcg_series_id)id);
		n += (size_t)snprintf(
			s + n, cap - n, "| `/%s/%s` | %s | `%s` | %s | %s | %s |\n",
			si->group, si->name, dims_text(si->dims), si->units,
			si->long_name,
			si->standard_name ? si->standard_name : "",
			si->grid_only ? "with a grid" : "always");
	}
	if (n >= cap) {
		free(s);
		return NULL;
	}
	return s;
}

static int doc_path(char *buf, size_t size)
{
	const char *root = getenv("DCG_SOURCE_ROOT");
	if (root && *root) {
		snprintf(buf, size, "%s/docs/output-format.md", root);
		return 0;
	}
	/* meson runs the suites from tests/. */
	if (access("../docs/output-format.md", R_OK) == 0) {
		snprintf(buf, size, "../docs/output-format.md");
		return 0;
	}
	/* Otherwise: the doc relative to this source file. */
	const char *file = __FILE__;
	const char *p = strstr(file, "tests/test_h5.c");
	if (!p)
		return -1;
	snprintf(buf, size, "%.*sdocs/output-format.md", (int)(p - file),
		 file);
	return 0;
}

static void test_doc_lists_series(void)
{
	char path[1024];
	char *doc = NULL, *want = series_markdown();
	size_t n = 0;
	CU_ASSERT_FATAL(want != NULL);
	if (doc_path(path, sizeof path) || read_file(path, &doc, &n)) {
		fprintf(stderr,
			"\ncannot read docs/output-format.md (set "
			"DCG_SOURCE_ROOT)\n");
		CU_FAIL("docs/output-format.md not found");
		free(want);
		return;
	}
	char *b = strstr(doc, DOC_BEGIN), *e = b ? strstr(b, DOC_END) : NULL;
	CU_ASSERT_PTR_NOT_NULL(e);
	if (e) {
		char *body = b + strlen(DOC_BEGIN);
		size_t len = (size_t)(e - body);
		int same = len == strlen(want) && !memcmp(body, want, len);
		const char *update = getenv("DCG_UPDATE_DOCS");
		if (!same && update && !strcmp(update, "1")) {
			FILE *fp = fopen(path, "wb");
			CU_ASSERT_FATAL(fp != NULL);
			fwrite(doc, 1, (size_t)(body - doc), fp);
			fputs(want, fp);
			fputs(e, fp);
			CU_ASSERT(fclose(fp) == 0);
			fprintf(stderr, "\nrewrote the series table in %s\n",
				path);
		} else if (!same) {
			fprintf(stderr,
				"\n%s: the series table differs from "
				"model/series.c; rerun with DCG_UPDATE_DOCS=1 "
				"to regenerate it. Expected:\n%s",
				path, want);
			CU_FAIL("docs/output-format.md series table is stale");
		}
	}
	free(doc);
	free(want);
}

/* --- Suite -------------------------------------------------------------- */

static int remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	char p[1024];
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	return rmdir(dir);
}

static int suite_init(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/dcgrid-h5-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	/* The tests read HDF5 errors through return values only. */
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
	return 0;
}


/* --- Dimension scales in bulk against H5DSattach_scale ------------------ */

#define DIMS_NDS 11
#define DIMS_NSCALES 10

/* The layout both files get: ten scales /s0 ... /s9 and eleven datasets,
 * one attached to the same scale on two axes, one with an axis left bare,
 * and the last attached to three scales seen for the first time, past the
 * eight that dcg__h5_dims_* first makes room for. */
static const char *const dims_ds[DIMS_NDS] = {
	"/a", "/b", "/c", "/g/d", "/e", "/t2", "/t3", "/t4", "/t5", "/t6", "/f"};
static const int dims_rank[DIMS_NDS] = {2, 1, 2, 2, 2, 1, 1, 1, 1, 1, 3};
/* Axis scales by index (/s<i>), -1 none. */
static const int dims_axis[DIMS_NDS][3] = {
	{0, 1}, {0, -1}, {1, 0}, {0, -1}, {1, 1}, {2}, {3}, {4}, {5}, {6},
	{7, 8, 9}};

/* Writes the layout to path; bulk selects dcg__h5_dims_* over
 * H5DSattach_scale. Returns 0 on success. */
static int write_dims_file(const char *path, int bulk)
{
	hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
	unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
	H5Pset_link_creation_order(fcpl, order);
	H5Pset_attr_creation_order(fcpl, order);
	hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
	H5Pclose(fcpl);
	if (f < 0)
		return -1;
	int bad = 0;
	hid_t g = H5Gcreate2(f, "/g", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	bad |= g < 0;
	H5Gclose(g);
	hid_t scales[DIMS_NSCALES];
	hsize_t len[DIMS_NSCALES];
	for (int i = 0; i < DIMS_NSCALES; i++) {
		len[i] = (hsize_t)i + 2;
		hid_t sp = H5Screate_simple(1, &len[i], NULL);
		char name[16];
		snprintf(name, sizeof name, "/s%d", i);
		scales[i] = H5Dcreate2(f, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT,
				       H5P_DEFAULT, H5P_DEFAULT);
		H5Sclose(sp);
		bad |= scales[i] < 0 || H5DSset_scale(scales[i], name + 1) < 0;
	}
	struct dcg__h5_dims dims = {0};
	for (int k = 0; k < DIMS_NDS; k++) {
		hsize_t shape[3];
		hid_t axes[3];
		for (int i = 0; i < dims_rank[k]; i++) {
			int a = dims_axis[k][i];
			shape[i] = a < 0 ? 4 : len[a];
			axes[i] = a < 0 ? -1 : scales[a];
		}
		hid_t sp = H5Screate_simple(dims_rank[k], shape, NULL);
		hid_t ds = H5Dcreate2(f, dims_ds[k], H5T_IEEE_F64LE, sp,
				      H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
		H5Sclose(sp);
		bad |= ds < 0;
		const char *op = NULL;
		if (bulk) {
			bad |= dcg__h5_dims_attach(&dims, ds, dims_rank[k], axes,
						   &op) != 0;
		} else {
			for (int i = 0; i < dims_rank[k]; i++)
				if (axes[i] >= 0)
					bad |= H5DSattach_scale(ds, axes[i],
								(unsigned)i) < 0;
		}
		H5Dclose(ds);
	}
	const char *op = NULL;
	if (bulk) {
		/* One scale written on its own, the other with the rest. */
		bad |= dcg__h5_dims_write(&dims, scales[1], &op) != 0;
		bad |= dcg__h5_dims_write(&dims, -1, &op) != 0;
		bad |= dims.n != 0;
		dcg__h5_dims_free(&dims);
	}
	for (int i = 0; i < DIMS_NSCALES; i++)
		H5Dclose(scales[i]);
	bad |= H5Fclose(f) < 0;
	return bad ? -1 : 0;
}

/* The path of the object an object reference points at. */
static int ref_name(hid_t f, hobj_ref_t *ref, char *buf, size_t size)
{
	return H5Rget_name(f, H5R_OBJECT, ref, buf, size) > 0 ? 0 : -1;
}

/* Describes the dimension-scale attributes of `obj` in `out`: the
 * attribute's type class and size, and the objects (and axes) it
 * references, in stored order. Empty when the attribute is absent. */
static void describe_dims_attr(hid_t f, const char *obj, const char *attr,
			       char *out, size_t size)
{
	out[0] = '\0';
	if (H5Aexists_by_name(f, obj, attr, H5P_DEFAULT) <= 0)
		return;
	hid_t a = H5Aopen_by_name(f, obj, attr, H5P_DEFAULT, H5P_DEFAULT);
	hid_t t = H5Aget_type(a), sp = H5Aget_space(a);
	hssize_t n = H5Sget_simple_extent_npoints(sp);
	size_t used = 0;
	used += (size_t)snprintf(out + used, size - used, "%s class %d size %zu n %lld:",
				 attr, (int)H5Tget_class(t), H5Tget_size(t),
				 (long long)n);
	char name[256];
	if (strcmp(attr, DIMENSION_LIST) == 0) {
		hvl_t *v = calloc((size_t)n, sizeof *v);
		hid_t mt = H5Tvlen_create(H5T_STD_REF_OBJ);
		CU_ASSERT(H5Aread(a, mt, v) >= 0);
		for (hssize_t i = 0; i < n; i++) {
			used += (size_t)snprintf(out + used, size - used, " [");
			for (size_t j = 0; j < v[i].len; j++) {
				hobj_ref_t *r = (hobj_ref_t *)v[i].p + j;
				if (ref_name(f, r, name, sizeof name))
					snprintf(name, sizeof name, "?");
				used += (size_t)snprintf(out + used, size - used, " %s", name);
			}
			used += (size_t)snprintf(out + used, size - used, " ]");
		}
		H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, v);
		H5Tclose(mt);
		free(v);
	} else {
		/* Both members of the compound, by name, as HDF5's ds_list_t. */
		CU_ASSERT_EQUAL(H5Tget_nmembers(t), 2);
		char *m0 = H5Tget_member_name(t, 0), *m1 = H5Tget_member_name(t, 1);
		hid_t t1 = H5Tget_member_type(t, 1);
		used += (size_t)snprintf(out + used, size - used,
					 " {%s@%zu %s@%zu int%zu}", m0,
					 H5Tget_member_offset(t, 0), m1,
					 H5Tget_member_offset(t, 1), H5Tget_size(t1));
		H5Tclose(t1);
		H5free_memory(m0);
		H5free_memory(m1);
		struct dcg__h5_dim_ref *v = calloc((size_t)n, sizeof *v);
		hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof *v);
		H5Tinsert(mt, "dataset", offsetof(struct dcg__h5_dim_ref, ref),
			  H5T_STD_REF_OBJ);
		H5Tinsert(mt, "dimension", offsetof(struct dcg__h5_dim_ref, dim),
			  H5T_NATIVE_UINT);
		CU_ASSERT(H5Aread(a, mt, v) >= 0);
		for (hssize_t i = 0; i < n; i++) {
			if (ref_name(f, &v[i].ref, name, sizeof name))
				snprintf(name, sizeof name, "?");
			used += (size_t)snprintf(out + used, size - used, " %s:%u",
						 name, v[i].dim);
		}
		H5Tclose(mt);
		free(v);
	}
	H5Tclose(t);
	H5Sclose(sp);
	H5Aclose(a);
}

static void test_bulk_dimension_scales(void)
{
	char ref_path[600], bulk_path[600];
	snprintf(ref_path, sizeof ref_path, "%s/dims-h5ds.h5", tmpdir);
	snprintf(bulk_path, sizeof bulk_path, "%s/dims-bulk.h5", tmpdir);
	CU_ASSERT_EQUAL_FATAL(write_dims_file(ref_path, 0), 0);
	CU_ASSERT_EQUAL_FATAL(write_dims_file(bulk_path, 1), 0);
	hid_t fr = H5Fopen(ref_path, H5F_ACC_RDONLY, H5P_DEFAULT);
	hid_t fb = H5Fopen(bulk_path, H5F_ACC_RDONLY, H5P_DEFAULT);
	CU_ASSERT_FATAL(fr >= 0 && fb >= 0);
	const char *objects[DIMS_NSCALES + DIMS_NDS] = {
		"/s0", "/s1", "/s2", "/s3", "/s4", "/s5", "/s6", "/s7", "/s8", "/s9"};
	for (int k = 0; k < DIMS_NDS; k++)
		objects[k + DIMS_NSCALES] = dims_ds[k];
	const char *attrs[2] = {DIMENSION_LIST, REFERENCE_LIST};
	for (int k = 0; k < DIMS_NSCALES + DIMS_NDS; k++) {
		for (int a = 0; a < 2; a++) {
			char want[2048], got[2048];
			describe_dims_attr(fr, objects[k], attrs[a], want, sizeof want);
			describe_dims_attr(fb, objects[k], attrs[a], got, sizeof got);
			if (strcmp(want, got) != 0)
				printf("\n  %s: H5DS gives '%s', bulk '%s'\n",
				       objects[k], want, got);
			CU_ASSERT_STRING_EQUAL(got, want);
			/* Scales have a REFERENCE_LIST, datasets a DIMENSION_LIST. */
			CU_ASSERT_EQUAL(got[0] != '\0',
					(k < DIMS_NSCALES) == (a == 1));
		}
	}
	/* And the HDF5 dimension-scale API agrees with itself on the bulk
	 * file: every attachment is mutual, and the bare axis has none. */
	for (int k = 0; k < DIMS_NDS; k++) {
		hid_t ds = H5Dopen2(fb, dims_ds[k], H5P_DEFAULT);
		for (int i = 0; i < dims_rank[k]; i++) {
			int sc = dims_axis[k][i];
			CU_ASSERT_EQUAL(H5DSget_num_scales(ds, (unsigned)i),
					sc < 0 ? 0 : 1);
			if (sc < 0)
				continue;
			char sname[16];
			snprintf(sname, sizeof sname, "/s%d", sc);
			hid_t s = H5Dopen2(fb, sname, H5P_DEFAULT);
			CU_ASSERT(H5DSis_attached(ds, s, (unsigned)i) > 0);
			H5Dclose(s);
		}
		H5Dclose(ds);
	}
	H5Fclose(fb);
	H5Fclose(fr);
	CU_ASSERT_EQUAL(open_ids(), 0);
}

/* A model with more parameters than HDF5 allows attributes on one object
 * (65,535): once the write failed at 1,000 regions with "attribute creation
 * index can't be incremented", then /parameters carried a note instead of
 * them. As a table it holds every one. */
static void test_many_parameters(void)
{
	size_t R = 1700, J = 3;
	struct dcg_model *m = dcg_model_new();
	CU_ASSERT_FATAL(m && dcg_model_resize(m, R, 1, 1, J, 0, NULL) == 0);
	snprintf(m->scenario, sizeof m->scenario, "many");
	m->grid_enabled = true;
	snprintf(m->segments[0].name, DCG_NAME_MAX, "all");
	dcg_schedule_set_constant(&m->segments[0].growth, 0.1);
	m->segments[0].saturation_pflops = 1e9;
	m->segments[0].adjust_time_yr = 2.0;
	struct dcg_class *k = &m->classes[0];
	snprintf(k->name, DCG_NAME_MAX, "cpu");
	k->build_time_yr = k->life_yr = k->utilisation = k->preference = 1.0;
	dcg_schedule_set_constant(&k->kw_per_rack, 8.0);
	dcg_schedule_set_constant(&k->pflops_per_rack, 0.1);
	dcg_schedule_set_constant(&k->availability, 1.0);
	for (size_t j = 0; j < J; j++) {
		snprintf(m->techs[j].name, DCG_NAME_MAX, "t%zu", j);
		m->techs[j].lead_time_yr = m->techs[j].life_yr = 1.0;
		m->techs[j].capacity_factor = 0.5;
	}
	for (size_t r = 0; r < R; r++) {
		struct dcg_region *g = &m->regions[r];
		snprintf(g->name, DCG_NAME_MAX, "r%zu", r);
		g->initial_share = 1.0 / (double)R;
		g->initial_pue = 1.3;
		dcg_schedule_set_constant(&g->policy_weight, 1.0);
		dcg_schedule_set_constant(&g->pue_target, 1.3);
		dcg_schedule_set_constant(&g->base_growth, 0.0);
		g->peak_factor = 1.2;
		for (size_t j = 0; j < J; j++) {
			dcg_schedule_set_constant(&g->planned_gw_per_yr[j], 0.0);
			dcg_schedule_set_constant(&g->mix[j], 1.0);
		}
	}
	CU_ASSERT_FATAL(dcg_model_finalize(m, NULL) == 0);
	struct dcg_result *res = dcg_result_new(m, 2, 0);
	CU_ASSERT_FATAL(res != NULL);
	res->time[1] = 1.0;
	char path[600];
	snprintf(path, sizeof path, "%s/many.h5", tmpdir);
	struct dcg_error err = {0};
	int rc = dcg_h5_write_run(path, m, res, "scenario = \"many\";", false, &err);
	if (rc)
		printf("\n  %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	CU_ASSERT_FATAL(f >= 0);
	{
		struct param_table pt = {0};
		CU_ASSERT_FATAL(read_param_table(f, &pt));
		CU_ASSERT(pt.n > 65535);
		size_t found = 0;
		for (size_t i = 0; i < pt.n; i++)
			if (strcmp(pt.name[i], "horizon.end") == 0 && pt.value[i] == m->t1)
				found++;
		CU_ASSERT_EQUAL(found, 1);
		struct param_check pc = {.t = &pt};
		CU_ASSERT_EQUAL(dcg_config_visit(m, check_param, &pc), 0);
		CU_ASSERT_EQUAL(pc.bad, 0);
		CU_ASSERT_EQUAL(pc.row, pt.n);
		free_param_table(&pt);
	}
	/* Every label of a long coordinate (written through a conversion
	 * buffer sized to it), and its attachment to the series. */
	hid_t ds = H5Dopen2(f, "/regions", H5P_DEFAULT);
	hid_t mt = H5Tcopy(H5T_C_S1);
	H5Tset_size(mt, H5T_VARIABLE);
	H5Tset_cset(mt, H5T_CSET_UTF8);
	char **labels = calloc(R, sizeof *labels);
	CU_ASSERT_FATAL(ds >= 0 && labels);
	CU_ASSERT_FATAL(H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels) >= 0);
	size_t wrong = 0;
	for (size_t r = 0; r < R; r++) {
		char want[32];
		snprintf(want, sizeof want, "r%zu", r);
		wrong += !labels[r] || strcmp(labels[r], want) != 0;
	}
	CU_ASSERT_EQUAL(wrong, 0);
	hid_t sp = H5Dget_space(ds);
	H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, labels);
	H5Sclose(sp);
	free(labels);
	H5Tclose(mt);
	H5Dclose(ds);
	CU_ASSERT(scale_attached(f, "/datacenter/it_load", 1, "/regions"));
	CU_ASSERT(scale_attached(f, "/grid/capacity", 1, "/regions"));
	CU_ASSERT(scale_attached(f, "/annual/dc_energy", 1, "/regions"));
	H5Fclose(f);
	dcg_result_free(res);
	dcg_model_free(m);
}

static int suite_clean(void)
{
	if (getenv("DCG_KEEP_TMP"))
		return 0;
	return remove_tree(tmpdir) ? -1 : 0;
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	CU_pSuite s = CU_add_suite("h5", suite_init, suite_clean);
	if (!s || !CU_add_test(s, "write without grid", test_write_without_grid) ||
	    !CU_add_test(s, "write with grid", test_write_with_grid) ||
	    !CU_add_test(s, "incomplete run", test_write_incomplete) ||
	    !CU_add_test(s, "no clobber without force", test_no_clobber) ||
	    !CU_add_test(s, "missing folder", test_missing_folder) ||
	    !CU_add_test(s, "not a file name", test_not_a_file_name) ||
	    !CU_add_test(s, "force replaces regular files only",
			 test_force_targets) ||
	    !CU_add_test(s, "disk full", test_disk_full) ||
	    !CU_add_test(s, "large datasets and config", test_large) ||
	    !CU_add_test(s, "reproducible bytes", test_reproducible) ||
	    !CU_add_test(s, "more parameters than attributes allow",
			 test_many_parameters) ||
	    !CU_add_test(s, "dimension scales in bulk match H5DSattach_scale",
			 test_bulk_dimension_scales) ||
	    !CU_add_test(s, "doc lists the series table",
			 test_doc_lists_series)) {
		CU_cleanup_registry();
		return CU_get_error();
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() +
			  CU_get_number_of_suites_failed() +
			  CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
