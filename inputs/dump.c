/* The fully resolved config of a model, as libconfig text.
 *
 * Every key of the parameter table is written, defaults included, each after
 * a "# unit; description" comment, so the dump documents a run on its own
 * (it is stored in every HDF5 file). Numbers are written as the shortest
 * text that reads back to the same double, always with a decimal point or
 * exponent for float keys, so loading the dump gives an identical model.
 * Sentinels (-1 for "derive at load or solve time") are written as they
 * are, not resolved, so a dump behaves exactly like its source.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcgrid/config.h"
#include "params.h"

#define INDENT 4

static void dump_section(struct dcg__text *t, const struct dcg_model *m,
			 const struct dcg__section *sec, size_t index,
			 int level);

static void pad(struct dcg__text *t, int level)
{
	dcg__put(t, "%*s", level * INDENT, "");
}

static void put_number(struct dcg__text *t, double v)
{
	char buf[40];
	dcg__fmt_number(buf, sizeof buf, v, true);
	dcg__put(t, "%s", buf);
}

/* A libconfig string literal: quotes, backslashes and control characters
 * escaped so that any stored text reads back unchanged. */
static void put_string(struct dcg__text *t, const char *s)
{
	dcg__put(t, "\"");
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			dcg__put(t, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			dcg__put(t, "\\x%02x", *c);
		else
			dcg__put(t, "%c", *c);
	}
	dcg__put(t, "\"");
}

static void put_array(struct dcg__text *t, const double *v, size_t n)
{
	dcg__put(t, "[");
	for (size_t i = 0; i < n; i++) {
		dcg__put(t, "%s", i ? ", " : "");
		put_number(t, v[i]);
	}
	dcg__put(t, "]");
}

/* A constant (one point at year 0, linear, as dcg_schedule_set_constant
 * makes it) is written as the plain number it was given as. */
static void put_schedule(struct dcg__text *t, const struct dcg_schedule *s)
{
	if (s->n == 1 && s->year[0] == 0.0 &&
	    s->interp == DCG_INTERP_LINEAR) {
		put_number(t, s->value[0]);
		return;
	}
	dcg__put(t, "{ interp = \"%s\"; year = ",
		 dcg__interp_names[s->interp]);
	put_array(t, s->year, s->n);
	dcg__put(t, "; value = ");
	put_array(t, s->value, s->n);
	dcg__put(t, "; }");
}

static void comment(struct dcg__text *t, const struct dcg__param *p,
		    int level)
{
	pad(t, level);
	dcg__put(t, "# ");
	if (*p->unit && strcmp(p->unit, "1") != 0)
		dcg__put(t, "%s; ", p->unit);
	dcg__put(t, "%s", p->doc);
	if ((p->flags & DCG__F_SENTINEL) && p->sentinel)
		dcg__put(t, " (-1: %s)", p->sentinel);
	dcg__put(t, "\n");
}

static void dump_param(struct dcg__text *t, const struct dcg_model *m,
		       const struct dcg__param *p, const char *base,
		       size_t index, int level)
{
	const void *f = base + p->offset;

	if (p->dflt == DCG__D_UNSET && !*(const bool *)(base + p->aux_offset)) {
		comment(t, p, level);
		pad(t, level);
		dcg__put(t, "# %s is not given: %s\n", p->key, p->sentinel);
		return;
	}
	comment(t, p, level);
	pad(t, level);
	dcg__put(t, "%s = ", p->key);
	switch (p->type) {
	case DCG__P_DOUBLE:
		put_number(t, dcg__scaled_value(p, *(const double *)f));
		break;
	case DCG__P_INT:
		dcg__put(t, "%zu", *(const size_t *)f);
		break;
	case DCG__P_BOOL:
		dcg__put(t, "%s", *(const bool *)f ? "true" : "false");
		break;
	case DCG__P_STRING:
	case DCG__P_NAME:
		put_string(t, f);
		break;
	case DCG__P_ENUM:
		put_string(t, p->names[*(const int *)f]);
		break;
	case DCG__P_SCHEDULE:
		put_schedule(t, f);
		break;
	case DCG__P_TECH_DOUBLES: {
		const double *v = *(double *const *)f;
		dcg__put(t, "{");
		for (size_t j = 0; j < m->J; j++) {
			dcg__put(t, " %s = ", m->techs[j].name);
			put_number(t, v[j]);
			dcg__put(t, ";");
		}
		dcg__put(t, " }");
		break;
	}
	case DCG__P_TECH_SCHEDULES: {
		const struct dcg_schedule *v =
			*(struct dcg_schedule *const *)f;
		dcg__put(t, "{\n");
		for (size_t j = 0; j < m->J; j++) {
			pad(t, level + 1);
			dcg__put(t, "%s = ", m->techs[j].name);
			put_schedule(t, &v[j]);
			dcg__put(t, ";\n");
		}
		pad(t, level);
		dcg__put(t, "}");
		break;
	}
	case DCG__P_ARRAY:
		put_array(t, f, dcg__array_len(p, base));
		break;
	case DCG__P_REF_SEGMENT:
		put_string(t, m->segments[*(const size_t *)f].name);
		break;
	case DCG__P_REF_REGION:
		put_string(t, m->regions[*(const size_t *)f].name);
		break;
	case DCG__P_GROUP:
		dcg__put(t, "{\n");
		dump_section(t, m, p->sub, index, level + 1);
		pad(t, level);
		dcg__put(t, "}");
		break;
	case DCG__P_LIST: {
		size_t n = dcg__list_len(p->sub, m);
		dcg__put(t, "(");
		for (size_t i = 0; i < n; i++) {
			dcg__put(t, "%s\n", i ? "," : "");
			pad(t, level + 1);
			dcg__put(t, "{\n");
			dump_section(t, m, p->sub, i, level + 2);
			pad(t, level + 1);
			dcg__put(t, "}");
		}
		if (n) {
			dcg__put(t, "\n");
			pad(t, level);
		}
		dcg__put(t, ")");
		break;
	}
	}
	dcg__put(t, ";\n");
}

static void dump_section(struct dcg__text *t, const struct dcg_model *m,
			 const struct dcg__section *sec, size_t index,
			 int level)
{
	const char *base = dcg__base_ptr(sec, m, index);
	for (size_t i = 0; i < sec->n; i++) {
		const struct dcg__param *p = &sec->params[i];
		if ((p->flags & DCG__F_GRID) && !m->grid_enabled)
			continue;
		/* Top-level keys are separated by a blank line. */
		if (level == 0 && i > 0)
			dcg__put(t, "\n");
		dump_param(t, m, p, base, index, level);
	}
}

int dcg_config_dump(const struct dcg_model *m, char **ret_text,
		    struct dcg_error *err)
{
	struct dcg__text t = {0};
	dcg__put(&t, "# Scenario %s, fully resolved by dcgrid: every key with "
		     "its value, defaults\n# included. Each key follows a "
		     "\"# unit; description\" comment.\n\n",
		 m->scenario);
	dump_section(&t, m, &dcg__root, 0, 0);
	if (t.oom) {
		free(t.buf);
		return dcg_error_set(err, DCG_ENOMEM,
				     "out of memory writing the config of "
				     "scenario %s",
				     m->scenario);
	}
	*ret_text = t.buf;
	return 0;
}
