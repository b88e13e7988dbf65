/* Hourly profiles as a CSV file: reading one over a model's computed
 * profiles, with the checks `dcgrid check` reports, and writing them.
 *
 * The file has a header `region,series,day,0,1,...,23` and one row per
 * region, series and representative day (1 to hours.days) with 24 hourly
 * values; blank lines and lines starting with # are skipped. series is
 * `load` (demand other than data centers, mean 1), `datacenter` (mean 1)
 * or the name of a variable, must-run or hydro technology (output or
 * inflow over capacity, in [0, 1], mean its annual capacity factor). A
 * region and series given must have every day; those left out keep their
 * computed profiles. Fields may be quoted ("...", "" for a quote).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcgrid/config.h"
#include "profiles.h"

#define H DCG_HOURS
#define FIELDS (3 + H)
#define LINE_MAX_LEN 8192
#define LOAD_MAX 100.0 /* a load shape above 100 x its mean is a typo */

struct reader {
	struct dcg_model *m;
	const char *name;
	unsigned line;
	struct dcg_error *err;
	size_t S;              /* series per region: load, datacenter, J */
	unsigned *first_line;  /* R x S: line of the first row, 0 none */
	unsigned char *seen;   /* R x S x D */
};

static int bad(struct reader *rd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(struct reader *rd, const char *fmt, ...)
{
	char msg[DCG_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (rd->line)
		return dcg_error_set(rd->err, DCG_ECONFIG, "%s:%u: %s",
				     rd->name, rd->line, msg);
	return dcg_error_set(rd->err, DCG_ECONFIG, "%s: %s", rd->name, msg);
}

/* Splits line into at most max fields in place (quotes removed, blanks
 * around fields trimmed). Returns the number of fields, or -1 for an
 * unterminated quote. */
static int split(char *line, char **field, int max)
{
	int n = 0;
	char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		char *start = p, *out = p;
		if (*p == '"') {
			p++;
			for (;;) {
				if (!*p)
					return -1;
				if (*p == '"' && p[1] == '"') {
					*out++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*out++ = *p++;
				}
			}
			while (*p && *p != ',')
				p++;
		} else {
			while (*p && *p != ',')
				out = ++p;
			while (out > start && (out[-1] == ' ' || out[-1] == '\t'))
				out--;
		}
		char sep = *p;
		*out = '\0';
		if (n < max)
			field[n] = start;
		n++;
		if (sep != ',')
			break;
		p++;
	}
	return n;
}

static bool is_skip(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return *line == '\0' || *line == '#';
}

static int check_header(struct reader *rd, char **f, int n)
{
	bool ok = n == FIELDS && strcmp(f[0], "region") == 0 &&
		  strcmp(f[1], "series") == 0 && strcmp(f[2], "day") == 0;
	for (int h = 0; ok && h < H; h++) {
		char want[8];
		snprintf(want, sizeof want, "%d", h);
		ok = strcmp(f[3 + h], want) == 0;
	}
	if (!ok)
		return bad(rd, "expected the header region,series,day,0,1,...,23 "
			       "(a row per region, series and day with 24 "
			       "hourly values)");
	return 0;
}

/* The series index of name: 0 load, 1 datacenter, 2 + j technology j. */
static int series_of(struct reader *rd, const char *name, size_t *ret)
{
	const struct dcg_model *m = rd->m;
	if (strcmp(name, "load") == 0) {
		*ret = 0;
		return 0;
	}
	if (strcmp(name, "datacenter") == 0) {
		*ret = 1;
		return 0;
	}
	for (size_t j = 0; j < m->J; j++) {
		if (strcmp(name, m->techs[j].name) != 0)
			continue;
		if (!dcg__tech_has_profile(&m->techs[j]))
			return bad(rd,
				   "series \"%s\" is a technology without an "
				   "hourly profile (expected load, datacenter, "
				   "or a variable, must-run or hydro "
				   "technology)",
				   name);
		*ret = 2 + j;
		return 0;
	}
	return bad(rd,
		   "series \"%s\" is not load, datacenter or a technology "
		   "(expected one of those names)",
		   name);
}

static const char *series_name(const struct dcg_model *m, size_t s)
{
	return s == 0 ? "load" : s == 1 ? "datacenter" : m->techs[s - 2].name;
}

static double *series_ptr(struct dcg_model *m, size_t r, size_t s)
{
	struct dcg_region *rg = &m->regions[r];
	if (s == 0)
		return rg->load_shape;
	if (s == 1)
		return rg->dc_shape;
	return rg->cf_shape + (s - 2) * m->D * H;
}

static int read_row(struct reader *rd, char **f, int n, size_t *hint_r)
{
	struct dcg_model *m = rd->m;
	if (n != FIELDS)
		return bad(rd, "%d fields (expected %d: region, series, day and "
			       "24 hourly values)", n, FIELDS);
	size_t r = *hint_r;
	if (r >= m->R || strcmp(m->regions[r].name, f[0]) != 0) {
		for (r = 0; r < m->R; r++)
			if (strcmp(m->regions[r].name, f[0]) == 0)
				break;
		if (r == m->R)
			return bad(rd, "region \"%s\" is not a region of the "
				       "scenario (expected a regions.[i].name)",
				   f[0]);
		*hint_r = r;
	}
	size_t s = 0;
	int rc = series_of(rd, f[1], &s);
	if (rc)
		return rc;
	char *end;
	errno = 0;
	long day = strtol(f[2], &end, 10);
	if (end == f[2] || *end || errno || day < 1 || (size_t)day > m->D)
		return bad(rd, "day = %s is not a representative day (expected "
			       "1 to %zu, hours.days)",
			   f[2], m->D);
	size_t d = (size_t)day - 1, rs = r * rd->S + s;
	if (rd->seen[rs * m->D + d])
		return bad(rd, "region \"%s\", series %s, day %ld is given "
			       "twice (expected one row per day)",
			   f[0], f[1], day);
	rd->seen[rs * m->D + d] = 1;
	if (!rd->first_line[rs])
		rd->first_line[rs] = rd->line;
	double *x = series_ptr(m, r, s) + d * H;
	double hi = s < 2 ? LOAD_MAX : 1.0;
	for (int h = 0; h < H; h++) {
		const char *t = f[3 + h];
		errno = 0;
		double v = strtod(t, &end);
		if (end == t || *end || errno == ERANGE || !isfinite(v))
			return bad(rd, "hour %d = \"%s\" is not a number "
				       "(expected a finite number)", h, t);
		if (v < 0.0 || v > hi)
			return bad(rd, "hour %d = %s of %s is outside [0, %g] "
				       "(%s)", h, t, f[1], hi,
				   s < 2 ? "a load shape is relative to its "
					   "annual mean"
					 : "a profile is output over capacity");
		x[h] = v;
	}
	return 0;
}

/* Every region and series given: all days, and the annual mean. */
static int check_series(struct reader *rd)
{
	struct dcg_model *m = rd->m;
	for (size_t r = 0; r < m->R; r++) {
		for (size_t s = 0; s < rd->S; s++) {
			size_t rs = r * rd->S + s;
			if (!rd->first_line[rs])
				continue;
			rd->line = rd->first_line[rs];
			size_t have = 0, miss = 0;
			for (size_t d = m->D; d-- > 0;)
				if (rd->seen[rs * m->D + d])
					have++;
				else
					miss = d + 1;
			if (have < m->D)
				return bad(rd, "region \"%s\", series %s has %zu "
					       "of the %zu days (day %zu is "
					       "missing; expected every "
					       "representative day)",
					   m->regions[r].name,
					   series_name(m, s), have, m->D,
					   miss);
			double mean = dcg__profile_mean(m, series_ptr(m, r, s));
			double want = s < 2 ? 1.0
					    : dcg__profile_target_cf(m, r, s - 2);
			if (fabs(mean - want) <= DCG_PROFILE_MEAN_TOL * want)
				continue;
			if (s < 2)
				return bad(rd, "region \"%s\", series %s has "
					       "the day-weighted mean %.6g "
					       "(expected 1 within 0.1 %%: a "
					       "load shape is relative to its "
					       "annual mean)",
					   m->regions[r].name,
					   series_name(m, s), mean);
			return bad(rd, "region \"%s\", series %s has the "
				       "day-weighted mean %.6g (expected %.6g "
				       "within 0.1 %%, its annual capacity "
				       "factor)",
				   m->regions[r].name, series_name(m, s), mean,
				   want);
		}
	}
	return 0;
}

int dcg__profiles_read_csv(struct dcg_model *m, const char *path,
			   const char *name, struct dcg_error *err)
{
	struct reader rd = {.m = m, .name = name, .err = err, .S = 2 + m->J};
	char *buf = NULL;
	int rc = 0;
	FILE *fp = fopen(path, "r");
	if (!fp)
		return dcg_error_set(err, DCG_EIO, "%s: cannot open: %s", name,
				     strerror(errno));
	buf = malloc(LINE_MAX_LEN);
	rd.first_line = calloc(m->R * rd.S + 1, sizeof *rd.first_line);
	rd.seen = calloc(m->R * rd.S * m->D + 1, 1);
	if (!buf || !rd.first_line || !rd.seen) {
		rc = dcg_error_set(err, DCG_ENOMEM, "%s: out of memory", name);
		goto finish;
	}
	bool header = false;
	size_t hint_r = 0;
	while (fgets(buf, LINE_MAX_LEN, fp)) {
		rd.line++;
		size_t len = strlen(buf);
		if (len == LINE_MAX_LEN - 1 && buf[len - 1] != '\n' && !feof(fp)) {
			rc = bad(&rd, "line longer than %d characters",
				 LINE_MAX_LEN - 2);
			goto finish;
		}
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		if (is_skip(buf))
			continue;
		char *f[FIELDS];
		int n = split(buf, f, FIELDS);
		if (n < 0) {
			rc = bad(&rd, "a quoted field has no closing quote");
			goto finish;
		}
		rc = header ? read_row(&rd, f, n, &hint_r)
			    : check_header(&rd, f, n);
		if (rc)
			goto finish;
		header = true;
	}
	if (ferror(fp)) {
		rc = dcg_error_set(err, DCG_EIO, "%s: cannot read: %s", name,
				   strerror(errno));
		goto finish;
	}
	if (!header) {
		rd.line = 0;
		rc = bad(&rd, "holds no header (expected region,series,day,0,1,"
			      "...,23 and a row per region, series and day)");
		goto finish;
	}
	rc = check_series(&rd);
finish:
	fclose(fp);
	free(buf);
	free(rd.first_line);
	free(rd.seen);
	return rc;
}

static void put_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r#") && s[0] != ' ') {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int dcg__profiles_write_csv(const struct dcg_model *m, FILE *f,
			    struct dcg_error *err)
{
	fprintf(f, "# Hourly profiles of scenario %s: %zu representative "
		   "days, clock hours of UTC%+g\nregion,series,day",
		m->scenario, m->D, m->hours.time_zone_h);
	for (int h = 0; h < H; h++)
		fprintf(f, ",%d", h);
	fputc('\n', f);
	struct dcg_model *mm = (struct dcg_model *)(uintptr_t)m;
	for (size_t r = 0; r < m->R; r++) {
		for (size_t s = 0; s < 2 + m->J; s++) {
			if (s >= 2 && !dcg__tech_has_profile(&m->techs[s - 2]))
				continue;
			const double *x = series_ptr(mm, r, s);
			for (size_t d = 0; d < m->D; d++) {
				put_field(f, m->regions[r].name);
				fputc(',', f);
				put_field(f, series_name(m, s));
				fprintf(f, ",%zu", d + 1);
				for (int h = 0; h < H; h++)
					fprintf(f, ",%.17g", x[d * H + h]);
				fputc('\n', f);
			}
		}
	}
	if (ferror(f))
		return dcg_error_set(err, DCG_EIO,
				     "cannot write the profiles: %s",
				     strerror(errno));
	return 0;
}

int dcg_config_write_profiles(const struct dcg_model *m, FILE *f,
			      struct dcg_error *err)
{
	return dcg__profiles_write_csv(m, f, err);
}
