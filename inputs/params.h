/* Internal: the parameter table shared by loading, validation, the dump,
 * dcg_config_visit and dcg_config_reference.
 *
 * The table is a tree. A section is a group of keys that maps onto one C
 * struct (the model, its grid parameters, or one element of a list); a key
 * of type GROUP or LIST points at a child section. Every key carries its
 * type, the offset of its field, its range, unit, default and description,
 * so that adding a parameter is one table row and nothing else.
 */
#ifndef DCG_INPUTS_PARAMS_H
#define DCG_INPUTS_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "dcgrid/config.h"
#include "dcgrid/model.h"

/* The built-in scenario, generated at build time from
 * inputs/scenarios/china-baseline.cfg by inputs/embed.py. */
extern const char dcg__default_scenario_text[];

enum dcg__ptype {
	DCG__P_DOUBLE,         /* double */
	DCG__P_INT,            /* size_t; the config value must be an integer */
	DCG__P_BOOL,           /* bool */
	DCG__P_STRING,         /* char[size] */
	DCG__P_NAME,           /* char[DCG_NAME_MAX], unique within its list */
	DCG__P_ENUM,           /* an enum (int-sized), config value one of names */
	DCG__P_SCHEDULE,       /* struct dcg_schedule */
	DCG__P_TECH_DOUBLES,   /* double *, one per technology (J) */
	DCG__P_TECH_SCHEDULES, /* struct dcg_schedule *, one per technology */
	DCG__P_REF_SEGMENT,    /* size_t index of a segment, given by name */
	DCG__P_REF_REGION,     /* size_t index of a region, given by name */
	DCG__P_GROUP,          /* child section, same index as the parent */
	DCG__P_LIST,           /* child section, one element per entry */
	DCG__P_ARRAY,          /* double[size] in the struct: exactly size
	                          numbers, or with F_VARLEN as many as the
	                          size_t at aux_offset */
};

enum dcg__default {
	DCG__D_REQUIRED,    /* the key must be given */
	DCG__D_NUMBER,      /* def; schedules become constants, maps fill every
	                       technology */
	DCG__D_TEXT,        /* def_text (strings and enums) */
	DCG__D_FROM_KEY,    /* schedule: constant equal to the double at
	                       aux_offset in the same struct */
	DCG__D_UNSET,       /* optional schedule: the bool at aux_offset says
	                       whether it is set */
	DCG__D_TECH_CREDIT, /* map: the technology's capacity_credit */
	DCG__D_SECTION,     /* group of defaults: an absent group is empty */
	DCG__D_RULE,        /* array: zeros at load, filled afterwards by the
	                       rule def_text states (inputs/profiles.c) */
};

/* Flags. */
#define DCG__F_MIN_OPEN 0x01u  /* the minimum itself is not allowed */
#define DCG__F_MAX_OPEN 0x02u  /* the maximum itself is not allowed */
#define DCG__F_SENTINEL 0x04u  /* -1 is allowed besides the range */
#define DCG__F_GRID     0x08u  /* present if and only if the top-level grid
                                  group is (required then unless D_UNSET) */
#define DCG__F_IDENT    0x10u  /* string of [A-Za-z0-9._-] (file names) */
#define DCG__F_KEYNAME  0x20u  /* name usable as a libconfig key */
#define DCG__F_NORANGE  0x40u  /* range checked by a cross-key rule */
#define DCG__F_MAYBE_EMPTY 0x80u /* list: may have no entries */
#define DCG__F_VARLEN   0x100u /* array: length is the size_t at aux_offset */
#define DCG__F_UPTO     0x200u /* array: up to size entries, their count
				  stored in the size_t at aux_offset */

/* Where a section's struct lives in a model. */
enum dcg__base {
	DCG__B_MODEL,    /* struct dcg_model */
	DCG__B_GRID,     /* struct dcg_grid_params (model->grid) */
	DCG__B_SEGMENT,  /* model->segments[i] */
	DCG__B_CLASS,    /* model->classes[i] */
	DCG__B_REGION,   /* model->regions[i] */
	DCG__B_TECH,     /* model->techs[i] */
	DCG__B_CORRIDOR, /* model->corridors[i] */
};

struct dcg__section;

struct dcg__param {
	const char *key;
	enum dcg__ptype type;
	size_t offset;             /* of the field in the section's struct */
	size_t size;               /* STRING: buffer size */
	unsigned flags;
	double min, max;           /* numbers: range (±INFINITY: none) */
	enum dcg__default dflt;
	double def;                /* D_NUMBER */
	const char *def_text;      /* D_TEXT */
	size_t aux_offset;         /* D_FROM_KEY: double; D_UNSET: bool */
	double scale;              /* config value = field * scale (0: 1) */
	const char *const *names;  /* ENUM: NULL-terminated allowed names */
	const double *defs;        /* ARRAY with D_NUMBER: the size default
	                              values (NULL: every entry def) */
	const struct dcg__section *sub; /* GROUP, LIST */
	const char *unit;          /* "yr", "GW", "1" dimensionless, "" none */
	const char *sentinel;      /* F_SENTINEL: what -1 means */
	const char *why_low;       /* replaces the generic range text when the
	                              value is below the minimum */
	const char *range_text;    /* replaces the generic range in the
	                              reference (F_NORANGE keys) */
	const char *doc;           /* short description, no final period */
};

struct dcg__section {
	const char *item;          /* one entry, for messages: "hardware class" */
	enum dcg__base base;
	const struct dcg__param *params;
	size_t n;
};

/* The root of the table: the top level of a scenario file. */
extern const struct dcg__section dcg__root;

/* The schedule group's interpolation names, indexed by enum dcg_interp. */
extern const char *const dcg__interp_names[];

/* Address of the struct of section sec for entry i (i ignored for groups). */
void *dcg__base_ptr(const struct dcg__section *sec, const struct dcg_model *m,
		    size_t i);

/* Number of entries of a list section in m (S, K, R, J or L). */
size_t dcg__list_len(const struct dcg__section *sec, const struct dcg_model *m);

/* Number of entries of ARRAY key p in the struct at base. */
size_t dcg__array_len(const struct dcg__param *p, const void *base);

/* The key named key in sec, or NULL. */
const struct dcg__param *dcg__find_param(const struct dcg__section *sec,
					 const char *key);

/* Formats v as the shortest text that reads back to the same double. With
 * float_syntax, integral values get a ".0" so that libconfig reads a float;
 * exponents are written without "+" and leading zeros ("1e9", "1e-6"). */
void dcg__fmt_number(char *buf, size_t size, double v, bool float_syntax);

/* "years" for "yr", NULL for dimensionless or unit-less keys. */
const char *dcg__unit_words(const char *unit);

/* Optimal-string-alignment (Damerau-Levenshtein) distance. */
size_t dcg__edit_distance(const char *a, const char *b);

/* The candidate most like word (distance <= 2 and less than word's length,
 * or a prefix either way), or NULL. get(ctx, i) returns candidate i. */
const char *dcg__suggest(const char *word,
			 const char *(*get)(const void *ctx, size_t i),
			 const void *ctx, size_t n);

/* The config value of a DOUBLE field whose config units differ from the C
 * units (scale != 1), chosen so that loading it gives exactly the field. */
double dcg__scaled_value(const struct dcg__param *p, double field);

/* A growing text buffer; on allocation failure oom is set and later
 * writes are ignored, so callers check once at the end. */
struct dcg__text {
	char *buf; /* owned, NUL-terminated once anything was written */
	size_t len, cap;
	bool oom;
};
void dcg__put(struct dcg__text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
