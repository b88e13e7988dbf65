/* Scenario configuration (libconfig) <-> struct dcg_model.
 *
 * One parameter table (inputs/params.c) gives every key its type, range,
 * unit and description; it drives parsing, validation, the dumped config
 * and the HDF5 parameter attributes. Overrides (`--set path=value`) use the
 * same dotted paths as the file, list elements as `.[i]`, e.g.
 * `hardware.[1].life_yr=6` or `regions.[0].grid.capacity_gw.coal=120`.
 */
#ifndef DCGRID_CONFIG_H
#define DCGRID_CONFIG_H

#include <stddef.h>

#include "dcgrid/model.h"
#include "dcgrid/status.h"

/* Loads a scenario file, applies the overrides ("path=value" strings, may be
 * NULL when nsets == 0), validates, and returns a finalized model (caller
 * frees with dcg_model_free). Errors name the file, the line, the key, the
 * value and what was expected. */
int dcg_config_load_file(const char *path, const char *const *sets,
			 size_t nsets, struct dcg_model **ret_model,
			 struct dcg_error *err);

/* Same from text; `origin` names it in messages (e.g. "<built-in>"). */
int dcg_config_load_string(const char *text, const char *origin,
			   const char *const *sets, size_t nsets,
			   struct dcg_model **ret_model, struct dcg_error *err);

/* The built-in default scenario (China 2024-2031), as commented config text
 * identical to inputs/scenarios/china-baseline.cfg. Static storage. */
const char *dcg_config_default_text(void);

/* Loads the built-in default scenario with overrides. */
int dcg_config_load_default(const char *const *sets, size_t nsets,
			    struct dcg_model **ret_model,
			    struct dcg_error *err);

/* The fully resolved config of a model (every key, defaults included),
 * commented with units and descriptions; loading it gives an identical
 * model. Caller frees *ret_text. */
int dcg_config_dump(const struct dcg_model *m, char **ret_text,
		    struct dcg_error *err);

/* One resolved parameter, as visited for HDF5 attributes and docs. */
enum dcg_param_type {
	DCG_PT_DOUBLE,
	DCG_PT_INT,
	DCG_PT_BOOL,
	DCG_PT_STRING,
	DCG_PT_ENUM,
	DCG_PT_SCHEDULE,
};

struct dcg_param_value {
	const char *path;     /* dotted path, e.g. "hardware.[1].life_yr" */
	enum dcg_param_type type;
	double number;        /* DOUBLE, INT, BOOL */
	const char *string;   /* STRING, ENUM */
	const struct dcg_schedule *schedule; /* SCHEDULE */
	const char *units;
	const char *doc;
};

/* Calls fn for every parameter of m in table order; stops and returns the
 * first non-zero value fn returns. */
int dcg_config_visit(const struct dcg_model *m,
		     int (*fn)(void *ctx, const struct dcg_param_value *pv),
		     void *ctx);

/* Writes a reference of every key (path pattern, type, range, unit, default,
 * description) as Markdown, for docs/config.md and `dcgrid config --keys`.
 * Caller frees *ret_text. */
int dcg_config_reference(char **ret_text, struct dcg_error *err);

#endif
