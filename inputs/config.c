/* Loading a scenario: libconfig text -> --set overrides -> struct dcg_model.
 *
 * The file is read into a libconfig tree, every `--set path=value` is
 * applied to that tree, and only then is the tree converted, so an override
 * is validated exactly like the file. Conversion walks the parameter table
 * (params.c) in three steps: the sizes of the lists (to allocate the model
 * with dcg_model_resize), the names of their entries (so that references
 * such as hardware.[k].segment and the technology-keyed maps can be
 * resolved in any order), then every key. Rules that involve several keys
 * (shares summing to 1, the horizon, corridor ends) follow the conversion.
 *
 * Every message starts with where the value came from: FILE:LINE for the
 * file, `--set ARG` for an override (settings written by an override carry
 * the argument in their libconfig hook).
 */
#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dcgrid/config.h"
#include "params.h"
#include "profiles.h"

/* The most output points a run may ask for; beyond this the result would
 * not fit in memory on an ordinary machine anyway. */
#define MAX_OUTPUT_POINTS 1000000.0
#define MAX_HORIZON_YR 500.0
#define SHARE_TOL 1e-6
#define PATH_MAX_LEN 512

/* A list's names in sorted order, so that duplicates and references are
 * found in O(n log n), not O(n^2): a scenario of 1,000,000 regions must
 * load, not hang. */
struct name_ix {
	const char *name; /* borrowed from the model */
	size_t i;         /* index in the list */
};

struct load {
	const char *origin; /* file name or e.g. "<built-in>" */
	const config_t *cfg;
	struct dcg_model *m;
	struct dcg_error *err;
	bool grid;          /* the top-level grid group is present */
	struct name_ix *segment_ix, *region_ix; /* owned, S and R entries */
};

static int convert_section(struct load *ld, const struct dcg__section *sec,
			   const config_setting_t *grp, size_t index,
			   const char *path);
static int prescan(const char *text, size_t len, char *why, size_t size,
		   unsigned *ret_line);
static size_t utf8_seq(const unsigned char *s, size_t n);

/* ---- messages ----------------------------------------------------------- */

static void where(const struct load *ld, const config_setting_t *s,
		  char *buf, size_t size)
{
	const char *set = s ? config_setting_get_hook(s) : NULL;
	if (set) {
		snprintf(buf, size, "--set %s", set);
		return;
	}
	if (!s || config_setting_source_line(s) == 0) {
		snprintf(buf, size, "%s", ld->origin);
		return;
	}
	const char *file = config_setting_source_file(s);
	const char *dir = config_get_include_dir(ld->cfg);
	unsigned line = config_setting_source_line(s);
	if (!file)
		snprintf(buf, size, "%s:%u", ld->origin, line);
	else if (strcmp(file, ld->origin) != 0 && file[0] != '/' && dir &&
		 strcmp(dir, ".") != 0)
		/* libconfig keeps an @include name as written; name it from
		 * the working directory like the scenario itself. */
		snprintf(buf, size, "%s%s%s:%u", dir,
			 dir[strlen(dir) - 1] == '/' ? "" : "/", file, line);
	else
		snprintf(buf, size, "%s:%u", file, line);
}

static int fail(struct load *ld, const config_setting_t *s, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));

static int fail(struct load *ld, const config_setting_t *s, const char *fmt,
		...)
{
	char loc[PATH_MAX_LEN], msg[DCG_ERROR_MSG_MAX];
	va_list ap;
	where(ld, s, loc, sizeof loc);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* DCG_ECONFIG itself rather than dcg_error_set's return, so that the
	 * static analyser sees every caller's error path as non-zero. */
	(void)dcg_error_set(ld->err, DCG_ECONFIG, "%s: %s", loc, msg);
	return DCG_ECONFIG;
}

static int oom(struct load *ld)
{
	return dcg_error_set(ld->err, DCG_ENOMEM,
			     "%s: out of memory reading the scenario",
			     ld->origin);
}

/* The value of s as the user wrote it, shortened for messages. */
static void show_value(const config_setting_t *s, char *buf, size_t size)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		snprintf(buf, size, "%d", config_setting_get_int(s));
		break;
	case CONFIG_TYPE_INT64:
		snprintf(buf, size, "%lld", config_setting_get_int64(s));
		break;
	case CONFIG_TYPE_FLOAT:
		dcg__fmt_number(buf, size, config_setting_get_float(s), true);
		break;
	case CONFIG_TYPE_STRING: {
		const char *str = config_setting_get_string(s);
		snprintf(buf, size, "\"%.60s%s\"", str,
			 strlen(str) > 60 ? "..." : "");
		break;
	}
	case CONFIG_TYPE_BOOL:
		snprintf(buf, size, "%s",
			 config_setting_get_bool(s) ? "true" : "false");
		break;
	case CONFIG_TYPE_GROUP:
		snprintf(buf, size, "{ ... }");
		break;
	case CONFIG_TYPE_LIST:
		snprintf(buf, size, "( ... )");
		break;
	case CONFIG_TYPE_ARRAY:
		snprintf(buf, size, "[ ... ]");
		break;
	default:
		snprintf(buf, size, "?");
		break;
	}
}

static void join_path(char *buf, size_t size, const char *path,
		      const char *key)
{
	snprintf(buf, size, "%s%s%s", path, *path ? "." : "", key);
}

/* " in years" for messages, or "" for dimensionless keys. */
static void in_units(const struct dcg__param *p, char *buf, size_t size)
{
	const char *w = dcg__unit_words(p->unit);
	snprintf(buf, size, "%s%s", w ? " in " : "", w ? w : "");
}

/* What a key of p's type looks like, for wrong-type messages. */
static void expected_type(const struct dcg__param *p, char *buf, size_t size)
{
	char u[64];
	in_units(p, u, sizeof u);
	switch (p->type) {
	case DCG__P_DOUBLE:
		snprintf(buf, size, "a number%s", u);
		break;
	case DCG__P_INT:
		snprintf(buf, size, "an integer, without a decimal point");
		break;
	case DCG__P_BOOL:
		snprintf(buf, size, "true or false");
		break;
	case DCG__P_STRING:
		snprintf(buf, size, "a string in double quotes");
		break;
	case DCG__P_NAME:
		snprintf(buf, size, "a name in double quotes");
		break;
	case DCG__P_ENUM: {
		size_t n = (size_t)snprintf(buf, size, "one of ");
		for (size_t i = 0; p->names[i] && n < size; i++)
			n += (size_t)snprintf(buf + n, size - n, "%s\"%s\"",
					      i ? ", " : "", p->names[i]);
		break;
	}
	case DCG__P_SCHEDULE:
		snprintf(buf, size,
			 "a number or a schedule { year = [...]; value = "
			 "[...]; }%s",
			 u);
		break;
	case DCG__P_TECH_DOUBLES:
		snprintf(buf, size,
			 "a group with a number per technology, e.g. { coal = "
			 "1.0; }%s",
			 u);
		break;
	case DCG__P_TECH_SCHEDULES:
		snprintf(buf, size,
			 "a group with a number or schedule per technology%s",
			 u);
		break;
	case DCG__P_REF_SEGMENT:
		snprintf(buf, size, "the name of a segment in double quotes");
		break;
	case DCG__P_REF_REGION:
		snprintf(buf, size, "the name of a region in double quotes");
		break;
	case DCG__P_GROUP:
		snprintf(buf, size, "a group { ... }");
		break;
	case DCG__P_LIST:
		snprintf(buf, size, "a list ( { ... }, ... ) of %s entries",
			 p->sub->item);
		break;
	case DCG__P_ARRAY:
		if (p->flags & DCG__F_VARLEN)
			snprintf(buf, size, "an array [ ... ] of numbers%s", u);
		else
			snprintf(buf, size, "an array [ ... ] of %zu numbers%s",
				 p->size, u);
		break;
	}
}

static int wrong_type(struct load *ld, const struct dcg__param *p,
		      const config_setting_t *s, const char *path)
{
	char val[128], exp[256];
	show_value(s, val, sizeof val);
	expected_type(p, exp, sizeof exp);
	return fail(ld, s, "%s = %s has the wrong type (expected %s)", path,
		    val, exp);
}

/* "0.1 < life_yr <= 50 years, or -1 for ..." */
static void range_text(const struct dcg__param *p, char *buf, size_t size)
{
	char lo[40], hi[40];
	const char *w = dcg__unit_words(p->unit);
	dcg__fmt_number(lo, sizeof lo, p->min, false);
	dcg__fmt_number(hi, sizeof hi, p->max, false);
	size_t n;
	if (isinf(p->max))
		n = (size_t)snprintf(buf, size, "%s %s %s", p->key,
				     p->flags & DCG__F_MIN_OPEN ? ">" : ">=",
				     lo);
	else
		n = (size_t)snprintf(buf, size, "%s %s %s %s %s", lo,
				     p->flags & DCG__F_MIN_OPEN ? "<" : "<=",
				     p->key,
				     p->flags & DCG__F_MAX_OPEN ? "<" : "<=",
				     hi);
	if (w && n < size)
		n += (size_t)snprintf(buf + n, size - n, " %s", w);
	if ((p->flags & DCG__F_SENTINEL) && n < size)
		snprintf(buf + n, size - n, ", or -1 for %s", p->sentinel);
}

static void list_names(char *buf, size_t size,
		       const char *(*get)(const void *ctx, size_t i),
		       const void *ctx, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len + 1 < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					i ? ", " : "", get(ctx, i));
}

/* " (did you mean x?)" or " (<what>: a, b, c)". */
static void hint(char *buf, size_t size, const char *word, const char *what,
		 const char *(*get)(const void *ctx, size_t i),
		 const void *ctx, size_t n)
{
	const char *s = dcg__suggest(word, get, ctx, n);
	if (s) {
		snprintf(buf, size, " (did you mean %s?)", s);
	} else if (n) {
		char names[600];
		list_names(names, sizeof names, get, ctx, n);
		snprintf(buf, size, " (%s: %s)", what, names);
	} else {
		buf[0] = '\0';
	}
}

static const char *section_key(const void *ctx, size_t i)
{
	return ((const struct dcg__section *)ctx)->params[i].key;
}

static const char *const sched_keys[] = {"interp", "year", "value"};

static const char *sched_key(const void *ctx, size_t i)
{
	(void)ctx;
	return sched_keys[i];
}

static const char *segment_name(const void *ctx, size_t i)
{
	return ((const struct dcg_model *)ctx)->segments[i].name;
}

static const char *region_name(const void *ctx, size_t i)
{
	return ((const struct dcg_model *)ctx)->regions[i].name;
}

static const char *tech_name(const void *ctx, size_t i)
{
	return ((const struct dcg_model *)ctx)->techs[i].name;
}

static int missing(struct load *ld, const config_setting_t *grp,
		   const char *path, const struct dcg__param *p)
{
	const char *w = dcg__unit_words(p->unit);
	char what[400];
	snprintf(what, sizeof what, "%s%s%s", p->doc, w ? ", " : "",
		 w ? w : "");
	if (p->flags & DCG__F_GRID) {
		if (!*path)
			return fail(ld,
				    config_lookup(ld->cfg, "grid"),
				    "grid is present but the required key %s "
				    "is missing (%s)",
				    p->key, what);
		return fail(ld, grp,
			    "%s is missing required key %s (%s; required "
			    "because the top-level grid group is present)",
			    path, p->key, what);
	}
	if (!*path)
		return fail(ld, grp,
			    "the scenario is missing required key %s (%s)",
			    p->key, what);
	return fail(ld, grp, "%s is missing required key %s (%s)", path,
		    p->key, what);
}

static int unknown_key(struct load *ld, const struct dcg__section *sec,
		       const config_setting_t *s, const char *path)
{
	char full[PATH_MAX_LEN], h[700];
	const char *name = config_setting_name(s);
	join_path(full, sizeof full, path, name);
	hint(h, sizeof h, name, "valid keys", section_key, sec, sec->n);
	return fail(ld, s, "unknown key %s%s", full, h);
}

/* ---- scalars ------------------------------------------------------------ */

static bool is_number(const config_setting_t *s)
{
	int t = config_setting_type(s);
	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 ||
	       t == CONFIG_TYPE_FLOAT;
}

static double number_of(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		return config_setting_get_int(s);
	case CONFIG_TYPE_INT64:
		return (double)config_setting_get_int64(s);
	default:
		return config_setting_get_float(s);
	}
}

static int check_range(struct load *ld, const struct dcg__param *p,
		       const config_setting_t *s, const char *path, double v)
{
	char val[128], bound[40], expect[400];
	if (!isfinite(v)) {
		show_value(s, val, sizeof val);
		range_text(p, expect, sizeof expect);
		return fail(ld, s,
			    "%s = %s is not a finite number (expected %s)",
			    path, val, expect);
	}
	if (p->flags & DCG__F_NORANGE)
		return 0;
	if ((p->flags & DCG__F_SENTINEL) && v == -1.0)
		return 0;
	bool open_lo = p->flags & DCG__F_MIN_OPEN,
	     open_hi = p->flags & DCG__F_MAX_OPEN;
	bool low = open_lo ? v <= p->min : v < p->min;
	bool high = open_hi ? v >= p->max : v > p->max;
	if (!low && !high)
		return 0;
	show_value(s, val, sizeof val);
	dcg__fmt_number(bound, sizeof bound, low ? p->min : p->max, false);
	const char *what = low ? (open_lo ? "is at or below the lower limit"
					  : "is below the minimum")
			       : (open_hi ? "is at or above the upper limit"
					  : "is above the maximum");
	if (low && p->why_low)
		snprintf(expect, sizeof expect, "%s", p->why_low);
	else {
		char r[380];
		range_text(p, r, sizeof r);
		snprintf(expect, sizeof expect, "expected %s", r);
	}
	return fail(ld, s, "%s = %s %s %s (%s)", path, val, what, bound,
		    expect);
}

/* A number of key p (also an element of a schedule or map), range-checked. */
static int read_number(struct load *ld, const struct dcg__param *p,
		       const config_setting_t *s, const char *path,
		       double *ret)
{
	if (!is_number(s)) {
		char val[128], u[64];
		show_value(s, val, sizeof val);
		in_units(p, u, sizeof u);
		return fail(ld, s,
			    "%s = %s has the wrong type (expected a number%s)",
			    path, val, u);
	}
	double v = number_of(s);
	int rc = check_range(ld, p, s, path, v);
	if (rc)
		return rc;
	*ret = v;
	return 0;
}

static int read_string(struct load *ld, const struct dcg__param *p,
		       const config_setting_t *s, const char *path,
		       const char **ret)
{
	const char *str = config_setting_type(s) == CONFIG_TYPE_STRING
				  ? config_setting_get_string(s)
				  : NULL;
	if (!str) {
		(void)wrong_type(ld, p, s, path);
		return DCG_ECONFIG;
	}
	*ret = str;
	return 0;
}

static int store_string(struct load *ld, const struct dcg__param *p,
			const config_setting_t *s, const char *path,
			char *field)
{
	const char *str = NULL;
	int rc = read_string(ld, p, s, path, &str);
	if (rc)
		return rc;
	char val[128];
	show_value(s, val, sizeof val);
	size_t len = strlen(str);
	if (len >= p->size)
		return fail(ld, s,
			    "%s = %s is too long (expected at most %zu "
			    "characters)",
			    path, val, p->size - 1);
	if (p->flags & DCG__F_IDENT) {
		if (len == 0)
			return fail(ld, s,
				    "%s = %s is empty (expected 1 to %zu "
				    "characters of A-Z a-z 0-9 . _ -)",
				    path, val, p->size - 1);
		size_t bad = strspn(str, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "abcdefghijklmnopqrstuvwxyz"
					 "0123456789._-");
		if (bad < len)
			return fail(ld, s,
				    "%s = %s contains the character '%c' "
				    "(expected 1 to %zu characters of A-Z a-z "
				    "0-9 . _ -)",
				    path, val, str[bad], p->size - 1);
	}
	memcpy(field, str, len + 1);
	return 0;
}

static int read_enum(struct load *ld, const struct dcg__param *p,
		     const char *const *names, const config_setting_t *s,
		     const char *path, int *ret)
{
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		const char *str = config_setting_get_string(s);
		for (int i = 0; names[i]; i++) {
			if (strcmp(names[i], str) == 0) {
				*ret = i;
				return 0;
			}
		}
	}
	char val[128], exp[256];
	size_t n = (size_t)snprintf(exp, sizeof exp, "expected one of ");
	for (size_t i = 0; names[i] && n < sizeof exp; i++)
		n += (size_t)snprintf(exp + n, sizeof exp - n, "%s\"%s\"",
				      i ? ", " : "", names[i]);
	show_value(s, val, sizeof val);
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail(ld, s, "%s = %s has the wrong type (%s)", path,
			    val, exp);
	(void)p;
	return fail(ld, s, "%s = %s is not a valid choice (%s)", path, val,
		    exp);
}

/* ---- schedules ---------------------------------------------------------- */

static int read_schedule(struct load *ld, const struct dcg__param *p,
			 const config_setting_t *s, const char *path,
			 struct dcg_schedule *out)
{
	double *year = NULL, *value = NULL;
	char epath[PATH_MAX_LEN], val[128], prev[40];
	int rc = 0;

	if (is_number(s)) {
		double v;
		rc = read_number(ld, p, s, path, &v);
		if (rc)
			return rc;
		if (dcg_schedule_set_constant(out, v))
			return oom(ld);
		return 0;
	}
	if (!config_setting_is_group(s))
		return wrong_type(ld, p, s, path);

	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(e);
		bool known = false;
		for (size_t k = 0; k < 3; k++)
			known |= strcmp(name, sched_keys[k]) == 0;
		if (!known) {
			char h[300];
			join_path(epath, sizeof epath, path, name);
			hint(h, sizeof h, name, "valid keys", sched_key, NULL,
			     3);
			return fail(ld, e, "unknown key %s%s", epath, h);
		}
	}

	int interp = DCG_INTERP_LINEAR;
	const config_setting_t *si = config_setting_get_member(s, "interp");
	if (si) {
		join_path(epath, sizeof epath, path, "interp");
		rc = read_enum(ld, p, dcg__interp_names, si, epath, &interp);
		if (rc)
			return rc;
	}
	const config_setting_t *sy = config_setting_get_member(s, "year");
	const config_setting_t *sv = config_setting_get_member(s, "value");
	if (!sy)
		return fail(ld, s,
			    "%s is missing required key year (the years of "
			    "the schedule's points, strictly increasing)",
			    path);
	if (!sv) {
		char u[64];
		in_units(p, u, sizeof u);
		return fail(ld, s,
			    "%s is missing required key value (the values at "
			    "those years%s)",
			    path, u);
	}
	const config_setting_t *arr[2] = {sy, sv};
	for (int a = 0; a < 2; a++) {
		if (config_setting_type(arr[a]) != CONFIG_TYPE_ARRAY &&
		    config_setting_type(arr[a]) != CONFIG_TYPE_LIST) {
			join_path(epath, sizeof epath, path,
				  a ? "value" : "year");
			show_value(arr[a], val, sizeof val);
			return fail(ld, arr[a],
				    "%s = %s has the wrong type (expected an "
				    "array of numbers, e.g. [2024.0, 2030.0])",
				    epath, val);
		}
	}
	size_t ny = (size_t)config_setting_length(sy),
	       nv = (size_t)config_setting_length(sv);
	if (ny == 0)
		return fail(ld, sy,
			    "%s.year is empty (a schedule needs at least one "
			    "point)",
			    path);
	if (ny != nv)
		return fail(ld, s,
			    "%s has %zu years but %zu values (year and value "
			    "need the same length)",
			    path, ny, nv);
	/* The right-hand side looks a schedule up at every evaluation: a
	 * million points made a run take minutes. Monthly points over the
	 * longest horizon (500 years) are 6,000. */
	if (ny > DCG_SCHEDULE_POINTS_MAX)
		return fail(ld, sy,
			    "%s has %zu points (at most %d: a schedule is "
			    "interpolated at every step, so keep it to the "
			    "points that matter)",
			    path, ny, DCG_SCHEDULE_POINTS_MAX);
	year = malloc(ny * sizeof *year);
	value = malloc(ny * sizeof *value);
	if (!year || !value) {
		rc = oom(ld);
		goto finish;
	}
	for (size_t i = 0; i < ny; i++) {
		const config_setting_t *e = config_setting_get_elem(sy, (unsigned)i);
		snprintf(epath, sizeof epath, "%s.year.[%zu]", path, i);
		show_value(e, val, sizeof val);
		if (!is_number(e)) {
			rc = fail(ld, e,
				  "%s = %s has the wrong type (expected a "
				  "number, a decimal year)",
				  epath, val);
			goto finish;
		}
		year[i] = number_of(e);
		if (!isfinite(year[i])) {
			rc = fail(ld, e,
				  "%s = %s is not a finite number (expected a "
				  "decimal year)",
				  epath, val);
			goto finish;
		}
		if (i > 0 && !(year[i] > year[i - 1])) {
			dcg__fmt_number(prev, sizeof prev, year[i - 1], false);
			if (year[i] == year[i - 1])
				rc = fail(ld, e,
					  "%s = %s repeats the previous year "
					  "(years must be strictly "
					  "increasing)",
					  epath, val);
			else
				rc = fail(ld, e,
					  "%s = %s is before the previous year "
					  "%s (years must be strictly "
					  "increasing)",
					  epath, val, prev);
			goto finish;
		}
	}
	for (size_t i = 0; i < ny; i++) {
		const config_setting_t *e = config_setting_get_elem(sv, (unsigned)i);
		snprintf(epath, sizeof epath, "%s.value.[%zu]", path, i);
		rc = read_number(ld, p, e, epath, &value[i]);
		if (rc)
			goto finish;
		if (interp == DCG_INTERP_LOG && !(value[i] > 0.0)) {
			show_value(e, val, sizeof val);
			rc = fail(ld, e,
				  "%s = %s is not positive (interp \"log\" "
				  "needs positive values)",
				  epath, val);
			goto finish;
		}
	}
	dcg_schedule_free(out);
	out->n = ny;
	out->year = year;
	out->value = value;
	out->interp = (enum dcg_interp)interp;
	year = value = NULL;
finish:
	free(value);
	free(year);
	return rc;
}

/* ---- arrays ------------------------------------------------------------- */

/* An array of numbers of key p: its length (p->size, or with F_VARLEN the
 * count at aux_offset, read before it), then each entry range-checked. */
static int read_array(struct load *ld, const struct dcg__param *p,
		      const config_setting_t *s, const char *base,
		      const char *path, double *f)
{
	int t = config_setting_type(s);
	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
		return wrong_type(ld, p, s, path);
	size_t want = dcg__array_len(p, base);
	size_t n = (size_t)config_setting_length(s);
	if (p->flags & DCG__F_UPTO) {
		if (n > p->size)
			return fail(ld, s, "%s has %zu entries, more than the %zu "
				    "allowed", path, n, p->size);
		*(size_t *)((char *)(uintptr_t)base + p->aux_offset) = n;
		want = n;
	}
	if (n != want) {
		if (p->flags & DCG__F_VARLEN)
			return fail(ld, s,
				    "%s has %zu %s, not %zu (one per "
				    "representative day, hours.days = %zu)",
				    path, n, n == 1 ? "entry" : "entries", want,
				    want);
		return fail(ld, s, "%s has %zu %s, not %zu (one per month, "
			    "January to December)", path, n,
			    n == 1 ? "entry" : "entries", want);
	}
	for (size_t i = 0; i < n; i++) {
		char epath[PATH_MAX_LEN + 32];
		snprintf(epath, sizeof epath, "%s.[%zu]", path, i);
		const config_setting_t *e =
			config_setting_get_elem(s, (unsigned)i);
		int rc = read_number(ld, p, e, epath, &f[i]);
		if (rc)
			return rc;
	}
	for (size_t i = n; i < p->size; i++)
		f[i] = 0.0;
	return 0;
}

/* ---- technology-keyed maps ---------------------------------------------- */

static int map_default(struct load *ld, const struct dcg__param *p,
		       void *field, size_t j)
{
	if (p->type == DCG__P_TECH_DOUBLES) {
		/* The technology's own credit is filled in after conversion,
		 * when every technology has been read. */
		(*(double **)field)[j] =
			p->dflt == DCG__D_TECH_CREDIT ? NAN : p->def;
		return 0;
	}
	if (dcg_schedule_set_constant(&(*(struct dcg_schedule **)field)[j],
				      p->def))
		return oom(ld);
	return 0;
}

static int read_map(struct load *ld, const struct dcg__param *p,
		    const config_setting_t *s, const char *path, void *field)
{
	const struct dcg_model *m = ld->m;
	char epath[PATH_MAX_LEN];
	int rc;

	if (s && !config_setting_is_group(s))
		return wrong_type(ld, p, s, path);
	for (int i = 0; s && i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(e);
		bool known = false;
		for (size_t j = 0; j < m->J && !known; j++)
			known = strcmp(name, m->techs[j].name) == 0;
		if (!known) {
			char h[700];
			join_path(epath, sizeof epath, path, name);
			hint(h, sizeof h, name, "technologies", tech_name, m,
			     m->J);
			return fail(ld, e, "unknown technology %s%s", epath,
				    h);
		}
	}
	for (size_t j = 0; j < m->J; j++) {
		const config_setting_t *e =
			s ? config_setting_get_member(s, m->techs[j].name)
			  : NULL;
		if (!e) {
			rc = map_default(ld, p, field, j);
		} else {
			join_path(epath, sizeof epath, path, m->techs[j].name);
			if (p->type == DCG__P_TECH_DOUBLES)
				rc = read_number(ld, p, e, epath,
						 &(*(double **)field)[j]);
			else
				rc = read_schedule(
					ld, p, e, epath,
					&(*(struct dcg_schedule **)field)[j]);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- references and names ----------------------------------------------- */

static int name_ix_cmp(const void *a, const void *b)
{
	const struct name_ix *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

static int name_only_cmp(const void *a, const void *b)
{
	return strcmp(((const struct name_ix *)a)->name,
		      ((const struct name_ix *)b)->name);
}

static int read_ref(struct load *ld, const struct dcg__param *p,
		    const config_setting_t *s, const char *path, size_t *ret)
{
	const struct dcg_model *m = ld->m;
	bool seg = p->type == DCG__P_REF_SEGMENT;
	const char *(*get)(const void *, size_t) = seg ? segment_name
						       : region_name;
	size_t n = seg ? m->S : m->R;
	const char *str = NULL;
	int rc = read_string(ld, p, s, path, &str);
	if (rc)
		return rc;
	const struct name_ix *ix = seg ? ld->segment_ix : ld->region_ix;
	const struct name_ix key = {.name = str}, *hit = NULL;
	if (ix) {
		hit = bsearch(&key, ix, n, sizeof *ix, name_only_cmp);
	} else {
		for (size_t i = 0; i < n && !hit; i++)
			if (strcmp(get(m, i), str) == 0) {
				*ret = i;
				return 0;
			}
	}
	if (hit) {
		*ret = hit->i;
		return 0;
	}
	char val[128], h[700];
	show_value(s, val, sizeof val);
	hint(h, sizeof h, str, seg ? "segments" : "regions", get, m, n);
	return fail(ld, s, "%s = %s is not a %s name%s", path, val,
		    seg ? "segment" : "region", h);
}

/* Checks and stores the name of every entry of list p, so that references
 * and technology maps can be resolved wherever they appear in the file. */
static int read_names(struct load *ld, const struct dcg__param *list,
		      const config_setting_t *s)
{
	const struct dcg__section *sec = list->sub;
	const struct dcg__param *p = dcg__find_param(sec, "name");
	size_t n = dcg__list_len(sec, ld->m);
	char epath[PATH_MAX_LEN], npath[PATH_MAX_LEN + 8], val[128];

	for (size_t i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		snprintf(epath, sizeof epath, "%s.[%zu]", list->key, i);
		if (!config_setting_is_group(e)) {
			show_value(e, val, sizeof val);
			return fail(ld, e,
				    "%s = %s has the wrong type (expected a "
				    "group { name = ...; } describing a %s)",
				    epath, val, sec->item);
		}
		const config_setting_t *ns = config_setting_get_member(e, "name");
		if (!ns)
			return missing(ld, e, epath, p);
		join_path(npath, sizeof npath, epath, "name");
		const char *str = NULL;
		int rc = read_string(ld, p, ns, npath, &str);
		if (rc)
			return rc;
		show_value(ns, val, sizeof val);
		size_t len = strlen(str);
		if (len == 0)
			return fail(ld, ns,
				    "%s = %s is empty (expected 1 to %zu "
				    "characters)",
				    npath, val, p->size - 1);
		if (len >= p->size)
			return fail(ld, ns,
				    "%s = %s is too long (expected at most %zu "
				    "characters)",
				    npath, val, p->size - 1);
		if (p->flags & DCG__F_KEYNAME) {
			bool ok = (str[0] >= 'A' && str[0] <= 'Z') ||
				  (str[0] >= 'a' && str[0] <= 'z');
			ok = ok && strspn(str, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					       "abcdefghijklmnopqrstuvwxyz"
					       "0123456789_-") == len;
			if (!ok)
				return fail(ld, ns,
					    "%s = %s is not a valid %s name "
					    "(it is a key in the regions' grid "
					    "maps: a letter, then letters, "
					    "digits, - or _)",
					    npath, val, sec->item);
		}
		memcpy((char *)dcg__base_ptr(sec, ld->m, i) + p->offset, str,
		       len + 1);
	}

	/* Unique names: sorted by name, then index, the first repeat in file
	 * order is the smallest second index of a run of equal names. */
	struct name_ix *ix = malloc((n ? n : 1) * sizeof *ix);
	if (!ix)
		return oom(ld);
	for (size_t i = 0; i < n; i++)
		ix[i] = (struct name_ix){
			.name = (const char *)dcg__base_ptr(sec, ld->m, i) +
				p->offset,
			.i = i};
	qsort(ix, n, sizeof *ix, name_ix_cmp);
	size_t first = 0, dup = SIZE_MAX, orig = 0;
	for (size_t j = 1; j < n; j++) {
		if (strcmp(ix[j].name, ix[j - 1].name) != 0) {
			first = j;
			continue;
		}
		if (j == first + 1 && ix[j].i < dup) {
			dup = ix[j].i;
			orig = ix[first].i;
		}
	}
	if (dup != SIZE_MAX) {
		free(ix);
		const config_setting_t *ns = config_setting_get_member(
			config_setting_get_elem(s, (unsigned)dup), "name");
		snprintf(epath, sizeof epath, "%s.[%zu]", list->key, dup);
		join_path(npath, sizeof npath, epath, "name");
		show_value(ns, val, sizeof val);
		return fail(ld, ns,
			    "%s = %s repeats the name of %s.[%zu] (names must "
			    "be unique)",
			    npath, val, list->key, orig);
	}
	if (sec->base == DCG__B_SEGMENT && !ld->segment_ix)
		ld->segment_ix = ix;
	else if (sec->base == DCG__B_REGION && !ld->region_ix)
		ld->region_ix = ix;
	else
		free(ix);
	return 0;
}

/* ---- sections ----------------------------------------------------------- */

static int apply_default(struct load *ld, const struct dcg__param *p,
			 const config_setting_t *grp, char *base,
			 size_t index, const char *path)
{
	void *f = base + p->offset;
	switch (p->dflt) {
	case DCG__D_REQUIRED:
		return missing(ld, grp, path, p);
	case DCG__D_NUMBER:
		switch (p->type) {
		case DCG__P_DOUBLE:
			*(double *)f = p->scale ? p->def / p->scale : p->def;
			return 0;
		case DCG__P_INT:
			*(size_t *)f = (size_t)p->def;
			return 0;
		case DCG__P_BOOL:
			*(bool *)f = p->def != 0.0;
			return 0;
		case DCG__P_SCHEDULE:
			if (dcg_schedule_set_constant(f, p->def))
				return oom(ld);
			return 0;
		case DCG__P_TECH_DOUBLES:
		case DCG__P_TECH_SCHEDULES:
			return read_map(ld, p, NULL, path, f);
		case DCG__P_ARRAY:
			for (size_t i = 0; i < p->size; i++)
				((double *)f)[i] = p->defs ? p->defs[i] : p->def;
			return 0;
		default:
			break;
		}
		break;
	case DCG__D_TEXT:
		if (p->type == DCG__P_STRING) {
			snprintf(f, p->size, "%s", p->def_text);
			return 0;
		}
		for (int i = 0; p->names[i]; i++)
			if (strcmp(p->names[i], p->def_text) == 0)
				*(int *)f = i;
		return 0;
	case DCG__D_FROM_KEY:
		if (dcg_schedule_set_constant(
			    f, *(const double *)(base + p->aux_offset)))
			return oom(ld);
		return 0;
	case DCG__D_UNSET:
		*(bool *)(base + p->aux_offset) = false;
		if (p->type == DCG__P_SCHEDULE)
			dcg_schedule_free(f);
		return 0;
	case DCG__D_TECH_CREDIT:
		return read_map(ld, p, NULL, path, f);
	case DCG__D_SECTION:
		if (p->type == DCG__P_GROUP)
			return convert_section(ld, p->sub, NULL, index, path);
		return 0;
	case DCG__D_RULE:
		memset(f, 0, p->size * sizeof(double));
		if (p->flags & DCG__F_UPTO)
			*(size_t *)((char *)(uintptr_t)base + p->aux_offset) = 0;
		return 0;
	}
	return dcg_error_set(ld->err, DCG_EINTERNAL,
			     "no default rule for key %s", p->key);
}

static int convert_param(struct load *ld, const struct dcg__param *p,
			 const config_setting_t *grp,
			 const config_setting_t *s, char *base, size_t index,
			 const char *parent)
{
	char path[PATH_MAX_LEN];
	void *f = base + p->offset;
	int rc = 0;

	join_path(path, sizeof path, parent, p->key);
	if (!s) {
		if (p->dflt == DCG__D_REQUIRED)
			return missing(ld, grp, parent, p);
		return apply_default(ld, p, grp, base, index, path);
	}
	switch (p->type) {
	case DCG__P_DOUBLE: {
		double v;
		rc = read_number(ld, p, s, path, &v);
		if (rc == 0)
			*(double *)f = p->scale ? v / p->scale : v;
		return rc;
	}
	case DCG__P_INT: {
		int t = config_setting_type(s);
		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
			return wrong_type(ld, p, s, path);
		long long v = config_setting_get_int64(s);
		if (t == CONFIG_TYPE_INT)
			v = config_setting_get_int(s);
		rc = check_range(ld, p, s, path, (double)v);
		if (rc == 0)
			*(size_t *)f = (size_t)v;
		return rc;
	}
	case DCG__P_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return wrong_type(ld, p, s, path);
		*(bool *)f = config_setting_get_bool(s) != 0;
		return 0;
	case DCG__P_STRING:
		return store_string(ld, p, s, path, f);
	case DCG__P_NAME:
		/* Read with the list structure, before any other key. */
		return 0;
	case DCG__P_ENUM:
		return read_enum(ld, p, p->names, s, path, f);
	case DCG__P_SCHEDULE:
		rc = read_schedule(ld, p, s, path, f);
		if (rc == 0 && p->dflt == DCG__D_UNSET)
			*(bool *)(base + p->aux_offset) = true;
		return rc;
	case DCG__P_TECH_DOUBLES:
	case DCG__P_TECH_SCHEDULES:
		return read_map(ld, p, s, path, f);
	case DCG__P_REF_SEGMENT:
	case DCG__P_REF_REGION:
		return read_ref(ld, p, s, path, f);
	case DCG__P_GROUP:
		if (!config_setting_is_group(s))
			return wrong_type(ld, p, s, path);
		if (p->dflt == DCG__D_UNSET)
			*(bool *)(base + p->aux_offset) = true;
		return convert_section(ld, p->sub, s, index, path);
	case DCG__P_ARRAY:
		return read_array(ld, p, s, base, path, f);
	case DCG__P_LIST: {
		/* Types and lengths were checked when sizing the model. */
		size_t n = dcg__list_len(p->sub, ld->m);
		for (size_t i = 0; i < n && rc == 0; i++) {
			char epath[PATH_MAX_LEN + 32];
			snprintf(epath, sizeof epath, "%s.[%zu]", path, i);
			rc = convert_section(
				ld, p->sub,
				config_setting_get_elem(s, (unsigned)i), i,
				epath);
		}
		return rc;
	}
	}
	return dcg_error_set(ld->err, DCG_EINTERNAL, "key %s has no type",
			     p->key);
}

static int check_keys(struct load *ld, const struct dcg__section *sec,
		      const config_setting_t *grp, const char *path)
{
	for (int i = 0; grp && i < config_setting_length(grp); i++) {
		const config_setting_t *e = config_setting_get_elem(grp, (unsigned)i);
		/* The top-level explorer group lists the key assumptions that
		 * `dcgrid serve` offers as sliders; the model does not read it
		 * (app/serve_explorer.c does). */
		if (sec == &dcg__root &&
		    strcmp(config_setting_name(e), DCG_CONFIG_EXPLORER_KEY) == 0)
			continue;
		if (!dcg__find_param(sec, config_setting_name(e)))
			return unknown_key(ld, sec, e, path);
	}
	return 0;
}

static int convert_section(struct load *ld, const struct dcg__section *sec,
			   const config_setting_t *grp, size_t index,
			   const char *path)
{
	char *base = dcg__base_ptr(sec, ld->m, index);
	int rc = check_keys(ld, sec, grp, path);
	for (size_t i = 0; i < sec->n && rc == 0; i++) {
		const struct dcg__param *p = &sec->params[i];
		const config_setting_t *s =
			grp ? config_setting_get_member(grp, p->key) : NULL;
		if ((p->flags & DCG__F_GRID) && !ld->grid) {
			if (s) {
				char full[PATH_MAX_LEN];
				join_path(full, sizeof full, path, p->key);
				return fail(ld, s,
					    "%s is given but there is no "
					    "top-level grid group (add grid = "
					    "{ ... } to model the grid, or "
					    "remove %s)",
					    full, full);
			}
			continue;
		}
		rc = convert_param(ld, p, grp, s, base, index, path);
	}
	return rc;
}

/* Sizes the model from the lists at the top level and reads their names. */
static int size_model(struct load *ld, const config_setting_t *root)
{
	size_t count[DCG__B_CORRIDOR + 1] = {0};
	const config_setting_t *lists[DCG__B_CORRIDOR + 1] = {0};
	const struct dcg__param *params[DCG__B_CORRIDOR + 1] = {0};

	for (size_t i = 0; i < dcg__root.n; i++) {
		const struct dcg__param *p = &dcg__root.params[i];
		if (p->type != DCG__P_LIST)
			continue;
		const config_setting_t *s =
			config_setting_get_member(root, p->key);
		if ((p->flags & DCG__F_GRID) && !ld->grid) {
			if (s)
				return fail(ld, s,
					    "%s is given but there is no "
					    "top-level grid group (add grid = "
					    "{ ... } to model the grid, or "
					    "remove %s)",
					    p->key, p->key);
			continue;
		}
		if (!s) {
			if (p->dflt == DCG__D_REQUIRED)
				return missing(ld, root, "", p);
			continue;
		}
		int t = config_setting_type(s);
		if (t != CONFIG_TYPE_LIST &&
		    !(t == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0))
			return wrong_type(ld, p, s, p->key);
		size_t n = (size_t)config_setting_length(s);
		if (n == 0 && !(p->flags & DCG__F_MAYBE_EMPTY))
			return fail(ld, s,
				    "%s is empty (at least one %s is "
				    "required)",
				    p->key, p->sub->item);
		count[p->sub->base] = n;
		lists[p->sub->base] = s;
		params[p->sub->base] = p;
	}
	int rc = dcg_model_resize(ld->m, count[DCG__B_REGION],
				  count[DCG__B_CLASS], count[DCG__B_SEGMENT],
				  count[DCG__B_TECH], count[DCG__B_CORRIDOR],
				  ld->err);
	if (rc)
		return rc;
	for (size_t b = 0; b <= DCG__B_CORRIDOR && rc == 0; b++)
		if (lists[b])
			rc = read_names(ld, params[b], lists[b]);
	return rc;
}

/* ---- rules across keys -------------------------------------------------- */

/* Planned closures (negative planned additions) must not close more than
 * was installed at the start plus what was planned to be added by then;
 * retirements and market-driven investment are left out, so the check is
 * on the plan itself. Walks the horizon in 4000 midpoint steps. */
static int check_closures(struct load *ld, size_t r, size_t j)
{
	const struct dcg_model *m = ld->m;
	const struct dcg_schedule *p = &m->regions[r].planned_gw_per_yr[j];
	bool negative = false;
	for (size_t i = 0; i < p->n; i++)
		negative |= p->value[i] < 0.0;
	if (!negative)
		return 0;
	enum { STEPS = 4000 };
	double h = (m->t1 - m->t0) / STEPS, added = 0.0, closed = 0.0;
	double installed = m->regions[r].capacity_gw[j];
	for (int i = 0; i < STEPS; i++) {
		double v = dcg_schedule_eval(p, m->t0 + ((double)i + 0.5) * h);
		added += fmax(v, 0.0) * h;
		closed += fmax(-v, 0.0) * h;
		if (closed <= installed + added + 1e-9 * fmax(installed, 1.0))
			continue;
		char path[PATH_MAX_LEN], a[40], b[40], c[40], t[40], t0[40];
		snprintf(path, sizeof path, "regions.[%zu].grid.planned_gw_per_yr.%s",
			 r, m->techs[j].name);
		dcg__fmt_number(a, sizeof a, round(closed * 1e3) / 1e3, false);
		dcg__fmt_number(b, sizeof b, installed, false);
		dcg__fmt_number(c, sizeof c, round(added * 1e3) / 1e3, false);
		dcg__fmt_number(t, sizeof t, round((m->t0 + (double)(i + 1) * h) * 1e3) / 1e3,
				false);
		dcg__fmt_number(t0, sizeof t0, m->t0, false);
		return fail(ld, config_lookup(ld->cfg, path),
			    "%s closes %s GW by %s, but only %s GW is installed "
			    "at horizon.start = %s plus %s GW of planned "
			    "additions (a closure cannot exceed what is "
			    "installed)",
			    path, a, t, b, t0, c);
	}
	return 0;
}

static int check_model(struct load *ld)
{
	struct dcg_model *m = ld->m;
	const config_t *cfg = ld->cfg;
	char a[64], b[64], c[64];

	const config_setting_t *end = config_lookup(cfg, "horizon.end");
	dcg__fmt_number(a, sizeof a, m->t1, false);
	dcg__fmt_number(b, sizeof b, m->t0, false);
	if (!(m->t1 > m->t0))
		return fail(ld, end,
			    "horizon.end = %s is not after horizon.start = %s "
			    "(the horizon needs end > start)",
			    a, b);
	if (m->t1 - m->t0 > MAX_HORIZON_YR)
		return fail(ld, end,
			    "horizon.end = %s is more than 500 years after "
			    "horizon.start = %s (a horizon spans at most 500 "
			    "years)",
			    a, b);
	double points = floor((m->t1 - m->t0) / m->output_step_yr + 1e-9) + 1;
	if (points > MAX_OUTPUT_POINTS) {
		const config_setting_t *s =
			config_lookup(cfg, "horizon.output_step_yr");
		dcg__fmt_number(c, sizeof c, m->output_step_yr, false);
		return fail(ld, s ? s : config_lookup(cfg, "horizon"),
			    "horizon.output_step_yr = %s gives %.0f output "
			    "points (at most 1000000; use a larger step or a "
			    "shorter horizon)",
			    c, points);
	}

	double sum = 0.0;
	for (size_t r = 0; r < m->R; r++)
		sum += m->regions[r].initial_share;
	if (fabs(sum - 1.0) > SHARE_TOL)
		return fail(ld, config_lookup(cfg, "regions"),
			    "the regions' initial_share values sum to %.9g, "
			    "not 1 (they must sum to 1 within 1e-6)",
			    sum);

	for (size_t r = 0; m->grid_enabled && r < m->R; r++) {
		struct dcg_region *rg = &m->regions[r];
		double mix = 0.0;
		for (size_t j = 0; j < m->J; j++) {
			/* Technologies a region does not override count with
			 * their national capacity credit. */
			if (isnan(rg->capacity_credit[j]))
				rg->capacity_credit[j] =
					m->techs[j].capacity_credit;
			mix += dcg_schedule_eval(&rg->mix[j], m->t0);
		}
		if (!(mix > 0.0)) {
			char path[PATH_MAX_LEN];
			snprintf(path, sizeof path, "regions.[%zu].grid.mix", r);
			const config_setting_t *s = config_lookup(cfg, path);
			if (!s) {
				snprintf(path, sizeof path, "regions.[%zu].grid",
					 r);
				s = config_lookup(cfg, path);
			}
			dcg__fmt_number(c, sizeof c, mix, false);
			return fail(ld, s,
				    "regions.[%zu].grid.mix sums to %s at "
				    "horizon.start = %s (at least one "
				    "technology needs a positive investment "
				    "share)",
				    r, c, b);
		}
	}

	if (m->grid_enabled && m->hours.day_weights[0] > 0.0) {
		double wsum = 0.0;
		for (size_t d = 0; d < m->hours.days; d++)
			wsum += m->hours.day_weights[d];
		if (fabs(wsum - 365.0) > SHARE_TOL * 365.0) {
			dcg__fmt_number(c, sizeof c, wsum, false);
			return fail(ld, config_lookup(cfg, "hours.day_weights"),
				    "hours.day_weights sum to %s, not 365 (each "
				    "representative day stands for its share "
				    "of a 365-day year)",
				    c);
		}
	}
	for (size_t r = 0; m->grid_enabled && r < m->R; r++)
		for (size_t j = 0; j < m->J; j++) {
			int rc = check_closures(ld, r, j);
			if (rc)
				return rc;
		}

	for (size_t l = 0; l < m->L; l++) {
		const struct dcg_corridor *cr = &m->corridors[l];
		if (cr->from != cr->to)
			continue;
		char path[PATH_MAX_LEN];
		snprintf(path, sizeof path, "corridors.[%zu].to", l);
		return fail(ld, config_lookup(cfg, path),
			    "corridors.[%zu].to = \"%s\" is the same region as "
			    "from (a corridor joins two different regions)",
			    l, m->regions[cr->to].name);
	}
	return 0;
}

static int convert(struct load *ld)
{
	const config_setting_t *root = config_root_setting(ld->cfg);
	if (config_setting_length(root) == 0)
		return fail(ld, NULL,
			    "holds no settings (expected a scenario; "
			    "`dcgrid config` prints a complete one to start "
			    "from)");
	int rc = check_keys(ld, &dcg__root, root, "");
	if (rc)
		return rc;
	ld->grid = config_setting_get_member(root, "grid") != NULL;
	rc = size_model(ld, root);
	if (rc)
		return rc;
	rc = convert_section(ld, &dcg__root, root, 0, "");
	if (rc)
		return rc;
	return check_model(ld);
}

/* ---- --set overrides ---------------------------------------------------- */

static int set_fail(struct load *ld, const char *arg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_fail(struct load *ld, const char *arg, const char *fmt, ...)
{
	char msg[DCG_ERROR_MSG_MAX], shown[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* The argument as typed, but bytes that are not UTF-8 or are control
	 * characters as \xNN, so that the message itself is clean text. */
	size_t n = 0, len = strlen(arg);
	for (size_t i = 0; i < len && n + 8 < sizeof shown;) {
		const unsigned char *c = (const unsigned char *)arg + i;
		size_t k = utf8_seq(c, len - i);
		if (k == 0 || *c < 0x20 || *c == 0x7f) {
			n += (size_t)snprintf(shown + n, sizeof shown - n,
					      "\\x%02X", *c);
			i++;
		} else {
			memcpy(shown + n, c, k);
			n += k;
			i += k;
		}
	}
	shown[n] = '\0';
	(void)dcg_error_set(ld->err, DCG_ECONFIG, "--set %s: %s", shown, msg);
	return DCG_ECONFIG;
}

/* Deep copy of src under parent (name NULL inside lists and arrays). The
 * copy keeps src's file, line and hook unless hook is given. */
static config_setting_t *copy_setting(config_setting_t *parent,
				      const char *name,
				      const config_setting_t *src, void *hook)
{
	int t = config_setting_type(src);
	if (config_setting_type(parent) != CONFIG_TYPE_GROUP)
		name = NULL;
	config_setting_t *d = config_setting_add(parent, name, t);
	if (!d)
		return NULL;
	int ok = CONFIG_TRUE;
	switch (t) {
	case CONFIG_TYPE_INT:
		ok = config_setting_set_int(d, config_setting_get_int(src));
		break;
	case CONFIG_TYPE_INT64:
		ok = config_setting_set_int64(d, config_setting_get_int64(src));
		break;
	case CONFIG_TYPE_FLOAT:
		ok = config_setting_set_float(d, config_setting_get_float(src));
		break;
	case CONFIG_TYPE_STRING:
		ok = config_setting_set_string(d,
					       config_setting_get_string(src));
		break;
	case CONFIG_TYPE_BOOL:
		ok = config_setting_set_bool(d, config_setting_get_bool(src));
		break;
	default:
		for (int i = 0; i < config_setting_length(src); i++) {
			const config_setting_t *e =
				config_setting_get_elem(src, (unsigned)i);
			if (!copy_setting(d, config_setting_name(e), e, hook))
				return NULL;
		}
		break;
	}
	if (!ok)
		return NULL;
	/* Keep the origin so that messages about moved settings still name
	 * the right file and line. */
	d->line = src->line;
	d->file = src->file;
	config_setting_set_hook(d, hook ? hook : config_setting_get_hook(src));
	return d;
}

/* Replaces element idx of a list or array. libconfig can only append, so
 * the elements after idx are moved aside and appended again. */
static int replace_elem(config_setting_t *parent, unsigned idx,
			const config_setting_t *value, void *hook)
{
	config_t tmp;
	int rc = -1;
	config_init(&tmp);
	config_setting_t *hold = config_setting_add(config_root_setting(&tmp),
						    "hold", CONFIG_TYPE_LIST);
	unsigned n = (unsigned)config_setting_length(parent);
	if (!hold)
		goto finish;
	for (unsigned i = idx + 1; i < n; i++)
		if (!copy_setting(hold, NULL,
				  config_setting_get_elem(parent, i), NULL))
			goto finish;
	for (unsigned i = n; i-- > idx;)
		config_setting_remove_elem(parent, i);
	if (!copy_setting(parent, NULL, value, hook))
		goto finish;
	for (int i = 0; i < config_setting_length(hold); i++)
		if (!copy_setting(parent, NULL,
				  config_setting_get_elem(hold, (unsigned)i),
				  NULL))
			goto finish;
	rc = 0;
finish:
	config_destroy(&tmp);
	return rc;
}

/* Where the walk along an override path stands. */
enum walk_state {
	W_SECTION, /* a group described by sec */
	W_LIST,    /* a list of p->sub entries */
	W_SCHED,   /* a schedule group of key p */
	W_ARRAY,   /* the year or value array of a schedule */
	W_MAP,     /* a technology-keyed map of key p */
	W_LEAF,    /* a single value */
};

static enum walk_state state_of(const struct dcg__param *p)
{
	switch (p->type) {
	case DCG__P_GROUP:
		return W_SECTION;
	case DCG__P_LIST:
		return W_LIST;
	case DCG__P_SCHEDULE:
		return W_SCHED;
	case DCG__P_TECH_DOUBLES:
	case DCG__P_TECH_SCHEDULES:
		return W_MAP;
	case DCG__P_ARRAY:
		return W_ARRAY;
	default:
		return W_LEAF;
	}
}

static int apply_set(struct load *ld, config_t *cfg, const char *arg)
{
	char path[PATH_MAX_LEN], cpath[PATH_MAX_LEN] = "";
	char *text = NULL;
	config_t vc;
	int rc = 0;
	void *hook = (void *)(uintptr_t)arg;

	config_init(&vc);
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg) {
		rc = set_fail(ld, arg,
			      "expected path=value, e.g. horizon.end=2036");
		goto finish;
	}
	/* Blanks around the path and the '=' are allowed, as in the file. */
	const char *pstart = arg;
	while (*pstart == ' ' || *pstart == '\t')
		pstart++;
	size_t plen = (size_t)(eq - pstart);
	while (plen > 0 && (pstart[plen - 1] == ' ' || pstart[plen - 1] == '\t'))
		plen--;
	if (plen == 0) {
		rc = set_fail(ld, arg,
			      "expected path=value, e.g. horizon.end=2036");
		goto finish;
	}
	if (plen >= sizeof path) {
		rc = set_fail(ld, arg, "the path is too long");
		goto finish;
	}
	memcpy(path, pstart, plen);
	path[plen] = '\0';
	const char *value = eq + 1;
	while (*value == ' ' || *value == '\t')
		value++;
	if (!*value) {
		rc = set_fail(ld, arg,
			      "the value is empty (expected a number, \"text\" "
			      "in double quotes, true, false, a group { ... } or "
			      "a list ( ... ))");
		goto finish;
	}

	{
		char why[400];
		unsigned line;
		if (prescan(value, strlen(value), why, sizeof why, &line)) {
			rc = set_fail(ld, arg, "%s", why);
			goto finish;
		}
	}
	/* The value is read by libconfig itself, as the right-hand side of a
	 * one-line file, so it has exactly the syntax of the file. */
	size_t tl = strlen(value) + 16;
	text = malloc(tl);
	if (!text) {
		rc = oom(ld);
		goto finish;
	}
	snprintf(text, tl, "x = %s;\n", value);
	const config_setting_t *val = NULL;
	if (config_read_string(&vc, text) &&
	    config_setting_length(config_root_setting(&vc)) == 1)
		val = config_setting_get_member(config_root_setting(&vc), "x");
	if (!val && ((value[0] >= 'A' && value[0] <= 'Z') ||
		     (value[0] >= 'a' && value[0] <= 'z')) &&
	    strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
				  "vwxyz0123456789._-") == strlen(value)) {
		/* The commonest slip: a string without its quotes. */
		rc = set_fail(ld, arg,
			      "cannot read the value %s (a string needs double "
			      "quotes: --set '%s=\"%s\"')",
			      value, path, value);
		goto finish;
	}
	if (!val) {
		rc = set_fail(ld, arg,
			      "cannot read the value %s (expected a number, "
			      "\"text\" in double quotes, true, false, a group "
			      "{ ... } or a list ( ... ))",
			      value);
		goto finish;
	}

	config_setting_t *cur = config_root_setting(cfg), *parent = NULL;
	const struct dcg__section *sec = &dcg__root;
	const struct dcg__param *p = NULL;
	enum walk_state st = W_SECTION;
	const char *last_key = NULL;
	unsigned last_idx = 0;
	char *save = NULL;
	if (path[0] == '.' || path[plen - 1] == '.' || strstr(path, "..")) {
		rc = set_fail(ld, arg, "the path %s has an empty key", path);
		goto finish;
	}
	for (char *tok = strtok_r(path, ".", &save); tok;
	     tok = strtok_r(NULL, ".", &save)) {
		bool last = save == NULL || *save == '\0';
		char here[PATH_MAX_LEN];
		if (tok[0] == '[') {
			char *endp;
			errno = 0;
			unsigned long idx = strtoul(tok + 1, &endp, 10);
			if (tok[1] < '0' || tok[1] > '9' || endp[0] != ']' ||
			    endp[1] != '\0' || errno) {
				rc = set_fail(ld, arg,
					      "%s is not a list index (expected "
					      ".[0], .[1], ...)",
					      tok);
				goto finish;
			}
			if (st != W_LIST && st != W_ARRAY) {
				rc = set_fail(ld, arg,
					      "%s is not a list (select a key "
					      "with .name)",
					      *cpath ? cpath : "the top level");
				goto finish;
			}
			unsigned n = cur ? (unsigned)config_setting_length(cur)
					 : 0;
			if (n == 0) {
				rc = set_fail(ld, arg, "%s has no entries",
					      cpath);
				goto finish;
			}
			if (idx >= n) {
				rc = set_fail(ld, arg,
					      "%s has %u %s (%s 0 to %u)", cpath,
					      n, n == 1 ? "entry" : "entries",
					      n == 1 ? "index" : "indices",
					      n - 1);
				goto finish;
			}
			snprintf(here, sizeof here, "%.480s.[%lu]", cpath, idx);
			parent = cur;
			cur = config_setting_get_elem(cur, (unsigned)idx);
			last_key = NULL;
			last_idx = (unsigned)idx;
			if (st == W_LIST) {
				sec = p->sub;
				st = W_SECTION;
			} else {
				st = W_LEAF;
			}
			snprintf(cpath, sizeof cpath, "%s", here);
			continue;
		}
		join_path(here, sizeof here, cpath, tok);
		switch (st) {
		case W_SECTION: {
			const struct dcg__param *q = dcg__find_param(sec, tok);
			if (!q) {
				char h[700];
				hint(h, sizeof h, tok, "valid keys",
				     section_key, sec, sec->n);
				rc = set_fail(ld, arg, "unknown key %s%s", here,
					      h);
				goto finish;
			}
			p = q;
			st = state_of(p);
			if (p->type == DCG__P_GROUP)
				sec = p->sub;
			break;
		}
		case W_SCHED: {
			bool known = false;
			for (size_t k = 0; k < 3; k++)
				known |= strcmp(tok, sched_keys[k]) == 0;
			if (!known) {
				char h[300];
				hint(h, sizeof h, tok, "valid keys", sched_key,
				     NULL, 3);
				rc = set_fail(ld, arg, "unknown key %s%s", here,
					      h);
				goto finish;
			}
			st = strcmp(tok, "interp") == 0 ? W_LEAF : W_ARRAY;
			break;
		}
		case W_MAP:
			/* Technology names are checked with the file. */
			st = p->type == DCG__P_TECH_SCHEDULES ? W_SCHED
							       : W_LEAF;
			break;
		case W_LIST:
		case W_ARRAY:
			rc = set_fail(ld, arg,
				      "%s is a list (select an entry with "
				      ".[i], e.g. %s.[0])",
				      cpath, cpath);
			goto finish;
		case W_LEAF:
			rc = set_fail(ld, arg,
				      "%s is a single value and has no key %s",
				      cpath, tok);
			goto finish;
		}
		if (!config_setting_is_group(cur)) {
			rc = set_fail(ld, arg,
				      "%s is not a group in the scenario, so it "
				      "has no key %s",
				      cpath, tok);
			goto finish;
		}
		config_setting_t *next = config_setting_get_member(cur, tok);
		if (!last && next && st == W_SCHED &&
		    !config_setting_is_group(next)) {
			rc = set_fail(ld, arg,
				      "%s is a constant (set the whole "
				      "schedule, e.g. %s={year=[2024.0,2030.0];"
				      "value=[1.0,2.0];})",
				      here, here);
			goto finish;
		}
		if (!last && !next && st != W_LEAF) {
			if (st == W_LIST || st == W_ARRAY) {
				rc = set_fail(ld, arg, "%s has no entries",
					      here);
				goto finish;
			}
			/* A group the table knows but the file leaves out,
			 * such as solver or a technology map: create it. */
			next = config_setting_add(cur, tok, CONFIG_TYPE_GROUP);
			if (!next) {
				rc = set_fail(ld, arg, "%s is not a valid key",
					      here);
				goto finish;
			}
			config_setting_set_hook(next, hook);
		}
		parent = cur;
		cur = next;
		last_key = tok;
		snprintf(cpath, sizeof cpath, "%s", here);
	}
	if (!parent) {
		rc = set_fail(ld, arg, "expected path=value, e.g. "
				       "horizon.end=2036");
		goto finish;
	}
	if (last_key) {
		if (cur)
			config_setting_remove(parent, last_key);
		if (!copy_setting(parent, last_key, val, hook))
			rc = set_fail(ld, arg, "%s cannot be set (not a valid "
					       "key)",
				      cpath);
	} else if (replace_elem(parent, last_idx, val, hook)) {
		rc = oom(ld);
	}
finish:
	free(text);
	config_destroy(&vc);
	return rc;
}

/* ---- entry points ------------------------------------------------------- */

/* ---- memory --------------------------------------------------------------- */

/* "1.5 GiB" */
static void fmt_bytes(char *buf, size_t size, double b)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB",
					   "PiB"};
	int u = 0;
	while (b >= 1024.0 && u < 5) {
		b /= 1024.0;
		u++;
	}
	snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

/* The memory a run may use, in bytes: DCGRID_MEMORY_LIMIT (a number of
 * bytes with an optional K, M, G or T suffix, powers of 1024; "none" for
 * no limit), else half the physical memory, and never more than the
 * address-space limit (ulimit -v). A limit refused up front is a message;
 * one hit part-way through a run is an out-of-memory kill or a failed
 * malloc after minutes of work. */
static int memory_limit(double *ret, struct dcg_error *err)
{
	const char *env = getenv("DCGRID_MEMORY_LIMIT");
	double limit = HUGE_VAL;
	if (env && *env) {
		if (strcmp(env, "none") == 0) {
			*ret = HUGE_VAL;
			return 0;
		}
		char *end;
		errno = 0;
		double v = strtod(env, &end);
		double f = 1.0;
		switch (*end) {
		case 'k': case 'K': f = 1024.0; end++; break;
		case 'm': case 'M': f = 1048576.0; end++; break;
		case 'g': case 'G': f = 1073741824.0; end++; break;
		case 't': case 'T': f = 1099511627776.0; end++; break;
		default: break;
		}
		if (f > 1.0 && (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0))
			end += strlen(end);
		if (end == env || *end || errno || !(v > 0.0) || !isfinite(v))
			return dcg_error_set(err, DCG_EUSAGE,
					     "DCGRID_MEMORY_LIMIT = \"%s\" is not "
					     "a size (expected e.g. 8GiB, 512M, "
					     "a number of bytes, or none)",
					     env);
		*ret = v * f;
		return 0;
	}
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
	if (pages > 0 && page > 0)
		limit = 0.5 * (double)pages * (double)page;
	struct rlimit rl;
	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		limit = fmin(limit, 0.8 * (double)rl.rlim_cur);
	*ret = limit;
	return 0;
}

int dcg_memory_limit(double *ret_bytes, struct dcg_error *err)
{
	return memory_limit(ret_bytes, err);
}

int dcg_memory_refuse(const char *what, double need, struct dcg_error *err)
{
	double limit = HUGE_VAL;
	int rc = memory_limit(&limit, err);
	if (rc || need <= limit)
		return rc;
	char n[32], lim[32];
	fmt_bytes(n, sizeof n, need);
	fmt_bytes(lim, sizeof lim, limit);
	return dcg_error_set(err, DCG_ELIMIT, "%s need %s; the limit is %s%s",
			     what, n, lim,
			     getenv("DCGRID_MEMORY_LIMIT")
				     ? " (from DCGRID_MEMORY_LIMIT)"
				     : " (half the physical memory; set "
				       "DCGRID_MEMORY_LIMIT to change it)");
}

/* Refuses a model whose run would not fit in memory, before anything
 * large is allocated: the result (every state, quadrature and derived
 * series at every output time) is held twice at the end, as arrays and as
 * the in-memory HDF5 image, and a dense linear solver holds an n x n
 * matrix. The model arrays themselves grow with the scenario file, which
 * is checked against the same limit before it is read (check_text_size). */
static int check_memory(struct load *ld)
{
	const struct dcg_model *m = ld->m;
	double limit = HUGE_VAL;
	int rc = memory_limit(&limit, ld->err);
	if (rc)
		return rc;
	double T = floor((m->t1 - m->t0) / m->output_step_yr + 1e-9) + 2;
	double row = 1.0 + (double)m->layout.n + (double)m->layout.nq;
	for (int id = 0; id < DCG_SER_COUNT; id++)
		row += (double)dcg_series_width(m, (enum dcg_series_id)id);
	double result = 8.0 * T * row * 2.0;
	/* The hourly view: the work area's arrays (6 per region, 1 per
	 * corridor) and the result's chosen years. */
	double hy = 0.0;
	for (int id = 0; id < DCG_HR_COUNT; id++)
		hy += (double)dcg_hourly_width(m, (enum dcg_hourly_id)id);
	double ny = m->hours.n_output_years ? (double)m->hours.n_output_years : 2.0;
	result += 8.0 * (hy * ny + (double)(m->D * DCG_HOURS) *
				       (6.0 * (double)m->R + (double)m->L));
	double n = (double)m->layout.n;
	bool dense = m->linsol == DCG_LINSOL_DENSE ||
		     (m->linsol == DCG_LINSOL_AUTO && n <= 60.0);
	double solver = dense ? 8.0 * n * n * 2.0
			      : 8.0 * n * (double)(m->layout.region_size +
						   (m->layout.n - m->layout.nat) +
						   16);
	if (result + solver <= limit)
		return 0;
	char need[32], lim[32];
	fmt_bytes(lim, sizeof lim, limit);
	const char *how = getenv("DCGRID_MEMORY_LIMIT")
		? " (from DCGRID_MEMORY_LIMIT)"
		: " (half the physical memory; set DCGRID_MEMORY_LIMIT to "
		  "change it)";
	if (solver > result) {
		fmt_bytes(need, sizeof need, solver);
		return dcg_error_set(ld->err, DCG_ELIMIT,
				     "%s: solver.linear_solver = \"dense\" with "
				     "%zu states needs %s for its matrix (use "
				     "\"klu\" or \"gmres\"); the limit is %s%s",
				     ld->origin, m->layout.n, need, lim, how);
	}
	fmt_bytes(need, sizeof need, result + solver);
	return dcg_error_set(ld->err, DCG_ELIMIT,
			     "%s: %zu regions x %.0f output times (%.0f values "
			     "each) need %s for the result; the limit is %s%s",
			     ld->origin, m->R, T - 1.0, row, need, lim, how);
}

/* The hourly profiles (inputs/profiles.c), with the file and line of the
 * setting at fault in front of a message about a setting. */
static int build_profiles(struct load *ld, const char *dir)
{
	char setting[PATH_MAX_LEN];
	struct dcg_error e = {0};
	int rc = dcg__profiles_build(ld->m, dir, setting, sizeof setting, &e);
	if (rc == 0)
		return 0;
	if (!*setting || rc != DCG_ECONFIG) {
		if (ld->err)
			*ld->err = e;
		return rc;
	}
	/* A setting left at its default is named by its nearest group. */
	const config_setting_t *s = NULL;
	char path[PATH_MAX_LEN];
	snprintf(path, sizeof path, "%s", setting);
	while (!(s = config_lookup(ld->cfg, path))) {
		char *dot = strrchr(path, '.');
		if (!dot)
			break;
		*dot = '\0';
	}
	return fail(ld, s, "%s", e.msg);
}

static int load_tree(config_t *cfg, const char *origin, const char *dir,
		     const char *const *sets, size_t nsets,
		     struct dcg_model **ret_model, struct dcg_error *err)
{
	struct load ld = {.origin = origin, .cfg = cfg, .err = err};
	int rc = 0;

	ld.m = dcg_model_new();
	if (!ld.m)
		return oom(&ld);
	for (size_t i = 0; i < nsets && rc == 0; i++)
		rc = apply_set(&ld, cfg, sets[i]);
	if (rc == 0)
		rc = convert(&ld);
	if (rc == 0 && ld.m->grid_enabled && ld.m->hours.enabled)
		rc = build_profiles(&ld, dir);
	if (rc == 0)
		rc = dcg_model_finalize(ld.m, err);
	if (rc == 0)
		rc = check_memory(&ld);
	if (rc == 0) {
		*ret_model = ld.m;
		ld.m = NULL;
	}
	free(ld.segment_ix);
	free(ld.region_ix);
	dcg_model_free(ld.m);
	return rc;
}

/* ---- raw text ----------------------------------------------------------- */

/* libconfig's tree and the model take about 13 bytes of memory per byte of
 * scenario text (measured: 17 MB of text, 20,000 regions, 226 MB peak);
 * a file whose load would not fit under the memory limit is refused
 * before libconfig builds a tree of it. */
#define TREE_BYTES_PER_TEXT_BYTE 16.0

static int memory_limit(double *ret, struct dcg_error *err);
static void fmt_bytes(char *buf, size_t size, double b);

/* DCG_ELIMIT when `len` bytes of text would not load under the limit. */
static int check_text_size(const char *origin, double len,
			   struct dcg_error *err)
{
	double limit = HUGE_VAL;
	int rc = memory_limit(&limit, err);
	if (rc)
		return rc;
	if (len * TREE_BYTES_PER_TEXT_BYTE <= limit)
		return 0;
	char size[32], need[32], lim[32];
	fmt_bytes(size, sizeof size, len);
	fmt_bytes(need, sizeof need, len * TREE_BYTES_PER_TEXT_BYTE);
	fmt_bytes(lim, sizeof lim, limit);
	return dcg_error_set(err, DCG_ELIMIT,
			     "%s: %s of text needs about %s to load; the "
			     "limit is %s%s",
			     origin, size, need, lim,
			     getenv("DCGRID_MEMORY_LIMIT")
				     ? " (from DCGRID_MEMORY_LIMIT)"
				     : " (half the physical memory; set "
				       "DCGRID_MEMORY_LIMIT to change it)");
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	if (len == 0 || s[0] > 0xf4 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, UTF-16 surrogates and code points past U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

static bool name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*';
}

/* Checks what libconfig 1.5 would accept silently or report badly: bytes
 * that are not UTF-8 (names and text go into the HDF5 file as UTF-8), NUL
 * bytes, and integer literals beyond 32 bits, which libconfig truncates
 * without a word (10000000000 becomes 1410065408). Comments and strings are
 * skipped for the integer check. Returns 0, or -1 with the reason in why
 * and the 1-based line in *ret_line. */
static int prescan(const char *text, size_t len, char *why, size_t size,
		   unsigned *ret_line)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned line = 1;
	size_t col0 = 0; /* offset of the current line's first byte */

	for (size_t i = 0; i < len;) {
		if (s[i] == '\n') {
			line++;
			col0 = ++i;
			continue;
		}
		if (s[i] == '\0') {
			*ret_line = line;
			snprintf(why, size,
				 "a NUL byte at column %zu (a scenario is "
				 "text; is this a binary file?)",
				 i - col0 + 1);
			return -1;
		}
		size_t k = utf8_seq(s + i, len - i);
		if (k == 0) {
			*ret_line = line;
			snprintf(why, size,
				 "byte 0x%02X at column %zu is not UTF-8 "
				 "(dcgrid reads scenarios as UTF-8; save the "
				 "file in that encoding)",
				 s[i], i - col0 + 1);
			return -1;
		}
		if (k > 1) {
			i += k;
			continue;
		}
		char c = (char)s[i];
		if (c == '#' || (c == '/' && i + 1 < len && s[i + 1] == '/')) {
			/* A comment to the end of the line (its bytes are
			 * still checked for UTF-8 as the loop goes on). */
			while (i < len && s[i] != '\n') {
				size_t m = utf8_seq(s + i, len - i);
				if (m == 0 || s[i] == '\0')
					break;
				i += m;
			}
			continue;
		}
		if (c == '/' && i + 1 < len && s[i + 1] == '*') {
			i += 2;
			while (i + 1 < len && !(s[i] == '*' && s[i + 1] == '/')) {
				if (s[i] == '\n') {
					line++;
					col0 = i + 1;
				}
				if (s[i] == '\0' || utf8_seq(s + i, len - i) == 0)
					break;
				i++;
			}
			if (i + 1 < len && s[i] == '*')
				i += 2;
			continue;
		}
		if (c == '"') {
			for (i++; i < len && s[i] != '"' && s[i] != '\n'; i++) {
				if (s[i] == '\\' && i + 1 < len && s[i + 1] != '\n')
					i++;
				if (s[i] == '\0' || utf8_seq(s + i, len - i) == 0)
					break;
			}
			if (i < len && s[i] == '"')
				i++;
			continue;
		}
		if (name_char(c) && !(c >= '0' && c <= '9') && c != '-') {
			while (i < len && name_char((char)s[i]))
				i++;
			continue;
		}
		if ((c >= '0' && c <= '9') ||
		    ((c == '-' || c == '+') && i + 1 < len && s[i + 1] >= '0' &&
		     s[i + 1] <= '9')) {
			size_t b = i;
			i++;
			while (i < len && (name_char((char)s[i]) || s[i] == '.' ||
					   ((s[i] == '-' || s[i] == '+') &&
					    (s[i - 1] == 'e' || s[i - 1] == 'E'))))
				i++;
			char tok[80];
			size_t tl = i - b < sizeof tok - 1 ? i - b : sizeof tok - 1;
			memcpy(tok, text + b, tl);
			tok[tl] = '\0';
			bool hex = strpbrk(tok, "xX") != NULL;
			if (strchr(tok, 'L') || (!hex && strpbrk(tok, ".eE")))
				continue; /* a float, or a 64-bit integer */
			errno = 0;
			char *end;
			long long v = hex ? (long long)strtoull(tok, &end, 16)
					  : strtoll(tok, &end, 10);
			if (*end != '\0')
				continue; /* not a number: libconfig says so */
			if (errno == ERANGE || v > 2147483647LL ||
			    v < -2147483648LL) {
				*ret_line = line;
				snprintf(why, size,
					 "the integer %s does not fit in 32 bits "
					 "(libconfig would silently truncate it; "
					 "write it as a number with a decimal "
					 "point, e.g. %s.0)",
					 tok, tok);
				return -1;
			}
			continue;
		}
		i++;
	}
	return 0;
}

/* Line `line` (1-based) of text, trimmed, with control bytes shown as
 * \xNN and cut at 80 characters; "" when there is no such line. */
static void line_text(const char *text, unsigned line, char *buf,
		      size_t size)
{
	const char *p = text;
	buf[0] = '\0';
	for (unsigned l = 1; p && l < line; l++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = 0, shown = 0;
	for (; *p && *p != '\n' && *p != '\r' && n + 5 < size; p++) {
		if (shown++ == 80) {
			n += (size_t)snprintf(buf + n, size - n, "...");
			break;
		}
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f)
			n += (size_t)snprintf(buf + n, size - n, "\\x%02X", c);
		else
			buf[n++] = (char)c;
	}
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	buf[n] = '\0';
}

/* libconfig's parse errors are terse ("syntax error"): the text of the
 * line (when the error is in text we hold) shows what it means. */
static int syntax_error(const config_t *cfg, const char *origin,
			const char *text, struct dcg_error *err)
{
	const char *file = config_error_file(cfg) ? config_error_file(cfg)
						  : origin;
	const char *what = config_error_text(cfg);
	int line = config_error_line(cfg);
	if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
		return dcg_error_set(err, DCG_EIO, "%s: cannot read: %s", file,
				     what);
	char shown[128] = "";
	if (text && strcmp(file, origin) == 0 && line > 0)
		line_text(text, (unsigned)line, shown, sizeof shown);
	if (strstr(what, "nesting too deep"))
		return dcg_error_set(err, DCG_ECONFIG,
				     "%s:%d: %s (does an @include include "
				     "itself, directly or through other "
				     "files?)",
				     file, line, what);
	if (shown[0])
		return dcg_error_set(err, DCG_ECONFIG,
				     "%s:%d: %s (the line reads: %s)", file,
				     line, what, shown);
	if (text && strcmp(file, origin) == 0)
		return dcg_error_set(err, DCG_ECONFIG,
				     "%s:%d: %s (at the end of the file: is a "
				     "closing }, ) or ] or a quote missing?)",
				     file, line, what);
	return dcg_error_set(err, DCG_ECONFIG, "%s:%d: %s", file, line, what);
}

/* Reads a scenario file whole, for the checks above and the text of
 * syntax errors. Caller frees *ret_text. */
static int read_stream(FILE *f, const char *path, char **ret_text,
		       size_t *ret_len, struct dcg_error *err);

static int read_text(const char *path, char **ret_text, size_t *ret_len,
		     struct dcg_error *err)
{
	/* A FIFO would block opening until a writer comes and a device can
	 * be endless: a scenario named by path is a regular file (standard
	 * input, "-", is read bounded by the memory limit instead). */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return dcg_error_set(err, DCG_ECONFIG,
				     "%s: not a regular file (%s; give a file, "
				     "or - for standard input)",
				     path,
				     S_ISFIFO(st.st_mode) ? "a FIFO"
				     : S_ISSOCK(st.st_mode)
					     ? "a socket"
					     : "a device");
	FILE *f = fopen(path, "rb");
	if (!f)
		return dcg_error_set(err, DCG_EIO, "%s: cannot open: %s", path,
				     strerror(errno));
	int rc = read_stream(f, path, ret_text, ret_len, err);
	fclose(f);
	return rc;
}

int dcg_config_read_text(const char *path, char **ret_text, size_t *ret_len,
			 struct dcg_error *err)
{
	if (strcmp(path, "-") == 0)
		return read_stream(stdin, "<stdin>", ret_text, ret_len, err);
	return read_text(path, ret_text, ret_len, err);
}

/* Reads all of f, refusing (DCG_ELIMIT) as soon as the text read so far
 * would not load under the memory limit. */
static int read_stream(FILE *f, const char *path, char **ret_text,
		       size_t *ret_len, struct dcg_error *err)
{
	size_t cap = 1 << 14, len = 0;
	char *buf = NULL;
	int rc = 0;
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    (rc = check_text_size(path, (double)st.st_size, err)))
		goto finish;
	buf = malloc(cap);
	if (!buf) {
		rc = dcg_error_set(err, DCG_ENOMEM, "%s: out of memory", path);
		goto finish;
	}
	for (;;) {
		if (cap - len < 2) {
			char *b = realloc(buf, 2 * cap);
			if (!b) {
				rc = dcg_error_set(err, DCG_ENOMEM,
						   "%s: out of memory", path);
				goto finish;
			}
			buf = b;
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
		if (len >= cap - 1 &&
		    (rc = check_text_size(path, (double)len, err)))
			goto finish;
	}
	if (!ferror(f) && (rc = check_text_size(path, (double)len, err)))
		goto finish;
	if (ferror(f)) {
		int e = errno;
		/* A folder opens but cannot be read: a mistake, not an I/O
		 * failure. */
		rc = dcg_error_set(err, e == EISDIR ? DCG_ECONFIG : DCG_EIO,
				   "%s: cannot read: %s%s", path, strerror(e),
				   e == EISDIR ? " (expected a scenario file)"
					       : "");
		goto finish;
	}
	buf[len] = '\0';
	*ret_text = buf;
	*ret_len = len;
	buf = NULL;
finish:
	free(buf);
	return rc;
}

/* Variants: a file `base = "other.cfg"; overrides = ("path=value", ...);`
 * is its base (relative to the variant's folder) with the overrides applied
 * before the command line's. Chains are followed up to this depth, which
 * also stops a file that names itself. */
#define DCG_BASE_DEPTH_MAX 8

static int load_file(const char *path, const char *const *sets, size_t nsets,
		     int depth, struct dcg_model **ret_model,
		     struct dcg_error *err);

static int load_variant(config_t *cfg, const char *path, const char *dir,
			const char *const *sets, size_t nsets, int depth,
			struct dcg_model **ret_model, struct dcg_error *err)
{
	config_setting_t *root = config_root_setting(cfg);
	config_setting_t *base = config_setting_get_member(root, "base");
	config_setting_t *ovr = config_setting_get_member(root, "overrides");
	const char **all = NULL;
	char *bpath = NULL;
	int rc;

	if (depth >= DCG_BASE_DEPTH_MAX)
		return dcg_error_set(err, DCG_ECONFIG,
				     "%s:%d: base chain is deeper than %d files "
				     "(does a file name itself?)",
				     path, config_setting_source_line(base),
				     DCG_BASE_DEPTH_MAX);
	if (config_setting_type(base) != CONFIG_TYPE_STRING)
		return dcg_error_set(err, DCG_ECONFIG,
				     "%s:%d: base has the wrong type (expected "
				     "the name of a scenario file in quotes)",
				     path, config_setting_source_line(base));
	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);
		if (strcmp(name, "base") != 0 && strcmp(name, "overrides") != 0 &&
		    strcmp(name, DCG_CONFIG_EXPLORER_KEY) != 0)
			return dcg_error_set(err, DCG_ECONFIG,
					     "%s:%d: unknown key %s (a file with "
					     "base holds only base and overrides; "
					     "put changes in overrides)",
					     path, config_setting_source_line(s), name);
	}
	size_t no = 0;
	if (ovr) {
		if (config_setting_type(ovr) != CONFIG_TYPE_LIST &&
		    config_setting_type(ovr) != CONFIG_TYPE_ARRAY)
			return dcg_error_set(err, DCG_ECONFIG,
					     "%s:%d: overrides has the wrong type "
					     "(expected a list of \"path=value\" "
					     "strings)",
					     path, config_setting_source_line(ovr));
		no = (size_t)config_setting_length(ovr);
	}
	all = calloc(no + nsets + 1, sizeof *all);
	const char *bname = config_setting_get_string(base);
	bpath = malloc(strlen(dir) + strlen(bname) + 2);
	if (!all || !bpath) {
		rc = dcg_error_set(err, DCG_ENOMEM, "%s: out of memory", path);
		goto finish;
	}
	if (bname[0] == '/')
		memcpy(bpath, bname, strlen(bname) + 1);
	else
		sprintf(bpath, "%s/%s", dir, bname);
	for (size_t i = 0; i < no; i++) {
		config_setting_t *o = config_setting_get_elem(ovr, (unsigned)i);
		if (config_setting_type(o) != CONFIG_TYPE_STRING) {
			rc = dcg_error_set(err, DCG_ECONFIG,
					   "%s:%d: overrides.[%zu] has the wrong "
					   "type (expected a \"path=value\" string)",
					   path, config_setting_source_line(o), i);
			goto finish;
		}
		all[i] = config_setting_get_string(o);
	}
	for (size_t i = 0; i < nsets; i++)
		all[no + i] = sets[i];
	if (access(bpath, R_OK) != 0) {
		/* A base that is not there is a mistake in the variant. */
		rc = dcg_error_set(err, DCG_ECONFIG,
				   "%s:%d: base = \"%s\" cannot be opened: %s "
				   "(a base is found relative to the variant's "
				   "folder, here %s)",
				   path, config_setting_source_line(base), bname,
				   strerror(errno), bpath);
		goto finish;
	}
	rc = load_file(bpath, all, no + nsets, depth + 1, ret_model, err);
	if (rc && err && !strstr(err->msg, "base chain is deeper")) {
		/* Say which variant the failure came through (a loop says
		 * so itself, once). */
		char msg[DCG_ERROR_MSG_MAX];
		snprintf(msg, sizeof msg, "%s", err->msg);
		dcg_error_set(err, rc, "%s (loading base %s of %s)", msg, bname, path);
	}
finish:
	free(all);
	free(bpath);
	return rc;
}

int dcg_config_load_file(const char *path, const char *const *sets,
			 size_t nsets, struct dcg_model **ret_model,
			 struct dcg_error *err)
{
	return load_file(path, sets, nsets, 0, ret_model, err);
}

static int load_file(const char *path, const char *const *sets, size_t nsets,
		     int depth, struct dcg_model **ret_model,
		     struct dcg_error *err)
{
	config_t cfg;
	char *dir = NULL;
	int rc;

	char *text = NULL, why[400];
	size_t len = 0;
	unsigned line = 0;

	/* libconfig reports only "file I/O error"; reading the file first
	 * gives the reason, and the text for the checks libconfig lacks. */
	if ((rc = read_text(path, &text, &len, err)))
		return rc;
	if (prescan(text, len, why, sizeof why, &line)) {
		rc = dcg_error_set(err, DCG_ECONFIG, "%s:%u: %s", path, line,
				   why);
		free(text);
		return rc;
	}

	config_init(&cfg);
	dir = strdup(path);
	if (!dir) {
		rc = dcg_error_set(err, DCG_ENOMEM, "%s: out of memory", path);
		goto finish;
	}
	/* @include paths are relative to the scenario's own folder. */
	char *slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	else
		snprintf(dir, strlen(dir) + 1, ".");
	config_set_include_dir(&cfg, dir);
	if (!config_read_file(&cfg, path)) {
		rc = syntax_error(&cfg, path, text, err);
		goto finish;
	}
	if (config_setting_get_member(config_root_setting(&cfg), "base"))
		rc = load_variant(&cfg, path, dir, sets, nsets, depth, ret_model, err);
	else
		rc = load_tree(&cfg, path, dir, sets, nsets, ret_model, err);
finish:
	config_destroy(&cfg);
	free(dir);
	free(text);
	return rc;
}

int dcg_config_load_string(const char *text, const char *origin,
			   const char *const *sets, size_t nsets,
			   struct dcg_model **ret_model, struct dcg_error *err)
{
	config_t cfg;
	int rc;

	char why[400];
	unsigned line = 0;

	if (!origin)
		origin = "<string>";
	if ((rc = check_text_size(origin, (double)strlen(text), err)))
		return rc;
	if (prescan(text, strlen(text), why, sizeof why, &line))
		return dcg_error_set(err, DCG_ECONFIG, "%s:%u: %s", origin,
				     line, why);
	config_init(&cfg);
	if (!config_read_string(&cfg, text)) {
		rc = syntax_error(&cfg, origin, text, err);
		goto finish;
	}
	rc = load_tree(&cfg, origin, ".", sets, nsets, ret_model, err);
finish:
	config_destroy(&cfg);
	return rc;
}

int dcg_config_load_stored(const char *text, const char *origin,
			   struct dcg_model **ret_model, struct dcg_error *err)
{
	/* libconfig 1.5 has no switch for @include: its scanner takes the
	 * directive only at the start of a line, after blanks, so such a
	 * line is refused before libconfig sees the text. */
	unsigned line = 1;
	if (!origin)
		origin = "<string>";
	for (const char *p = text; *p; line++) {
		const char *q = p + strspn(p, " \t");
		if (strncmp(q, "@include", 8) == 0)
			return dcg_error_set(err, DCG_ECONFIG,
					     "%s:%u: @include in a stored config "
					     "(dcgrid stores the resolved config, "
					     "without includes; a result file "
					     "cannot make dcgrid read other files)",
					     origin, line);
		const char *nl = strchr(p, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
	return dcg_config_load_string(text, origin, NULL, 0, ret_model, err);
}

const char *dcg_config_default_text(void)
{
	return dcg__default_scenario_text;
}

int dcg_config_load_default(const char *const *sets, size_t nsets,
			    struct dcg_model **ret_model,
			    struct dcg_error *err)
{
	return dcg_config_load_string(dcg__default_scenario_text, "<built-in>",
				      sets, nsets, ret_model, err);
}
