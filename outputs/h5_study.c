/* HDF5 writer for studies, schema "dcgrid-study/1" (docs/output-format.md,
 * "Study files").
 *
 *   /                      schema, version, study, design, seed, members,
 *                          created, study_text, base_config attributes
 *   /time                  (T) decimal years
 *   /parameters/matrix     (M, P) parameter values, attributes names,
 *                          distributions, seed, design
 *   /parameters/unit       (M, P) the design's points in [0,1)
 *   /parameters/{min,max,mean,sd,mode}  (P) distribution settings (NaN: n/a)
 *   /metrics/<name>        (M) per member, attributes units, kind, year
 *   /members/status        (M) int8: 1 ok, 2 solver failed, 3 invalid
 *   /members/reason        (M) failure reason ("" when ok)
 *   /members/wall_time_s   (M)
 *   /series/<name>         (M, T, W) chunked one member a chunk, deflate
 *   /quantiles/p           (5) 0.05 0.25 0.5 0.75 0.95
 *   /quantiles/metrics     (nmetrics, 5)
 *   /quantiles/<series>    (5, T, W)
 *   /sobol/{S1,S1_lo,S1_hi,ST,ST_lo,ST_hi}  (nmetrics, P)   saltelli only
 *   /morris/{mu,mu_star,sigma}              (nmetrics, P)   morris only
 *
 * Built in memory and published through outputs/h5_internal.h exactly like
 * a run file.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>

#include "dcgrid/study.h"
#include "dcgrid/version.h"
#include "h5_internal.h"

struct sw {
	const char *path;
	struct dcg_error *err;
	hid_t file, gcpl, str_vlen;
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

/* A double dataset; chunk (may be NULL) makes it chunked and compressed.
 * Returns the open dataset in *ret (or closes it when ret is NULL). */
static int dset(struct sw *w, hid_t loc, const char *name, int rank,
		const hsize_t *dims, const hsize_t *chunk, const void *data,
		hid_t type, hid_t *ret)
{
	hid_t sp = H5Screate_simple(rank, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE), d = -1;
	int rc = 0;
	bool empty = false;
	for (int i = 0; i < rank; i++)
		empty |= dims[i] == 0;
	if (sp < 0 || dcpl < 0 || H5Pset_obj_track_times(dcpl, 0) < 0) {
		rc = fail(w, "H5Screate_simple", name);
		goto finish;
	}
	if (chunk && !empty &&
	    (H5Pset_chunk(dcpl, rank, chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
	     H5Pset_deflate(dcpl, 4) < 0)) {
		rc = fail(w, "H5Pset_chunk", name);
		goto finish;
	}
	d = H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
	if (d < 0 || (!empty && data && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)) {
		rc = fail(w, "H5Dwrite", name);
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

static int with_units(struct sw *w, hid_t loc, const char *name, int rank,
		      const hsize_t *dims, const double *data, const char *units,
		      const char *long_name)
{
	hid_t d = -1;
	int rc = dset(w, loc, name, rank, dims, NULL, data, H5T_NATIVE_DOUBLE, &d);
	if (!rc && units)
		rc = attr_str(w, d, "units", units);
	if (!rc && long_name)
		rc = attr_str(w, d, "long_name", long_name);
	if (d >= 0)
		H5Dclose(d);
	return rc;
}

static int write_contents(struct sw *w, const struct dcg_study *s,
			  const struct dcg_ensemble *e,
			  const struct dcg_study_analysis *a)
{
	hid_t root = w->file, g = -1;
	size_t M = e->M, P = e->P, nm = e->nmetrics;
	const char **names = calloc(P + nm + M + 1, sizeof *names);
	const char **dists = names ? names + P : NULL;
	double *tmp = malloc((M * (nm > P ? nm : P) + 6 * nm * P + 1) * sizeof *tmp);
	int8_t *st = malloc(M + 1);
	int rc = 0;
	if (!names || !tmp || !st) {
		rc = dcg_error_set(w->err, DCG_ENOMEM, "cannot write %s: out of memory",
				   w->path);
		goto finish;
	}
	char created[32];
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
								  : "<built-in>")) ||
	    (rc = attr_str(w, root, "study_text", s->text)) ||
	    (rc = attr_str(w, root, "base_config", s->base_text)))
		goto finish;

	hsize_t dT = e->T;
	if ((rc = with_units(w, root, "time", 1, &dT, e->time, "year", "time")))
		goto finish;

	/* Parameters. */
	for (size_t j = 0; j < P; j++) {
		names[j] = s->params[j].path;
		dists[j] = dcg_study_dist_name(s->params[j].dist);
	}
	if ((rc = group(w, "parameters", &g)))
		goto finish;
	hsize_t dMP[2] = {M, P}, dP = P;
	hid_t d = -1;
	if ((rc = dset(w, g, "matrix", 2, dMP, NULL, e->x, H5T_NATIVE_DOUBLE, &d)))
		goto finish;
	if ((rc = attr_strs(w, d, "names", names, P)) ||
	    (rc = attr_strs(w, d, "distributions", dists, P)) ||
	    (rc = attr_num(w, d, "seed", H5T_NATIVE_INT64, &seed)) ||
	    (rc = attr_str(w, d, "design", dcg_study_design_name(s->design)))) {
		H5Dclose(d);
		goto finish;
	}
	H5Dclose(d);
	if ((rc = dset(w, g, "unit", 2, dMP, NULL, e->u, H5T_NATIVE_DOUBLE, NULL)) ||
	    (rc = dset(w, g, "names", 1, &dP, NULL, names, w->str_vlen, NULL)) ||
	    (rc = dset(w, g, "distributions", 1, &dP, NULL, dists, w->str_vlen, NULL)))
		goto finish;
	{
		static const char *const fields[] = {"min", "max", "mean", "sd", "mode"};
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
			if ((rc = dset(w, g, fields[f], 1, &dP, NULL, tmp, H5T_NATIVE_DOUBLE, NULL)))
				goto finish;
		}
	}
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
		if ((rc = dset(w, g, mt->name, 1, &dM, NULL, tmp, H5T_NATIVE_DOUBLE, &d)))
			goto finish;
		double yr = mt->time;
		if ((rc = attr_str(w, d, "units", dcg_study_metric_units(mt->kind))) ||
		    (rc = attr_str(w, d, "kind", dcg_study_metric_name(mt->kind))) ||
		    (rc = attr_num(w, d, "year", H5T_NATIVE_DOUBLE, &yr))) {
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
	if ((rc = dset(w, g, "status", 1, &dM, NULL, st, H5T_NATIVE_INT8, &d)))
		goto finish;
	if ((rc = attr_str(w, d, "flag_meanings", "pending ok solver_failed invalid"))) {
		H5Dclose(d);
		goto finish;
	}
	H5Dclose(d);
	if ((rc = dset(w, g, "reason", 1, &dM, NULL, reasons, w->str_vlen, NULL)) ||
	    (rc = with_units(w, g, "wall_time_s", 1, &dM, e->member_time_s, "s",
			     "wall time of the member")))
		goto finish;
	H5Gclose(g);
	g = -1;

	/* Series with a leading member dimension, and their quantile bands. */
	if (e->nseries) {
		hid_t gq = -1;
		if ((rc = group(w, "series", &g)))
			goto finish;
		for (size_t k = 0; k < e->nseries; k++) {
			const struct dcg_series_info *si =
				dcg_series_info((enum dcg_series_id)s->series[k]);
			hsize_t dims[3] = {M, e->T, e->width[k]};
			hsize_t chunk[3] = {1, e->T, e->width[k] ? e->width[k] : 1};
			if ((rc = dset(w, g, si->name, 3, dims, chunk, e->series[k],
				       H5T_NATIVE_DOUBLE, &d)))
				goto finish;
			if ((rc = attr_str(w, d, "units", si->units)) ||
			    (rc = attr_str(w, d, "long_name", si->long_name)) ||
			    (rc = attr_str(w, d, "group", si->group))) {
				H5Dclose(d);
				goto finish;
			}
			H5Dclose(d);
		}
		H5Gclose(g);
		g = -1;
		if ((rc = group(w, "quantiles", &gq)))
			goto finish;
		g = gq;
		for (size_t k = 0; k < e->nseries; k++) {
			const struct dcg_series_info *si =
				dcg_series_info((enum dcg_series_id)s->series[k]);
			hsize_t dims[3] = {DCG_STUDY_NQ, e->T, e->width[k]};
			if ((rc = with_units(w, g, si->name, 3, dims, a->series_q[k],
					     si->units, si->long_name)))
				goto finish;
		}
	} else if ((rc = group(w, "quantiles", &g))) {
		goto finish;
	}
	hsize_t dq = DCG_STUDY_NQ, dmq[2] = {nm, DCG_STUDY_NQ};
	if ((rc = dset(w, g, "p", 1, &dq, NULL, dcg_study_quantile_p, H5T_NATIVE_DOUBLE,
		       NULL)) ||
	    (rc = dset(w, g, "metrics", 2, dmq, NULL, a->metric_q, H5T_NATIVE_DOUBLE,
		       NULL)))
		goto finish;
	H5Gclose(g);
	g = -1;

	hsize_t dnp[2] = {nm, P};
	if (a->sobol) {
		if ((rc = group(w, "sobol", &g)))
			goto finish;
		static const char *const f[] = {"S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"};
		for (size_t c = 0; c < 6; c++) {
			for (size_t i = 0; i < nm * P; i++) {
				const struct dcg_sobol_index *x = &a->sobol[i];
				const double v[6] = {x->S1, x->S1_lo, x->S1_hi, x->ST, x->ST_lo, x->ST_hi};
				tmp[i] = v[c];
			}
			if ((rc = dset(w, g, f[c], 2, dnp, NULL, tmp, H5T_NATIVE_DOUBLE, NULL)))
				goto finish;
		}
		const char **mn = names + P;
		for (size_t k = 0; k < nm; k++)
			mn[k] = s->metrics[k].name;
		int64_t nb = (int64_t)s->bootstrap;
		if ((rc = attr_strs(w, g, "metrics", mn, nm)) ||
		    (rc = attr_strs(w, g, "parameters", names, P)) ||
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
		for (size_t c = 0; c < 3; c++) {
			for (size_t i = 0; i < nm * P; i++) {
				const struct dcg_morris_index *x = &a->morris[i];
				tmp[i] = c == 0 ? x->mu : c == 1 ? x->mu_star : x->sigma;
			}
			if ((rc = dset(w, g, f[c], 2, dnp, NULL, tmp, H5T_NATIVE_DOUBLE, NULL)))
				goto finish;
		}
		const char **mn = names + P;
		for (size_t k = 0; k < nm; k++)
			mn[k] = s->metrics[k].name;
		int64_t lv = (int64_t)s->levels;
		if ((rc = attr_strs(w, g, "metrics", mn, nm)) ||
		    (rc = attr_strs(w, g, "parameters", names, P)) ||
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
	free(names);
	free(tmp);
	free(st);
	return rc;
}

static int build_image(struct sw *w, const char *name, const struct dcg_study *s,
		       const struct dcg_ensemble *e,
		       const struct dcg_study_analysis *a, unsigned char **ret_buf,
		       size_t *ret_size)
{
	hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = H5Pcreate(H5P_FILE_ACCESS);
	unsigned char *buf = NULL;
	int rc = 0;
	w->gcpl = H5Pcreate(H5P_GROUP_CREATE);
	unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
	if (fcpl < 0 || fapl < 0 || w->gcpl < 0 ||
	    H5Pset_link_creation_order(fcpl, order) < 0 ||
	    H5Pset_attr_creation_order(fcpl, order) < 0 ||
	    H5Pset_obj_track_times(fcpl, 0) < 0 ||
	    H5Pset_link_creation_order(w->gcpl, order) < 0 ||
	    H5Pset_attr_creation_order(w->gcpl, order) < 0 ||
	    H5Pset_obj_track_times(w->gcpl, 0) < 0 ||
	    H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) < 0 ||
	    H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) < 0 ||
	    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
		rc = fail(w, "H5Pcreate", NULL);
		goto finish;
	}
	w->str_vlen = H5Tcopy(H5T_C_S1);
	if (w->str_vlen < 0 || H5Tset_size(w->str_vlen, H5T_VARIABLE) < 0 ||
	    H5Tset_cset(w->str_vlen, H5T_CSET_UTF8) < 0) {
		rc = fail(w, "H5Tset_size", "variable-length string");
		goto finish;
	}
	if ((w->file = H5Fcreate(name, H5F_ACC_TRUNC, fcpl, fapl)) < 0) {
		rc = fail(w, "H5Fcreate", NULL);
		goto finish;
	}
	if ((rc = write_contents(w, s, e, a)))
		goto finish;
	if (H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0) {
		rc = fail(w, "H5Fflush", NULL);
		goto finish;
	}
	ssize_t size = H5Fget_file_image(w->file, NULL, 0);
	if (size <= 0 || !(buf = malloc((size_t)size)) ||
	    H5Fget_file_image(w->file, buf, (size_t)size) != size) {
		rc = buf || size <= 0 ? fail(w, "H5Fget_file_image", NULL)
				      : dcg_error_set(w->err, DCG_ENOMEM,
						      "cannot write %s: out of memory",
						      w->path);
		goto finish;
	}
	hid_t f = w->file;
	w->file = -1;
	if (H5Fclose(f) < 0) {
		rc = fail(w, "H5Fclose", NULL);
		goto finish;
	}
	*ret_buf = buf;
	*ret_size = (size_t)size;
	buf = NULL;
finish:
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
	free(buf);
	return rc;
}

int dcg_h5_write_study(const char *path, const struct dcg_study *s,
		       const struct dcg_ensemble *e,
		       const struct dcg_study_analysis *a, bool force,
		       struct dcg_error *err)
{
	struct sw w = {.path = path, .err = err, .file = -1, .gcpl = -1, .str_vlen = -1};
	char *tmp = NULL, *resolved = NULL;
	int fd = -1, rc = 0;
	unsigned char *image = NULL;
	size_t size = 0;
	H5E_auto2_t old_func = NULL;
	void *old_data = NULL;
	int silenced = 0;
	struct stat st, tst;

	if (!path || !*path || !s || !e || !a)
		return dcg_error_set(err, DCG_EUSAGE, "dcg_h5_write_study: missing argument");
	if (lstat(path, &st) == 0) {
		if (!force)
			return dcg_error_set(err, DCG_EEXIST,
					     "%s exists; use --force to replace it", path);
		if (stat(path, &tst) == 0 && !S_ISREG(tst.st_mode))
			return dcg_error_set(err, DCG_EUSAGE,
					     "cannot replace %s: not a regular file", path);
		if (S_ISLNK(st.st_mode))
			resolved = realpath(path, NULL);
	}
	const char *target = resolved ? resolved : path;
	if ((rc = dcg__h5_create_temp(target, path, &tmp, &fd, err)))
		goto finish;
	if (H5open() < 0) {
		rc = dcg_error_set(err, DCG_EHDF5, "cannot write %s: HDF5 failed to initialise",
				   path);
		goto finish;
	}
	if (H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data) >= 0 &&
	    H5Eset_auto2(H5E_DEFAULT, NULL, NULL) >= 0)
		silenced = 1;
	rc = build_image(&w, tmp, s, e, a, &image, &size);
	if (silenced) {
		H5Eclear2(H5E_DEFAULT);
		H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
	}
	if (rc || (rc = dcg__h5_write_image(fd, image, size, path, err)))
		goto finish;
	int cfd = fd;
	fd = -1;
	if (close(cfd) < 0) {
		rc = dcg_error_set(err, DCG_EIO, "cannot write %s: close: %s", path,
				   strerror(errno));
		goto finish;
	}
	if ((rc = dcg__h5_publish(tmp, target, path, force, err)))
		goto finish;
	free(tmp);
	tmp = NULL;
finish:
	free(image);
	if (fd >= 0)
		close(fd);
	if (tmp) {
		(void)unlink(tmp);
		free(tmp);
	}
	free(resolved);
	return rc;
}
