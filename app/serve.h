/* Internal interface of `dcgrid serve` (app/cmd_serve.c, serve_api.c,
 * serve_json.c, serve_explorer.c): the scenario explorer over HTTP.
 *
 * cmd_serve.c owns the HTTP side (libmicrohttpd: connections, bodies,
 * static files, headers); serve_api.c answers the API from a method, a path
 * and a body, without knowing about HTTP connections; serve_json.c turns
 * JSON override values into --set text and results into JSON. Nothing a
 * request says names a file: the scenario is the CONFIG of the command line
 * (or the built-in one), the page's files are read once at start-up, and
 * the HDF5 download is written under a private temporary folder with a name
 * the server chooses.
 */
#ifndef DCGRID_APP_SERVE_H
#define DCGRID_APP_SERVE_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "dcgrid/dcgrid.h"

/* The bounds of one request (docs/serve.md). */
#define DCG_SERVE_MAX_BODY ((size_t)64 * 1024) /* bytes of a request body */
#define DCG_SERVE_MAX_SETS 64                   /* overrides in one request */
#define DCG_SERVE_MAX_VALUE 4096                /* characters of one value */
#define DCG_SERVE_MAX_PATH 256                  /* characters of one path */
#define DCG_SERVE_MAX_OUTPUT_TIMES 20000        /* rows of a run's series */

struct dcg__serve {
	const char *config;       /* borrowed; NULL: the built-in scenario */
	double solve_timeout_s;   /* a solve is stopped after this long */
	int max_solves;           /* solves running at once */
	char tmpdir[4096];        /* private folder for HDF5 downloads */

	json_t *settings;         /* owned: GET /api/settings, built once */

	pthread_mutex_t lock;     /* guards the two fields below */
	int solves;               /* solves running now */
	unsigned long downloads;  /* names the HDF5 temporary files */
	pthread_mutex_t h5_lock;  /* HDF5 (serial build) is not thread-safe */
};

/* An answer: a status, a content type and a body (owned, caller frees). */
struct dcg__serve_reply {
	unsigned status;
	const char *type;         /* static string */
	char *body;
	size_t len;
	char filename[160];       /* non-empty: a download under this name */
	bool retry;               /* 503: the client may try again soon */
};

/* Loads the scenario once (without overrides) and builds the settings and
 * explorer lists; warnings about explorer entries go to warn (may be
 * NULL). Returns 0 or a negative dcg_status with err filled. */
int dcg__serve_init(struct dcg__serve *s, FILE *warn, struct dcg_error *err);
void dcg__serve_free(struct dcg__serve *s); /* accepts a half-built one */

/* Answers one API request (method "GET" or "POST", path below /api/, body
 * of len bytes, may be NULL for GET). Always fills r (an error is a JSON
 * object {"error": message} with a 4xx or 5xx status). */
void dcg__serve_api(struct dcg__serve *s, const char *method,
		    const char *path, const char *body, size_t len,
		    struct dcg__serve_reply *r);

/* serve_json.c. */

/* The --set text "path=value" for one JSON override: numbers, strings in
 * double quotes, true and false, arrays [ ... ] and groups { key = value; }
 * as libconfig writes them, so that the library validates it exactly like a
 * --set of the command line. The text is built here and never holds a line
 * break, so no libconfig directive (@include) can reach the loader.
 * Returns a malloc'ed string, or NULL with why filled. */
char *dcg__serve_set_text(const char *path, const json_t *value, char *why,
			  size_t why_size);

/* The result of a run as JSON (docs/serve.md: the series table's every
 * series with its units and labels, the calendar-year totals, the events,
 * the reserve-margin standards and the solver statistics). */
json_t *dcg__serve_result_json(const struct dcg_model *m,
			       const struct dcg_result *res);

/* The settings of a model: every parameter of dcg_config_visit with its
 * units, range, default and current value, and each point of a schedule as
 * PATH.year.[i] and PATH.value.[i]. */
json_t *dcg__serve_settings_json(const struct dcg_model *m);

/* serve_explorer.c: the explorer list of CONFIG (NULL: the built-in
 * scenario; a CONFIG without one gets the built-in list) as JSON, each
 * entry a "number" of settings (the list of dcg__serve_settings_json) with
 * its label, units, value, min, max and step; entries that are not are left
 * out with a warning to warn (may be NULL). */
json_t *dcg__serve_explorer_json(const char *config, const json_t *settings,
				 FILE *warn);

/* A number as JSON (null when not finite, which JSON cannot hold). */
json_t *dcg__serve_number(double v);

#endif
