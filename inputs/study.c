/* Study files (libconfig) -> struct dcg_study, and the design matrix.
 *
 * A study file names a base scenario, fixed overrides, the uncertain
 * parameters (--set paths with distributions), a design, its size and seed,
 * the metrics to analyse and the series to keep (docs/studies.md). Every key
 * is checked like a scenario key: unknown keys are errors with a "did you
 * mean", values out of range name the file, the line and what was expected.
 * Each parameter path is checked by loading the base scenario once with
 * every parameter set to its median, so a path --set would refuse is
 * refused here, before any member runs.
 *
 * Inverse CDFs: uniform a + u (b - a); log-uniform a (b/a)^u; normal
 * mean + sd Φ^-1(u); truncated normal Φ^-1(Φ(α) + u (Φ(β) - Φ(α))) in
 * standard units; triangular by its closed form; discrete by cumulative
 * weights. Unbounded distributions read u in [0.005, 0.995] (so that grid,
 * one-at-a-time and Morris levels at 0 and 1 stay finite).
 */
#include <errno.h>
#include <unistd.h>
#include <gsl/gsl_cdf.h>
#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcgrid/config.h"
#include "dcgrid/study.h"
#include "params.h"

#define MAX_MEMBERS ((size_t)10000000)

static const char *const design_names[] = {
	[DCG_DESIGN_GRID] = "grid",         [DCG_DESIGN_OAT] = "oat",
	[DCG_DESIGN_RANDOM] = "random",     [DCG_DESIGN_LHS] = "lhs",
	[DCG_DESIGN_SALTELLI] = "saltelli", [DCG_DESIGN_MORRIS] = "morris",
};
static const char *const dist_names[] = {
	[DCG_DIST_UNIFORM] = "uniform",
	[DCG_DIST_LOG_UNIFORM] = "log_uniform",
	[DCG_DIST_NORMAL] = "normal",
	[DCG_DIST_TRUNC_NORMAL] = "truncated_normal",
	[DCG_DIST_TRIANGULAR] = "triangular",
	[DCG_DIST_DISCRETE] = "discrete",
};
static const char *const metric_names[] = {
	[DCG_METRIC_DC_ENERGY_TWH] = "dc_energy_twh",
	[DCG_METRIC_STANDARD_RACKS] = "standard_racks",
	[DCG_METRIC_UNSERVED_TWH] = "unserved_twh",
	[DCG_METRIC_EMISSIONS_MT] = "emissions_mt",
	[DCG_METRIC_FIRST_BREACH] = "first_breach",
	[DCG_METRIC_PEAK_DEMAND_GW] = "peak_demand_gw",
};
static const char *const metric_units[] = {
	[DCG_METRIC_DC_ENERGY_TWH] = "TWh",
	[DCG_METRIC_STANDARD_RACKS] = "1",
	[DCG_METRIC_UNSERVED_TWH] = "TWh",
	[DCG_METRIC_EMISSIONS_MT] = "Mt",
	[DCG_METRIC_FIRST_BREACH] = "yr",
	[DCG_METRIC_PEAK_DEMAND_GW] = "GW",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *dcg_study_design_name(enum dcg_design d)
{
	return (size_t)d < COUNT(design_names) ? design_names[d] : "?";
}
const char *dcg_study_dist_name(enum dcg_dist d)
{
	return (size_t)d < COUNT(dist_names) ? dist_names[d] : "?";
}
const char *dcg_study_metric_name(enum dcg_metric_kind k)
{
	return (size_t)k < COUNT(metric_names) ? metric_names[k] : "?";
}
const char *dcg_study_metric_units(enum dcg_metric_kind k)
{
	return (size_t)k < COUNT(metric_units) ? metric_units[k] : "";
}

/* ---- messages ----------------------------------------------------------- */

struct sload {
	const char *path;
	struct dcg_error *err;
};

static int sfail(struct sload *ld, const config_setting_t *s, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));
static int sfail(struct sload *ld, const config_setting_t *s, const char *fmt,
		 ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	unsigned line = s ? config_setting_source_line(s) : 0;
	if (line)
		dcg_error_set(ld->err, DCG_ECONFIG, "%s:%u: %s", ld->path, line, msg);
	else
		dcg_error_set(ld->err, DCG_ECONFIG, "%s: %s", ld->path, msg);
	return DCG_ECONFIG;
}

static const char *arr_get(const void *ctx, size_t i)
{
	return ((const char *const *)ctx)[i];
}

/* " (did you mean X?)" or " (valid: a, b, c)". */
static void hint(char *buf, size_t size, const char *word,
		 const char *const *names, size_t n)
{
	const char *s = dcg__suggest(word, arr_get, names, n);
	if (s) {
		snprintf(buf, size, " (did you mean %s?)", s);
		return;
	}
	size_t len = (size_t)snprintf(buf, size, " (expected one of:");
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s %s",
					i ? "," : "", names[i]);
	if (len < size)
		snprintf(buf + len, size - len, ")");
}

static int check_keys(struct sload *ld, const config_setting_t *grp,
		      const char *where, const char *const *keys, size_t nkeys)
{
	int n = config_setting_length(grp);
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, (unsigned)i);
		const char *name = config_setting_name(s);
		bool known = false;
		for (size_t k = 0; k < nkeys && !known; k++)
			known = strcmp(name, keys[k]) == 0;
		if (!known) {
			char h[512];
			hint(h, sizeof h, name, keys, nkeys);
			return sfail(ld, s, "unknown key %s%s%s", where,
				     name, h);
		}
	}
	return 0;
}

static bool is_number(const config_setting_t *s)
{
	int t = config_setting_type(s);
	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 ||
	       t == CONFIG_TYPE_FLOAT;
}

static int get_number(struct sload *ld, const config_setting_t *grp,
		      const char *where, const char *key, bool required,
		      double *ret)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	if (!s) {
		if (required)
			return sfail(ld, grp, "%s%s is missing (expected a number)",
				     where, key);
		return 1;
	}
	if (!is_number(s))
		return sfail(ld, s, "%s%s is not a number", where, key);
	double v = config_setting_get_float(s);
	if (config_setting_type(s) != CONFIG_TYPE_FLOAT)
		v = (double)config_setting_get_int64(s);
	if (!isfinite(v))
		return sfail(ld, s, "%s%s = %g is not finite", where, key, v);
	*ret = v;
	return 0;
}

static int get_count(struct sload *ld, const config_setting_t *root,
		     const char *key, size_t lo, size_t hi, size_t def,
		     size_t *ret)
{
	const config_setting_t *s = config_setting_get_member(root, key);
	if (!s) {
		*ret = def;
		return 0;
	}
	int t = config_setting_type(s);
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
		return sfail(ld, s, "%s is not a whole number", key);
	long long v = config_setting_get_int64(s);
	if (v < (long long)lo || (unsigned long long)v > hi)
		return sfail(ld, s, "%s = %lld is out of range (expected %zu to %zu)",
			     key, v, lo, hi);
	*ret = (size_t)v;
	return 0;
}

static int get_string(struct sload *ld, const config_setting_t *grp,
		      const char *where, const char *key, bool required,
		      const char **ret)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	if (!s) {
		if (!required)
			return 1;
		/* The status is returned here, not through the variadic sfail,
		 * so that the analyser sees *ret is set whenever 0 is. */
		(void)sfail(ld, grp, "%s%s is missing (expected \"text\")", where, key);
		return DCG_ECONFIG;
	}
	const char *v = config_setting_type(s) == CONFIG_TYPE_STRING
				? config_setting_get_string(s)
				: NULL;
	if (!v) {
		(void)sfail(ld, s, "%s%s is not a string (expected \"text\")", where, key);
		return DCG_ECONFIG;
	}
	*ret = v;
	return 0;
}

static int get_enum(struct sload *ld, const config_setting_t *grp,
		    const char *where, const char *key,
		    const char *const *names, size_t n, int *ret)
{
	const char *v = NULL;
	int rc = get_string(ld, grp, where, key, true, &v);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0) {
			*ret = (int)i;
			return 0;
		}
	char h[512];
	hint(h, sizeof h, v, names, n);
	return sfail(ld, config_setting_get_member(grp, key),
		     "%s%s = \"%s\" is not known%s", where, key, v, h);
}

/* ---- parameters --------------------------------------------------------- */

static int read_param(struct sload *ld, const config_setting_t *g, size_t i,
		      struct dcg_study_param *p)
{
	static const char *const keys[] = {"path", "dist", "min", "max", "mean",
					   "sd", "mode", "values", "weights"};
	static const char *const need[][4] = {
		[DCG_DIST_UNIFORM] = {"min", "max"},
		[DCG_DIST_LOG_UNIFORM] = {"min", "max"},
		[DCG_DIST_NORMAL] = {"mean", "sd"},
		[DCG_DIST_TRUNC_NORMAL] = {"mean", "sd", "min", "max"},
		[DCG_DIST_TRIANGULAR] = {"min", "mode", "max"},
		[DCG_DIST_DISCRETE] = {"values", "weights"},
	};
	char where[64];
	int rc, d;
	snprintf(where, sizeof where, "parameters.[%zu].", i);
	if (!config_setting_is_group(g))
		return sfail(ld, g, "parameters.[%zu] is not a group "
				    "{ path = ...; dist = ...; ... }", i);
	if ((rc = check_keys(ld, g, where, keys, COUNT(keys))))
		return rc;
	const char *path = NULL;
	if ((rc = get_string(ld, g, where, "path", true, &path)))
		return rc;
	if (!*path || strlen(path) >= sizeof p->path || strchr(path, '='))
		return sfail(ld, config_setting_get_member(g, "path"),
			     "%spath = \"%s\" is not a --set path (e.g. "
			     "\"hardware.[1].life_yr\")", where, path);
	snprintf(p->path, sizeof p->path, "%s", path);
	if ((rc = get_enum(ld, g, where, "dist", dist_names, COUNT(dist_names), &d)))
		return rc;
	p->dist = (enum dcg_dist)d;
	/* Keys of another distribution are mistakes, not extras. */
	for (int k = 0; k < config_setting_length(g); k++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)k);
		const char *name = config_setting_name(s);
		if (!strcmp(name, "path") || !strcmp(name, "dist"))
			continue;
		bool ok = false;
		for (size_t j = 0; j < 4 && need[d][j]; j++)
			ok |= strcmp(need[d][j], name) == 0;
		if (!ok)
			return sfail(ld, s, "%s%s does not apply to dist = \"%s\"",
				     where, name, dist_names[d]);
	}
	const config_setting_t *gs = g;
	switch (p->dist) {
	case DCG_DIST_UNIFORM:
	case DCG_DIST_LOG_UNIFORM:
		if ((rc = get_number(ld, gs, where, "min", true, &p->min)) ||
		    (rc = get_number(ld, gs, where, "max", true, &p->max)))
			return rc;
		if (!(p->max > p->min))
			return sfail(ld, g, "%smax = %g must be above min = %g",
				     where, p->max, p->min);
		if (p->dist == DCG_DIST_LOG_UNIFORM && !(p->min > 0.0))
			return sfail(ld, g, "%smin = %g must be above 0 for "
					    "dist = \"log_uniform\"", where, p->min);
		break;
	case DCG_DIST_NORMAL:
	case DCG_DIST_TRUNC_NORMAL:
		if ((rc = get_number(ld, gs, where, "mean", true, &p->mean)) ||
		    (rc = get_number(ld, gs, where, "sd", true, &p->sd)))
			return rc;
		if (!(p->sd > 0.0))
			return sfail(ld, config_setting_get_member(g, "sd"),
				     "%ssd = %g must be above 0", where, p->sd);
		if (p->dist == DCG_DIST_TRUNC_NORMAL) {
			if ((rc = get_number(ld, gs, where, "min", true, &p->min)) ||
			    (rc = get_number(ld, gs, where, "max", true, &p->max)))
				return rc;
			if (!(p->max > p->min))
				return sfail(ld, g, "%smax = %g must be above min = %g",
					     where, p->max, p->min);
		}
		break;
	case DCG_DIST_TRIANGULAR:
		if ((rc = get_number(ld, gs, where, "min", true, &p->min)) ||
		    (rc = get_number(ld, gs, where, "mode", true, &p->mode)) ||
		    (rc = get_number(ld, gs, where, "max", true, &p->max)))
			return rc;
		if (!(p->max > p->min) || p->mode < p->min || p->mode > p->max)
			return sfail(ld, g, "%sexpected min <= mode <= max and "
					    "min < max, got %g, %g, %g",
				     where, p->min, p->mode, p->max);
		break;
	case DCG_DIST_DISCRETE: {
		const config_setting_t *v = config_setting_get_member(g, "values");
		const config_setting_t *w = config_setting_get_member(g, "weights");
		if (!v)
			return sfail(ld, g, "%svalues is missing (expected "
					    "[1.0, 2.0, ...])", where);
		int n = config_setting_length(v);
		if (!config_setting_is_array(v) || n < 1)
			return sfail(ld, v, "%svalues must be a non-empty array "
					    "of numbers", where);
		if (w && (!config_setting_is_array(w) ||
			  config_setting_length(w) != n))
			return sfail(ld, w, "%sweights must be an array of %d "
					    "numbers, one per value", where, n);
		p->values = calloc((size_t)n, sizeof *p->values);
		p->weights = w ? calloc((size_t)n, sizeof *p->weights) : NULL;
		if (!p->values || (w && !p->weights))
			return dcg_error_set(ld->err, DCG_ENOMEM, "out of memory");
		p->nvalues = (size_t)n;
		double sum = 0.0;
		for (int k = 0; k < n; k++) {
			const config_setting_t *e = config_setting_get_elem(v, (unsigned)k);
			if (!is_number(e))
				return sfail(ld, v, "%svalues.[%d] is not a number",
					     where, k);
			p->values[k] = config_setting_get_float(e);
			if (config_setting_type(e) != CONFIG_TYPE_FLOAT)
				p->values[k] = (double)config_setting_get_int64(e);
			if (w) {
				e = config_setting_get_elem(w, (unsigned)k);
				double x = config_setting_type(e) == CONFIG_TYPE_FLOAT
						   ? config_setting_get_float(e)
						   : (double)config_setting_get_int64(e);
				if (!is_number(e) || !(x >= 0.0) || !isfinite(x))
					return sfail(ld, w, "%sweights.[%d] must be a "
							    "number >= 0", where, k);
				p->weights[k] = x;
				sum += x;
			}
		}
		if (w && !(sum > 0.0))
			return sfail(ld, w, "%sweights must not all be 0", where);
		break;
	}
	}
	return 0;
}

double dcg_study_param_value(const struct dcg_study_param *p, double u)
{
	u = fmin(fmax(u, 0.0), 1.0);
	switch (p->dist) {
	case DCG_DIST_UNIFORM:
		return p->min + u * (p->max - p->min);
	case DCG_DIST_LOG_UNIFORM:
		return exp(log(p->min) + u * (log(p->max) - log(p->min)));
	case DCG_DIST_NORMAL:
		return p->mean + gsl_cdf_gaussian_Pinv(0.005 + 0.99 * u, p->sd);
	case DCG_DIST_TRUNC_NORMAL: {
		double a = gsl_cdf_ugaussian_P((p->min - p->mean) / p->sd);
		double b = gsl_cdf_ugaussian_P((p->max - p->mean) / p->sd);
		double v = p->mean + p->sd * gsl_cdf_ugaussian_Pinv(a + u * (b - a));
		return fmin(fmax(v, p->min), p->max);
	}
	case DCG_DIST_TRIANGULAR: {
		double a = p->min, b = p->max, c = p->mode;
		double fc = (c - a) / (b - a);
		return u < fc ? a + sqrt(u * (b - a) * (c - a))
			      : b - sqrt((1.0 - u) * (b - a) * (b - c));
	}
	case DCG_DIST_DISCRETE: {
		size_t n = p->nvalues;
		if (!p->weights) {
			size_t k = (size_t)(u * (double)n);
			return p->values[k < n ? k : n - 1];
		}
		double sum = 0.0, acc = 0.0;
		for (size_t k = 0; k < n; k++)
			sum += p->weights[k];
		for (size_t k = 0; k < n; k++) {
			acc += p->weights[k] / sum;
			if (u < acc)
				return p->values[k];
		}
		return p->values[n - 1];
	}
	}
	return NAN;
}

/* ---- metrics and series ------------------------------------------------- */

static int read_metric(struct sload *ld, const config_setting_t *g, size_t i,
		       struct dcg_study_metric *mt)
{
	static const char *const keys[] = {"name", "kind", "year"};
	char where[64];
	int rc, k;
	snprintf(where, sizeof where, "metrics.[%zu].", i);
	if (!config_setting_is_group(g))
		return sfail(ld, g, "metrics.[%zu] is not a group { name = ...; "
				    "kind = ...; year = ...; }", i);
	if ((rc = check_keys(ld, g, where, keys, COUNT(keys))))
		return rc;
	const char *name = NULL;
	if ((rc = get_string(ld, g, where, "name", true, &name)))
		return rc;
	size_t len = strlen(name);
	bool ident = len > 0 && len < sizeof mt->name;
	for (size_t c = 0; c < len && ident; c++)
		ident = (name[c] >= 'a' && name[c] <= 'z') ||
			(name[c] >= 'A' && name[c] <= 'Z') ||
			(name[c] >= '0' && name[c] <= '9') || name[c] == '_' ||
			name[c] == '-' || name[c] == '.';
	if (!ident)
		return sfail(ld, config_setting_get_member(g, "name"),
			     "%sname = \"%s\" must be 1 to %zu characters of "
			     "[A-Za-z0-9._-]", where, name, sizeof mt->name - 1);
	snprintf(mt->name, sizeof mt->name, "%s", name);
	if ((rc = get_enum(ld, g, where, "kind", metric_names,
			   COUNT(metric_names), &k)))
		return rc;
	mt->kind = (enum dcg_metric_kind)k;
	mt->time = NAN;
	rc = get_number(ld, g, where, "year", mt->kind == DCG_METRIC_DC_ENERGY_TWH,
			&mt->time);
	if (rc < 0)
		return rc;
	if (mt->kind == DCG_METRIC_DC_ENERGY_TWH && mt->time != floor(mt->time))
		return sfail(ld, config_setting_get_member(g, "year"),
			     "%syear = %g must be a calendar year (whole "
			     "number) for kind = \"dc_energy_twh\"",
			     where, mt->time);
	if (rc == 0 && mt->kind == DCG_METRIC_FIRST_BREACH)
		return sfail(ld, config_setting_get_member(g, "year"),
			     "%syear does not apply to kind = \"first_breach\"",
			     where);
	return 0;
}

static const char *series_name(const void *ctx, size_t i)
{
	(void)ctx;
	return dcg_series_info((enum dcg_series_id)i)->name;
}

static int find_series(const char *name, int *ret)
{
	for (int id = 0; id < DCG_SER_COUNT; id++) {
		const struct dcg_series_info *si = dcg_series_info((enum dcg_series_id)id);
		char full[128];
		snprintf(full, sizeof full, "%s/%s", si->group, si->name);
		if (!strcmp(name, full) || !strcmp(name, si->name)) {
			*ret = id;
			return 0;
		}
	}
	return -1;
}

/* ---- the file ----------------------------------------------------------- */

/* The study file and its base scenario, read bounded by the memory limit
 * and only from regular files (dcg_config_read_text). */
static char *read_text(const char *path, struct dcg_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	if (access(path, R_OK) != 0) {
		dcg_error_set(err, DCG_EUSAGE, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (dcg_config_read_text(path, &buf, &len, err) < 0)
		return NULL;
	return buf;
}

void dcg_study_free(struct dcg_study *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->P; i++) {
		free(s->params[i].values);
		free(s->params[i].weights);
	}
	for (size_t i = 0; i < s->nsets; i++)
		free(s->sets[i]);
	free(s->sets);
	free(s->params);
	free(s->metrics);
	free(s->series);
	free(s->path);
	free(s->scenario_path);
	free(s->base_text);
	free(s->resolved_text);
	free(s->text);
	free(s);
}

static int read_study(struct sload *ld, const config_setting_t *root,
		      struct dcg_study *s)
{
	static const char *const keys[] = {
		"name", "scenario", "set", "design", "samples", "levels",
		"bootstrap", "seed", "threads", "parameters", "metrics", "series",
	};
	int rc, d;
	if ((rc = check_keys(ld, root, "", keys, COUNT(keys))))
		return rc;
	const char *name = NULL;
	if ((rc = get_string(ld, root, "", "name", true, &name)))
		return rc;
	/* The name labels the output file, as a scenario name does, so it
	 * takes the same characters (and never bytes that are not UTF-8). */
	bool ok = *name && strlen(name) < sizeof s->name;
	for (const char *c = name; *c && ok; c++)
		ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		     (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '.';
	if (!ok)
		return sfail(ld, config_setting_get_member(root, "name"),
			     "name must be 1 to %zu characters of [A-Za-z0-9._-]",
			     sizeof s->name - 1);
	snprintf(s->name, sizeof s->name, "%s", name);

	const char *scen = NULL;
	rc = get_string(ld, root, "", "scenario", false, &scen);
	if (rc < 0)
		return rc;
	if (rc == 0 && strcmp(scen, "built-in") != 0) {
		/* Relative to the study file's folder. */
		const char *slash = strrchr(ld->path, '/');
		size_t dl = scen[0] != '/' && slash ? (size_t)(slash - ld->path) + 1 : 0;
		size_t sl = strlen(scen);
		s->scenario_path = malloc(dl + sl + 1);
		if (!s->scenario_path)
			return dcg_error_set(ld->err, DCG_ENOMEM, "out of memory");
		memcpy(s->scenario_path, ld->path, dl);
		memcpy(s->scenario_path + dl, scen, sl + 1);
	}

	const config_setting_t *set = config_setting_get_member(root, "set");
	if (set) {
		int n = config_setting_length(set);
		if (!config_setting_is_array(set) && !config_setting_is_list(set))
			return sfail(ld, set, "set must be an array of \"path=value\" strings");
		s->sets = calloc((size_t)n + 1, sizeof *s->sets);
		if (!s->sets)
			return dcg_error_set(ld->err, DCG_ENOMEM, "out of memory");
		for (int i = 0; i < n; i++) {
			const config_setting_t *e = config_setting_get_elem(set, (unsigned)i);
			const char *v = config_setting_get_string(e);
			if (!v || !strchr(v, '='))
				return sfail(ld, set, "set.[%d] must be a \"path=value\" string", i);
			if (!(s->sets[s->nsets++] = strdup(v)))
				return dcg_error_set(ld->err, DCG_ENOMEM, "out of memory");
		}
	}

	if ((rc = get_enum(ld, root, "", "design", design_names,
			   COUNT(design_names), &d)))
		return rc;
	s->design = (enum dcg_design)d;
	bool need_samples = s->design == DCG_DESIGN_RANDOM ||
			    s->design == DCG_DESIGN_LHS ||
			    s->design == DCG_DESIGN_SALTELLI ||
			    s->design == DCG_DESIGN_MORRIS;
	if (need_samples && !config_setting_get_member(root, "samples"))
		return sfail(ld, root, "samples is missing (design \"%s\" needs "
				       "it: %s)", design_names[d],
			     s->design == DCG_DESIGN_SALTELLI ? "base points N; members N (P + 2)"
			     : s->design == DCG_DESIGN_MORRIS ? "trajectories r; members r (P + 1)"
							      : "the number of members");
	if (!need_samples && config_setting_get_member(root, "samples"))
		return sfail(ld, config_setting_get_member(root, "samples"),
			     "samples does not apply to design \"%s\" (its size "
			     "follows from levels)", design_names[d]);
	bool uses_levels = s->design == DCG_DESIGN_GRID || s->design == DCG_DESIGN_OAT ||
			   s->design == DCG_DESIGN_MORRIS;
	const config_setting_t *lv = config_setting_get_member(root, "levels");
	if (lv && !uses_levels)
		return sfail(ld, lv, "levels does not apply to design \"%s\" (only to "
				     "grid, oat and morris)", design_names[d]);
	const config_setting_t *bs = config_setting_get_member(root, "bootstrap");
	if (bs && s->design != DCG_DESIGN_SALTELLI)
		return sfail(ld, bs, "bootstrap does not apply to design \"%s\" (only "
				     "to saltelli)", design_names[d]);
	unsigned long long seed = 1;
	const config_setting_t *sd = config_setting_get_member(root, "seed");
	if (sd) {
		int t = config_setting_type(sd);
		if ((t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) ||
		    config_setting_get_int64(sd) < 0)
			return sfail(ld, sd, "seed must be a whole number >= 0");
		seed = (unsigned long long)config_setting_get_int64(sd);
	}
	s->seed = (unsigned long)seed;
	if ((rc = get_count(ld, root, "samples", 2, MAX_MEMBERS, 0, &s->samples)) ||
	    (rc = get_count(ld, root, "levels", 2, 1000, 4, &s->levels)) ||
	    (rc = get_count(ld, root, "bootstrap", 0, 100000, 200, &s->bootstrap)) ||
	    (rc = get_count(ld, root, "threads", 0, 4096, 0, &s->threads)))
		return rc;

	const config_setting_t *ps = config_setting_get_member(root, "parameters");
	if (!ps)
		return sfail(ld, root, "parameters is missing (expected a list "
				       "( { path = ...; dist = ...; ... }, ... ))");
	if (!config_setting_is_list(ps) || config_setting_length(ps) < 1)
		return sfail(ld, ps, "parameters must be a non-empty list ( { ... }, ... )");
	size_t P = (size_t)config_setting_length(ps);
	s->params = calloc(P, sizeof *s->params);
	if (!s->params)
		return dcg_error_set(ld->err, DCG_ENOMEM, "out of memory");
	for (size_t i = 0; i < P; i++) {
		s->P = i + 1;
		if ((rc = read_param(ld, config_setting_get_elem(ps, (unsigned)i), i,
				     &s->params[i])))
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->params[j].path, s->params[i].path))
				return sfail(ld, config_setting_get_elem(ps, (unsigned)i),
					     "parameters.[%zu].path = \"%s\" is "
					     "already parameters.[%zu]",
					     i, s->params[i].path, j);
	}

	const config_setting_t *ms = config_setting_get_member(root, "metrics");
	if (!ms)
		return sfail(ld, root, "metrics is missing (expected a list "
				       "( { name = ...; kind = ...; }, ... ))");
	if (!config_setting_is_list(ms) || config_setting_length(ms) < 1)
		return sfail(ld, ms, "metrics must be a non-empty list ( { ... }, ... )");
	s->nmetrics = (size_t)config_setting_length(ms);
	s->metrics = calloc(s->nmetrics, sizeof *s->metrics);
	if (!s->metrics)
		return dcg_error_set(ld->err, DCG_ENOMEM, "out of memory");
	for (size_t i = 0; i < s->nmetrics; i++) {
		if ((rc = read_metric(ld, config_setting_get_elem(ms, (unsigned)i), i,
				      &s->metrics[i])))
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->metrics[j].name, s->metrics[i].name))
				return sfail(ld, config_setting_get_elem(ms, (unsigned)i),
					     "metrics.[%zu].name = \"%s\" is "
					     "already metrics.[%zu]",
					     i, s->metrics[i].name, j);
	}

	const config_setting_t *ss = config_setting_get_member(root, "series");
	if (ss) {
		if (!config_setting_is_array(ss))
			return sfail(ld, ss, "series must be an array of series "
					     "names, e.g. [\"energy\", \"reserve_margin\"]");
		s->nseries = (size_t)config_setting_length(ss);
		s->series = calloc(s->nseries + 1, sizeof *s->series);
		if (!s->series)
			return dcg_error_set(ld->err, DCG_ENOMEM, "out of memory");
		for (size_t i = 0; i < s->nseries; i++) {
			const char *v = config_setting_get_string_elem(ss, (int)i);
			if (!v)
				return sfail(ld, ss, "series.[%zu] is not a string", i);
			if (find_series(v, &s->series[i])) {
				char h[300] = "";
				const char *sg = dcg__suggest(v, series_name, NULL, DCG_SER_COUNT);
				if (sg)
					snprintf(h, sizeof h, " (did you mean %s?)", sg);
				return sfail(ld, ss, "series.[%zu] = \"%s\" is not an "
						     "output series%s (see docs/output-format.md)",
					     i, v, h);
			}
		}
	}
	return 0;
}

/* Loads the base scenario with the fixed overrides and every parameter at
 * its median: checks the paths and that the grid exists for grid metrics. */
static int check_base(struct sload *ld, struct dcg_study *s)
{
	size_t n = s->nsets + s->P;
	char **sets = calloc(n + 1, sizeof *sets);
	struct dcg_model *m = NULL;
	int rc = 0;
	if (!sets)
		return dcg_error_set(ld->err, DCG_ENOMEM, "out of memory");
	for (size_t i = 0; i < s->nsets; i++)
		sets[i] = s->sets[i];
	for (size_t i = 0; i < s->P; i++) {
		char buf[400];
		snprintf(buf, sizeof buf, "%s=%.17g", s->params[i].path,
			 dcg_study_param_value(&s->params[i], 0.5));
		if (!(sets[s->nsets + i] = strdup(buf))) {
			rc = dcg_error_set(ld->err, DCG_ENOMEM, "out of memory");
			goto finish;
		}
	}
	struct dcg_error e = {0};
	if (s->scenario_path)
		rc = dcg_config_load_file(s->scenario_path, (const char *const *)sets,
					  n, &m, &e);
	else
		rc = dcg_config_load_default((const char *const *)sets, n, &m, &e);
	if (rc) {
		rc = dcg_error_set(ld->err, rc < 0 ? rc : DCG_ECONFIG,
				   "%s: the base scenario with the study's "
				   "overrides does not load: %s", ld->path, e.msg);
		goto finish;
	}
	/* What the members' results depend on, whatever files it came from:
	 * a checkpoint is bound to it (solvers/ensemble.c). */
	if ((rc = dcg_config_dump(m, &s->resolved_text, &e))) {
		rc = dcg_error_set(ld->err, rc, "%s: %s", ld->path, e.msg);
		goto finish;
	}
	for (size_t i = 0; i < s->nmetrics; i++) {
		enum dcg_metric_kind k = s->metrics[i].kind;
		bool grid = k == DCG_METRIC_UNSERVED_TWH || k == DCG_METRIC_EMISSIONS_MT ||
			    k == DCG_METRIC_FIRST_BREACH || k == DCG_METRIC_PEAK_DEMAND_GW;
		if (grid && !m->grid_enabled) {
			rc = dcg_error_set(ld->err, DCG_ECONFIG,
					   "%s: metrics.[%zu] kind = \"%s\" needs "
					   "a scenario with a grid", ld->path, i,
					   metric_names[k]);
			goto finish;
		}
		double t = s->metrics[i].time;
		if (k == DCG_METRIC_DC_ENERGY_TWH && (t < ceil(m->t0) || t + 1.0 > m->t1 + 1e-9)) {
			rc = dcg_error_set(ld->err, DCG_ECONFIG,
					   "%s: metrics.[%zu].year = %g is not a "
					   "calendar year inside the horizon %g-%g",
					   ld->path, i, t, m->t0, m->t1);
			goto finish;
		}
		if (k != DCG_METRIC_DC_ENERGY_TWH && isfinite(t) &&
		    (t < m->t0 || t > m->t1)) {
			rc = dcg_error_set(ld->err, DCG_ECONFIG,
					   "%s: metrics.[%zu].year = %g is outside "
					   "the horizon %g-%g", ld->path, i, t,
					   m->t0, m->t1);
			goto finish;
		}
	}
	for (size_t i = 0; i < s->nseries; i++)
		if (dcg_series_info((enum dcg_series_id)s->series[i])->grid_only &&
		    !m->grid_enabled) {
			rc = dcg_error_set(ld->err, DCG_ECONFIG,
					   "%s: series.[%zu] = \"%s\" needs a "
					   "scenario with a grid", ld->path, i,
					   dcg_series_info((enum dcg_series_id)s->series[i])->name);
			goto finish;
		}
finish:
	dcg_model_free(m);
	for (size_t i = 0; i < s->P; i++)
		free(sets[s->nsets + i]);
	free(sets);
	return rc;
}

int dcg_study_load_file(const char *path, struct dcg_study **ret_study,
			struct dcg_error *err)
{
	struct dcg_study *s = calloc(1, sizeof *s);
	struct sload ld = {.path = path, .err = err};
	config_t cfg;
	int rc = 0;
	config_init(&cfg);
	if (!s)
		return dcg_error_set(err, DCG_ENOMEM, "out of memory");
	if (!(s->path = strdup(path))) {
		rc = dcg_error_set(err, DCG_ENOMEM, "out of memory");
		goto finish;
	}
	if (!(s->text = read_text(path, err))) {
		rc = err ? err->status : DCG_EIO;
		goto finish;
	}
	if (!config_read_string(&cfg, s->text)) {
		rc = dcg_error_set(err, DCG_ECONFIG, "%s:%d: %s", path,
				   config_error_line(&cfg), config_error_text(&cfg));
		goto finish;
	}
	if ((rc = read_study(&ld, config_root_setting(&cfg), s)))
		goto finish;
	if (s->scenario_path) {
		if (!(s->base_text = read_text(s->scenario_path, err))) {
			/* err->msg is copied first: formatting it into itself
			 * garbled the message. */
			char why[DCG_ERROR_MSG_MAX];
			snprintf(why, sizeof why, "%s", err ? err->msg : "");
			rc = dcg_error_set(err, DCG_ECONFIG, "%s: scenario: %s", path, why);
			goto finish;
		}
	} else if (!(s->base_text = strdup(dcg_config_default_text()))) {
		rc = dcg_error_set(err, DCG_ENOMEM, "out of memory");
		goto finish;
	}
	if ((rc = check_base(&ld, s)))
		goto finish;
	*ret_study = s;
	s = NULL;
finish:
	config_destroy(&cfg);
	dcg_study_free(s);
	return rc;
}

/* ---- the design --------------------------------------------------------- */

/* Levels of a grid or one-at-a-time sweep: the values of a discrete
 * parameter, else `levels` points evenly spaced in u over [0, 1]. */
static size_t n_levels(const struct dcg_study *s, size_t j)
{
	return s->params[j].dist == DCG_DIST_DISCRETE ? s->params[j].nvalues
						      : s->levels;
}

/* The u of level k: for a discrete parameter the middle of value k's slice
 * of probability (so that the inverse CDF gives value k back whatever the
 * weights), else k / (levels - 1). */
static double level_u(const struct dcg_study *s, size_t j, size_t k)
{
	const struct dcg_study_param *p = &s->params[j];
	size_t n = n_levels(s, j);
	if (p->dist != DCG_DIST_DISCRETE)
		return n > 1 ? (double)k / (double)(n - 1) : 0.5;
	if (!p->weights)
		return ((double)k + 0.5) / (double)n;
	double sum = 0.0, before = 0.0;
	for (size_t i = 0; i < n; i++) {
		sum += p->weights[i];
		if (i < k)
			before += p->weights[i];
	}
	return (before + 0.5 * p->weights[k]) / sum;
}

int dcg_study_design(const struct dcg_study *s, size_t *ret_M,
		     double **ret_u, double **ret_x, struct dcg_error *err)
{
	size_t P = s->P, M = 0;
	switch (s->design) {
	case DCG_DESIGN_GRID:
		M = 1;
		for (size_t j = 0; j < P; j++) {
			if (M > MAX_MEMBERS / n_levels(s, j))
				return dcg_error_set(err, DCG_ELIMIT,
						     "%s: a full grid of %zu parameters "
						     "has more than %zu members",
						     s->path, P, MAX_MEMBERS);
			M *= n_levels(s, j);
		}
		break;
	case DCG_DESIGN_OAT:
		M = 1;
		for (size_t j = 0; j < P; j++)
			M += n_levels(s, j);
		break;
	case DCG_DESIGN_RANDOM:
	case DCG_DESIGN_LHS:
		M = s->samples;
		break;
	case DCG_DESIGN_SALTELLI:
		M = s->samples * (P + 2);
		break;
	case DCG_DESIGN_MORRIS:
		M = s->samples * (P + 1);
		break;
	}
	if (M > MAX_MEMBERS)
		return dcg_error_set(err, DCG_ELIMIT, "%s: %zu members is more than %zu",
				     s->path, M, MAX_MEMBERS);
	double *u = calloc(M * P + 1, sizeof *u), *x = calloc(M * P + 1, sizeof *x);
	int rc = 0;
	if (!u || !x) {
		rc = dcg_error_set(err, DCG_ENOMEM, "out of memory for %zu members", M);
		goto finish;
	}
	switch (s->design) {
	case DCG_DESIGN_GRID:
		for (size_t i = 0; i < M; i++) {
			size_t rest = i;
			/* The last parameter varies fastest. */
			for (size_t jj = P; jj-- > 0;) {
				size_t n = n_levels(s, jj);
				u[i * P + jj] = level_u(s, jj, rest % n);
				rest /= n;
			}
		}
		break;
	case DCG_DESIGN_OAT: {
		size_t i = 1;
		for (size_t j = 0; j < P; j++)
			u[j] = 0.5;
		for (size_t j = 0; j < P; j++)
			for (size_t k = 0; k < n_levels(s, j); k++, i++) {
				for (size_t jj = 0; jj < P; jj++)
					u[i * P + jj] = 0.5;
				u[i * P + j] = level_u(s, j, k);
			}
		break;
	}
	case DCG_DESIGN_RANDOM:
		rc = dcg_stats_uniform(M, P, s->seed, u);
		break;
	case DCG_DESIGN_LHS:
		rc = dcg_stats_lhs(M, P, s->seed, u);
		break;
	case DCG_DESIGN_SALTELLI:
		rc = dcg_stats_saltelli(s->samples, P, s->seed, u);
		break;
	case DCG_DESIGN_MORRIS:
		rc = dcg_stats_morris_design(s->samples, P, s->levels, s->seed, u);
		break;
	}
	if (rc) {
		rc = dcg_error_set(err, rc, "%s: cannot build the %s design",
				   s->path, design_names[s->design]);
		goto finish;
	}
	for (size_t i = 0; i < M; i++)
		for (size_t j = 0; j < P; j++)
			x[i * P + j] = dcg_study_param_value(&s->params[j], u[i * P + j]);
	*ret_M = M;
	*ret_u = u;
	*ret_x = x;
	u = x = NULL;
finish:
	free(u);
	free(x);
	return rc;
}
