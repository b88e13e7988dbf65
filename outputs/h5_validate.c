/* The reader's checks of a result file against the schema (docs/output-
 * format.md), made on the dataset list before any value is indexed: a file
 * received from elsewhere, edited with h5py or damaged, is refused with a
 * message instead of being read past a buffer. Plain C over the list that
 * outputs/h5_read.c builds; no HDF5 calls. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "h5_validate.h"

int dcg__h5_check_schema(const char *path, const char *schema,
			 struct dcg_error *err)
{
	const char *p = schema + strlen("dcgrid/");
	bool ok = strncmp(schema, "dcgrid/", 7) == 0 && p[0] == '1';
	if (ok && p[1] == '.') {
		const char *d = p + 2;
		ok = *d != '\0';
		for (; *d; d++)
			ok = ok && *d >= '0' && *d <= '9';
	} else if (ok) {
		ok = p[1] == '\0';
	}
	if (!ok)
		return dcg_error_set(err, DCG_EFORMAT,
				     "%s: schema \"%.64s\" is not one this "
				     "dcgrid reads (dcgrid/1); a newer dcgrid "
				     "may read it",
				     path, schema);
	return 0;
}

static const struct dcg_h5_var *find(const struct dcg_h5_var *v, size_t n,
				     const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].path, path) == 0)
			return &v[i];
	return NULL;
}

static int need_scale(const char *path, const struct dcg_h5_var *v, size_t n,
		      const char *name, enum dcg_h5_kind kind,
		      struct dcg_error *err)
{
	const struct dcg_h5_var *s = find(v, n, name);
	if (!s)
		return dcg_error_set(err, DCG_EFORMAT,
				     "%s: no dataset %s (every dcgrid result "
				     "has one)",
				     path, name);
	if (s->kind != kind || s->rank != 1)
		return dcg_error_set(err, DCG_EFORMAT,
				     "%s: %s has %d dimension%s of %s (expected "
				     "a 1-D %s coordinate)",
				     path, name, s->rank, s->rank == 1 ? "" : "s",
				     s->kind == DCG_H5_NUMBER   ? "numbers"
				     : s->kind == DCG_H5_STRING ? "strings"
								: "another type",
				     kind == DCG_H5_NUMBER ? "numeric" : "string");
	return 0;
}

/* The group of a dataset directly inside a top-level group ("datacenter"
 * for "/datacenter/racks"), or "" otherwise. */
static void top_group(const char *p, char *buf, size_t size)
{
	buf[0] = '\0';
	const char *slash = strchr(p + 1, '/');
	if (p[0] != '/' || !slash || strchr(slash + 1, '/'))
		return;
	size_t len = (size_t)(slash - p - 1);
	if (len >= size)
		return;
	memcpy(buf, p + 1, len);
	buf[len] = '\0';
}

int dcg__h5_check_shape(const char *path, const struct dcg_h5_var *v,
			int rank, const char *const *scales,
			struct dcg_error *err)
{
	if (v->kind != DCG_H5_NUMBER || v->rank != rank)
		return dcg_error_set(err, DCG_EFORMAT,
				     "%s: %s has %d dimension%s%s (expected %d "
				     "of numbers)",
				     path, v->path, v->rank,
				     v->rank == 1 ? "" : "s",
				     v->kind == DCG_H5_NUMBER ? "" : " not of numbers",
				     rank);
	for (int i = 0; i < rank; i++)
		if (scales[i] && strcmp(v->scale_path[i], scales[i]) != 0)
			return dcg_error_set(err, DCG_EFORMAT,
					     "%s: axis %d of %s is %s (expected "
					     "%s)",
					     path, i, v->path,
					     v->scale_path[i][0] ? v->scale_path[i]
								 : "not labelled",
					     scales[i]);
	return 0;
}

int dcg__h5_check_vars(const char *path, const struct dcg_h5_var *v, size_t n,
		       struct dcg_error *err)
{
	int rc;
	if ((rc = need_scale(path, v, n, "/time", DCG_H5_NUMBER, err)) ||
	    (rc = need_scale(path, v, n, "/regions", DCG_H5_STRING, err)) ||
	    (rc = need_scale(path, v, n, "/hardware", DCG_H5_STRING, err)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct dcg_h5_var *x = &v[i];
		for (int d = 0; d < x->rank; d++) {
			if (!x->scale_path[d][0])
				continue;
			const struct dcg_h5_var *s = find(v, n, x->scale_path[d]);
			if (!s || s->rank != 1)
				return dcg_error_set(
					err, DCG_EFORMAT,
					"%s: axis %d of %s is labelled by %s, "
					"which is not a 1-D dataset of the file",
					path, d, x->path, x->scale_path[d]);
			if (s->dims[0] != x->dims[d])
				return dcg_error_set(
					err, DCG_EFORMAT,
					"%s: %s has %zu entries along %s, which "
					"has %zu (a damaged or edited file?)",
					path, x->path, x->dims[d], s->path,
					s->dims[0]);
		}
		char g[32];
		top_group(x->path, g, sizeof g);
		const char *axis0 = NULL;
		if (strcmp(g, "datacenter") == 0 || strcmp(g, "grid") == 0 ||
		    strcmp(g, "cumulative") == 0)
			axis0 = "/time";
		else if (strcmp(g, "annual") == 0 &&
			 strcmp(x->path, "/annual/year") != 0)
			axis0 = "/annual/year";
		if (axis0 && x->kind != DCG_H5_NUMBER)
			return dcg_error_set(err, DCG_EFORMAT,
					     "%s: %s is not numeric (the series "
					     "of /%s are numbers)",
					     path, x->path, g);
		if (axis0 && (x->rank < 1 || strcmp(x->scale_path[0], axis0) != 0))
			return dcg_error_set(err, DCG_EFORMAT,
					     "%s: %s does not run along %s (its "
					     "first axis is %s)",
					     path, x->path, axis0,
					     x->rank < 1 ? "missing"
					     : x->scale_path[0][0]
						     ? x->scale_path[0]
						     : "not labelled");
	}
	return 0;
}
