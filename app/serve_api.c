/* The API of `dcgrid serve` (docs/serve.md):
 *
 *   GET  /api/settings   the scenario's settings (units, ranges, defaults,
 *                        values) and the explorer's key assumptions
 *   POST /api/run        {"set": {...}} -> the run's series as JSON
 *   POST /api/run.h5     {"set": {...}} -> the run as an HDF5 file
 *   POST /api/config     {"set": {...}} -> the resolved config file
 *
 * A run is `dcgrid run CONFIG --set path=value ...`: the same loader, the
 * same checks and messages, the same solver. Each request is bounded: its
 * body (DCG_SERVE_MAX_BODY, checked by cmd_serve.c), its overrides
 * (DCG_SERVE_MAX_SETS), its output rows (DCG_SERVE_MAX_OUTPUT_TIMES), its
 * solve time (--solve-timeout) and the solves running at once
 * (--max-solves). Statuses: 400 a body that is not the expected JSON, 404
 * an unknown path, 405 a wrong method, 413 too many overrides, 422 an
 * override the scenario refuses or a run past a bound, 503 all solve slots
 * busy or the server stopping, 500 anything else.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "serve.h"
#include "signals.h"

/* ---- replies -------------------------------------------------------------- */

static void reply_json(struct dcg__serve_reply *r, unsigned status, json_t *o)
{
	r->status = status;
	r->type = "application/json";
	r->body = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
	json_decref(o);
	if (!r->body) {
		r->status = 500;
		r->body = strdup("{\"error\":\"out of memory\"}");
	}
	r->len = r->body ? strlen(r->body) : 0;
}

static void reply_error(struct dcg__serve_reply *r, unsigned status,
			const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void reply_error(struct dcg__serve_reply *r, unsigned status,
			const char *fmt, ...)
{
	char msg[DCG_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	reply_json(r, status, json_pack("{s:s}", "error", msg));
}

/* The HTTP status of a library failure while loading or solving. */
static unsigned http_status(int status)
{
	switch (status) {
	case DCG_ECONFIG:
	case DCG_EUSAGE:
	case DCG_ELIMIT:
		return 422;
	case DCG_EINTERRUPTED:
		return 503;
	default:
		return 500;
	}
}

int dcg__serve_init(struct dcg__serve *s, FILE *warn, struct dcg_error *err)
{
	struct dcg__sets none = {0};
	struct dcg_model *m = NULL;
	int rc = dcg__load_model(s->config, &none, &m, err);
	if (rc < 0)
		return rc;
	json_t *settings = dcg__serve_settings_json(m);
	json_t *explorer = settings ? dcg__serve_explorer_json(s->config, settings, warn) : NULL;
	if (!settings || !explorer) {
		json_decref(settings);
		dcg_model_free(m);
		return dcg_error_set(err, DCG_ENOMEM, "out of memory");
	}
	s->settings = json_pack(
		"{s:s, s:s, s:s, s:o, s:o, s:{s:I, s:I, s:I, s:f, s:i, s:I}}",
		"scenario", m->scenario, "description", m->description, "config",
		s->config ? s->config : "", "explorer", explorer, "settings",
		settings, "limits", "max_body_bytes",
		(json_int_t)DCG_SERVE_MAX_BODY, "max_overrides",
		(json_int_t)DCG_SERVE_MAX_SETS, "max_value_chars",
		(json_int_t)DCG_SERVE_MAX_VALUE, "solve_timeout_s",
		s->solve_timeout_s, "max_solves", s->max_solves,
		"max_output_times", (json_int_t)DCG_SERVE_MAX_OUTPUT_TIMES);
	dcg_model_free(m);
	if (!s->settings)
		return dcg_error_set(err, DCG_ENOMEM, "out of memory");
	return 0;
}

void dcg__serve_free(struct dcg__serve *s)
{
	if (!s)
		return;
	json_decref(s->settings);
	s->settings = NULL;
}

/* ---- requests ------------------------------------------------------------- */

struct request {
	char **sets; /* "path=value", owned */
	size_t n;
};

static void request_free(struct request *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->sets[i]);
	free(q->sets);
}

/* Parses {"set": {...}}; on failure fills r and returns -1. */
static int parse_request(const char *body, size_t len, struct request *q,
			 struct dcg__serve_reply *r)
{
	json_error_t je;
	memset(&je, 0, sizeof je);
	json_t *o = len ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &je) :
			  json_object();
	int rc = -1;

	if (!o) {
		reply_error(r, 400,
			    "the body is not JSON (line %d, column %d: %s); "
			    "expected {\"set\": {\"dotted.path\": value, ...}}",
			    je.line, je.column, je.text);
		return -1;
	}
	if (!json_is_object(o)) {
		reply_error(r, 400,
			    "expected a JSON object {\"set\": {\"dotted.path\": "
			    "value, ...}}");
		goto finish;
	}
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		if (strcmp(k, "set") != 0) {
			reply_error(r, 400,
				    "unknown field \"%.80s\" (the body holds only "
				    "\"set\")",
				    k);
			goto finish;
		}
	}
	json_t *set = json_object_get(o, "set");
	if (set && !json_is_object(set)) {
		reply_error(r, 400,
			    "\"set\" must be an object {\"dotted.path\": value, "
			    "...}");
		goto finish;
	}
	size_t n = set ? json_object_size(set) : 0;
	if (n > DCG_SERVE_MAX_SETS) {
		reply_error(r, 413,
			    "%zu overrides; a request may hold at most %d", n,
			    DCG_SERVE_MAX_SETS);
		goto finish;
	}
	q->sets = calloc(n ? n : 1, sizeof *q->sets);
	if (!q->sets) {
		reply_error(r, 500, "out of memory");
		goto finish;
	}
	/* In the order of the body: overrides apply in order, as on the
	 * command line. */
	json_object_foreach(set, k, v)
	{
		char why[300];
		char *t = dcg__serve_set_text(k, v, why, sizeof why);
		if (!t) {
			reply_error(r, 400, "--set %.300s: %s", k, why);
			goto finish;
		}
		q->sets[q->n++] = t;
	}
	rc = 0;
finish:
	json_decref(o);
	return rc;
}

/* Takes a solve slot, or answers 503. */
static int slot_take(struct dcg__serve *s, struct dcg__serve_reply *r)
{
	pthread_mutex_lock(&s->lock);
	bool ok = s->solves < s->max_solves;
	if (ok)
		s->solves++;
	pthread_mutex_unlock(&s->lock);
	if (!ok) {
		reply_error(r, 503,
			    "%d solves are running, the server's limit "
			    "(dcgrid serve --max-solves); try again",
			    s->max_solves);
		r->retry = true;
		return -1;
	}
	return 0;
}

static void slot_give(struct dcg__serve *s)
{
	pthread_mutex_lock(&s->lock);
	s->solves--;
	pthread_mutex_unlock(&s->lock);
}

struct deadline {
	struct timespec end;
	bool passed;
};

static int past_deadline(void *ctx)
{
	struct deadline *d = ctx;
	struct timespec now;
	if (dcg__signals_caught())
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > d->end.tv_sec ||
	    (now.tv_sec == d->end.tv_sec && now.tv_nsec >= d->end.tv_nsec))
		d->passed = true;
	return d->passed;
}

/* Loads the scenario with the request's overrides; on failure fills r. */
static int load(struct dcg__serve *s, const struct request *q,
		struct dcg_model **ret, struct dcg__serve_reply *r)
{
	struct dcg__sets sets = {.v = (const char **)q->sets, .n = q->n, .cap = q->n};
	struct dcg_error err = {0};
	int rc = dcg__load_model(s->config, &sets, ret, &err);
	if (rc < 0) {
		reply_error(r, http_status(rc), "%s",
			    err.msg[0] ? err.msg : dcg_strerror(rc));
		return -1;
	}
	double rows = floor(((*ret)->t1 - (*ret)->t0) / (*ret)->output_step_yr) + 2;
	if (rows > DCG_SERVE_MAX_OUTPUT_TIMES) {
		reply_error(r, 422,
			    "the horizon %g to %g at output_step_yr = %g gives "
			    "about %.0f output times; the server's limit is %d "
			    "(use dcgrid run for longer runs)",
			    (*ret)->t0, (*ret)->t1, (*ret)->output_step_yr, rows,
			    DCG_SERVE_MAX_OUTPUT_TIMES);
		dcg_model_free(*ret);
		*ret = NULL;
		return -1;
	}
	return 0;
}

static int solve(struct dcg__serve *s, const struct dcg_model *m,
		 struct dcg_result **ret, struct dcg__serve_reply *r)
{
	struct deadline d = {0};
	clock_gettime(CLOCK_MONOTONIC, &d.end);
	double whole = floor(s->solve_timeout_s);
	d.end.tv_sec += (time_t)whole;
	d.end.tv_nsec += (long)((s->solve_timeout_s - whole) * 1e9);
	if (d.end.tv_nsec >= 1000000000L) {
		d.end.tv_sec++;
		d.end.tv_nsec -= 1000000000L;
	}
	struct dcg_solve_opts opts = {.should_stop = past_deadline,
				      .should_stop_ctx = &d};
	struct dcg_error err = {0};
	int rc = dcg_solve(m, &opts, ret, &err);
	if (rc == DCG_EINTERRUPTED && d.passed) {
		reply_error(r, 422,
			    "the solve was stopped after %g s, the server's limit "
			    "(dcgrid serve --solve-timeout); %s",
			    s->solve_timeout_s, err.msg);
		return -1;
	}
	if (rc == DCG_EINTERRUPTED) {
		reply_error(r, 503, "the server is stopping");
		return -1;
	}
	/* A failure part-way still gives a result (complete = false), as
	 * `dcgrid run` writes it. */
	if (rc < 0 && !(rc == DCG_ESOLVER && *ret)) {
		reply_error(r, http_status(rc), "%s",
			    err.msg[0] ? err.msg : dcg_strerror(rc));
		return -1;
	}
	return 0;
}

/* The `dcgrid run` command line that repeats a request. */
static void put_shell_word(char **buf, size_t *len, size_t *cap, const char *w)
{
	size_t need = *len + 4 * strlen(w) + 4;
	if (need > *cap) {
		size_t c = *cap ? *cap : 256;
		while (c < need)
			c *= 2;
		char *b = realloc(*buf, c);
		if (!b)
			return;
		*buf = b;
		*cap = c;
	}
	char *p = *buf + *len;
	bool plain = strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			       "0123456789_-.,/:=+@%") == strlen(w);
	if (*len)
		*p++ = ' ';
	if (plain) {
		p += sprintf(p, "%s", w);
	} else {
		*p++ = '\'';
		for (const char *c = w; *c; c++) {
			if (*c == '\'') {
				memcpy(p, "'\\''", 4);
				p += 4;
			} else {
				*p++ = *c;
			}
		}
		*p++ = '\'';
	}
	*p = '\0';
	*len = (size_t)(p - *buf);
}

static json_t *command_line(const struct dcg__serve *s, const struct request *q)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	put_shell_word(&buf, &len, &cap, "dcgrid");
	put_shell_word(&buf, &len, &cap, "run");
	if (s->config)
		put_shell_word(&buf, &len, &cap, s->config);
	for (size_t i = 0; i < q->n; i++) {
		put_shell_word(&buf, &len, &cap, "--set");
		put_shell_word(&buf, &len, &cap, q->sets[i]);
	}
	json_t *j = json_string(buf ? buf : "");
	free(buf);
	return j;
}

/* Writes the run to a private temporary file and reads it back. */
static int h5_bytes(struct dcg__serve *s, const struct dcg_model *m,
		    const struct dcg_result *res, char **ret, size_t *ret_len,
		    struct dcg_error *err)
{
	char path[4200], *config_text = NULL;
	int rc = dcg_config_dump(m, &config_text, err);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&s->lock);
	unsigned long n = ++s->downloads;
	pthread_mutex_unlock(&s->lock);
	snprintf(path, sizeof path, "%s/run-%lu.h5", s->tmpdir, n);

	pthread_mutex_lock(&s->h5_lock);
	rc = dcg_h5_write_run(path, m, res, config_text, false, err);
	pthread_mutex_unlock(&s->h5_lock);
	free(config_text);
	if (rc < 0)
		return rc;

	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f || fstat(fileno(f), &st) != 0 || !(buf = malloc((size_t)st.st_size + 1)) ||
	    fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
		rc = dcg_error_set(err, DCG_EIO, "cannot read back %s: %s", path,
				   strerror(errno));
	else
		len = (size_t)st.st_size;
	if (f)
		fclose(f);
	unlink(path);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

enum what { RUN_JSON, RUN_H5, CONFIG_TEXT };

static void run(struct dcg__serve *s, enum what what, const char *body,
		size_t len, struct dcg__serve_reply *r)
{
	struct request q = {0};
	struct dcg_model *m = NULL;
	struct dcg_result *res = NULL;
	bool slot = false;

	if (parse_request(body, len, &q, r) < 0)
		goto finish;
	if (load(s, &q, &m, r) < 0)
		goto finish;

	if (what == CONFIG_TEXT) {
		struct dcg_error err = {0};
		char *text = NULL;
		int rc = dcg_config_dump(m, &text, &err);
		if (rc < 0) {
			reply_error(r, http_status(rc), "%s", err.msg);
			goto finish;
		}
		r->status = 200;
		r->type = "text/plain; charset=utf-8";
		r->body = text;
		r->len = strlen(text);
		snprintf(r->filename, sizeof r->filename, "%s.cfg", m->scenario);
		goto finish;
	}

	if (slot_take(s, r) < 0)
		goto finish;
	slot = true;
	if (solve(s, m, &res, r) < 0)
		goto finish;

	if (what == RUN_H5) {
		struct dcg_error err = {0};
		int rc = h5_bytes(s, m, res, &r->body, &r->len, &err);
		if (rc < 0) {
			reply_error(r, 500, "%s", err.msg);
			goto finish;
		}
		r->status = 200;
		r->type = "application/x-hdf5";
		snprintf(r->filename, sizeof r->filename, "%s.h5", m->scenario);
		goto finish;
	}

	json_t *o = dcg__serve_result_json(m, res);
	if (o) {
		json_object_set_new(o, "overrides", json_object());
		for (size_t i = 0; i < q.n; i++) {
			char *eq = strchr(q.sets[i], '=');
			*eq = '\0';
			json_object_set_new(json_object_get(o, "overrides"),
					    q.sets[i], json_string(eq + 1));
			*eq = '=';
		}
		json_object_set_new(o, "command", command_line(s, &q));
	}
	reply_json(r, 200, o);

finish:
	if (slot)
		slot_give(s);
	dcg_result_free(res);
	dcg_model_free(m);
	request_free(&q);
}

void dcg__serve_api(struct dcg__serve *s, const char *method,
		    const char *path, const char *body, size_t len,
		    struct dcg__serve_reply *r)
{
	static const struct {
		const char *path, *method;
		int what; /* -1: settings */
	} routes[] = {
		{"/api/settings", "GET", -1},
		{"/api/run", "POST", RUN_JSON},
		{"/api/run.h5", "POST", RUN_H5},
		{"/api/config", "POST", CONFIG_TEXT},
	};
	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (strcmp(path, routes[i].path) != 0)
			continue;
		if (strcmp(method, routes[i].method) != 0) {
			reply_error(r, 405, "%s takes %s, not %s", path,
				    routes[i].method, method);
			return;
		}
		if (routes[i].what < 0)
			reply_json(r, 200, json_incref(s->settings));
		else
			run(s, (enum what)routes[i].what, body, len, r);
		return;
	}
	reply_error(r, 404,
		    "no such API path %.200s (GET /api/settings, POST /api/run, "
		    "/api/run.h5, /api/config)",
		    path);
}
