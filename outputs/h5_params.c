/* The resolved parameters of a run as a table: /parameters/name,
 * /parameters/value and /parameters/text, one row per parameter, in
 * parameter-table order (docs/output-format.md).
 *
 * One attribute per parameter (about 930 on the default scenario) cost
 * 36.6 M of the writer's 56.6 M instructions, about 5 ms of a 23 ms run:
 * HDF5 stores many attributes on one object expensively, and could not hold
 * more than 65,535 of them (about 1,500 regions with a grid). Three
 * datasets cost a fraction of that at any size.
 *
 * A row's name is its config path exactly as --set takes it. A number,
 * integer or switch is in value (switches 0 or 1) with an empty text; a
 * name or choice is in text with value NaN; a schedule of n points is 2n +
 * 1 rows: PATH.value.[i] and PATH.year.[i] in value, and PATH.interp in
 * text; an array of numbers is one row PATH.[i] per entry. name is a dimension scale, so netCDF readers see one dimension
 * "name" with value and text along it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "dcgrid/config.h"
#include "h5_internal.h"

struct table {
	size_t n, cap;
	char **name, **text;
	double *value;
	int failed;
};

static const char *interp_text(enum dcg_interp i)
{
	switch (i) {
	case DCG_INTERP_LINEAR:
		return "linear";
	case DCG_INTERP_STEP:
		return "step";
	case DCG_INTERP_LOG:
		return "log";
	}
	return "unknown";
}

static int add_row(struct table *t, const char *name, double value, const char *text)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;
		char **nn = realloc(t->name, cap * sizeof *nn);
		if (nn)
			t->name = nn;
		char **tt = nn ? realloc(t->text, cap * sizeof *tt) : NULL;
		if (tt)
			t->text = tt;
		double *vv = tt ? realloc(t->value, cap * sizeof *vv) : NULL;
		if (!vv)
			return DCG_ENOMEM;
		t->value = vv;
		t->cap = cap;
	}
	t->name[t->n] = strdup(name);
	t->text[t->n] = strdup(text);
	t->value[t->n] = value;
	if (!t->name[t->n] || !t->text[t->n]) {
		free(t->name[t->n]);
		free(t->text[t->n]);
		return DCG_ENOMEM;
	}
	t->n++;
	return 0;
}

static int row_cb(void *ctx, const struct dcg_param_value *pv)
{
	struct table *t = ctx;
	int rc = 0;
	char name[600];
	switch (pv->type) {
	case DCG_PT_DOUBLE:
	case DCG_PT_INT:
		rc = add_row(t, pv->path, pv->number, "");
		break;
	case DCG_PT_BOOL:
		rc = add_row(t, pv->path, pv->number != 0.0 ? 1.0 : 0.0, "");
		break;
	case DCG_PT_STRING:
	case DCG_PT_ENUM:
		rc = add_row(t, pv->path, NAN, pv->string ? pv->string : "");
		break;
	case DCG_PT_ARRAY:
		/* An array of numbers: PATH.[i], as --set addresses them. */
		for (size_t i = 0; i < pv->count && !rc; i++) {
			snprintf(name, sizeof name, "%s.[%zu]", pv->path, i);
			rc = add_row(t, name, pv->values[i], "");
		}
		break;
	case DCG_PT_SCHEDULE: {
		const struct dcg_schedule *s = pv->schedule;
		size_t n = s ? s->n : 0;
		for (size_t i = 0; i < n && !rc; i++) {
			snprintf(name, sizeof name, "%s.value.[%zu]", pv->path, i);
			rc = add_row(t, name, s->value[i], "");
			snprintf(name, sizeof name, "%s.year.[%zu]", pv->path, i);
			if (!rc)
				rc = add_row(t, name, s->year[i], "");
		}
		snprintf(name, sizeof name, "%s.interp", pv->path);
		if (!rc)
			rc = add_row(t, name, NAN, s ? interp_text(s->interp) : "linear");
		break;
	}
	default:
		rc = DCG_EINTERNAL;
	}
	t->failed = rc;
	return rc;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->name[i]);
		free(t->text[i]);
	}
	free(t->name);
	free(t->text);
	free(t->value);
}

/* One 1-D dataset of the table, created in g as "name" of type type. */
static hid_t table_column(hid_t g, const char *name, hid_t type, hid_t space,
			  hid_t dcpl)
{
	return H5Dcreate2(g, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
}

int dcg__h5_write_parameters(hid_t file, const struct dcg_model *m, const char *path,
			     struct dcg_error *err)
{
	struct table t = {0};
	hid_t g = -1, space = -1, str = -1, dcpl = -1, gcpl = -1;
	hid_t dn = -1, dv = -1, dt = -1;
	const char *op = NULL;
	int rc = dcg_config_visit(m, row_cb, &t);
	if (rc || t.failed) {
		rc = t.failed == DCG_ENOMEM || rc == DCG_ENOMEM ? DCG_ENOMEM : DCG_EINTERNAL;
		rc = dcg_error_set(err, rc, "cannot write %s: %s listing the parameters",
				   path, rc == DCG_ENOMEM ? "out of memory" : "failed");
		goto finish;
	}
	hsize_t dims[1] = {t.n};
	if ((gcpl = H5Pcreate(H5P_GROUP_CREATE)) < 0 || dcg__h5_set_order(gcpl, true) < 0) {
		op = "H5Pcreate";
		goto fail;
	}
	if ((dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 || dcg__h5_set_order(dcpl, false) < 0) {
		op = "H5Pcreate";
		goto fail;
	}
	if ((g = H5Gcreate2(file, "/parameters", H5P_DEFAULT, gcpl, H5P_DEFAULT)) < 0) {
		op = "H5Gcreate2";
		goto fail;
	}
	if ((space = H5Screate_simple(1, dims, NULL)) < 0 || (str = dcg__h5_utf8_vlen()) < 0) {
		op = "H5Screate_simple";
		goto fail;
	}
	if ((dn = table_column(g, "name", str, space, dcpl)) < 0 ||
	    (dv = table_column(g, "value", H5T_IEEE_F64LE, space, dcpl)) < 0 ||
	    (dt = table_column(g, "text", str, space, dcpl)) < 0) {
		op = "H5Dcreate2";
		goto fail;
	}
	if ((t.n && (dcg__h5_write_vlen(dn, str, t.n, t.name) < 0 ||
		     H5Dwrite(dv, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
			      t.value) < 0 ||
		     dcg__h5_write_vlen(dt, str, t.n, t.text) < 0))) {
		op = "H5Dwrite";
		goto fail;
	}
	if (H5DSset_scale(dn, "name") < 0 || H5DSattach_scale(dv, dn, 0) < 0 ||
	    H5DSattach_scale(dt, dn, 0) < 0) {
		op = "H5DSattach_scale";
		goto fail;
	}
	if (H5LTset_attribute_string(g, "name", "long_name",
				     "parameter: the config path as --set takes it") < 0 ||
	    H5LTset_attribute_string(g, "value", "long_name",
				     "value of the parameter in its own config units "
				     "(docs/config.md); NaN for names and choices") < 0 ||
	    H5LTset_attribute_string(g, "text", "long_name",
				     "name or choice; empty for numbers") < 0) {
		op = "H5LTset_attribute_string";
		goto fail;
	}
	rc = 0;
	goto finish;
fail: {
	char why[256];
	int sys = dcg__h5_reason(why, sizeof why);
	rc = dcg_error_set(err, sys ? DCG_EIO : DCG_EHDF5,
			   "cannot write %s: %s(/parameters) failed: %s", path, op, why);
}
finish:
	if (dn >= 0)
		H5Dclose(dn);
	if (dv >= 0)
		H5Dclose(dv);
	if (dt >= 0)
		H5Dclose(dt);
	if (str >= 0)
		H5Tclose(str);
	if (space >= 0)
		H5Sclose(space);
	if (g >= 0)
		H5Gclose(g);
	if (dcpl >= 0)
		H5Pclose(dcpl);
	if (gcpl >= 0)
		H5Pclose(gcpl);
	table_free(&t);
	return rc;
}
