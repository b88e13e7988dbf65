/* Resolving a --set path to the double it sets inside a model, for forward
 * sensitivities (solvers/sensitivity.c), which perturb parameters in a
 * private clone of the model without reloading it.
 *
 * The walk follows the parameter table (inputs/params.c) the way --set
 * does: keys select table entries, `.[i]` list entries, a technology name
 * an entry of a technology map. A schedule resolves to its value when it is
 * constant (one point) or to one point with `.value.[i]`; its years are not
 * parameters (they move breakpoints).
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "dcgrid/config.h"
#include "params.h"

#define PATH_MAX_LEN 512

static int bad(struct dcg_error *err, const char *path, const char *why)
{
	return dcg_error_set(err, DCG_EUSAGE, "%s: %s", path, why);
}

static const char *section_key(const void *ctx, size_t i)
{
	return ((const struct dcg__section *)ctx)->params[i].key;
}

/* Parses "[i]". */
static int index_of(const char *tok, size_t *ret)
{
	char *end;
	if (tok[0] != '[' || tok[1] < '0' || tok[1] > '9')
		return -1;
	unsigned long v = strtoul(tok + 1, &end, 10);
	if (end[0] != ']' || end[1] != '\0')
		return -1;
	*ret = v;
	return 0;
}

static int schedule_point(struct dcg_schedule *sc, char **save,
			  const char *path, double **ret, struct dcg_error *err)
{
	char *tok = strtok_r(NULL, ".", save);
	char msg[400];
	if (!tok) {
		if (sc->n != 1) {
			snprintf(msg, sizeof msg,
				 "is a schedule of %zu points, not a single "
				 "number; name one point as %s.value.[i]",
				 sc->n, path);
			return bad(err, path, msg);
		}
		*ret = &sc->value[0];
		return 0;
	}
	if (strcmp(tok, "value") != 0)
		return bad(err, path, strcmp(tok, "year") == 0
					      ? "schedule years are not numeric "
						"parameters (they are breakpoints)"
					      : "expected .value.[i] after a schedule");
	size_t i;
	tok = strtok_r(NULL, ".", save);
	if (!tok || index_of(tok, &i) || strtok_r(NULL, ".", save))
		return bad(err, path, "expected .value.[i] after a schedule");
	if (i >= sc->n) {
		snprintf(msg, sizeof msg, "the schedule has %zu points (indices 0 to %zu)",
			 sc->n, sc->n - 1);
		return bad(err, path, msg);
	}
	*ret = &sc->value[i];
	return 0;
}

/* Whether the number at ptr went into the model's hourly profiles when it
 * was loaded (the one peak-hour day, or the computed profiles): changing
 * it in place would change nothing, so a derivative would be 0. */
static bool shapes_profiles(const struct dcg_model *m, const double *ptr)
{
	if (!m->grid_enabled)
		return false;
	if (ptr == &m->grid.dc_peak_factor)
		return true;
	for (size_t j = 0; j < m->J; j++)
		if (ptr == &m->techs[j].capacity_factor ||
		    ptr == &m->techs[j].capacity_credit)
			return true;
	for (size_t r = 0; r < m->R; r++) {
		const struct dcg_region *rg = &m->regions[r];
		const char *p = (const char *)(const void *)ptr;
		const char *pb = (const char *)(const void *)&rg->profile;
		if (ptr == &rg->peak_factor ||
		    (p >= pb && p < pb + sizeof rg->profile) ||
		    (rg->capacity_credit && ptr >= rg->capacity_credit &&
		     ptr < rg->capacity_credit + m->J))
			return true;
	}
	return false;
}

int dcg_config_param_ptr(struct dcg_model *m, const char *path,
			 double **ret_ptr, double *ret_scale,
			 struct dcg_error *err)
{
	char buf[PATH_MAX_LEN], *save = NULL;
	if (!path || !*path || strlen(path) >= sizeof buf)
		return bad(err, path ? path : "", "not a parameter path");
	snprintf(buf, sizeof buf, "%s", path);
	const struct dcg__section *sec = &dcg__root;
	size_t idx = 0;
	double *ptr = NULL;
	double scale = 1.0;
	char *tok = strtok_r(buf, ".", &save);
	while (tok) {
		const struct dcg__param *p = dcg__find_param(sec, tok);
		if (!p) {
			char msg[300];
			const char *sg = dcg__suggest(tok, section_key, sec, sec->n);
			snprintf(msg, sizeof msg, "unknown key %s%s%s%s", tok,
				 sg ? " (did you mean " : "", sg ? sg : "", sg ? "?)" : "");
			return bad(err, path, msg);
		}
		char *base = dcg__base_ptr(sec, m, idx);
		switch (p->type) {
		case DCG__P_GROUP:
			sec = p->sub;
			tok = strtok_r(NULL, ".", &save);
			if (!tok)
				return bad(err, path, "is a group, not a number");
			continue;
		case DCG__P_LIST: {
			size_t i;
			tok = strtok_r(NULL, ".", &save);
			if (!tok || index_of(tok, &i))
				return bad(err, path, "expected .[i] after a list");
			if (i >= dcg__list_len(p->sub, m))
				return bad(err, path, "list index out of range");
			sec = p->sub;
			idx = i;
			tok = strtok_r(NULL, ".", &save);
			if (!tok)
				return bad(err, path, "is a list entry, not a number");
			continue;
		}
		case DCG__P_DOUBLE:
			if (strtok_r(NULL, ".", &save))
				return bad(err, path, "is a single value and has no keys");
			ptr = (double *)(void *)(base + p->offset);
			scale = p->scale != 0.0 ? p->scale : 1.0;
			break;
		case DCG__P_SCHEDULE: {
			int rc = schedule_point((struct dcg_schedule *)(void *)(base + p->offset),
						&save, path, &ptr, err);
			if (rc)
				return rc;
			scale = p->scale != 0.0 ? p->scale : 1.0;
			break;
		}
		case DCG__P_TECH_DOUBLES:
		case DCG__P_TECH_SCHEDULES: {
			tok = strtok_r(NULL, ".", &save);
			size_t j = 0;
			while (tok && j < m->J && strcmp(m->techs[j].name, tok) != 0)
				j++;
			if (!tok || j == m->J)
				return bad(err, path, "expected a technology name after a "
						      "technology map");
			scale = p->scale != 0.0 ? p->scale : 1.0;
			if (p->type == DCG__P_TECH_DOUBLES) {
				double *arr = *(double **)(void *)(base + p->offset);
				if (!arr || strtok_r(NULL, ".", &save))
					return bad(err, path, "not a number");
				ptr = &arr[j];
			} else {
				struct dcg_schedule *arr =
					*(struct dcg_schedule **)(void *)(base + p->offset);
				if (!arr)
					return bad(err, path, "not set in this model");
				int rc = schedule_point(&arr[j], &save, path, &ptr, err);
				if (rc)
					return rc;
			}
			break;
		}
		default:
			return bad(err, path, "is not a real-valued parameter (integers, "
					      "switches, names and choices have no "
					      "derivative)");
		}
		break;
	}
	if (!ptr)
		return bad(err, path, "not a parameter path");
	if (shapes_profiles(m, ptr))
		return bad(err, path, "shapes the hourly profiles, which are fixed "
				      "when the scenario is loaded (vary it in a "
				      "study, whose members are loaded one by one)");
	*ret_ptr = ptr;
	if (ret_scale)
		*ret_scale = scale;
	return 0;
}
