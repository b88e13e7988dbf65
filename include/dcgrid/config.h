/* Scenario configuration (libconfig) <-> struct dcg_model.
 *
 * One parameter table (inputs/params.c) gives every key its type, range,
 * unit and description; it drives parsing, validation, the dumped config
 * and the HDF5 parameter attributes. Overrides (`--set path=value`) use the
 * same dotted paths as the file, list elements as `.[i]` (0-based), e.g.
 * `hardware.[1].life_yr=6` or `regions.[0].grid.capacity_gw.coal=120`; the
 * value is libconfig syntax (2036, 1e-8, "text", true, { year = [...];
 * value = [...]; }, ( ... )). An override replaces a key, a whole group, a
 * list element or an element of a schedule's year/value array; it may add
 * a key or group the parameter table knows but the file leaves out; it
 * cannot append list entries. Overrides apply in order, before validation,
 * and messages about their values start with `--set path=value:` instead
 * of FILE:LINE.
 *
 * Sentinels are kept as given (-1 for initial_demand_pflops,
 * initial_kw_per_rack, initial_pflops_per_rack, initial_pipeline_racks and
 * pipeline_gw entries): the model resolves them. Defaults that depend on
 * other keys are resolved at load time (policy_weight, pue_target,
 * capacity_credit entries). docs/config.md lists every key.
 */
#ifndef DCGRID_CONFIG_H
#define DCGRID_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dcgrid/model.h"
#include "dcgrid/status.h"

/* The top-level group of a scenario that lists the key assumptions `dcgrid
 * serve` shows as sliders (docs/serve.md). The loader accepts it and leaves
 * it alone; the model holds nothing of it. */
#define DCG_CONFIG_EXPLORER_KEY "explorer"

/* Loads a scenario file, applies the overrides ("path=value" strings, may be
 * NULL when nsets == 0), validates, and returns a finalized model (caller
 * frees with dcg_model_free). Errors name the file, the line, the key, the
 * value and what was expected. */
int dcg_config_load_file(const char *path, const char *const *sets,
			 size_t nsets, struct dcg_model **ret_model,
			 struct dcg_error *err);

/* Reads a text input whole, bounded: path "-" is standard input; any other
 * path must be a regular file (a FIFO or device is refused, DCG_ECONFIG).
 * Reading stops with DCG_ELIMIT as soon as the text would not load under
 * the memory limit (DCGRID_MEMORY_LIMIT). Caller frees *ret_text
 * (NUL-terminated, *ret_len bytes). */
int dcg_config_read_text(const char *path, char **ret_text, size_t *ret_len,
			 struct dcg_error *err);

/* The memory limit in bytes (DCGRID_MEMORY_LIMIT, else half the physical
 * memory, at most 80 % of ulimit -v; HUGE_VAL for none), and a check of
 * an estimate against it: dcg_memory_refuse returns DCG_ELIMIT with
 * "<what> need <n> MiB; the limit is ..." when need is over it, else 0. */
int dcg_memory_limit(double *ret_bytes, struct dcg_error *err);
int dcg_memory_refuse(const char *what, double need, struct dcg_error *err);

/* Same from text; `origin` names it in messages (e.g. "<built-in>"). */
int dcg_config_load_string(const char *text, const char *origin,
			   const char *const *sets, size_t nsets,
			   struct dcg_model **ret_model, struct dcg_error *err);

/* Loads a config stored in a result file (its root attribute config):
 * as dcg_config_load_string without overrides, but a line with @include
 * is refused (DCG_ECONFIG): a file received from someone else must not
 * make dcgrid read other files. */
int dcg_config_load_stored(const char *text, const char *origin,
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

/* Writes the hourly profiles of m's representative days (grid only) as CSV
 * in the format hours.profiles reads (docs/config.md, "Hourly profiles"),
 * with numbers that read back to the same doubles. Implemented in
 * inputs/profiles_csv.c. */
int dcg_config_write_profiles(const struct dcg_model *m, FILE *f,
			      struct dcg_error *err);

/* One resolved parameter, as visited for HDF5 attributes and docs. */
enum dcg_param_type {
	DCG_PT_DOUBLE,
	DCG_PT_INT,
	DCG_PT_BOOL,
	DCG_PT_STRING,
	DCG_PT_ENUM,
	DCG_PT_SCHEDULE,
	DCG_PT_ARRAY,         /* numbers: values[0..count) */
};

struct dcg_param_value {
	const char *path;     /* dotted path, e.g. "hardware.[1].life_yr";
	                         valid during the callback only */
	enum dcg_param_type type;
	double number;        /* DOUBLE, INT, BOOL */
	const char *string;   /* STRING, ENUM */
	const struct dcg_schedule *schedule; /* SCHEDULE */
	const double *values; /* ARRAY, count entries */
	size_t count;
	const char *units;
	const char *doc;
	/* The table's range for numbers and schedule values (±INFINITY: none;
	 * NAN for other types; min_open/max_open: the bound itself is not
	 * allowed), the range as `dcgrid config --keys` writes it (NULL but
	 * from dcg_config_visit_ranges), the value a
	 * scenario gets when it leaves the key out (NAN when it must be given
	 * or depends on other keys), what -1 means when it is allowed besides
	 * the range (else NULL), and the allowed names of a choice (ENUM,
	 * NULL-terminated; else NULL). */
	double min, max;
	bool min_open, max_open;
	const char *range;
	double default_number;
	const char *sentinel;
	const char *const *choices;
};

/* Calls fn for every parameter of m in table order, with concrete paths
 * ("regions.[3].grid.capacity_gw.coal"); one call per technology for the
 * technology-keyed maps, one call for an array of numbers
 * (DCG_PT_ARRAY); keys that do not apply (grid keys without a grid,
 * an unset supply limit) are skipped. Numbers are in config units (e.g.
 * base_demand_twh in TWh/yr); names and references are DCG_PT_STRING.
 * Stops and returns the first non-zero value fn returns. */
int dcg_config_visit(const struct dcg_model *m,
		     int (*fn)(void *ctx, const struct dcg_param_value *pv),
		     void *ctx);

/* As dcg_config_visit, with pv->range filled (the range text of `dcgrid
 * config --keys`, valid during the callback only); slower, as it formats
 * every range. */
int dcg_config_visit_ranges(const struct dcg_model *m,
			    int (*fn)(void *ctx, const struct dcg_param_value *pv),
			    void *ctx);

/* Writes a reference of every key (path pattern, type, range, unit, default,
 * description) as Markdown, for docs/config.md and `dcgrid config --keys`.
 * Caller frees *ret_text. */
int dcg_config_reference(char **ret_text, struct dcg_error *err);

/* The double that the --set path `path` sets in m (a path dcg_config_visit
 * reports for a DOUBLE, or a constant SCHEDULE; a point of a schedule as
 * PATH.value.[i]; a technology map entry as PATH.<technology>). *ret_ptr
 * is borrowed from m; *ret_scale (may be NULL) is the factor from the field
 * to config units (config value = *ret_ptr * scale). Integers, switches,
 * names, choices and schedule years are refused (DCG_EUSAGE, with the
 * reason). Implemented in inputs/param_ptr.c. */
int dcg_config_param_ptr(struct dcg_model *m, const char *path,
			 double **ret_ptr, double *ret_scale,
			 struct dcg_error *err);

#endif
