/* Reader of dcgrid result files (schema "dcgrid/1"), see dcgrid/h5read.h.
 *
 * Everything is found by name and through the dimension scales attached to
 * each dataset, never by position, so files of later dcgrid/1 versions and
 * files without a grid read alike. The key figures are sums over regions
 * of the stored series, nothing is recomputed:
 *
 *   racks              = sum_{r,k} racks[t*, r, k]             (physical)
 *   standard racks     = sum_r standard_racks[t*, r]           (2.5 kW each)
 *   DC energy (year)   = sum_r annual/dc_energy[y, r]          (TWh)
 *   emissions (year)   = sum_r annual/emissions[y, r]          (Mt CO2)
 *   unserved (horizon) = sum_r cumulative/unserved_energy[T-1, r]  (TWh)
 *   lowest margin      = min_{t,r} grid/reserve_margin[t, r]   (1)
 *
 * with t* the output time nearest the year asked for and y the calendar
 * year floor(year).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "dcgrid/h5read.h"
#include "h5_internal.h"
#include "h5_validate.h"

struct dcg_h5_file {
	hid_t id;
	char *path;
};

/* --- HDF5 error handling ------------------------------------------------ */

/* HDF5 prints its error stack to stderr by default; the library must not
 * print, so each entry point turns that off for its duration. */
struct quiet {
	H5E_auto2_t func;
	void *data;
	int on;
};

static void quiet_begin(struct quiet *q)
{
	q->on = H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data) >= 0 &&
		H5Eset_auto2(H5E_DEFAULT, NULL, NULL) >= 0;
}

static void quiet_end(struct quiet *q)
{
	H5Eclear2(H5E_DEFAULT);
	if (q->on)
		H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
}

static herr_t walk_cb(unsigned n, const H5E_error2_t *e, void *ctx)
{
	char *buf = ctx;
	(void)n;
	if (buf[0] == '\0' && e && e->desc)
		snprintf(buf, 256, "%s", e->desc);
	return 0;
}

/* Reports failed call op on object what, with HDF5's innermost reason. */
static int h5_fail(const struct dcg_h5_file *f, const char *op,
		   const char *what, struct dcg_error *err)
{
	char reason[256] = "";
	H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk_cb, reason);
	H5Eclear2(H5E_DEFAULT);
	return dcg_error_set(err, DCG_EHDF5, "%s: %s(%s) failed: %s", f->path,
			     op, what ? what : "",
			     reason[0] ? reason : "unknown HDF5 error");
}

static int no_dataset(const struct dcg_h5_file *f, const char *path,
		      struct dcg_error *err)
{
	return dcg_error_set(err, DCG_EHDF5, "%s: no dataset %s", f->path,
			     path);
}

/* --- Opening ------------------------------------------------------------ */

static bool hard_path(struct dcg_h5_file *f, const char *path);

const char *dcg_h5_path(const struct dcg_h5_file *f)
{
	return f ? f->path : NULL;
}

void dcg_h5_close(struct dcg_h5_file *f)
{
	if (!f)
		return;
	if (f->id >= 0) {
		struct quiet q;
		quiet_begin(&q);
		H5Fclose(f->id);
		quiet_end(&q);
	}
	free(f->path);
	free(f);
}

int dcg_h5_open(const char *path, struct dcg_h5_file **ret_file,
		struct dcg_error *err)
{
	struct dcg_h5_file *f = NULL;
	char *schema = NULL;
	struct quiet q;
	int rc = 0;

	if (!path || !*path)
		return dcg_error_set(err, DCG_EUSAGE, "no file name given");
	struct stat st;
	if (access(path, R_OK) != 0 || stat(path, &st) != 0)
		return dcg_error_set(err, DCG_EUSAGE, "cannot open %s: %s",
				     path, strerror(errno));
	/* A FIFO would block HDF5's first read for ever, a device could be
	 * endless: a result is a regular file. */
	if (!S_ISREG(st.st_mode))
		return dcg_error_set(err, DCG_EUSAGE,
				     "cannot read %s: not a regular file (%s)",
				     path,
				     S_ISDIR(st.st_mode)    ? "a folder"
				     : S_ISFIFO(st.st_mode) ? "a FIFO"
							    : "a device or socket");
	if (H5open() < 0)
		return dcg_error_set(err, DCG_EHDF5,
				     "%s: the HDF5 library failed to initialise",
				     path);
	f = calloc(1, sizeof *f);
	if (!f || !(f->path = strdup(path))) {
		free(f);
		return dcg_error_set(err, DCG_ENOMEM, "%s: out of memory", path);
	}
	f->id = -1;
	/* A file dcgrid wrote carries a checksum: damage is refused here,
	 * before libhdf5 reads a byte of it. */
	if ((rc = dcg__h5_verify(path, err)))
		goto finish;
	quiet_begin(&q);
	htri_t is = H5Fis_hdf5(path);
	/* Closed strongly: whatever a failed read left open goes with the
	 * file, so the library never finds identifiers open at exit. */
	hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
	if (is > 0 && fapl >= 0 &&
	    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0)
		f->id = H5Fopen(path, H5F_ACC_RDONLY, fapl);
	if (fapl >= 0)
		H5Pclose(fapl);
	quiet_end(&q);
	if (is <= 0 || f->id < 0) {
		rc = dcg_error_set(err, DCG_EUSAGE,
				   "%s: not an HDF5 file (a dcgrid result is "
				   "written by 'dcgrid run')",
				   path);
		goto finish;
	}
	if (dcg_h5_attr_text(f, "/", "schema", &schema, NULL) == 0 && schema &&
	    strncmp(schema, "dcgrid-study/", 13) == 0) {
		rc = dcg_error_set(err, DCG_EUSAGE,
				   "%s: a study file (schema %s); this command "
				   "reads run files (schema dcgrid/1): draw the "
				   "study with scripts/plot",
				   path, schema);
		goto finish;
	}
	if (!schema || strncmp(schema, "dcgrid/", 7) != 0) {
		rc = dcg_error_set(err, DCG_EUSAGE,
				   "%s: not a dcgrid result (no root attribute "
				   "schema = \"dcgrid/1\")",
				   path);
		goto finish;
	}
	if ((rc = dcg__h5_check_schema(path, schema, err)))
		goto finish;
	/* Every dataset's shape, type and dimension scales, before any
	 * command indexes one of them (outputs/h5_validate.c). */
	struct dcg_h5_var *vars = NULL;
	size_t nvars = 0;
	if ((rc = dcg_h5_list(f, &vars, &nvars, err))) {
		/* What HDF5 could not read is damage too. */
		if (rc == DCG_EHDF5 && err)
			err->status = rc = DCG_EFORMAT;
		else if (rc == DCG_EHDF5)
			rc = DCG_EFORMAT;
		goto finish;
	}
	rc = dcg__h5_check_vars(path, vars, nvars, err);
	free(vars);
	if (rc)
		goto finish;
	*ret_file = f;
	f = NULL;
finish:
	free(schema);
	dcg_h5_close(f);
	return rc;
}

bool dcg_h5_exists(struct dcg_h5_file *f, const char *path)
{
	struct quiet q;
	quiet_begin(&q);
	/* H5LTpath_valid checks every component, so "/grid/flow" in a file
	 * without /grid is simply false. */
	htri_t e = strcmp(path, "/") == 0 ? 1
		    : hard_path(f, path) ? H5LTpath_valid(f->id, path, 1)
					 : 0;
	quiet_end(&q);
	return e > 0;
}

/* --- Attributes --------------------------------------------------------- */

/* Reads every element of the string attribute a (fixed or variable
 * length) into owned copies; *ret_n elements. */
static int read_text_attr_all(hid_t a, char ***ret_texts, size_t *ret_n)
{
	hid_t t = H5Aget_type(a), s = H5Aget_space(a), mt = -1;
	char **out = NULL;
	size_t n = 0;
	int rc = -1;
	if (t < 0 || s < 0 || H5Tget_class(t) != H5T_STRING)
		goto finish;
	hssize_t np = H5Sget_simple_extent_npoints(s);
	if (np < 0)
		goto finish;
	n = (size_t)np;
	out = calloc(n ? n : 1, sizeof *out);
	if (!out)
		goto finish;
	mt = H5Tcopy(t);
	if (mt < 0)
		goto finish;
	if (H5Tis_variable_str(t) > 0) {
		char **v = calloc(n ? n : 1, sizeof *v);
		if (!v || (n && H5Aread(a, mt, v) < 0)) {
			free(v);
			goto finish;
		}
		rc = 0;
		for (size_t i = 0; i < n; i++)
			if (!(out[i] = strdup(v[i] ? v[i] : "")))
				rc = -1;
		if (n)
			H5Dvlen_reclaim(mt, s, H5P_DEFAULT, v);
		free(v);
	} else {
		size_t size = H5Tget_size(t);
		char *buf = calloc(n ? n : 1, size + 1);
		if (!buf || (n && H5Aread(a, mt, buf) < 0)) {
			free(buf);
			goto finish;
		}
		rc = 0;
		for (size_t i = 0; i < n; i++)
			if (!(out[i] = strndup(buf + i * size, size)))
				rc = -1;
		free(buf);
	}
	if (rc == 0) {
		*ret_texts = out;
		*ret_n = n;
		out = NULL;
	}
finish:
	dcg_h5_labels_free(out, n);
	if (mt >= 0)
		H5Tclose(mt);
	if (s >= 0)
		H5Sclose(s);
	if (t >= 0)
		H5Tclose(t);
	return rc;
}

/* Reads a string attribute that is open as a (fixed or variable length,
 * scalar or first element). */
static int read_text_attr(hid_t a, char **ret_text)
{
	hid_t t = H5Aget_type(a), s = H5Aget_space(a), mt = -1;
	char *text = NULL;
	int rc = -1;
	if (t < 0 || s < 0 || H5Tget_class(t) != H5T_STRING)
		goto finish;
	hssize_t n = H5Sget_simple_extent_npoints(s);
	if (n < 1)
		goto finish;
	if (H5Tis_variable_str(t) > 0) {
		char **v = calloc((size_t)n, sizeof *v);
		mt = H5Tcopy(t); /* same character set: HDF5 converts none */
		if (!v || mt < 0 || H5Aread(a, mt, v) < 0) {
			free(v);
			goto finish;
		}
		text = strdup(v[0] ? v[0] : "");
		H5Dvlen_reclaim(mt, s, H5P_DEFAULT, v);
		free(v);
	} else {
		size_t size = H5Tget_size(t);
		char *buf = calloc((size_t)n * size + 1, 1);
		mt = H5Tcopy(t);
		if (!buf || mt < 0 || H5Aread(a, mt, buf) < 0) {
			free(buf);
			goto finish;
		}
		buf[size] = '\0';
		text = buf;
	}
	if (text) {
		*ret_text = text;
		rc = 0;
	}
finish:
	if (mt >= 0)
		H5Tclose(mt);
	if (s >= 0)
		H5Sclose(s);
	if (t >= 0)
		H5Tclose(t);
	return rc;
}

/* Opens attribute name of object obj into *ret_a, or names what is
 * missing. */
static int open_attr(struct dcg_h5_file *f, const char *obj, const char *name,
		     hid_t *ret_a, struct dcg_error *err)
{
	if (H5Aexists_by_name(f->id, obj, name, H5P_DEFAULT) <= 0 ||
	    (*ret_a = H5Aopen_by_name(f->id, obj, name, H5P_DEFAULT,
				      H5P_DEFAULT)) < 0)
		return dcg_error_set(err, DCG_EHDF5, "%s: no attribute %s of %s",
				     f->path, name, obj);
	return 0;
}

int dcg_h5_attr_text(struct dcg_h5_file *f, const char *obj,
		     const char *name, char **ret_text, struct dcg_error *err)
{
	struct quiet q;
	int rc = 0;
	quiet_begin(&q);
	hid_t a = -1;
	if ((rc = open_attr(f, obj, name, &a, err)))
		goto finish;
	if (read_text_attr(a, ret_text) < 0)
		rc = dcg_error_set(err, DCG_EHDF5,
				   "%s: attribute %s of %s is not a string",
				   f->path, name, obj);
finish:
	if (a >= 0)
		H5Aclose(a);
	quiet_end(&q);
	return rc;
}

int dcg_h5_attr_texts(struct dcg_h5_file *f, const char *obj,
		      const char *name, char ***ret_texts, size_t *ret_n,
		      struct dcg_error *err)
{
	struct quiet q;
	int rc = 0;
	quiet_begin(&q);
	hid_t a = -1;
	if ((rc = open_attr(f, obj, name, &a, err)))
		goto finish;
	if (read_text_attr_all(a, ret_texts, ret_n) < 0)
		rc = dcg_error_set(err, DCG_EHDF5,
				   "%s: attribute %s of %s is not a string",
				   f->path, name, obj);
finish:
	if (a >= 0)
		H5Aclose(a);
	quiet_end(&q);
	return rc;
}

int dcg_h5_attr_number(struct dcg_h5_file *f, const char *obj,
		       const char *name, double *ret_value,
		       struct dcg_error *err)
{
	struct quiet q;
	int rc = 0;
	double v = 0.0;
	quiet_begin(&q);
	hid_t a = -1, t = -1, s = -1;
	if ((rc = open_attr(f, obj, name, &a, err)))
		goto finish;
	t = H5Aget_type(a);
	s = H5Aget_space(a);
	H5T_class_t c = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
	if ((c != H5T_INTEGER && c != H5T_FLOAT) || s < 0 ||
	    H5Sget_simple_extent_npoints(s) != 1 ||
	    H5Aread(a, H5T_NATIVE_DOUBLE, &v) < 0) {
		rc = dcg_error_set(err, DCG_EHDF5,
				   "%s: attribute %s of %s is not a number",
				   f->path, name, obj);
		goto finish;
	}
	*ret_value = v;
finish:
	if (s >= 0)
		H5Sclose(s);
	if (t >= 0)
		H5Tclose(t);
	if (a >= 0)
		H5Aclose(a);
	quiet_end(&q);
	return rc;
}

struct attr_list {
	struct dcg_h5_attr *v;
	size_t n, cap;
	int failed;
};

static herr_t attr_cb(hid_t obj, const char *name, const H5A_info_t *info,
		      void *ctx)
{
	struct attr_list *l = ctx;
	(void)info;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct dcg_h5_attr *v = realloc(l->v, cap * sizeof *v);
		if (!v) {
			l->failed = DCG_ENOMEM;
			return -1;
		}
		l->v = v;
		l->cap = cap;
	}
	struct dcg_h5_attr *e = &l->v[l->n];
	memset(e, 0, sizeof *e);
	snprintf(e->name, sizeof e->name, "%s", name);
	e->kind = DCG_H5_OTHER;
	hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
	hid_t t = a >= 0 ? H5Aget_type(a) : -1;
	hid_t s = a >= 0 ? H5Aget_space(a) : -1;
	hssize_t n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
	int rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
	e->n = n > 0 ? (size_t)n : 0;
	H5T_class_t c = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
	if ((c == H5T_INTEGER || c == H5T_FLOAT) && n >= 1 && rank <= 1) {
		double *buf = malloc((size_t)n * sizeof *buf);
		if (buf && H5Aread(a, H5T_NATIVE_DOUBLE, buf) >= 0) {
			e->kind = DCG_H5_NUMBER;
			e->is_integer = c == H5T_INTEGER;
			e->number = buf[0];
		}
		free(buf);
	} else if (c == H5T_STRING) {
		char *text = NULL;
		if (read_text_attr(a, &text) == 0) {
			e->kind = DCG_H5_STRING;
			snprintf(e->text, sizeof e->text, "%s", text);
			free(text);
		}
	}
	if (s >= 0)
		H5Sclose(s);
	if (t >= 0)
		H5Tclose(t);
	if (a >= 0)
		H5Aclose(a);
	l->n++;
	return 0;
}

int dcg_h5_attrs(struct dcg_h5_file *f, const char *obj,
		 struct dcg_h5_attr **ret_attrs, size_t *ret_n,
		 struct dcg_error *err)
{
	struct attr_list l = {0};
	struct quiet q;
	int rc = 0;
	quiet_begin(&q);
	hid_t o = H5Oopen(f->id, obj, H5P_DEFAULT);
	if (o < 0) {
		rc = dcg_error_set(err, DCG_EHDF5, "%s: no object %s", f->path,
				   obj);
		goto finish;
	}
	hsize_t idx = 0;
	herr_t e = H5Aiterate2(o, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx,
			       attr_cb, &l);
	if (e < 0 && !l.failed && l.n == 0) {
		idx = 0;
		e = H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_INC, &idx, attr_cb,
				&l);
	}
	if (l.failed) {
		rc = dcg_error_set(err, DCG_ENOMEM, "%s: out of memory",
				   f->path);
		goto finish;
	}
	if (e < 0) {
		rc = h5_fail(f, "H5Aiterate2", obj, err);
		goto finish;
	}
	*ret_attrs = l.v;
	*ret_n = l.n;
	l.v = NULL;
finish:
	free(l.v);
	if (o >= 0)
		H5Oclose(o);
	quiet_end(&q);
	return rc;
}

/* --- Datasets ----------------------------------------------------------- */

static herr_t scale_cb(hid_t ds, unsigned dim, hid_t scale, void *ctx)
{
	char *buf = ctx;
	(void)ds;
	(void)dim;
	if (H5Iget_name(scale, buf, 128) <= 0)
		buf[0] = '\0';
	return 1; /* the first attached scale is the one */
}

/* Fills v from the open dataset ds named path. */
static int describe_open(const struct dcg_h5_file *f, hid_t ds,
			 const char *path, struct dcg_h5_var *v,
			 struct dcg_error *err)
{
	memset(v, 0, sizeof *v);
	snprintf(v->path, sizeof v->path, "%s", path);
	hid_t t = H5Dget_type(ds), s = H5Dget_space(ds);
	int rc = 0;
	if (t < 0 || s < 0) {
		rc = h5_fail(f, "H5Dget_type", path, err);
		goto finish;
	}
	switch (H5Tget_class(t)) {
	case H5T_INTEGER:
	case H5T_FLOAT:
		v->kind = DCG_H5_NUMBER;
		break;
	case H5T_STRING:
		v->kind = DCG_H5_STRING;
		break;
	case H5T_COMPOUND:
		v->kind = DCG_H5_COMPOUND;
		break;
	default:
		v->kind = DCG_H5_OTHER;
		break;
	}
	int rank = H5Sget_simple_extent_ndims(s);
	if (rank < 0 || rank > DCG_H5_MAX_RANK) {
		rc = dcg_error_set(err, DCG_EHDF5,
				   "%s: %s has %d dimensions (at most %d are "
				   "read)",
				   f->path, path, rank, DCG_H5_MAX_RANK);
		goto finish;
	}
	hsize_t dims[DCG_H5_MAX_RANK];
	H5Sget_simple_extent_dims(s, dims, NULL);
	v->rank = rank;
	v->npoints = 1;
	for (int i = 0; i < rank; i++) {
		v->dims[i] = (size_t)dims[i];
		v->npoints *= v->dims[i];
		char buf[128] = "";
		if (H5DSget_num_scales(ds, (unsigned)i) > 0)
			H5DSiterate_scales(ds, (unsigned)i, NULL, scale_cb, buf);
		H5Eclear2(H5E_DEFAULT);
		snprintf(v->scale_path[i], sizeof v->scale_path[i], "%s", buf);
		const char *slash = strrchr(buf, '/');
		snprintf(v->dim_name[i], sizeof v->dim_name[i], "%s",
			 slash ? slash + 1 : buf);
	}
	v->is_scale = H5DSis_scale(ds) > 0;
	H5Eclear2(H5E_DEFAULT);
	const char *names[2] = {"units", "long_name"};
	char *dest[2] = {v->units, v->long_name};
	size_t size[2] = {sizeof v->units, sizeof v->long_name};
	for (int i = 0; i < 2; i++) {
		if (H5Aexists(ds, names[i]) <= 0)
			continue;
		hid_t a = H5Aopen(ds, names[i], H5P_DEFAULT);
		char *text = NULL;
		if (a >= 0 && read_text_attr(a, &text) == 0) {
			snprintf(dest[i], size[i], "%s", text);
			free(text);
		}
		if (a >= 0)
			H5Aclose(a);
	}
	H5Eclear2(H5E_DEFAULT);
finish:
	if (s >= 0)
		H5Sclose(s);
	if (t >= 0)
		H5Tclose(t);
	return rc;
}

/* True when every component of path is a hard link: soft and external
 * links (never written by dcgrid) are not followed, so a file cannot make
 * the reader open another file. */
static bool hard_path(struct dcg_h5_file *f, const char *path)
{
	char buf[512];
	size_t len = strlen(path);
	if (path[0] != '/' || len >= sizeof buf)
		return false;
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char keep = buf[i];
		buf[i] = '\0';
		H5L_info_t li;
		bool ok = H5Lexists(f->id, buf, H5P_DEFAULT) > 0 &&
			  H5Lget_info(f->id, buf, &li, H5P_DEFAULT) >= 0 &&
			  li.type == H5L_TYPE_HARD;
		buf[i] = keep;
		if (!ok)
			return false;
	}
	return true;
}

static hid_t open_dataset(struct dcg_h5_file *f, const char *path)
{
	if (!hard_path(f, path) || H5LTpath_valid(f->id, path, 1) <= 0)
		return -1;
	H5O_info_t info;
	if (H5Oget_info_by_name2(f->id, path, &info, H5O_INFO_BASIC,
				 H5P_DEFAULT) < 0 ||
	    info.type != H5O_TYPE_DATASET)
		return -1;
	return H5Dopen2(f->id, path, H5P_DEFAULT);
}

int dcg_h5_describe(struct dcg_h5_file *f, const char *path,
		    struct dcg_h5_var *ret_var, struct dcg_error *err)
{
	struct quiet q;
	struct dcg_h5_var v;
	int rc;
	quiet_begin(&q);
	hid_t ds = open_dataset(f, path);
	if (ds < 0)
		rc = no_dataset(f, path, err);
	else if ((rc = describe_open(f, ds, path, &v, err)) == 0)
		*ret_var = v;
	if (ds >= 0)
		H5Dclose(ds);
	quiet_end(&q);
	return rc;
}

/* The groups listed so far, by address: a group met again is a link
 * cycle (or a second hard link), which dcgrid never writes; following it
 * would recurse until the stack overflows. */
struct seen_group {
	haddr_t addr;
	char path[256];
};

struct var_list {
	struct dcg_h5_file *f;
	struct dcg_h5_var *v;
	int64_t *corder; /* per entry of v, its link's creation order */
	size_t n, cap;
	struct seen_group *seen;
	size_t nseen, capseen;
	int rc;
	struct dcg_error *err;
};

/* Deeper nesting than any dcgrid file has (three levels). */
#define MAX_GROUP_DEPTH 16

static int list_group(struct var_list *l, const char *group);

static herr_t link_cb(hid_t g, const char *name, const H5L_info_t *info,
		      void *ctx)
{
	struct var_list *l = ctx;
	char path[256];
	char gname[256];
	/* Soft and external links are not followed: dcgrid writes neither,
	 * and an external link would open another file. */
	if (info->type != H5L_TYPE_HARD)
		return 0;
	if (H5Iget_name(g, gname, sizeof gname) <= 0)
		snprintf(gname, sizeof gname, "/");
	int len = snprintf(path, sizeof path, "%s%s%s", gname,
			   strcmp(gname, "/") == 0 ? "" : "/", name);
	if (len < 0 || (size_t)len >= sizeof path)
		return 0; /* not a dcgrid name: skip it */
	H5O_info_t oi;
	if (H5Oget_info_by_name2(g, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
		return 0;
	if (oi.type == H5O_TYPE_GROUP) {
		return 0; /* groups come after the datasets, see list_group */
	}
	if (oi.type != H5O_TYPE_DATASET)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		struct dcg_h5_var *v = realloc(l->v, cap * sizeof *v);
		int64_t *c = v ? realloc(l->corder, cap * sizeof *c) : NULL;
		if (v)
			l->v = v;
		if (c)
			l->corder = c;
		if (!v || !c) {
			l->rc = dcg_error_set(l->err, DCG_ENOMEM,
					      "%s: out of memory", l->f->path);
			return -1;
		}
		l->cap = cap;
	}
	l->corder[l->n] = info->corder_valid ? info->corder : INT64_MAX;
	hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
	if (ds < 0) {
		l->rc = h5_fail(l->f, "H5Dopen2", path, l->err);
		return -1;
	}
	l->rc = describe_open(l->f, ds, path, &l->v[l->n], l->err);
	H5Dclose(ds);
	if (l->rc)
		return -1;
	l->n++;
	return 0;
}

struct group_names {
	char (*v)[256];
	int64_t *corder;
	size_t n, cap;
};

static herr_t subgroup_cb(hid_t g, const char *name, const H5L_info_t *info,
			  void *ctx)
{
	struct group_names *gn = ctx;
	H5O_info_t oi;
	if (info->type != H5L_TYPE_HARD)
		return 0;
	if (H5Oget_info_by_name2(g, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
	    oi.type != H5O_TYPE_GROUP)
		return 0;
	if (gn->n == gn->cap) {
		size_t cap = gn->cap ? 2 * gn->cap : 8;
		char(*v)[256] = realloc(gn->v, cap * sizeof *v);
		if (!v)
			return -1;
		gn->v = v;
		int64_t *c = realloc(gn->corder, cap * sizeof *c);
		if (!c)
			return -1;
		gn->corder = c;
		gn->cap = cap;
	}
	gn->corder[gn->n] = info->corder_valid ? info->corder : INT64_MAX;
	snprintf(gn->v[gn->n++], 256, "%s", name);
	return 0;
}

/* Iterates group g by the name index. The creation-order index is not
 * read: libhdf5 1.10.8 crashes (a double free in H5G__dense_iterate)
 * iterating a damaged one, which h5ls and h5py never read; the callers
 * sort by each link's creation order (H5L_info_t.corder) instead. */
static herr_t iterate(hid_t g, H5L_iterate_t fn, void *ctx)
{
	hsize_t idx = 0;
	return H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, fn, ctx);
}

/* Records group (at addr) as listed, or refuses it when it was met
 * before. */
static int see_group(struct var_list *l, haddr_t addr, const char *group,
		     int depth)
{
	for (size_t i = 0; i < l->nseen; i++)
		if (l->seen[i].addr == addr)
			return l->rc = dcg_error_set(
				       l->err, DCG_EFORMAT,
				       "%s: group %s is %s again (a link cycle "
				       "or a second link to a group, which "
				       "dcgrid never writes)",
				       l->f->path, group, l->seen[i].path);
	if (depth > MAX_GROUP_DEPTH)
		return l->rc = dcg_error_set(l->err, DCG_EFORMAT,
					     "%s: groups nested deeper than %d "
					     "at %s",
					     l->f->path, MAX_GROUP_DEPTH, group);
	if (l->nseen == l->capseen) {
		size_t cap = l->capseen ? 2 * l->capseen : 16;
		struct seen_group *v = realloc(l->seen, cap * sizeof *v);
		if (!v)
			return l->rc = dcg_error_set(l->err, DCG_ENOMEM,
						     "%s: out of memory",
						     l->f->path);
		l->seen = v;
		l->capseen = cap;
	}
	l->seen[l->nseen].addr = addr;
	snprintf(l->seen[l->nseen].path, sizeof l->seen[0].path, "%s", group);
	l->nseen++;
	return 0;
}

static int list_group_at(struct var_list *l, const char *group, int depth);

static int list_group(struct var_list *l, const char *group)
{
	return list_group_at(l, group, 0);
}

static int list_group_at(struct var_list *l, const char *group, int depth)
{
	hid_t g = H5Gopen2(l->f->id, group, H5P_DEFAULT);
	struct group_names gn = {0};
	H5O_info_t gi;
	if (g < 0)
		return l->rc = h5_fail(l->f, "H5Gopen2", group, l->err);
	if (H5Oget_info2(g, &gi, H5O_INFO_BASIC) < 0) {
		l->rc = h5_fail(l->f, "H5Oget_info2", group, l->err);
		H5Gclose(g);
		return l->rc;
	}
	if (see_group(l, gi.addr, group, depth)) {
		H5Gclose(g);
		return l->rc;
	}
	size_t first = l->n;
	if (iterate(g, link_cb, l) < 0 && !l->rc)
		l->rc = h5_fail(l->f, "H5Literate2", group, l->err);
	/* The group's datasets in creation order (insertion sort: stable,
	 * and groups are small). */
	for (size_t i = first + 1; !l->rc && i < l->n; i++)
		for (size_t j = i; j > first && l->corder[j] < l->corder[j - 1];
		     j--) {
			struct dcg_h5_var tv = l->v[j];
			int64_t tc = l->corder[j];
			l->v[j] = l->v[j - 1];
			l->corder[j] = l->corder[j - 1];
			l->v[j - 1] = tv;
			l->corder[j - 1] = tc;
		}
	if (!l->rc && iterate(g, subgroup_cb, &gn) < 0)
		l->rc = dcg_error_set(l->err, DCG_ENOMEM, "%s: out of memory",
				      l->f->path);
	H5Gclose(g);
	for (size_t i = 1; !l->rc && i < gn.n; i++)
		for (size_t j = i; j > 0 && gn.corder[j] < gn.corder[j - 1]; j--) {
			char tn[256];
			int64_t tc = gn.corder[j];
			memcpy(tn, gn.v[j], sizeof tn);
			memcpy(gn.v[j], gn.v[j - 1], sizeof tn);
			memcpy(gn.v[j - 1], tn, sizeof tn);
			gn.corder[j] = gn.corder[j - 1];
			gn.corder[j - 1] = tc;
		}
	for (size_t i = 0; !l->rc && i < gn.n; i++) {
		char path[512];
		int len = snprintf(path, sizeof path, "%s%s%s", group,
				   strcmp(group, "/") == 0 ? "" : "/", gn.v[i]);
		if (len < 0 || (size_t)len >= 256)
			continue; /* not a dcgrid name, as in link_cb */
		list_group_at(l, path, depth + 1);
	}
	free(gn.v);
	free(gn.corder);
	return l->rc;
}

int dcg_h5_list(struct dcg_h5_file *f, struct dcg_h5_var **ret_vars,
		size_t *ret_n, struct dcg_error *err)
{
	struct var_list l = {.f = f, .err = err};
	struct quiet q;
	quiet_begin(&q);
	int rc = list_group(&l, "/");
	quiet_end(&q);
	free(l.seen);
	free(l.corder);
	if (rc) {
		free(l.v);
		return rc;
	}
	*ret_vars = l.v;
	*ret_n = l.n;
	return 0;
}

int dcg_h5_read_doubles(struct dcg_h5_file *f, const char *path,
			double **ret_data, struct dcg_h5_var *ret_var,
			struct dcg_error *err)
{
	struct quiet q;
	struct dcg_h5_var v;
	double *data = NULL;
	int rc = 0;
	quiet_begin(&q);
	hid_t ds = open_dataset(f, path);
	if (ds < 0) {
		rc = no_dataset(f, path, err);
		goto finish;
	}
	if ((rc = describe_open(f, ds, path, &v, err)))
		goto finish;
	if (v.kind != DCG_H5_NUMBER) {
		rc = dcg_error_set(err, DCG_EHDF5, "%s: %s is not numeric",
				   f->path, path);
		goto finish;
	}
	data = malloc((v.npoints ? v.npoints : 1) * sizeof *data);
	if (!data) {
		rc = dcg_error_set(err, DCG_ENOMEM, "%s: out of memory for %s",
				   f->path, path);
		goto finish;
	}
	if (v.npoints > 0 && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
				     H5P_DEFAULT, data) < 0) {
		rc = h5_fail(f, "H5Dread", path, err);
		goto finish;
	}
	*ret_data = data;
	data = NULL;
	if (ret_var)
		*ret_var = v;
finish:
	free(data);
	if (ds >= 0)
		H5Dclose(ds);
	quiet_end(&q);
	return rc;
}

void dcg_h5_labels_free(char **labels, size_t n)
{
	if (!labels)
		return;
	for (size_t i = 0; i < n; i++)
		free(labels[i]);
	free(labels);
}

/* Reads the strings of an open 1-D string dataset into owned copies. */
static int read_strings(hid_t ds, size_t n, char **out)
{
	hid_t t = H5Dget_type(ds), mt = -1, s = -1;
	int rc = -1;
	if (t < 0)
		return -1;
	if (n == 0) {
		rc = 0;
		goto finish;
	}
	if (H5Tis_variable_str(t) > 0) {
		char **v = calloc(n, sizeof *v);
		mt = H5Tcopy(t); /* same character set: HDF5 converts none */
		s = H5Dget_space(ds);
		if (!v || mt < 0 || s < 0 ||
		    H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
			free(v);
			goto finish;
		}
		rc = 0;
		for (size_t i = 0; i < n; i++)
			if (!(out[i] = strdup(v[i] ? v[i] : "")))
				rc = -1;
		H5Dvlen_reclaim(mt, s, H5P_DEFAULT, v);
		free(v);
	} else {
		size_t size = H5Tget_size(t);
		char *buf = calloc(n, size + 1);
		mt = H5Tcopy(t);
		if (!buf || mt < 0 ||
		    H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
			free(buf);
			goto finish;
		}
		rc = 0;
		for (size_t i = 0; i < n; i++)
			if (!(out[i] = strndup(buf + i * size, size)))
				rc = -1;
		free(buf);
	}
finish:
	if (s >= 0)
		H5Sclose(s);
	if (mt >= 0)
		H5Tclose(mt);
	H5Tclose(t);
	return rc;
}

int dcg_h5_read_labels(struct dcg_h5_file *f, const char *path,
		       char ***ret_labels, size_t *ret_n,
		       struct dcg_error *err)
{
	struct quiet q;
	struct dcg_h5_var v;
	char **labels = NULL;
	int rc = 0;
	memset(&v, 0, sizeof v);
	quiet_begin(&q);
	hid_t ds = open_dataset(f, path);
	if (ds < 0) {
		rc = no_dataset(f, path, err);
		goto finish;
	}
	if ((rc = describe_open(f, ds, path, &v, err)))
		goto finish;
	if (v.kind != DCG_H5_STRING || v.rank != 1) {
		rc = dcg_error_set(err, DCG_EHDF5,
				   "%s: %s is not a 1-D string dataset",
				   f->path, path);
		goto finish;
	}
	labels = calloc(v.npoints ? v.npoints : 1, sizeof *labels);
	if (!labels) {
		rc = dcg_error_set(err, DCG_ENOMEM, "%s: out of memory",
				   f->path);
		goto finish;
	}
	if (read_strings(ds, v.npoints, labels) < 0) {
		rc = h5_fail(f, "H5Dread", path, err);
		goto finish;
	}
	*ret_labels = labels;
	*ret_n = v.npoints;
	labels = NULL;
finish:
	dcg_h5_labels_free(labels, v.npoints);
	if (ds >= 0)
		H5Dclose(ds);
	quiet_end(&q);
	return rc;
}

/* --- Events ------------------------------------------------------------- */

int dcg_h5_read_events(struct dcg_h5_file *f, struct dcg_h5_event **ret_events,
		       size_t *ret_n, struct dcg_error *err)
{
	struct quiet q;
	/* The fields read by name into a native layout of our own. */
	struct row {
		int32_t region;
		char name[64];
		int32_t kind;
		double time;
	};
	struct dcg_h5_event *ev = NULL;
	hid_t ds = -1, t = -1, mt = -1, str = -1, s = -1;
	struct row *buf = NULL;
	int rc = 0;
	*ret_events = NULL;
	*ret_n = 0;
	quiet_begin(&q);
	ds = open_dataset(f, "/events");
	if (ds < 0)
		goto finish; /* no grid: no events */
	t = H5Dget_type(ds);
	s = H5Dget_space(ds);
	hssize_t n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
	if (t < 0 || n < 0 || H5Tget_class(t) != H5T_COMPOUND) {
		rc = dcg_error_set(err, DCG_EHDF5,
				   "%s: /events is not a table of events",
				   f->path);
		goto finish;
	}
	if (n == 0)
		goto finish;
	/* region_name in the file's character set: HDF5 converts no string
	 * between ASCII (as h5py and netCDF write) and UTF-8. */
	H5T_cset_t cset = H5T_CSET_UTF8;
	int nidx = H5Tget_member_index(t, "region_name");
	if (nidx >= 0) {
		hid_t nt = H5Tget_member_type(t, (unsigned)nidx);
		if (nt >= 0) {
			if (H5Tget_class(nt) == H5T_STRING &&
			    H5Tget_cset(nt) == H5T_CSET_ASCII)
				cset = H5T_CSET_ASCII;
			H5Tclose(nt);
		}
	}
	str = H5Tcopy(H5T_C_S1);
	mt = H5Tcreate(H5T_COMPOUND, sizeof(struct row));
	if (str < 0 || mt < 0 || H5Tset_size(str, 64) < 0 ||
	    H5Tset_strpad(str, H5T_STR_NULLTERM) < 0 ||
	    H5Tset_cset(str, cset) < 0 ||
	    H5Tinsert(mt, "region", offsetof(struct row, region),
		      H5T_NATIVE_INT32) < 0 ||
	    H5Tinsert(mt, "region_name", offsetof(struct row, name), str) < 0 ||
	    H5Tinsert(mt, "time", offsetof(struct row, time),
		      H5T_NATIVE_DOUBLE) < 0) {
		rc = h5_fail(f, "H5Tinsert", "/events", err);
		goto finish;
	}
	buf = calloc((size_t)n, sizeof *buf);
	ev = calloc((size_t)n, sizeof *ev);
	if (!buf || !ev) {
		rc = dcg_error_set(err, DCG_ENOMEM, "%s: out of memory",
				   f->path);
		goto finish;
	}
	if (H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
		rc = h5_fail(f, "H5Dread", "/events", err);
		goto finish;
	}
	/* The kind is an enum; read it separately as an integer by member
	 * value (HDF5 converts an enum to an integer of the same base type
	 * only through H5Tenum_valueof, so read the raw field instead). */
	int kidx = H5Tget_member_index(t, "kind");
	if (kidx >= 0) {
		hid_t kt = H5Tget_member_type(t, (unsigned)kidx);
		hid_t kn = kt >= 0 ? H5Tget_native_type(kt, H5T_DIR_ASCEND) : -1;
		hid_t km = H5Tcreate(H5T_COMPOUND, sizeof(int8_t));
		int8_t *kinds = calloc((size_t)n, sizeof *kinds);
		if (kinds && km >= 0 && kn >= 0 && H5Tget_size(kn) == 1 &&
		    H5Tinsert(km, "kind", 0, kn) >= 0 &&
		    H5Dread(ds, km, H5S_ALL, H5S_ALL, H5P_DEFAULT, kinds) >= 0) {
			for (hssize_t i = 0; i < n; i++) {
				int8_t raw = kinds[i];
				char mname[32] = "";
				if (H5Tenum_nameof(kn, &raw, mname,
						   sizeof mname) >= 0)
					buf[i].kind = strcmp(mname, "recover") == 0;
				else
					buf[i].kind = raw != 0;
			}
		}
		free(kinds);
		if (kn >= 0)
			H5Tclose(kn);
		if (km >= 0)
			H5Tclose(km);
		if (kt >= 0)
			H5Tclose(kt);
	}
	for (hssize_t i = 0; i < n; i++) {
		const struct row *r = &buf[i];
		ev[i].region = r->region >= 0 ? (size_t)r->region : 0;
		size_t len = strnlen(r->name, sizeof r->name);
		if (len >= sizeof ev[i].region_name)
			len = sizeof ev[i].region_name - 1;
		memcpy(ev[i].region_name, r->name, len);
		ev[i].region_name[len] = '\0';
		ev[i].kind = r->kind;
		ev[i].time = r->time;
	}
	*ret_events = ev;
	*ret_n = (size_t)n;
	ev = NULL;
finish:
	free(ev);
	free(buf);
	if (str >= 0)
		H5Tclose(str);
	if (mt >= 0)
		H5Tclose(mt);
	if (s >= 0)
		H5Sclose(s);
	if (t >= 0)
		H5Tclose(t);
	if (ds >= 0)
		H5Dclose(ds);
	quiet_end(&q);
	return rc;
}

/* --- Key figures -------------------------------------------------------- */

/* Reads path if present; *ret_data stays NULL when it is absent. */
static int read_optional(struct dcg_h5_file *f, const char *path,
			 double **ret_data, struct dcg_h5_var *ret_var,
			 struct dcg_error *err)
{
	*ret_data = NULL;
	if (!dcg_h5_exists(f, path))
		return 0;
	return dcg_h5_read_doubles(f, path, ret_data, ret_var, err);
}

/* Sum over all but the first axis of row i. */
static double row_sum(const double *d, const struct dcg_h5_var *v, size_t i)
{
	if (!d || v->rank < 1 || i >= v->dims[0])
		return NAN;
	size_t w = v->dims[0] ? v->npoints / v->dims[0] : 0;
	double s = 0.0;
	for (size_t j = 0; j < w; j++)
		s += d[i * w + j];
	return s;
}

int dcg_h5_key_figures(struct dcg_h5_file *f, double year,
		       struct dcg_h5_figures *ret_fig, struct dcg_error *err)
{
	struct dcg_h5_figures g;
	double *time = NULL, *racks = NULL, *stdr = NULL, *itl = NULL;
	double *fac = NULL, *rate = NULL, *yr = NULL, *adc = NULL;
	double *acons = NULL, *aem = NULL, *aun = NULL, *cun = NULL;
	double *cem = NULL, *rm = NULL, *peak = NULL, *firm = NULL;
	struct dcg_h5_var vt, vr, vs, vi, vf, ve, vy, va, vc, vm, vu, vcu, vce;
	struct dcg_h5_var vrm, vp, vfi;
	char **hw = NULL, **regions = NULL, *text = NULL;
	size_t nhw = 0, nreg = 0;
	struct dcg_h5_event *ev = NULL;
	int rc;

	memset(&g, 0, sizeof g);
	memset(&vr, 0, sizeof vr);
	double nan = NAN;
	g.year = year;
	g.t_at = g.t_start = g.t_end = nan;
	g.racks = g.standard_racks = g.it_load_gw = g.facility_load_gw = nan;
	g.dc_energy_twh = g.dc_energy_rate = g.consumption_twh = nan;
	g.emissions_mt = g.unserved_twh = g.unserved_total_twh = nan;
	g.emissions_total_mt = g.rm_at_min = g.rm_min = g.rm_min_time = nan;
	g.peak_demand_gw = g.firm_capacity_gw = nan;

	if (dcg_h5_attr_text(f, "/", "scenario", &text, NULL) == 0) {
		snprintf(g.scenario, sizeof g.scenario, "%s", text);
		free(text);
		text = NULL;
	}
	double complete = 1.0;
	dcg_h5_attr_number(f, "/", "complete", &complete, NULL);
	g.complete = complete != 0.0;
	g.grid = dcg_h5_exists(f, "/grid");

	if ((rc = dcg_h5_read_doubles(f, "/time", &time, &vt, err)) ||
	    (rc = dcg_h5_read_labels(f, "/hardware", &hw, &nhw, err)) ||
	    (rc = dcg_h5_read_labels(f, "/regions", &regions, &nreg, err)) ||
	    (rc = read_optional(f, "/datacenter/racks", &racks, &vr, err)) ||
	    (rc = read_optional(f, "/datacenter/standard_racks", &stdr, &vs,
				err)) ||
	    (rc = read_optional(f, "/datacenter/it_load", &itl, &vi, err)) ||
	    (rc = read_optional(f, "/datacenter/facility_load", &fac, &vf,
				err)) ||
	    (rc = read_optional(f, "/datacenter/energy", &rate, &ve, err)) ||
	    (rc = read_optional(f, "/annual/year", &yr, &vy, err)) ||
	    (rc = read_optional(f, "/annual/dc_energy", &adc, &va, err)) ||
	    (rc = read_optional(f, "/annual/consumption", &acons, &vc, err)) ||
	    (rc = read_optional(f, "/annual/emissions", &aem, &vm, err)) ||
	    (rc = read_optional(f, "/annual/unserved_energy", &aun, &vu,
				err)) ||
	    (rc = read_optional(f, "/cumulative/unserved_energy", &cun, &vcu,
				err)) ||
	    (rc = read_optional(f, "/cumulative/emissions", &cem, &vce, err)) ||
	    (rc = read_optional(f, "/grid/reserve_margin", &rm, &vrm, err)) ||
	    (rc = read_optional(f, "/grid/peak_demand", &peak, &vp, err)) ||
	    (rc = read_optional(f, "/grid/firm_capacity", &firm, &vfi, err)) ||
	    (rc = dcg_h5_read_events(f, &ev, &g.n_events, err)))
		goto finish;
	/* The shapes the sums below index, whatever the file says. */
	static const char *const TRK[] = {"/time", "/regions", "/hardware"};
	static const char *const TR[] = {"/time", "/regions"};
	static const char *const YR[] = {"/annual/year", "/regions"};
	static const char *const Y[] = {NULL};
	const struct {
		const double *d;
		const struct dcg_h5_var *v;
		int rank;
		const char *const *scales;
	} shapes[] = {
		{racks, &vr, 3, TRK}, {stdr, &vs, 2, TR},  {itl, &vi, 2, TR},
		{fac, &vf, 2, TR},    {rate, &ve, 2, TR},  {yr, &vy, 1, Y},
		{adc, &va, 2, YR},    {acons, &vc, 2, YR}, {aem, &vm, 2, YR},
		{aun, &vu, 2, YR},    {cun, &vcu, 2, TR},  {cem, &vce, 2, TR},
		{rm, &vrm, 2, TR},    {peak, &vp, 2, TR},  {firm, &vfi, 2, TR},
	};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
		if (shapes[i].d &&
		    (rc = dcg__h5_check_shape(f->path, shapes[i].v,
					      shapes[i].rank, shapes[i].scales,
					      err)))
			goto finish;
	if (vt.rank != 1) {
		rc = dcg_error_set(err, DCG_EFORMAT,
				   "%s: /time has %d dimensions (expected 1)",
				   f->path, vt.rank);
		goto finish;
	}

	size_t T = vt.npoints;
	if (T > 0) {
		/* A failed run's rows after t_reached are not valid; stop at
		 * the last time reached. */
		double t_reached = time[T - 1];
		if (!g.complete &&
		    dcg_h5_attr_number(f, "/", "t_reached", &t_reached,
				       NULL) == 0)
			while (T > 1 && time[T - 1] > t_reached + 1e-9)
				T--;
		g.t_start = time[0];
		g.t_end = time[T - 1];
		size_t best = 0;
		for (size_t i = 1; i < T; i++)
			if (fabs(time[i] - year) < fabs(time[best] - year))
				best = i;
		g.t_at = time[best];
		g.K = nhw;
		for (size_t k = 0; k < nhw && k < DCG_H5_FIG_CLASSES; k++)
			snprintf(g.hardware[k], sizeof g.hardware[k], "%s",
				 hw[k]);
		if (racks && vr.rank == 3) {
			size_t R = vr.dims[1], K = vr.dims[2];
			g.racks = 0.0;
			for (size_t k = 0; k < K; k++) {
				double s = 0.0;
				for (size_t r = 0; r < R; r++)
					s += racks[(best * R + r) * K + k];
				if (k < DCG_H5_FIG_CLASSES)
					g.racks_by_class[k] = s;
				g.racks += s;
			}
		}
		g.standard_racks = row_sum(stdr, &vs, best);
		g.it_load_gw = row_sum(itl, &vi, best);
		g.facility_load_gw = row_sum(fac, &vf, best);
		g.dc_energy_rate = row_sum(rate, &ve, best);
		g.peak_demand_gw = row_sum(peak, &vp, best);
		g.firm_capacity_gw = row_sum(firm, &vfi, best);
		g.unserved_total_twh = row_sum(cun, &vcu, T - 1);
		g.emissions_total_mt = row_sum(cem, &vce, T - 1);
		if (rm && vrm.rank == 2) {
			size_t R = vrm.dims[1];
			for (size_t i = 0; i < T; i++)
				for (size_t r = 0; r < R; r++) {
					double x = rm[i * R + r];
					if (i == best &&
					    (isnan(g.rm_at_min) || x < g.rm_at_min)) {
						g.rm_at_min = x;
						snprintf(g.rm_at_region,
							 sizeof g.rm_at_region,
							 "%s",
							 r < nreg ? regions[r] : "?");
					}
					if (isnan(g.rm_min) || x < g.rm_min) {
						g.rm_min = x;
						g.rm_min_time = time[i];
						snprintf(g.rm_min_region,
							 sizeof g.rm_min_region,
							 "%s",
							 r < nreg ? regions[r] : "?");
					}
				}
		}
	}
	for (size_t y = 0; yr && y < vy.npoints; y++) {
		if (yr[y] != floor(year))
			continue;
		g.dc_energy_twh = row_sum(adc, &va, y);
		g.consumption_twh = row_sum(acons, &vc, y);
		g.emissions_mt = row_sum(aem, &vm, y);
		g.unserved_twh = row_sum(aun, &vu, y);
	}
	for (size_t i = 0; ev && i < g.n_events; i++)
		if (ev[i].kind == 0)
			g.n_below++;
	*ret_fig = g;
finish:
	free(ev);
	dcg_h5_labels_free(hw, nhw);
	dcg_h5_labels_free(regions, nreg);
	free(time);
	free(racks);
	free(stdr);
	free(itl);
	free(fac);
	free(rate);
	free(yr);
	free(adc);
	free(acons);
	free(aem);
	free(aun);
	free(cun);
	free(cem);
	free(rm);
	free(peak);
	free(firm);
	return rc;
}

/* --- Comparison --------------------------------------------------------- */

struct diff_list {
	struct dcg_h5_diff *v;
	size_t n, cap;
};

static int add_diff(struct diff_list *l, const char *path, const char *what,
		    size_t n_differ, double max_abs)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct dcg_h5_diff *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return DCG_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	struct dcg_h5_diff *d = &l->v[l->n++];
	snprintf(d->path, sizeof d->path, "%s", path);
	d->what = what;
	d->n_differ = n_differ;
	d->max_abs = max_abs;
	return 0;
}

static const struct dcg_h5_var *find_var(const struct dcg_h5_var *v, size_t n,
					 const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].path, path) == 0)
			return &v[i];
	return NULL;
}

/* Reads dataset path in its own file type (raw bytes). */
static int read_raw(struct dcg_h5_file *f, const char *path,
		    unsigned char **ret_buf, size_t *ret_size,
		    struct dcg_error *err)
{
	hid_t ds = open_dataset(f, path), t = -1, s = -1;
	unsigned char *buf = NULL;
	int rc = 0;
	if (ds < 0)
		return no_dataset(f, path, err);
	t = H5Dget_type(ds);
	s = H5Dget_space(ds);
	hssize_t n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
	size_t size = t >= 0 ? H5Tget_size(t) : 0;
	if (n < 0 || size == 0) {
		rc = h5_fail(f, "H5Dget_type", path, err);
		goto finish;
	}
	buf = calloc((size_t)n * size + 1, 1);
	if (!buf) {
		rc = dcg_error_set(err, DCG_ENOMEM, "%s: out of memory",
				   f->path);
		goto finish;
	}
	if (n > 0 &&
	    H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
		rc = h5_fail(f, "H5Dread", path, err);
		goto finish;
	}
	*ret_buf = buf;
	*ret_size = (size_t)n * size;
	buf = NULL;
finish:
	free(buf);
	if (s >= 0)
		H5Sclose(s);
	if (t >= 0)
		H5Tclose(t);
	H5Dclose(ds);
	return rc;
}

static int compare_one(struct dcg_h5_file *a, struct dcg_h5_file *b,
		       const struct dcg_h5_var *va, struct diff_list *l,
		       struct dcg_error *err)
{
	const char *path = va->path;
	int rc = 0;
	if (va->kind == DCG_H5_NUMBER) {
		double *x = NULL, *y = NULL;
		struct dcg_h5_var vx, vy;
		memset(&vx, 0, sizeof vx);
		memset(&vy, 0, sizeof vy);
		if ((rc = dcg_h5_read_doubles(a, path, &x, &vx, err)) ||
		    (rc = dcg_h5_read_doubles(b, path, &y, &vy, err))) {
			free(x);
			return rc;
		}
		/* The shapes were compared by the caller; the smaller count
		 * guards against a file that changed in between. */
		size_t n = vx.npoints < vy.npoints ? vx.npoints : vy.npoints;
		size_t nd = 0;
		double max_abs = 0.0;
		for (size_t i = 0; x && y && i < n; i++) {
			/* Bit for bit: 0.0 and -0.0 differ, equal NaNs match. */
			uint64_t bx, by;
			memcpy(&bx, &x[i], sizeof bx);
			memcpy(&by, &y[i], sizeof by);
			if (bx == by)
				continue;
			nd++;
			double d = fabs(x[i] - y[i]);
			if (isnan(d) || d > max_abs)
				max_abs = isnan(d) ? INFINITY : d;
		}
		free(x);
		free(y);
		return nd ? add_diff(l, path, "values", nd, max_abs) : 0;
	}
	if (va->kind == DCG_H5_STRING && va->rank == 1) {
		char **x = NULL, **y = NULL;
		size_t nx = 0, ny = 0, nd = 0;
		if ((rc = dcg_h5_read_labels(a, path, &x, &nx, err)) ||
		    (rc = dcg_h5_read_labels(b, path, &y, &ny, err))) {
			dcg_h5_labels_free(x, nx);
			return rc;
		}
		for (size_t i = 0; i < nx && i < ny; i++)
			nd += strcmp(x[i], y[i]) != 0;
		dcg_h5_labels_free(x, nx);
		dcg_h5_labels_free(y, ny);
		return nd ? add_diff(l, path, "values", nd, NAN) : 0;
	}
	unsigned char *x = NULL, *y = NULL;
	size_t sx = 0, sy = 0;
	struct quiet q;
	quiet_begin(&q);
	if ((rc = read_raw(a, path, &x, &sx, err)) == 0)
		rc = read_raw(b, path, &y, &sy, err);
	quiet_end(&q);
	if (rc == 0 && x && y && (sx != sy || memcmp(x, y, sx) != 0))
		rc = add_diff(l, path, sx != sy ? "type" : "values", 1, NAN);
	free(x);
	free(y);
	return rc;
}

int dcg_h5_compare(struct dcg_h5_file *a, struct dcg_h5_file *b,
		   struct dcg_h5_diff **ret_diffs, size_t *ret_ndiff,
		   size_t *ret_ncompared, struct dcg_error *err)
{
	struct dcg_h5_var *va = NULL, *vb = NULL;
	size_t na = 0, nb = 0, compared = 0;
	struct diff_list l = {0};
	int rc;
	if ((rc = dcg_h5_list(a, &va, &na, err)) ||
	    (rc = dcg_h5_list(b, &vb, &nb, err)))
		goto finish;
	for (size_t i = 0; i < na; i++) {
		const struct dcg_h5_var *x = &va[i];
		const struct dcg_h5_var *y = find_var(vb, nb, x->path);
		if (!y) {
			rc = add_diff(&l, x->path, "only in A", 0, NAN);
		} else if (x->kind != y->kind) {
			rc = add_diff(&l, x->path, "type", 0, NAN);
		} else if (x->rank != y->rank ||
			   memcmp(x->dims, y->dims, sizeof x->dims) != 0) {
			rc = add_diff(&l, x->path, "shape", 0, NAN);
		} else {
			compared++;
			rc = compare_one(a, b, x, &l, err);
		}
		if (rc == DCG_ENOMEM)
			rc = dcg_error_set(err, DCG_ENOMEM, "out of memory");
		if (rc)
			goto finish;
	}
	for (size_t i = 0; i < nb; i++)
		if (!find_var(va, na, vb[i].path) &&
		    (rc = add_diff(&l, vb[i].path, "only in B", 0, NAN))) {
			rc = dcg_error_set(err, DCG_ENOMEM, "out of memory");
			goto finish;
		}
	*ret_ndiff = l.n;
	if (ret_ncompared)
		*ret_ncompared = compared;
	if (ret_diffs) {
		*ret_diffs = l.v;
		l.v = NULL;
	}
finish:
	free(l.v);
	free(va);
	free(vb);
	return rc;
}
