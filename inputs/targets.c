/* Figures tables (CSV) -> calibration targets, read with Debian's libcsv.
 * The same tables drive scripts/validate. */
#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcgrid/calibrate.h"

enum { COL_ID, COL_DATASET, COL_KIND, COL_TIME, COL_PUBLISHED, COL_COMPARISON,
       COL_TOLERANCE, COL_SOURCE, NCOL };

static const char *const col_names[NCOL] = {
	"id", "dataset", "kind", "time", "published", "comparison", "tolerance", "source"};

struct reader {
	const char *path;
	int col_of[NCOL];       /* column index of each needed field */
	char field[16][160];    /* fields of the current record */
	size_t nfield, line;
	int header_done;
	struct dcg_target *t;
	size_t n, cap;
	int rc;
	struct dcg_error *err;
};

static void on_field(void *s, size_t len, void *data)
{
	struct reader *rd = data;
	if (rd->nfield < 16) {
		size_t k = len < sizeof rd->field[0] - 1 ? len : sizeof rd->field[0] - 1;
		memcpy(rd->field[rd->nfield], s, k);
		rd->field[rd->nfield][k] = '\0';
	}
	rd->nfield++;
}

/* Copies a field into a fixed buffer, cutting it to size. */
static void copy_field(char *dst, size_t size, const char *src)
{
	size_t k = strlen(src);
	if (k >= size)
		k = size - 1;
	memcpy(dst, src, k);
	dst[k] = '\0';
}

static int parse_number(struct reader *rd, int col, double *out)
{
	const char *s = rd->field[rd->col_of[col]];
	char *end;
	errno = 0;
	*out = strtod(s, &end);
	if (end == s || *end != '\0' || errno || !isfinite(*out))
		return rd->rc = dcg_error_set(rd->err, DCG_ECONFIG,
					      "%s:%zu: %s = \"%s\" is not a number",
					      rd->path, rd->line, col_names[col], s);
	return 0;
}

static void on_record(int c, void *data)
{
	struct reader *rd = data;
	(void)c;
	rd->line++;
	size_t nf = rd->nfield;
	rd->nfield = 0;
	if (rd->rc)
		return;
	if (!rd->header_done) {
		rd->header_done = 1;
		for (int k = 0; k < NCOL; k++) {
			rd->col_of[k] = -1;
			for (size_t f = 0; f < nf && f < 16; f++)
				if (strcmp(rd->field[f], col_names[k]) == 0)
					rd->col_of[k] = (int)f;
			if (rd->col_of[k] < 0) {
				rd->rc = dcg_error_set(rd->err, DCG_ECONFIG,
						       "%s:1: the header has no column %s "
						       "(expected id, dataset, kind, time, "
						       "published, comparison, tolerance, source)",
						       rd->path, col_names[k]);
				return;
			}
		}
		return;
	}
	if (rd->n == rd->cap) {
		size_t nc = rd->cap ? 2 * rd->cap : 16;
		struct dcg_target *t = realloc(rd->t, nc * sizeof *t);
		if (!t) {
			rd->rc = dcg_error_set(rd->err, DCG_ENOMEM, "%s: out of memory", rd->path);
			return;
		}
		rd->t = t;
		rd->cap = nc;
	}
	struct dcg_target *t = &rd->t[rd->n];
	memset(t, 0, sizeof *t);
	copy_field(t->id, sizeof t->id, rd->field[rd->col_of[COL_ID]]);
	copy_field(t->dataset, sizeof t->dataset, rd->field[rd->col_of[COL_DATASET]]);
	copy_field(t->source, sizeof t->source, rd->field[rd->col_of[COL_SOURCE]]);
	const char *kind = rd->field[rd->col_of[COL_KIND]];
	if (strcmp(kind, "stock") == 0)
		t->kind = DCG_TARGET_STOCK;
	else if (strcmp(kind, "annual") == 0)
		t->kind = DCG_TARGET_ANNUAL;
	else if (strcmp(kind, "annual_ratio") == 0)
		t->kind = DCG_TARGET_ANNUAL_RATIO;
	else {
		rd->rc = dcg_error_set(rd->err, DCG_ECONFIG,
				       "%s:%zu: kind = \"%s\" is not a valid choice "
				       "(expected stock, annual or annual_ratio)",
				       rd->path, rd->line, kind);
		return;
	}
	double tol;
	if (parse_number(rd, COL_TIME, &t->time) || parse_number(rd, COL_PUBLISHED, &t->value) ||
	    parse_number(rd, COL_TOLERANCE, &tol))
		return;
	if (!(tol > 0.0)) {
		rd->rc = dcg_error_set(rd->err, DCG_ECONFIG,
				       "%s:%zu: tolerance = %g is not positive", rd->path,
				       rd->line, tol);
		return;
	}
	const char *cmp = rd->field[rd->col_of[COL_COMPARISON]];
	t->scale = strcmp(cmp, "approx_abs") == 0 ? tol : fabs(t->value) * tol;
	rd->n++;
}

int dcg_targets_load_csv(const char *path, struct dcg_target **ret,
			 size_t *ret_n, struct dcg_error *err)
{
	struct reader rd = {.path = path, .err = err};
	struct csv_parser p;
	char buf[4096];
	int rc = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return dcg_error_set(err, DCG_EIO, "%s: cannot open: %s", path, strerror(errno));
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		fclose(f);
		return dcg_error_set(err, DCG_ENOMEM, "%s: out of memory", path);
	}
	size_t k;
	while ((k = fread(buf, 1, sizeof buf, f)) > 0 && !rd.rc)
		if (csv_parse(&p, buf, k, on_field, on_record, &rd) != k) {
			rd.rc = dcg_error_set(err, DCG_ECONFIG, "%s: %s", path,
					      csv_strerror(csv_error(&p)));
			break;
		}
	if (!rd.rc)
		csv_fini(&p, on_field, on_record, &rd);
	csv_free(&p);
	if (ferror(f) && !rd.rc)
		rd.rc = dcg_error_set(err, DCG_EIO, "%s: read error", path);
	fclose(f);
	rc = rd.rc;
	if (!rc && rd.n == 0)
		rc = dcg_error_set(err, DCG_ECONFIG, "%s: no figures after the header", path);
	if (rc) {
		free(rd.t);
		return rc;
	}
	*ret = rd.t;
	*ret_n = rd.n;
	return 0;
}
