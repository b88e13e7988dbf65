/* HDF5 writer for studies, schema "dcgrid-study/1" (docs/output-format.md,
 * "Study files"). Shapes name the dimensions:
 *
 *   /                      schema, version, study, design, seed, members,
 *                          created, title, Conventions, source, history,
 *                          study_text, base_config attributes
 *   /time /member /parameter /metric    coordinates (dimension scales)
 *   /regions /hardware /segments /corridors /regions_hardware
 *   /regions_technologies /national     coordinates of the series' trailing
 *                          axis W, only those the stored series use
 *   /parameters/matrix     (member, parameter) values, attributes names,
 *                          distributions, seed, design
 *   /parameters/unit       (member, parameter) the design's points in [0,1)
 *   /parameters/{min,max,mean,sd,mode}  (parameter) distribution settings
 *                          (NaN: n/a)
 *   /parameters/names, distributions, units  (parameter) strings
 *   /metrics/<name>        (member) attributes units, long_name, kind, year
 *   /members/status        (member) int8: 1 ok, 2 solver failed, 3 invalid
 *                          (CF flag_values, flag_meanings)
 *   /members/reason        (member) failure reason ("" when ok)
 *   /members/wall_time_s   (member)
 *   /series/<name>         (member, time, W)
 *   /quantiles/p           (p) 0.05 0.25 0.5 0.75 0.95, a dimension scale
 *   /quantiles/metrics     (metric, p)
 *   /quantiles/<series>    (p, time, W)
 *   /sobol/{S1,S1_lo,S1_hi,ST,ST_lo,ST_hi}  (metric, parameter) saltelli
 *   /morris/{mu,mu_star,sigma}              (metric, parameter) morris
 *
 * Built in memory and published through outputs/h5_internal.h exactly like
 * a run file, and, like a run file, a valid netCDF-4 file (outputs/h5.c
 * explains the choices): every axis of every dataset is attached to a
 * dimension scale (time, member, parameter, metric, p, and the W axis of
 * the series: regions, hardware, ..., or the flattened regions_hardware
 * and regions_technologies whose labels are "region/class"), string
 * coordinates are variable-length UTF-8 strings, links and attributes
 * track creation order, string attributes are fixed-length UTF-8, and the
 * root has the CF title, history, source and Conventions. The labels come
 * from the base scenario, loaded again with the study's overrides.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "dcgrid/config.h"
#include "dcgrid/model.h"
#include "dcgrid/study.h"
#include "dcgrid/version.h"
#include "h5_internal.h"

#define NDIMS ((size_t)DCG_DIMS_TL + 1)

struct sw {
	const char *path;
	struct dcg_error *err;
	hid_t file, gcpl, str_vlen;
	/* Dimension scales, open for the whole write. */
	hid_t d_time, d_member, d_param, d_metric, d_p;
	hid_t d_width[NDIMS]; /* the W axis of each kind of series, or -1 */
	struct dcg__h5_dims dims; /* attachments, written in bulk */
};

/* The dimension of the trailing axis W of a series of each kind (the
 * product of its axes after time in a run file, flattened row-major). */
static const char *const width_dim[NDIMS] = {
	[DCG_DIMS_T] = "national",
	[DCG_DIMS_TS] = "segments",
	[DCG_DIMS_TR] = "regions",
	[DCG_DIMS_TRK] = "regions_hardware",
	[DCG_DIMS_TK] = "hardware",
	[DCG_DIMS_TRJ] = "regions_technologies",
	[DCG_DIMS_TL] = "corridors",
};
static const char *const width_long_name[NDIMS] = {
	[DCG_DIMS_T] = "national total (one column)",
	[DCG_DIMS_TS] = "demand segment",
	[DCG_DIMS_TR] = "region",
	[DCG_DIMS_TRK] = "region/hardware class (regions x hardware, row-major)",
	[DCG_DIMS_TK] = "hardware class",
	[DCG_DIMS_TRJ] = "region/technology (regions x technologies, row-major)",
	[DCG_DIMS_TL] = "transmission corridor",
};

static int fail(struct sw *w, const char *op, const char *what)
{
	char reason[512];
	int sys = dcg__h5_reason(reason, sizeof reason);
	return dcg_error_set(w->err, sys ? DCG_EIO : DCG_EHDF5,
			     "cannot write %s: %s(%s) failed: %s", w->path, op,
			     what ? what : "", reason);
}

static int attr_str(struct sw *w, hid_t obj, const char *name, const char *v)
{
	hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR), a = -1;
	int rc = 0;
	size_t len = v && *v ? strlen(v) : 1;
	if (t < 0 || sp < 0 || H5Tset_size(t, len) < 0 ||
	    H5Tset_strpad(t, H5T_STR_NULLPAD) < 0 ||
	    H5Tset_cset(t, H5T_CSET_UTF8) < 0 ||
	    (a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, t, v && *v ? v : "") < 0)
		rc = fail(w, "H5Awrite", name);
	if (a >= 0)
		H5Aclose(a);
	if (sp >= 0)
		H5Sclose(sp);
	if (t >= 0)
		H5Tclose(t);
	return rc;
}

static int attr_num(struct sw *w, hid_t obj, const char *name, hid_t type,
		    const void *v)
{
	hid_t sp = H5Screate(H5S_SCALAR), a = -1;
	int rc = 0;
	if (sp < 0 || (a = H5Acreate2(obj, name, type, sp, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, type, v) < 0)
		rc = fail(w, "H5Awrite", name);
	if (a >= 0)
		H5Aclose(a);
	if (sp >= 0)
		H5Sclose(sp);
	return rc;
}

static int attr_strs(struct sw *w, hid_t obj, const char *name,
		     const char **v, size_t n)
{
	hsize_t dim = n;
	hid_t sp = H5Screate_simple(1, &dim, NULL), a = -1;
	int rc = 0;
	if (sp < 0 || (a = H5Acreate2(obj, name, w->str_vlen, sp, H5P_DEFAULT,
				      H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, w->str_vlen, v) < 0)
		rc = fail(w, "H5Awrite", name);
	if (a >= 0)
		H5Aclose(a);
	if (sp >= 0)
		H5Sclose(sp);
	return rc;
}

/* A contiguous dataset of `type` (memory and file), unfiltered as in a run
 * file (outputs/h5.c says why); scales (may be NULL) are attached to its rank
 * axes. Returns the open dataset in *ret (or closes it when ret is NULL). */
static int dset(struct sw *w, hid_t loc, const char *name, int rank,
		const hsize_t *dims, const void *data,
		hid_t type, const hid_t *scales, hid_t *ret)
{
	hid_t sp = H5Screate_simple(rank, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE), d = -1;
	int rc = 0;
	bool empty = false;
	for (int i = 0; i < rank; i++)
		empty |= dims[i] == 0;
	if (sp < 0 || dcpl < 0 || H5Pset_obj_track_times(dcpl, 0) < 0 ||
	    H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED |
						     H5P_CRT_ORDER_INDEXED) < 0) {
		rc = fail(w, "H5Screate_simple", name);
		goto finish;
	}
	d = H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
	herr_t wrc = 0;
	size_t npoints = 1;
	for (int i = 0; i < rank; i++)
		npoints *= (size_t)dims[i];
	if (d >= 0 && !empty && data)
		wrc = H5Tis_variable_str(type) > 0
			      ? dcg__h5_write_vlen(d, type, npoints, data)
			      : H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
	if (d < 0 || wrc < 0) {
		rc = fail(w, "H5Dwrite", name);
		goto finish;
	}
	const char *op;
	if (scales && dcg__h5_dims_attach(&w->dims, d, rank, scales, &op)) {
		rc = op ? fail(w, op, name)
			: dcg_error_set(w->err, DCG_ENOMEM,
					"cannot write %s: out of memory", w->path);
		goto finish;
	}
	if (ret) {
		*ret = d;
		d = -1;
	}
finish:
	if (d >= 0)
		H5Dclose(d);
	if (dcpl >= 0)
		H5Pclose(dcpl);
	if (sp >= 0)
		H5Sclose(sp);
	return rc;
}

static int group(struct sw *w, const char *name, hid_t *ret)
{
	*ret = H5Gcreate2(w->file, name, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
	return *ret < 0 ? fail(w, "H5Gcreate2", name) : 0;
}

/* A double dataset with long_name and units (NULL: none, for the few
 * datasets whose columns have different units; their long_name says where
 * the units are). */
static int with_units(struct sw *w, hid_t loc, const char *name, int rank,
		      const hsize_t *dims,
		      const double *data, const char *units,
		      const char *long_name, const hid_t *scales, hid_t *ret)
{
	hid_t d = -1;
	int rc = dset(w, loc, name, rank, dims, data, H5T_NATIVE_DOUBLE,
		      scales, &d);
	if (!rc && units)
		rc = attr_str(w, d, "units", units);
	if (!rc && long_name)
		rc = attr_str(w, d, "long_name", long_name);
	if (!rc && ret) {
		*ret = d;
		d = -1;
	}
	if (d >= 0)
		H5Dclose(d);
	return rc;
}

/* A 1-D coordinate made a dimension scale named after the dataset:
 * variable-length UTF-8 strings (type w->str_vlen) or numbers. */
static int coordinate(struct sw *w, hid_t loc, const char *name, size_t n,
		      const void *values, hid_t type, const char *units,
		      const char *long_name, hid_t *ret)
{
	hsize_t dn = n;
	hid_t d = -1;
	int rc = dset(w, loc, name, 1, &dn, values, type, NULL, &d);
	if (!rc && units)
		rc = attr_str(w, d, "units", units);
	if (!rc)
		rc = attr_str(w, d, "long_name", long_name);
	if (!rc && H5DSset_scale(d, name) < 0)
		rc = fail(w, "H5DSset_scale", name);
	if (rc) {
		if (d >= 0)
			H5Dclose(d);
		return rc;
	}
	*ret = d;
	return 0;
}

/* The labels of the W axis of a series of kind d, from the base model:
 * names, or "region/class" for the flattened regions x hardware and
 * regions x technologies. *ret is one block (caller frees). */
static int width_labels(struct sw *w, const struct dcg_model *m,
			enum dcg_dims d, char ***ret, size_t *ret_n)
{
	size_t n = 1;
	switch (d) {
	case DCG_DIMS_T:
		break;
	case DCG_DIMS_TS:
		n = m->S;
		break;
	case DCG_DIMS_TR:
		n = m->R;
		break;
	case DCG_DIMS_TRK:
		n = m->R * m->K;
		break;
	case DCG_DIMS_TK:
		n = m->K;
		break;
	case DCG_DIMS_TRJ:
		n = m->R * m->J;
		break;
	case DCG_DIMS_TL:
		n = m->L;
		break;
	}
	const size_t len = 2 * DCG_NAME_MAX + 2;
	char **v = malloc((n ? n : 1) * (sizeof *v + len));
	if (!v)
		return dcg_error_set(w->err, DCG_ENOMEM,
				     "cannot write %s: out of memory", w->path);
	char *text = (char *)(v + (n ? n : 1));
	for (size_t i = 0; i < n; i++) {
		v[i] = text + i * len;
		switch (d) {
		case DCG_DIMS_T:
			snprintf(v[i], len, "national");
			break;
		case DCG_DIMS_TS:
			snprintf(v[i], len, "%s", m->segments[i].name);
			break;
		case DCG_DIMS_TR:
			snprintf(v[i], len, "%s", m->regions[i].name);
			break;
		case DCG_DIMS_TRK:
			snprintf(v[i], len, "%s/%s", m->regions[i / m->K].name,
				 m->classes[i % m->K].name);
			break;
		case DCG_DIMS_TK:
			snprintf(v[i], len, "%s", m->classes[i].name);
			break;
		case DCG_DIMS_TRJ:
			snprintf(v[i], len, "%s/%s", m->regions[i / m->J].name,
				 m->techs[i % m->J].name);
			break;
		case DCG_DIMS_TL:
			snprintf(v[i], len, "%s", m->corridors[i].name);
			break;
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* The base scenario with the study's fixed overrides and every parameter
 * at its median, as the study loader checked it: it gives the labels of
 * the series' axes and the parameters' units. */
static int load_base(struct sw *w, const struct dcg_study *s,
		     struct dcg_model **ret)
{
	size_t n = s->nsets + s->P;
	char **sets = calloc(n + 1, sizeof *sets);
	char *vals = malloc((s->P + 1) * 320);
	struct dcg_error e = {0};
	int rc = 0;
	if (!sets || !vals) {
		rc = dcg_error_set(w->err, DCG_ENOMEM,
				   "cannot write %s: out of memory", w->path);
		goto finish;
	}
	for (size_t k = 0; k < s->nsets; k++)
		sets[k] = s->sets[k];
	for (size_t j = 0; j < s->P; j++) {
		sets[s->nsets + j] = vals + j * 320;
		snprintf(sets[s->nsets + j], 320, "%s=%.17g", s->params[j].path,
			 dcg_study_param_value(&s->params[j], 0.5));
	}
	rc = s->scenario_path
		     ? dcg_config_load_file(s->scenario_path,
					    (const char *const *)sets, n, ret, &e)
		     : dcg_config_load_default((const char *const *)sets, n, ret,
					       &e);
	if (rc)
		rc = dcg_error_set(w->err, rc < 0 ? rc : DCG_ECONFIG,
				   "cannot write %s: the base scenario does not "
				   "load: %s",
				   w->path, e.msg);
finish:
	free(vals);
	free(sets);
	return rc;
}

struct unit_ctx {
	const char *path;
	const char *units;
};

/* The parameter whose path is c->path, or a prefix of it followed by '.'
 * (a point PATH.value.[i] of a schedule). */
static int unit_cb(void *ctx, const struct dcg_param_value *pv)
{
	struct unit_ctx *c = ctx;
	size_t n = strlen(pv->path);
	if (strncmp(c->path, pv->path, n) == 0 &&
	    (c->path[n] == '\0' || c->path[n] == '.')) {
		c->units = pv->units;
		if (c->path[n] == '\0')
			return 1;
	}
	return 0;
}

static const char *metric_long_name(enum dcg_metric_kind k)
{
	switch (k) {
	case DCG_METRIC_DC_ENERGY_TWH:
		return "data-center electricity in the calendar year, all regions";
	case DCG_METRIC_STANDARD_RACKS:
		return "standard racks, all regions";
	case DCG_METRIC_UNSERVED_TWH:
		return "unserved energy since the start, all regions";
	case DCG_METRIC_EMISSIONS_MT:
		return "CO2 emissions since the start, all regions";
	case DCG_METRIC_FIRST_BREACH:
		return "first time a region's reserve margin falls below its "
		       "minimum (horizon end + 1: never)";
	case DCG_METRIC_PEAK_DEMAND_GW:
		return "national peak demand";
	case DCG_METRIC_COUNT:
		break;
	}
	return "metric";
}

/* The root coordinates: time, member, parameter, metric and the W axes of
 * the stored series. */
static int write_coordinates(struct sw *w, const struct dcg_study *s,
			     const struct dcg_ensemble *e,
			     const struct dcg_model *m, const char **names)
{
	hid_t root = w->file;
	size_t M = e->M, nm = e->nmetrics;
	int64_t *idx = malloc((M ? M : 1) * sizeof *idx);
	const char **mn = malloc((nm ? nm : 1) * sizeof *mn);
	int rc = 0;
	if (!idx || !mn) {
		rc = dcg_error_set(w->err, DCG_ENOMEM,
				   "cannot write %s: out of memory", w->path);
		goto finish;
	}
	for (size_t i = 0; i < M; i++)
		idx[i] = (int64_t)i;
	for (size_t k = 0; k < nm; k++)
		mn[k] = s->metrics[k].name;
	if ((rc = coordinate(w, root, "time", e->T, e->time, H5T_NATIVE_DOUBLE,
			     "year", "time, decimal years", &w->d_time)) ||
	    (rc = attr_str(w, w->d_time, "standard_name", "time")) ||
	    (rc = attr_str(w, w->d_time, "axis", "T")) ||
	    (rc = coordinate(w, root, "member", M, idx, H5T_NATIVE_INT64, "1",
			     "member index (row of /parameters/matrix)",
			     &w->d_member)) ||
	    (rc = coordinate(w, root, "parameter", e->P, names, w->str_vlen,
			     NULL, "parameter (its --set path)", &w->d_param)) ||
	    (rc = coordinate(w, root, "metric", nm, mn, w->str_vlen, NULL,
			     "metric", &w->d_metric)))
		goto finish;
	for (size_t k = 0; k < e->nseries; k++) {
		const struct dcg_series_info *si =
			dcg_series_info((enum dcg_series_id)s->series[k]);
		enum dcg_dims d = si->dims;
		if ((size_t)d >= NDIMS || w->d_width[d] >= 0)
			continue;
		char **labels = NULL;
		size_t n = 0;
		if ((rc = width_labels(w, m, d, &labels, &n)))
			goto finish;
		if (n != e->width[k])
			rc = dcg_error_set(w->err, DCG_EINTERNAL,
					   "cannot write %s: series %s has "
					   "width %zu but the base scenario "
					   "gives %zu",
					   w->path, si->name, e->width[k], n);
		else
			rc = coordinate(w, root, width_dim[d], n, labels,
					w->str_vlen, NULL, width_long_name[d],
					&w->d_width[d]);
		free(labels);
		if (rc)
			goto finish;
	}
finish:
	free(mn);
	free(idx);
	return rc;
}

/* The metrics and parameters an index group's rows and columns are: names
 * holds the P parameter names and room for the nm metric names after them. */
static int index_labels(struct sw *w, hid_t g, const struct dcg_study *s,
			const char **names, size_t P, size_t nm)
{
	const char **mn = names + P;
	for (size_t k = 0; k < nm; k++)
		mn[k] = s->metrics[k].name;
	int rc = attr_strs(w, g, "metrics", mn, nm);
	return rc ? rc : attr_strs(w, g, "parameters", names, P);
}

static int write_contents(struct sw *w, const struct dcg_study *s,
			  const struct dcg_ensemble *e,
			  const struct dcg_study_analysis *a)
{
	hid_t root = w->file, g = -1, d = -1;
	size_t M = e->M, P = e->P, nm = e->nmetrics;
	/* names: P paths, then P distributions (later reused for the metric
	 * names and the M reasons), then P units. */
	const char **names = calloc(3 * P + nm + M + 1, sizeof *names);
	const char **dists = names ? names + P : NULL;
	const char **punits = names ? names + 2 * P + nm + M : NULL;
	double *tmp = malloc((M * (nm > P ? nm : P) + 6 * nm * P + 1) * sizeof *tmp);
	int8_t *st = malloc(M + 1);
	struct dcg_model *m = NULL;
	int rc = 0;
	if (!names || !tmp || !st) {
		rc = dcg_error_set(w->err, DCG_ENOMEM, "cannot write %s: out of memory",
				   w->path);
		goto finish;
	}
	if ((rc = load_base(w, s, &m)))
		goto finish;
	char created[32], text[512];
	time_t now = time(NULL);
	struct tm tmv;
	gmtime_r(&now, &tmv);
	strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tmv);
	int64_t seed = (int64_t)s->seed, members = (int64_t)M,
		samples = (int64_t)s->samples, ok = (int64_t)a->ok;
	if ((rc = attr_str(w, root, "schema", DCG_STUDY_SCHEMA)) ||
	    (rc = attr_str(w, root, "version", DCG_VERSION)) ||
	    (rc = attr_str(w, root, "study", s->name)) ||
	    (rc = attr_str(w, root, "design", dcg_study_design_name(s->design))) ||
	    (rc = attr_num(w, root, "seed", H5T_NATIVE_INT64, &seed)) ||
	    (rc = attr_num(w, root, "samples", H5T_NATIVE_INT64, &samples)) ||
	    (rc = attr_num(w, root, "members", H5T_NATIVE_INT64, &members)) ||
	    (rc = attr_num(w, root, "members_ok", H5T_NATIVE_INT64, &ok)) ||
	    (rc = attr_str(w, root, "created", created)) ||
	    (rc = attr_str(w, root, "scenario", s->scenario_path ? s->scenario_path
								  : "<built-in>")))
		goto finish;
	snprintf(text, sizeof text, "dcgrid study: %s", s->name);
	if ((rc = attr_str(w, root, "title", text)) ||
	    (rc = attr_str(w, root, "Conventions", "CF-1.8")) ||
	    (rc = attr_str(w, root, "source", "dcgrid " DCG_VERSION)))
		goto finish;
	snprintf(text, sizeof text, "%s: created by dcgrid %s (dcgrid study)",
		 created, DCG_VERSION);
	if ((rc = attr_str(w, root, "history", text)) ||
	    (rc = attr_str(w, root, "study_text", s->text)) ||
	    (rc = attr_str(w, root, "base_config", s->base_text)))
		goto finish;

	for (size_t j = 0; j < P; j++) {
		struct unit_ctx uc = {.path = s->params[j].path, .units = NULL};
		dcg_config_visit(m, unit_cb, &uc);
		names[j] = s->params[j].path;
		dists[j] = dcg_study_dist_name(s->params[j].dist);
		punits[j] = uc.units ? uc.units : "";
	}
	if ((rc = write_coordinates(w, s, e, m, names)))
		goto finish;
	const hid_t s_m[1] = {w->d_member}, s_p[1] = {w->d_param};
	const hid_t s_mp[2] = {w->d_member, w->d_param};
	const hid_t s_kp[2] = {w->d_metric, w->d_param};

	/* Parameters. */
	if ((rc = group(w, "parameters", &g)))
		goto finish;
	hsize_t dMP[2] = {M, P}, dP = P;
	if ((rc = with_units(w, g, "matrix", 2, dMP, e->x, NULL,
			     "parameter values of each member, in each "
			     "parameter's config units (/parameters/units)",
			     s_mp, &d)))
		goto finish;
	if ((rc = attr_strs(w, d, "names", names, P)) ||
	    (rc = attr_strs(w, d, "distributions", dists, P)) ||
	    (rc = attr_num(w, d, "seed", H5T_NATIVE_INT64, &seed)) ||
	    (rc = attr_str(w, d, "design", dcg_study_design_name(s->design)))) {
		H5Dclose(d);
		goto finish;
	}
	H5Dclose(d);
	if ((rc = with_units(w, g, "unit", 2, dMP, e->u, "1",
			     "the design's points in the unit cube, before "
			     "the inverse CDFs",
			     s_mp, NULL)) ||
	    (rc = dset(w, g, "names", 1, &dP, names, w->str_vlen, s_p, &d)))
		goto finish;
	rc = attr_str(w, d, "long_name", "parameter path");
	H5Dclose(d);
	if (rc || (rc = dset(w, g, "distributions", 1, &dP, dists,
			     w->str_vlen, s_p, &d)))
		goto finish;
	rc = attr_str(w, d, "long_name", "distribution of the parameter");
	H5Dclose(d);
	if (rc)
		goto finish;
	{
		static const char *const fields[] = {"min", "max", "mean", "sd", "mode"};
		static const char *const field_names[] = {
			"lower bound of the distribution (NaN: none), in the "
			"parameter's config units (/parameters/units)",
			"upper bound of the distribution (NaN: none), in the "
			"parameter's config units (/parameters/units)",
			"mean of the (untruncated) normal distribution (NaN: "
			"none), in the parameter's config units "
			"(/parameters/units)",
			"standard deviation of the (untruncated) normal "
			"distribution (NaN: none), in the parameter's config "
			"units (/parameters/units)",
			"mode of the triangular distribution (NaN: none), in "
			"the parameter's config units (/parameters/units)",
		};
		for (size_t f = 0; f < 5; f++) {
			for (size_t j = 0; j < P; j++) {
				const struct dcg_study_param *p = &s->params[j];
				bool mm = p->dist == DCG_DIST_UNIFORM || p->dist == DCG_DIST_LOG_UNIFORM ||
					  p->dist == DCG_DIST_TRUNC_NORMAL || p->dist == DCG_DIST_TRIANGULAR;
				bool ms = p->dist == DCG_DIST_NORMAL || p->dist == DCG_DIST_TRUNC_NORMAL;
				double v = NAN;
				if (f == 0 && mm)
					v = p->min;
				if (f == 1 && mm)
					v = p->max;
				if (f == 2 && ms)
					v = p->mean;
				if (f == 3 && ms)
					v = p->sd;
				if (f == 4 && p->dist == DCG_DIST_TRIANGULAR)
					v = p->mode;
				tmp[j] = v;
			}
			if ((rc = with_units(w, g, fields[f], 1, &dP, tmp, NULL,
					     field_names[f], s_p, NULL)))
				goto finish;
		}
	}
	if ((rc = dset(w, g, "units", 1, &dP, punits, w->str_vlen, s_p, &d)))
		goto finish;
	rc = attr_str(w, d, "long_name", "config units of the parameter");
	H5Dclose(d);
	if (rc)
		goto finish;
	H5Gclose(g);
	g = -1;

	/* Metrics. */
	if ((rc = group(w, "metrics", &g)))
		goto finish;
	hsize_t dM = M;
	for (size_t k = 0; k < nm; k++) {
		const struct dcg_study_metric *mt = &s->metrics[k];
		for (size_t i = 0; i < M; i++)
			tmp[i] = e->metrics[i * nm + k];
		if ((rc = dset(w, g, mt->name, 1, &dM, tmp, H5T_NATIVE_DOUBLE,
			       s_m, &d)))
			goto finish;
		double yr = mt->time;
		if ((rc = attr_str(w, d, "units", dcg_study_metric_units(mt->kind))) ||
		    (rc = attr_str(w, d, "kind", dcg_study_metric_name(mt->kind))) ||
		    (rc = attr_num(w, d, "year", H5T_NATIVE_DOUBLE, &yr)) ||
		    (rc = attr_str(w, d, "long_name", metric_long_name(mt->kind)))) {
			H5Dclose(d);
			goto finish;
		}
		H5Dclose(d);
	}
	H5Gclose(g);
	g = -1;

	/* Members. */
	if ((rc = group(w, "members", &g)))
		goto finish;
	const char **reasons = names + P + nm;
	for (size_t i = 0; i < M; i++) {
		st[i] = (int8_t)e->status[i];
		reasons[i] = e->reason[i];
	}
	if ((rc = dset(w, g, "status", 1, &dM, st, H5T_NATIVE_INT8, s_m, &d)))
		goto finish;
	{
		/* CF flags: flag_values has the variable's type. */
		static const int8_t flags[4] = {DCG_MEMBER_PENDING, DCG_MEMBER_OK,
						DCG_MEMBER_SOLVER_FAILED,
						DCG_MEMBER_INVALID};
		hsize_t four = 4;
		hid_t fs = H5Screate_simple(1, &four, NULL), fa = -1;
		rc = attr_str(w, d, "flag_meanings", "pending ok solver_failed invalid");
		if (!rc)
			rc = attr_str(w, d, "units", "1");
		if (!rc)
			rc = attr_str(w, d, "long_name", "status of the member");
		if (!rc && (fs < 0 ||
			    (fa = H5Acreate2(d, "flag_values", H5T_STD_I8LE, fs,
					     H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
			    H5Awrite(fa, H5T_NATIVE_INT8, flags) < 0))
			rc = fail(w, "H5Awrite", "flag_values");
		if (fa >= 0)
			H5Aclose(fa);
		if (fs >= 0)
			H5Sclose(fs);
	}
	H5Dclose(d);
	if (rc)
		goto finish;
	if ((rc = dset(w, g, "reason", 1, &dM, reasons, w->str_vlen, s_m, &d)))
		goto finish;
	rc = attr_str(w, d, "long_name", "why the member failed (empty when ok)");
	H5Dclose(d);
	if (rc || (rc = with_units(w, g, "wall_time_s", 1, &dM,
				   e->member_time_s, "s",
				   "wall time of the member", s_m, NULL)))
		goto finish;
	H5Gclose(g);
	g = -1;

	/* Series with a leading member dimension, and their quantile bands. */
	if (e->nseries) {
		if ((rc = group(w, "series", &g)))
			goto finish;
		for (size_t k = 0; k < e->nseries; k++) {
			const struct dcg_series_info *si =
				dcg_series_info((enum dcg_series_id)s->series[k]);
			hsize_t dims[3] = {M, e->T, e->width[k]};
			const hid_t sc[3] = {w->d_member, w->d_time, w->d_width[si->dims]};
			if ((rc = with_units(w, g, si->name, 3, dims, e->series[k],
					     si->units, si->long_name, sc, &d)))
				goto finish;
			rc = attr_str(w, d, "group", si->group);
			H5Dclose(d);
			if (rc)
				goto finish;
		}
		H5Gclose(g);
		g = -1;
	}
	if ((rc = group(w, "quantiles", &g)))
		goto finish;
	/* The probabilities first: they are the dimension scale p of the
	 * quantile axis of everything in /quantiles. */
	if ((rc = coordinate(w, g, "p", DCG_STUDY_NQ, dcg_study_quantile_p,
			     H5T_NATIVE_DOUBLE, "1", "probability of the quantile",
			     &w->d_p)))
		goto finish;
	for (size_t k = 0; k < e->nseries; k++) {
		const struct dcg_series_info *si =
			dcg_series_info((enum dcg_series_id)s->series[k]);
		hsize_t dims[3] = {DCG_STUDY_NQ, e->T, e->width[k]};
		const hid_t sc[3] = {w->d_p, w->d_time, w->d_width[si->dims]};
		if ((rc = with_units(w, g, si->name, 3, dims, a->series_q[k],
				     si->units, si->long_name, sc, NULL)))
			goto finish;
	}
	hsize_t dmq[2] = {nm, DCG_STUDY_NQ};
	const hid_t s_kq[2] = {w->d_metric, w->d_p};
	if ((rc = with_units(w, g, "metrics", 2, dmq, a->metric_q, NULL,
			     "quantiles of each metric over the members that "
			     "have it, in the metric's units (/metrics/<name>)",
			     s_kq, NULL)))
		goto finish;
	H5Gclose(g);
	g = -1;

	hsize_t dnp[2] = {nm, P};
	if (a->sobol) {
		if ((rc = group(w, "sobol", &g)))
			goto finish;
		static const char *const f[] = {"S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"};
		static const char *const fl[] = {
			"first-order Sobol index",
			"first-order Sobol index, lower end of the 95 % bootstrap interval",
			"first-order Sobol index, upper end of the 95 % bootstrap interval",
			"total Sobol index",
			"total Sobol index, lower end of the 95 % bootstrap interval",
			"total Sobol index, upper end of the 95 % bootstrap interval",
		};
		for (size_t c = 0; c < 6; c++) {
			for (size_t i = 0; i < nm * P; i++) {
				const struct dcg_sobol_index *x = &a->sobol[i];
				const double v[6] = {x->S1, x->S1_lo, x->S1_hi, x->ST, x->ST_lo, x->ST_hi};
				tmp[i] = v[c];
			}
			if ((rc = with_units(w, g, f[c], 2, dnp, tmp, "1", fl[c],
					     s_kp, NULL)))
				goto finish;
		}
		int64_t nb = (int64_t)s->bootstrap;
		if ((rc = index_labels(w, g, s, names, P, nm)) ||
		    (rc = attr_num(w, g, "bootstrap", H5T_NATIVE_INT64, &nb)) ||
		    (rc = attr_str(w, g, "estimators",
				   "S1: Saltelli (2010); ST: Jansen (1999); CI: 95 % bootstrap percentile")))
			goto finish;
		H5Gclose(g);
		g = -1;
	}
	if (a->morris) {
		if ((rc = group(w, "morris", &g)))
			goto finish;
		static const char *const f[] = {"mu", "mu_star", "sigma"};
		static const char *const fl[] = {
			"Morris mean elementary effect, in the metric's units per "
			"unit of the parameter's [0,1] design range",
			"Morris mean absolute elementary effect, in the metric's "
			"units per unit of the parameter's [0,1] design range",
			"standard deviation of the elementary effects, in the "
			"metric's units per unit of the parameter's [0,1] design "
			"range",
		};
		for (size_t c = 0; c < 3; c++) {
			for (size_t i = 0; i < nm * P; i++) {
				const struct dcg_morris_index *x = &a->morris[i];
				tmp[i] = c == 0 ? x->mu : c == 1 ? x->mu_star : x->sigma;
			}
			if ((rc = with_units(w, g, f[c], 2, dnp, tmp, NULL, fl[c],
					     s_kp, NULL)))
				goto finish;
		}
		int64_t lv = (int64_t)s->levels;
		if ((rc = index_labels(w, g, s, names, P, nm)) ||
		    (rc = attr_num(w, g, "levels", H5T_NATIVE_INT64, &lv)) ||
		    (rc = attr_str(w, g, "units",
				   "metric units per unit of the parameter's [0,1] design range")))
			goto finish;
		H5Gclose(g);
		g = -1;
	}
finish:
	if (g >= 0)
		H5Gclose(g);
	dcg_model_free(m);
	free(names);
	free(tmp);
	free(st);
	return rc;
}

static void close_scales(struct sw *w)
{
	hid_t *ids[] = {&w->d_time, &w->d_member, &w->d_param, &w->d_metric, &w->d_p};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		if (*ids[i] >= 0)
			H5Dclose(*ids[i]);
		*ids[i] = -1;
	}
	for (size_t d = 0; d < NDIMS; d++) {
		if (w->d_width[d] >= 0)
			H5Dclose(w->d_width[d]);
		w->d_width[d] = -1;
	}
}

static int build_image(struct sw *w, const char *name, const struct dcg_study *s,
		       const struct dcg_ensemble *e,
		       const struct dcg_study_analysis *a, unsigned char **ret_buf,
		       size_t *ret_size)
{
	hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = dcg__h5_image_fapl();
	int rc = 0;
	w->gcpl = H5Pcreate(H5P_GROUP_CREATE);
	if (fcpl < 0 || fapl < 0 || w->gcpl < 0 ||
	    dcg__h5_set_order(fcpl, true) < 0 || dcg__h5_set_order(w->gcpl, true) < 0) {
		rc = fail(w, "H5Pcreate", NULL);
		goto finish;
	}
	if ((w->str_vlen = dcg__h5_utf8_vlen()) < 0) {
		rc = fail(w, "H5Tset_size", "variable-length string");
		goto finish;
	}
	if ((w->file = H5Fcreate(name, H5F_ACC_TRUNC, fcpl, fapl)) < 0) {
		rc = fail(w, "H5Fcreate", NULL);
		goto finish;
	}
	if ((rc = write_contents(w, s, e, a)))
		goto finish;
	const char *op = NULL;
	if (dcg__h5_dims_write(&w->dims, -1, &op)) {
		rc = op ? fail(w, op, "REFERENCE_LIST")
			: dcg_error_set(w->err, DCG_ENOMEM,
					"cannot write %s: out of memory", w->path);
		goto finish;
	}
	close_scales(w);
	if (dcg__h5_take_image(&w->file, ret_buf, ret_size, &op)) {
		rc = op ? fail(w, op, NULL)
			: dcg_error_set(w->err, DCG_ENOMEM,
					"cannot write %s: out of memory", w->path);
		goto finish;
	}
finish:
	dcg__h5_dims_free(&w->dims);
	close_scales(w);
	if (w->file >= 0)
		H5Fclose(w->file);
	if (w->str_vlen >= 0)
		H5Tclose(w->str_vlen);
	if (w->gcpl >= 0)
		H5Pclose(w->gcpl);
	if (fapl >= 0)
		H5Pclose(fapl);
	if (fcpl >= 0)
		H5Pclose(fcpl);
	return rc;
}

/* The study writer's image builder, for dcg__h5_save. */
struct study_build {
	struct sw *w;
	const struct dcg_study *s;
	const struct dcg_ensemble *e;
	const struct dcg_study_analysis *a;
};

static int study_build_image(void *ctx, const char *tmp, unsigned char **ret_buf,
			     size_t *ret_size)
{
	struct study_build *b = ctx;
	return build_image(b->w, tmp, b->s, b->e, b->a, ret_buf, ret_size);
}

int dcg_h5_write_study(const char *path, const struct dcg_study *s,
		       const struct dcg_ensemble *e,
		       const struct dcg_study_analysis *a, bool force,
		       struct dcg_error *err)
{
	struct sw w = {.path = path, .err = err, .file = -1, .gcpl = -1, .str_vlen = -1,
		       .d_time = -1, .d_member = -1, .d_param = -1, .d_metric = -1,
		       .d_p = -1};
	for (size_t d = 0; d < NDIMS; d++)
		w.d_width[d] = -1;
	if (!path || !*path || !s || !e || !a)
		return dcg_error_set(err, DCG_EUSAGE, "dcg_h5_write_study: missing argument");
	struct study_build b = {.w = &w, .s = s, .e = e, .a = a};
	return dcg__h5_save(path, force, study_build_image, &b, err);
}
