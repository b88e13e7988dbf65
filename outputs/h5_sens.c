/* The /sensitivity group of a run file (docs/output-format.md,
 * "Sensitivities"): added to a finished run file, so a failure here leaves
 * a complete run file without the group.
 *
 *   /sensitivity                  attributes parameters (paths), values
 *                                 (config units), method
 *   /sensitivity/<group>/<series> (P, T, W) d(series)/d(parameter), per
 *                                 config unit of the parameter; group and
 *                                 series as in the run file (datacenter,
 *                                 grid, cumulative)
 *   /sensitivity/elasticity/<group>/<series>  (P, T, W) (p / y) dy/dp, NaN
 *                                 where y = 0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "dcgrid/sensitivity.h"
#include "h5_internal.h"

static int fail(const char *path, const char *op, const char *what,
		struct dcg_error *err)
{
	char reason[512];
	int sys = dcg__h5_reason(reason, sizeof reason);
	return dcg_error_set(err, sys ? DCG_EIO : DCG_EHDF5,
			     "cannot add sensitivities to %s: %s(%s) failed: %s",
			     path, op, what ? what : "", reason);
}

/* The group name under loc, created on first use. */
static hid_t subgroup(hid_t loc, const char *name)
{
	if (H5Lexists(loc, name, H5P_DEFAULT) > 0)
		return H5Gopen2(loc, name, H5P_DEFAULT);
	return H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
}

static int put(hid_t loc, const char *name, const struct dcg_sensitivity *s,
	       size_t k, double *const *arrays, const char *units,
	       const char *path, struct dcg_error *err)
{
	size_t n = s->T * s->width[k];
	double *buf = malloc((s->np * n + 1) * sizeof *buf);
	if (!buf)
		return dcg_error_set(err, DCG_ENOMEM, "out of memory");
	for (size_t j = 0; j < s->np; j++)
		memcpy(buf + j * n, arrays[k * s->np + j], n * sizeof *buf);
	hsize_t dims[3] = {s->np, s->T, s->width[k]};
	hid_t sp = H5Screate_simple(3, dims, NULL), d = -1, t = -1, as = -1, a = -1;
	int rc = 0;
	if (sp < 0 ||
	    (d = H5Dcreate2(loc, name, H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT,
			    H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0 ||
	    (t = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_size(t, strlen(units) + 1) < 0 ||
	    (as = H5Screate(H5S_SCALAR)) < 0 ||
	    (a = H5Acreate2(d, "units", t, as, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, t, units) < 0)
		rc = fail(path, "H5Dwrite", name, err);
	if (a >= 0)
		H5Aclose(a);
	if (as >= 0)
		H5Sclose(as);
	if (t >= 0)
		H5Tclose(t);
	if (d >= 0)
		H5Dclose(d);
	if (sp >= 0)
		H5Sclose(sp);
	free(buf);
	return rc;
}

int dcg_h5_add_sensitivity(const char *path, const struct dcg_sensitivity *s,
			   struct dcg_error *err)
{
	H5E_auto2_t old_func = NULL;
	void *old_data = NULL;
	int silenced = 0, rc = 0;
	hid_t f = -1, g = -1, ge = -1, str = -1, sp = -1, a = -1, sc = -1;
	const char **names = calloc(s->np + 1, sizeof *names);
	if (!names)
		return dcg_error_set(err, DCG_ENOMEM, "out of memory");
	if (H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data) >= 0 &&
	    H5Eset_auto2(H5E_DEFAULT, NULL, NULL) >= 0)
		silenced = 1;
	if ((f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT)) < 0) {
		rc = fail(path, "H5Fopen", path, err);
		goto finish;
	}
	if ((g = H5Gcreate2(f, "sensitivity", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    (ge = H5Gcreate2(g, "elasticity", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0) {
		rc = fail(path, "H5Gcreate2", "sensitivity", err);
		goto finish;
	}
	for (size_t j = 0; j < s->np; j++)
		names[j] = s->path[j];
	hsize_t np = s->np;
	const char *method = "CVODES forward sensitivities (staggered, internal "
			     "difference quotients for df/dp); derived series by "
			     "the chain rule";
	if ((str = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_size(str, H5T_VARIABLE) < 0 ||
	    (sp = H5Screate_simple(1, &np, NULL)) < 0 ||
	    (a = H5Acreate2(g, "parameters", str, sp, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, str, names) < 0 || H5Aclose(a) < 0 ||
	    (a = H5Acreate2(g, "values", H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, H5T_NATIVE_DOUBLE, s->value) < 0 || H5Aclose(a) < 0 ||
	    (sc = H5Screate(H5S_SCALAR)) < 0 ||
	    (a = H5Acreate2(g, "method", str, sc, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, str, &method) < 0) {
		a = -1;
		rc = fail(path, "H5Awrite", "sensitivity attributes", err);
		goto finish;
	}
	H5Aclose(a);
	a = -1;
	for (size_t k = 0; k < s->nseries && !rc; k++) {
		const struct dcg_series_info *si = dcg_series_info(s->ids[k]);
		char units[128];
		snprintf(units, sizeof units, "(%s) per parameter unit", si->units);
		hid_t a1 = subgroup(g, si->group), a2 = subgroup(ge, si->group);
		if (a1 < 0 || a2 < 0)
			rc = fail(path, "H5Gcreate2", si->group, err);
		if (!rc)
			rc = put(a1, si->name, s, k, s->deriv, units, path, err);
		if (!rc)
			rc = put(a2, si->name, s, k, s->elasticity, "1", path, err);
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
	if (str >= 0)
		H5Tclose(str);
	if (ge >= 0)
		H5Gclose(ge);
	if (g >= 0)
		H5Gclose(g);
	if (f >= 0 && H5Fclose(f) < 0 && !rc)
		rc = fail(path, "H5Fclose", path, err);
	if (silenced) {
		H5Eclear2(H5E_DEFAULT);
		H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
	}
	free(names);
	return rc;
}
