/* JSON of `dcgrid serve`: override values in, settings and results out.
 *
 * Requests carry overrides as {"set": {"dotted.path": value}}; each becomes
 * the --set text "path=value" that the command line would pass, so the
 * library checks it with the same rules and the same messages. Results are
 * driven by the series table (dcg_series_info): every series the model has
 * is written with its group, name, units, description, dimensions and one
 * column of T values per component, so a series added to the table reaches
 * the page without code here. Non-finite numbers are written as null.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "serve.h"

json_t *dcg__serve_number(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* ---- override values -> --set text ------------------------------------ */

struct lit {
	char *buf;
	size_t len, cap;
	bool full;
};

static void put(struct lit *l, const char *s, size_t n)
{
	if (l->full || l->len + n + 1 > l->cap) {
		l->full = true;
		return;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = '\0';
}

static void puts_lit(struct lit *l, const char *s)
{
	put(l, s, strlen(s));
}

/* The shortest decimal text that reads back to v. */
static void put_real(struct lit *l, double v)
{
	char b[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(b, sizeof b, "%.*g", prec, v);
		if (strtod(b, NULL) == v)
			break;
	}
	puts_lit(l, b);
}

/* A libconfig key: a letter or '*', then letters, digits, '-', '_', '*'. */
static bool config_key(const char *k)
{
	if (!((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z')))
		return false;
	return strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789-_") == strlen(k);
}

static bool scalar(const json_t *v)
{
	return json_is_number(v) || json_is_string(v) || json_is_boolean(v);
}

static int put_value(struct lit *l, const json_t *v, int depth, char *why,
		     size_t size)
{
	if (depth > 8) {
		snprintf(why, size, "the value is nested deeper than 8 levels");
		return -1;
	}
	switch (json_typeof(v)) {
	case JSON_INTEGER: {
		char b[32];
		snprintf(b, sizeof b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		puts_lit(l, b);
		return 0;
	}
	case JSON_REAL:
		put_real(l, json_real_value(v));
		return 0;
	case JSON_TRUE:
		puts_lit(l, "true");
		return 0;
	case JSON_FALSE:
		puts_lit(l, "false");
		return 0;
	case JSON_STRING: {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		put(l, "\"", 1);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c < 0x20 || c == 0x7f) {
				snprintf(why, size,
					 "the text holds a control character "
					 "(0x%02X); settings are one line of "
					 "text",
					 c);
				return -1;
			}
			if (c == '"' || c == '\\')
				put(l, "\\", 1);
			put(l, s + i, 1);
		}
		put(l, "\"", 1);
		return 0;
	}
	case JSON_ARRAY: {
		/* Numbers or texts alone make a libconfig array [ ... ];
		 * anything else a list ( ... ). */
		bool array = true;
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) array = array && scalar(e);
		puts_lit(l, array ? "[" : "(");
		json_array_foreach(v, i, e)
		{
			if (i)
				puts_lit(l, ", ");
			if (put_value(l, e, depth + 1, why, size))
				return -1;
		}
		puts_lit(l, array ? "]" : ")");
		return 0;
	}
	case JSON_OBJECT: {
		const char *k;
		json_t *e;
		puts_lit(l, "{ ");
		json_object_foreach((json_t *)v, k, e)
		{
			if (!config_key(k)) {
				snprintf(why, size,
					 "\"%.60s\" is not a setting name (a "
					 "letter, then letters, digits, - or _)",
					 k);
				return -1;
			}
			puts_lit(l, k);
			puts_lit(l, " = ");
			if (put_value(l, e, depth + 1, why, size))
				return -1;
			puts_lit(l, "; ");
		}
		puts_lit(l, "}");
		return 0;
	}
	case JSON_NULL:
		snprintf(why, size,
			 "null is not a value (leave the setting out to keep "
			 "the scenario's value)");
		return -1;
	}
	snprintf(why, size, "unsupported JSON value");
	return -1;
}

char *dcg__serve_set_text(const char *path, const json_t *value, char *why,
			  size_t why_size)
{
	size_t plen = strlen(path);
	if (plen == 0 || plen > DCG_SERVE_MAX_PATH ||
	    strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789_-.[]") != plen) {
		snprintf(why, why_size,
			 "\"%.80s%s\" is not a setting path (expected the dotted "
			 "path of `dcgrid config --keys`, with .[i] for list "
			 "elements, e.g. hardware.[1].life_yr)",
			 path, plen > 80 ? "..." : "");
		return NULL;
	}
	struct lit l = {.cap = plen + 2 + DCG_SERVE_MAX_VALUE};
	if (!(l.buf = malloc(l.cap))) {
		snprintf(why, why_size, "out of memory");
		return NULL;
	}
	l.buf[0] = '\0';
	put(&l, path, plen);
	put(&l, "=", 1);
	if (put_value(&l, value, 0, why, why_size)) {
		free(l.buf);
		return NULL;
	}
	if (l.full) {
		snprintf(why, why_size, "the value is longer than %d characters",
			 DCG_SERVE_MAX_VALUE);
		free(l.buf);
		return NULL;
	}
	return l.buf;
}

/* ---- settings ------------------------------------------------------------ */

static const char *type_name(enum dcg_param_type t)
{
	switch (t) {
	case DCG_PT_DOUBLE:
		return "number";
	case DCG_PT_INT:
		return "integer";
	case DCG_PT_BOOL:
		return "switch";
	case DCG_PT_STRING:
		return "text";
	case DCG_PT_ENUM:
		return "choice";
	case DCG_PT_SCHEDULE:
		return "schedule";
	case DCG_PT_ARRAY:
		return "array";
	}
	return "unknown";
}

static json_t *numbers(const double *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, dcg__serve_number(v[i]));
	return a;
}

static json_t *setting(const struct dcg_param_value *pv, const char *path,
		       const char *type, json_t *value, const char *doc)
{
	json_t *o = json_object();
	if (!o) {
		json_decref(value);
		return NULL;
	}
	json_object_set_new(o, "path", json_string(path));
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "value", value);
	json_object_set_new(o, "units", json_string(pv->units ? pv->units : ""));
	json_object_set_new(o, "doc", json_string(doc));
	json_object_set_new(o, "range", json_string(pv->range ? pv->range : ""));
	json_object_set_new(o, "min", dcg__serve_number(pv->min));
	json_object_set_new(o, "max", dcg__serve_number(pv->max));
	json_object_set_new(o, "min_open", json_boolean(pv->min_open));
	json_object_set_new(o, "max_open", json_boolean(pv->max_open));
	json_object_set_new(o, "default", dcg__serve_number(pv->default_number));
	if (pv->sentinel)
		json_object_set_new(o, "sentinel", json_string(pv->sentinel));
	if (pv->choices) {
		json_t *c = json_array();
		for (const char *const *n = pv->choices; c && *n; n++)
			json_array_append_new(c, json_string(*n));
		json_object_set_new(o, "choices", c);
	}
	return o;
}

static int visit_cb(void *ctx, const struct dcg_param_value *pv)
{
	json_t *list = ctx;
	json_t *value;
	switch (pv->type) {
	case DCG_PT_DOUBLE:
		value = dcg__serve_number(pv->number);
		break;
	case DCG_PT_INT:
		value = json_integer((json_int_t)pv->number);
		break;
	case DCG_PT_BOOL:
		value = json_boolean(pv->number != 0);
		break;
	case DCG_PT_STRING:
	case DCG_PT_ENUM:
		value = json_string(pv->string ? pv->string : "");
		break;
	case DCG_PT_SCHEDULE: {
		const struct dcg_schedule *s = pv->schedule;
		static const char *const interp[] = {"linear", "step", "log"};
		value = json_object();
		if (value) {
			json_object_set_new(value, "interp",
					    json_string((unsigned)s->interp < 3 ?
								interp[s->interp] :
								"linear"));
			json_object_set_new(value, "year", numbers(s->year, s->n));
			json_object_set_new(value, "value", numbers(s->value, s->n));
		}
		break;
	}
	case DCG_PT_ARRAY:
		value = numbers(pv->values, pv->count);
		break;
	default:
		value = json_null();
	}
	if (json_array_append_new(list, setting(pv, pv->path,
						type_name(pv->type), value,
						pv->doc ? pv->doc : "")))
		return -1;
	if (pv->type == DCG_PT_ARRAY) {
		/* Each entry of an array, as --set reaches it. */
		for (size_t i = 0; i < pv->count; i++) {
			char path[600], doc[400];
			snprintf(path, sizeof path, "%s.[%zu]", pv->path, i);
			snprintf(doc, sizeof doc, "%s, entry %zu",
				 pv->doc ? pv->doc : "", i);
			if (json_array_append_new(list,
						  setting(pv, path, "number",
							  dcg__serve_number(pv->values[i]),
							  doc)))
				return -1;
		}
		return 0;
	}
	if (pv->type != DCG_PT_SCHEDULE)
		return 0;

	/* Each point of a schedule, as --set reaches it. */
	const struct dcg_schedule *s = pv->schedule;
	for (size_t i = 0; i < s->n; i++) {
		char path[600], doc[400];
		snprintf(path, sizeof path, "%s.value.[%zu]", pv->path, i);
		snprintf(doc, sizeof doc, "%s, point %zu (year %g)",
			 pv->doc ? pv->doc : "", i, s->year[i]);
		if (json_array_append_new(list,
					  setting(pv, path, "number",
						  dcg__serve_number(s->value[i]),
						  doc)))
			return -1;
		if (s->n < 2)
			continue;
		struct dcg_param_value yv = *pv;
		yv.units = "yr";
		yv.min = yv.max = yv.default_number = NAN;
		yv.min_open = yv.max_open = false;
		yv.range = "increasing within the schedule";
		yv.sentinel = NULL;
		snprintf(path, sizeof path, "%s.year.[%zu]", pv->path, i);
		snprintf(doc, sizeof doc, "%s, year of point %zu",
			 pv->doc ? pv->doc : "", i);
		if (json_array_append_new(list,
					  setting(&yv, path, "number",
						  dcg__serve_number(s->year[i]),
						  doc)))
			return -1;
	}
	return 0;
}

json_t *dcg__serve_settings_json(const struct dcg_model *m)
{
	json_t *list = json_array();
	if (list && dcg_config_visit_ranges(m, visit_cb, list)) {
		json_decref(list);
		return NULL;
	}
	return list;
}

/* ---- results ------------------------------------------------------------- */

static json_t *names_region(const struct dcg_model *m)
{
	json_t *a = json_array();
	for (size_t r = 0; a && r < m->R; r++)
		json_array_append_new(a, json_string(m->regions[r].name));
	return a;
}

static json_t *dim_names(const struct dcg_model *m, const char *dim)
{
	json_t *a = json_array();
	if (strcmp(dim, "region") == 0) {
		json_decref(a);
		return names_region(m);
	}
	if (strcmp(dim, "hardware") == 0)
		for (size_t k = 0; a && k < m->K; k++)
			json_array_append_new(a, json_string(m->classes[k].name));
	else if (strcmp(dim, "segment") == 0)
		for (size_t s = 0; a && s < m->S; s++)
			json_array_append_new(a, json_string(m->segments[s].name));
	else if (strcmp(dim, "technology") == 0)
		for (size_t j = 0; a && j < m->J; j++)
			json_array_append_new(a, json_string(m->techs[j].name));
	else if (strcmp(dim, "corridor") == 0)
		for (size_t l = 0; a && l < m->L; l++)
			json_array_append_new(a, json_string(m->corridors[l].name));
	return a;
}

/* The dimensions after time of a series, as HDF5 names them. An unknown
 * kind (a newer table) gets none, and its components are numbered. */
static json_t *dims_of(enum dcg_dims d)
{
	switch (d) {
	case DCG_DIMS_T:
		return json_pack("[]");
	case DCG_DIMS_TS:
		return json_pack("[s]", "segment");
	case DCG_DIMS_TR:
		return json_pack("[s]", "region");
	case DCG_DIMS_TRK:
		return json_pack("[ss]", "region", "hardware");
	case DCG_DIMS_TK:
		return json_pack("[s]", "hardware");
	case DCG_DIMS_TRJ:
		return json_pack("[ss]", "region", "technology");
	case DCG_DIMS_TL:
		return json_pack("[s]", "corridor");
	}
	return json_pack("[]");
}

/* The label of component c: the names along the dimensions, joined by
 * '/', e.g. "gansu/npu-domestic"; "total" for a scalar series. */
static json_t *labels(json_t *dims, json_t *names, size_t width)
{
	json_t *a = json_array();
	size_t nd = json_array_size(dims);
	for (size_t c = 0; a && c < width; c++) {
		char b[256] = "";
		size_t rest = c, len = 0;
		if (nd == 0 && width == 1)
			snprintf(b, sizeof b, "total");
		else if (nd == 0)
			snprintf(b, sizeof b, "%zu", c);
		for (size_t d = 0; d < nd; d++) {
			/* Row-major: the last dimension varies fastest. */
			size_t stride = 1;
			for (size_t e = d + 1; e < nd; e++)
				stride *= json_array_size(json_object_get(
					names, json_string_value(json_array_get(dims, e))));
			json_t *n = json_object_get(
				names, json_string_value(json_array_get(dims, d)));
			size_t i = stride ? rest / stride : 0;
			rest -= i * stride;
			const char *s = json_string_value(json_array_get(n, i));
			len += (size_t)snprintf(b + len, len < sizeof b ? sizeof b - len : 0,
						"%s%s", d ? "/" : "", s ? s : "?");
			if (len >= sizeof b)
				len = sizeof b - 1;
		}
		json_array_append_new(a, json_string(b));
	}
	return a;
}

/* Columns: one array of rows values per component. */
static json_t *columns(const double *v, size_t rows, size_t width)
{
	json_t *a = json_array();
	for (size_t c = 0; a && c < width; c++) {
		json_t *col = json_array();
		for (size_t i = 0; col && i < rows; i++)
			json_array_append_new(col, dcg__serve_number(v[i * width + c]));
		json_array_append_new(a, col);
	}
	return a;
}

static void annual(json_t *o, const char *name, const char *units,
		   const char *doc, const double *v, size_t Y, size_t R,
		   json_t *region_labels)
{
	if (!v)
		return;
	json_object_set_new(o, name,
			    json_pack("{s:s, s:s, s:O, s:o}", "units", units,
				      "long_name", doc, "labels", region_labels,
				      "columns", columns(v, Y, R)));
}

/* The typical day of each region for the page: at the last hourly year,
 * the representative day holding the region's highest net load, with its
 * load, net load, generation by technology, storage charging, net import
 * and unserved energy (one day per region keeps the answer small; the
 * HDF5 download holds every day). null without the hourly grid. */
static json_t *hour_row(const double *v)
{
	return numbers(v, DCG_HOURS);
}

static json_t *hourly_json(const struct dcg_model *m,
			   const struct dcg_result *res)
{
	static const char *const kinds[] = {"must_run", "variable", "thermal",
					    "hydro", "storage"};
	if (!m->grid_enabled || res->hY == 0 || !res->hourly[DCG_HR_LOAD] ||
	    !res->hourly[DCG_HR_NET_LOAD] || !res->hourly[DCG_HR_GENERATION] ||
	    !res->hourly[DCG_HR_CHARGE] || !res->hourly[DCG_HR_UNSERVED] ||
	    !res->hourly[DCG_HR_IMPORT])
		return json_null();
	size_t R = m->R, J = m->J, D = m->D, H = D * DCG_HOURS;
	size_t y = res->hY - 1;
	json_t *o = json_object();
	json_object_set_new(o, "years", numbers(res->hourly_year, res->hY));
	json_object_set_new(o, "time", numbers(res->hourly_time, res->hY));
	json_object_set_new(o, "year", dcg__serve_number(res->hourly_year[y]));
	json_object_set_new(o, "day_weight", numbers(m->day_weight, D));
	json_t *techs = json_array();
	for (size_t j = 0; j < J; j++)
		json_array_append_new(
			techs, json_pack("{s:s, s:s}", "name", m->techs[j].name,
					 "kind",
					 (unsigned)m->techs[j].kind < 5 ?
						 kinds[m->techs[j].kind] :
						 "unknown"));
	json_object_set_new(o, "technologies", techs);

	const double *load = res->hourly[DCG_HR_LOAD] + y * R * H;
	const double *net = res->hourly[DCG_HR_NET_LOAD] + y * R * H;
	const double *gen = res->hourly[DCG_HR_GENERATION] + y * R * J * H;
	const double *chg = res->hourly[DCG_HR_CHARGE] + y * R * H;
	const double *imp = res->hourly[DCG_HR_IMPORT] + y * R * H;
	const double *uns = res->hourly[DCG_HR_UNSERVED] + y * R * H;
	json_t *regions = json_array();
	for (size_t r = 0; r < R; r++) {
		size_t peak = 0;
		for (size_t i = 1; i < H; i++)
			if (net[r * H + i] > net[r * H + peak])
				peak = i;
		size_t d = peak / DCG_HOURS, at = r * H + d * DCG_HOURS;
		json_t *g = json_array();
		for (size_t j = 0; j < J; j++)
			json_array_append_new(g, hour_row(&gen[(r * J + j) * H +
								d * DCG_HOURS]));
		json_t *e = json_pack("{s:s, s:I, s:I, s:o}", "region",
				      m->regions[r].name, "day", (json_int_t)d,
				      "peak_hour", (json_int_t)(peak % DCG_HOURS),
				      "day_weight", dcg__serve_number(m->day_weight[d]));
		json_object_set_new(e, "load", hour_row(&load[at]));
		json_object_set_new(e, "net_load", hour_row(&net[at]));
		json_object_set_new(e, "generation", g);
		json_object_set_new(e, "storage_charge", hour_row(&chg[at]));
		json_object_set_new(e, "net_import", hour_row(&imp[at]));
		json_object_set_new(e, "unserved", hour_row(&uns[at]));
		json_array_append_new(regions, e);
	}
	json_object_set_new(o, "regions", regions);
	return o;
}

json_t *dcg__serve_result_json(const struct dcg_model *m,
			       const struct dcg_result *res)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_t *names = json_object();
	static const char *const dims[] = {"region", "hardware", "segment",
					   "technology", "corridor"};
	for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++)
		json_object_set_new(names, dims[d], dim_names(m, dims[d]));

	json_object_set_new(o, "scenario", json_string(m->scenario));
	json_object_set_new(o, "complete", json_boolean(res->complete));
	json_object_set_new(o, "failure",
			    res->complete ? json_null() : json_string(res->failure));
	json_object_set_new(o, "t0", json_real(m->t0));
	json_object_set_new(o, "t1", json_real(m->t1));
	json_object_set_new(o, "time", numbers(res->time, res->T));
	json_object_set_new(o, "names", names);

	json_t *series = json_array();
	for (int id = 0; id < DCG_SER_COUNT; id++) {
		const struct dcg_series_info *si = dcg_series_info((enum dcg_series_id)id);
		size_t w = dcg_series_width(m, (enum dcg_series_id)id);
		if (!si || !res->series[id] || w == 0)
			continue;
		char key[128];
		snprintf(key, sizeof key, "%s/%s", si->group, si->name);
		json_t *d = dims_of(si->dims);
		json_t *s = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "key", key,
				      "group", si->group, "name", si->name,
				      "units", si->units, "long_name",
				      si->long_name, "dims", d);
		json_object_set_new(s, "labels", labels(d, names, w));
		json_object_set_new(s, "columns", columns(res->series[id], res->T, w));
		json_decref(d);
		json_array_append_new(series, s);
	}
	json_object_set_new(o, "series", series);

	json_t *an = json_object();
	json_object_set_new(an, "year", numbers(res->year, res->Y));
	if (res->complete) {
		json_t *rl = json_object_get(names, "region");
		annual(an, "dc_energy", "TWh", "data-center electricity",
		       res->annual_dc_energy, res->Y, m->R, rl);
		if (m->grid_enabled) {
			annual(an, "consumption", "TWh", "electricity consumption",
			       res->annual_consumption, res->Y, m->R, rl);
			annual(an, "unserved", "TWh", "unserved energy",
			       res->annual_unserved, res->Y, m->R, rl);
			annual(an, "emissions", "Mt", "CO2 emissions",
			       res->annual_emissions, res->Y, m->R, rl);
		}
	}
	json_object_set_new(o, "annual", an);

	/* The standard each region's reserve margin is held to. */
	if (m->grid_enabled) {
		json_t *std = json_array();
		for (size_t r = 0; r < m->R; r++)
			json_array_append_new(std, dcg__serve_number(m->regions[r].reserve_min));
		json_object_set_new(o, "reserve_min", std);
	}

	json_t *ev = json_array();
	for (size_t i = 0; i < res->n_events; i++) {
		const struct dcg_event *e = &res->events[i];
		json_array_append_new(
			ev, json_pack("{s:s, s:s, s:f}", "region",
				      m->regions[e->region].name, "kind",
				      e->kind == DCG_EVENT_BELOW ? "below" : "recover",
				      "time", e->time));
	}
	json_object_set_new(o, "events", ev);
	json_object_set_new(o, "hourly", res->complete ? hourly_json(m, res) :
							 json_null());

	const struct dcg_solver_stats *st = &res->stats;
	json_object_set_new(o, "solver",
			    json_pack("{s:s, s:s, s:I, s:I, s:f}", "method",
				      st->method, "linear_solver",
				      st->linear_solver, "steps",
				      (json_int_t)st->steps, "rhs_evals",
				      (json_int_t)st->rhs_evals, "wall_time_s",
				      st->wall_time_s));
	return o;
}
