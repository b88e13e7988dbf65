/* The /sensitivity group of a run file (docs/output-format.md,
 * "Sensitivities"): written into the run file's in-memory image before it
 * is published (dcg_h5_write_run_sens), so the file appears with its
 * sensitivities or not at all.
 *
 *   /sensitivity                  attributes parameters (paths), values
 *                                 (config units), method
 *   /sensitivity/parameter        (P) the parameter paths: the dimension
 *                                 scale `parameter`
 *   /sensitivity/regions_hardware, /sensitivity/regions_technologies,
 *   /sensitivity/national         (W) labels "region/class" of a flattened
 *                                 trailing axis, only those a series uses
 *   /sensitivity/<group>/<series> (P, T, W) d(series)/d(parameter), per
 *                                 config unit of the parameter; group and
 *                                 series as in the run file (datacenter,
 *                                 grid, cumulative)
 *   /sensitivity/elasticity/<group>/<series>  (P, T, W) (p / y) dy/dp, NaN
 *                                 where y = 0
 *
 * The group keeps the run file a valid netCDF-4 file (outputs/h5.c): the
 * file is reopened with the same libver bounds, groups track link and
 * attribute creation order, and every axis of every dataset has a
 * dimension scale: `parameter`, the run file's /time, and for W the run
 * file's /regions, /hardware, /segments or /corridors where W is one of
 * them, else a label coordinate in /sensitivity (regions x hardware and
 * regions x technologies flattened row-major, as the series' W).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "dcgrid/sensitivity.h"
#include "h5_internal.h"

#define NDIMS ((size_t)DCG_DIMS_TL + 1)

struct sens_writer {
	const char *path;
	struct dcg_error *err;
	hid_t file, g, gcpl, dcpl, str_vlen;
	hid_t d_param, d_time;
	hid_t d_width[NDIMS]; /* the W axis of each kind of series, or -1 */
};

static int fail(struct sens_writer *w, const char *op, const char *what)
{
	char reason[512];
	int sys = dcg__h5_reason(reason, sizeof reason);
	return dcg_error_set(w->err, sys ? DCG_EIO : DCG_EHDF5,
			     "cannot add sensitivities to %s: %s(%s) failed: %s",
			     w->path, op, what ? what : "", reason);
}

/* A scalar fixed-length, null-padded UTF-8 string attribute, as in the
 * rest of the run file (netCDF NC_CHAR). */
static int attr_str(struct sens_writer *w, hid_t obj, const char *name,
		    const char *v)
{
	size_t len = strlen(v);
	hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR), a = -1;
	int rc = 0;
	if (t < 0 || sp < 0 || H5Tset_size(t, len ? len : 1) < 0 ||
	    H5Tset_strpad(t, H5T_STR_NULLPAD) < 0 ||
	    H5Tset_cset(t, H5T_CSET_UTF8) < 0 ||
	    (a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, t, len ? v : "") < 0)
		rc = fail(w, "H5Awrite", name);
	if (a >= 0)
		H5Aclose(a);
	if (sp >= 0)
		H5Sclose(sp);
	if (t >= 0)
		H5Tclose(t);
	return rc;
}

/* The group name under loc, created on first use. */
static hid_t subgroup(struct sens_writer *w, hid_t loc, const char *name)
{
	if (H5Lexists(loc, name, H5P_DEFAULT) > 0)
		return H5Gopen2(loc, name, H5P_DEFAULT);
	return H5Gcreate2(loc, name, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
}

/* A 1-D label coordinate in /sensitivity: variable-length UTF-8 strings,
 * made the dimension scale `name`. */
static int label_scale(struct sens_writer *w, const char *name,
		       const char *const *v, size_t n, const char *long_name,
		       hid_t *ret)
{
	hsize_t dn = n;
	hid_t sp = H5Screate_simple(1, &dn, NULL), d = -1;
	int rc = 0;
	if (sp < 0 ||
	    (d = H5Dcreate2(w->g, name, w->str_vlen, sp, H5P_DEFAULT, w->dcpl,
			    H5P_DEFAULT)) < 0 ||
	    (n > 0 && H5Dwrite(d, w->str_vlen, H5S_ALL, H5S_ALL, H5P_DEFAULT,
			       v) < 0)) {
		rc = fail(w, "H5Dwrite", name);
		goto finish;
	}
	if ((rc = attr_str(w, d, "long_name", long_name)))
		goto finish;
	if (H5DSset_scale(d, name) < 0) {
		rc = fail(w, "H5DSset_scale", name);
		goto finish;
	}
	*ret = d;
	d = -1;
finish:
	if (d >= 0)
		H5Dclose(d);
	if (sp >= 0)
		H5Sclose(sp);
	return rc;
}

/* The labels of a run file's label coordinate (e.g. "/regions"); *ret is
 * one block, caller frees. */
static int read_labels(struct sens_writer *w, const char *name, char ***ret,
		       size_t *ret_n)
{
	hid_t d = H5Dopen2(w->file, name, H5P_DEFAULT), sp = -1;
	char **raw = NULL, **v = NULL;
	size_t n = 0, bytes = 0;
	int rc = 0;
	hsize_t dn = 0;
	if (d < 0 || (sp = H5Dget_space(d)) < 0 ||
	    H5Sget_simple_extent_ndims(sp) != 1 ||
	    H5Sget_simple_extent_dims(sp, &dn, NULL) < 0) {
		rc = fail(w, "H5Dopen2", name);
		goto finish;
	}
	n = (size_t)dn;
	raw = calloc(n ? n : 1, sizeof *raw);
	if (!raw) {
		rc = dcg_error_set(w->err, DCG_ENOMEM, "out of memory");
		goto finish;
	}
	if (n > 0 && H5Dread(d, w->str_vlen, H5S_ALL, H5S_ALL, H5P_DEFAULT,
			     raw) < 0) {
		free(raw);
		raw = NULL;
		rc = fail(w, "H5Dread", name);
		goto finish;
	}
	for (size_t i = 0; i < n; i++)
		bytes += (raw[i] ? strlen(raw[i]) : 0) + 1;
	v = malloc((n ? n : 1) * sizeof *v + bytes + 1);
	if (!v) {
		rc = dcg_error_set(w->err, DCG_ENOMEM, "out of memory");
		goto finish;
	}
	char *p = (char *)(v + (n ? n : 1));
	for (size_t i = 0; i < n; i++) {
		size_t len = raw[i] ? strlen(raw[i]) : 0;
		v[i] = p;
		memcpy(p, raw[i] ? raw[i] : "", len);
		p[len] = '\0';
		p += len + 1;
	}
	*ret = v;
	*ret_n = n;
	v = NULL;
finish:
	if (raw) {
		if (n > 0)
			H5Dvlen_reclaim(w->str_vlen, sp, H5P_DEFAULT, raw);
		free(raw);
	}
	free(v);
	if (sp >= 0)
		H5Sclose(sp);
	if (d >= 0)
		H5Dclose(d);
	return rc;
}

/* "a/b" for every pair of the labels of the run file's coordinates outer
 * and inner, row-major. */
static int flat_scale(struct sens_writer *w, const char *name,
		      const char *outer, const char *inner,
		      const char *long_name, size_t width, hid_t *ret)
{
	char **a = NULL, **b = NULL, **v = NULL;
	size_t na = 0, nb = 0;
	int rc;
	if ((rc = read_labels(w, outer, &a, &na)) ||
	    (rc = read_labels(w, inner, &b, &nb)))
		goto finish;
	if (na * nb != width) {
		rc = dcg_error_set(w->err, DCG_EINTERNAL,
				   "cannot add sensitivities to %s: %s x %s "
				   "has %zu x %zu labels, the series %zu "
				   "columns",
				   w->path, outer, inner, na, nb, width);
		goto finish;
	}
	const size_t len = 2 * DCG_NAME_MAX + 2;
	v = malloc((width ? width : 1) * (sizeof *v + len));
	if (!v) {
		rc = dcg_error_set(w->err, DCG_ENOMEM, "out of memory");
		goto finish;
	}
	char *text = (char *)(v + (width ? width : 1));
	for (size_t i = 0; i < width; i++) {
		v[i] = text + i * len;
		snprintf(v[i], len, "%s/%s", a[i / nb], b[i % nb]);
	}
	rc = label_scale(w, name, (const char *const *)v, width, long_name, ret);
finish:
	free(v);
	free(b);
	free(a);
	return rc;
}

/* The dimension scale of the W axis of series kind d (opened or created
 * on first use). */
static int width_scale(struct sens_writer *w, enum dcg_dims d, size_t width,
		       hid_t *ret)
{
	if ((size_t)d >= NDIMS)
		return dcg_error_set(w->err, DCG_EINTERNAL,
				     "cannot add sensitivities to %s: series "
				     "dimensions %d",
				     w->path, (int)d);
	if (w->d_width[d] >= 0) {
		*ret = w->d_width[d];
		return 0;
	}
	static const char *const root_scale[NDIMS] = {
		[DCG_DIMS_TS] = "/segments", [DCG_DIMS_TR] = "/regions",
		[DCG_DIMS_TK] = "/hardware", [DCG_DIMS_TL] = "/corridors",
	};
	int rc = 0;
	if (root_scale[d]) {
		w->d_width[d] = H5Dopen2(w->file, root_scale[d], H5P_DEFAULT);
		if (w->d_width[d] < 0)
			return fail(w, "H5Dopen2", root_scale[d]);
	} else if (d == DCG_DIMS_TRK) {
		rc = flat_scale(w, "regions_hardware", "/regions", "/hardware",
				"region/hardware class (regions x hardware, "
				"row-major)",
				width, &w->d_width[d]);
	} else if (d == DCG_DIMS_TRJ) {
		rc = flat_scale(w, "regions_technologies", "/regions",
				"/technologies",
				"region/technology (regions x technologies, "
				"row-major)",
				width, &w->d_width[d]);
	} else {
		const char *national = "national";
		rc = label_scale(w, "national", &national, 1,
				 "national total (one column)", &w->d_width[d]);
	}
	if (!rc)
		*ret = w->d_width[d];
	return rc;
}

static int put(struct sens_writer *w, hid_t loc, const char *name,
	       const struct dcg_sensitivity *s, size_t k,
	       double *const *arrays, const char *units,
	       const char *long_name, hid_t d_width)
{
	size_t n = s->T * s->width[k];
	double *buf = malloc((s->np * n + 1) * sizeof *buf);
	if (!buf)
		return dcg_error_set(w->err, DCG_ENOMEM, "out of memory");
	for (size_t j = 0; j < s->np; j++)
		memcpy(buf + j * n, arrays[k * s->np + j], n * sizeof *buf);
	hsize_t dims[3] = {s->np, s->T, s->width[k]};
	const hid_t scales[3] = {w->d_param, w->d_time, d_width};
	hid_t sp = H5Screate_simple(3, dims, NULL), d = -1;
	int rc = 0;
	if (sp < 0 ||
	    (d = H5Dcreate2(loc, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, w->dcpl,
			    H5P_DEFAULT)) < 0 ||
	    (s->np * n > 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
				       H5P_DEFAULT, buf) < 0)) {
		rc = fail(w, "H5Dwrite", name);
		goto finish;
	}
	if ((rc = attr_str(w, d, "units", units)) ||
	    (rc = attr_str(w, d, "long_name", long_name)))
		goto finish;
	for (unsigned i = 0; i < 3; i++) {
		if (H5DSattach_scale(d, scales[i], i) < 0) {
			rc = fail(w, "H5DSattach_scale", name);
			goto finish;
		}
	}
finish:
	if (d >= 0)
		H5Dclose(d);
	if (sp >= 0)
		H5Sclose(sp);
	free(buf);
	return rc;
}

static int write_group(struct sens_writer *w, const struct dcg_sensitivity *s)
{
	hid_t ge = -1, sp = -1, sc = -1, a = -1;
	const char **names = calloc(s->np + 1, sizeof *names);
	int rc = 0;
	if (!names)
		return dcg_error_set(w->err, DCG_ENOMEM, "out of memory");
	if ((w->g = H5Gcreate2(w->file, "sensitivity", H5P_DEFAULT, w->gcpl,
			       H5P_DEFAULT)) < 0) {
		rc = fail(w, "H5Gcreate2", "sensitivity");
		goto finish;
	}
	for (size_t j = 0; j < s->np; j++)
		names[j] = s->path[j];
	hsize_t np = s->np;
	const char *method = "CVODES forward sensitivities (staggered corrector; "
			     "sensitivity right-hand sides by directional "
			     "differences of f along (s_j, e_j)); derived series "
			     "by the chain rule";
	if ((sp = H5Screate_simple(1, &np, NULL)) < 0 ||
	    (a = H5Acreate2(w->g, "parameters", w->str_vlen, sp, H5P_DEFAULT,
			    H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, w->str_vlen, names) < 0 || H5Aclose(a) < 0 ||
	    (a = H5Acreate2(w->g, "values", H5T_IEEE_F64LE, sp, H5P_DEFAULT,
			    H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, H5T_NATIVE_DOUBLE, s->value) < 0 || H5Aclose(a) < 0 ||
	    (sc = H5Screate(H5S_SCALAR)) < 0 ||
	    (a = H5Acreate2(w->g, "method", w->str_vlen, sc, H5P_DEFAULT,
			    H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, w->str_vlen, &method) < 0 || H5Aclose(a) < 0 ||
	    (a = H5Acreate2(w->g, "steps", H5T_STD_I64LE, sc, H5P_DEFAULT,
			    H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, H5T_NATIVE_LONG, &s->steps) < 0 || H5Aclose(a) < 0 ||
	    (a = H5Acreate2(w->g, "rhs_evals", H5T_STD_I64LE, sc, H5P_DEFAULT,
			    H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, H5T_NATIVE_LONG, &s->rhs_evals) < 0 || H5Aclose(a) < 0 ||
	    (a = H5Acreate2(w->g, "wall_time_s", H5T_IEEE_F64LE, sc, H5P_DEFAULT,
			    H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, H5T_NATIVE_DOUBLE, &s->wall_time_s) < 0) {
		rc = fail(w, "H5Awrite", "sensitivity attributes");
		goto finish;
	}
	H5Aclose(a);
	a = -1;
	if ((rc = label_scale(w, "parameter", names, s->np,
			      "parameter (its --set path)", &w->d_param)))
		goto finish;
	if ((w->d_time = H5Dopen2(w->file, "/time", H5P_DEFAULT)) < 0) {
		rc = fail(w, "H5Dopen2", "/time");
		goto finish;
	}
	if ((ge = H5Gcreate2(w->g, "elasticity", H5P_DEFAULT, w->gcpl,
			     H5P_DEFAULT)) < 0) {
		rc = fail(w, "H5Gcreate2", "sensitivity/elasticity");
		goto finish;
	}
	for (size_t k = 0; k < s->nseries && !rc; k++) {
		const struct dcg_series_info *si = dcg_series_info(s->ids[k]);
		char units[128], ln[512], lne[512];
		snprintf(units, sizeof units, "(%s) per parameter unit", si->units);
		snprintf(ln, sizeof ln,
			 "derivative of the %s with respect to each parameter, "
			 "per config unit of the parameter",
			 si->long_name);
		snprintf(lne, sizeof lne,
			 "elasticity (p / y) dy/dp of the %s (NaN where it is 0)",
			 si->long_name);
		hid_t d_width = -1;
		if ((rc = width_scale(w, si->dims, s->width[k], &d_width)))
			break;
		hid_t a1 = subgroup(w, w->g, si->group), a2 = subgroup(w, ge, si->group);
		if (a1 < 0 || a2 < 0)
			rc = fail(w, "H5Gcreate2", si->group);
		if (!rc)
			rc = put(w, a1, si->name, s, k, s->deriv, units, ln, d_width);
		if (!rc)
			rc = put(w, a2, si->name, s, k, s->elasticity, "1", lne,
				 d_width);
		if (a1 >= 0)
			H5Gclose(a1);
		if (a2 >= 0)
			H5Gclose(a2);
	}
finish:
	if (a >= 0)
		H5Aclose(a);
	if (sc >= 0)
		H5Sclose(sc);
	if (sp >= 0)
		H5Sclose(sp);
	if (ge >= 0)
		H5Gclose(ge);
	free(names);
	return rc;
}

int dcg__h5_sens_write(hid_t file, const char *path,
		       const struct dcg_sensitivity *s, struct dcg_error *err)
{
	struct sens_writer w = {.path = path, .err = err, .file = file, .g = -1,
				.gcpl = -1, .dcpl = -1, .str_vlen = -1,
				.d_param = -1, .d_time = -1};
	for (size_t d = 0; d < NDIMS; d++)
		w.d_width[d] = -1;
	int rc = 0;
	/* The run file's choices (outputs/h5.c): creation order tracked, no
	 * modification times; the file's own libver bounds apply. */
	if ((w.gcpl = H5Pcreate(H5P_GROUP_CREATE)) < 0 ||
	    dcg__h5_set_order(w.gcpl, true) < 0 ||
	    (w.dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 ||
	    dcg__h5_set_order(w.dcpl, false) < 0 ||
	    (w.str_vlen = dcg__h5_utf8_vlen()) < 0) {
		rc = fail(&w, "H5Pcreate", NULL);
		goto finish;
	}
	rc = write_group(&w, s);
finish:
	for (size_t d = 0; d < NDIMS; d++)
		if (w.d_width[d] >= 0)
			H5Dclose(w.d_width[d]);
	if (w.d_time >= 0)
		H5Dclose(w.d_time);
	if (w.d_param >= 0)
		H5Dclose(w.d_param);
	if (w.g >= 0)
		H5Gclose(w.g);
	if (w.str_vlen >= 0)
		H5Tclose(w.str_vlen);
	if (w.dcpl >= 0)
		H5Pclose(w.dcpl);
	if (w.gcpl >= 0)
		H5Pclose(w.gcpl);
	return rc;
}
