/* Machine-readable run summary (`dcgrid run --json`) and the forward
 * sensitivities of `dcgrid run --sensitivity p1,p2,...`.
 *
 * The JSON object (schema "dcgrid-run-summary/1", docs/cli.md) holds the
 * scenario, the output file, whether the run completed, solver statistics,
 * national totals at the end of the horizon, calendar-year totals, the
 * reserve-margin events and, with --sensitivity, the derivatives and
 * elasticities of the national end-of-horizon totals. Non-finite numbers
 * are written as null, so every JSON parser reads the file.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dcgrid/sensitivity.h"
#include "dcgrid/version.h"

static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void jnum(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.17g", v);
	else
		fputs("null", f);
}

static double sum_row(const double *v, size_t w, size_t i)
{
	double s = 0.0;
	for (size_t a = 0; a < w; a++)
		s += v[i * w + a];
	return s;
}

/* National totals at the last output row. */
static const enum dcg_series_id end_ids[] = {
	DCG_SER_RACKS,        DCG_SER_STANDARD_RACKS, DCG_SER_IT_LOAD,
	DCG_SER_FACILITY_LOAD, DCG_SER_ENERGY,        DCG_SER_CUM_DC_ENERGY,
	DCG_SER_PEAK_DEMAND,  DCG_SER_UNSERVED,       DCG_SER_EMISSIONS,
	DCG_SER_CUM_UNSERVED, DCG_SER_CUM_EMISSIONS,
};

static void annual(FILE *f, const char *name, const double *v, size_t Y,
		   size_t R)
{
	fprintf(f, ",\n    ");
	jstr(f, name);
	fputs(": [", f);
	for (size_t i = 0; i < Y; i++) {
		double s = 0.0;
		for (size_t r = 0; r < R; r++)
			s += v[i * R + r];
		if (i)
			fputs(", ", f);
		jnum(f, s);
	}
	fputc(']', f);
}

void dcg__json_run(FILE *f, const struct dcg_model *m,
		   const struct dcg_result *res, const char *output,
		   const struct dcg_sensitivity *sens)
{
	const struct dcg_solver_stats *st = &res->stats;
	size_t last = res->T ? res->T - 1 : 0;
	fputs("{\n  \"schema\": \"dcgrid-run-summary/1\",\n  \"version\": ", f);
	jstr(f, DCG_VERSION);
	fputs(",\n  \"scenario\": ", f);
	jstr(f, m->scenario);
	fputs(",\n  \"output\": ", f);
	jstr(f, output);
	fprintf(f, ",\n  \"complete\": %s,\n  \"t0\": ", res->complete ? "true" : "false");
	jnum(f, m->t0);
	fputs(", \"t1\": ", f);
	jnum(f, m->t1);
	fputs(", \"t_reached\": ", f);
	jnum(f, res->t_reached);
	fputs(",\n  \"failure\": ", f);
	if (res->complete)
		fputs("null", f);
	else
		jstr(f, res->failure);
	fprintf(f, ",\n  \"solver\": {\"method\": ");
	jstr(f, st->method);
	fputs(", \"linear_solver\": ", f);
	jstr(f, st->linear_solver);
	fputs(", \"preconditioner\": ", f);
	if (st->preconditioner[0])
		jstr(f, st->preconditioner);
	else
		fputs("null", f);
	fprintf(f, ", \"steps\": %ld, \"rhs_evals\": %ld, \"restarts\": %ld, \"wall_time_s\": ",
		st->steps, st->rhs_evals, st->restarts);
	jnum(f, st->wall_time_s);
	fputs("},\n  \"end\": {", f);
	bool first = true;
	for (size_t k = 0; k < sizeof end_ids / sizeof end_ids[0]; k++) {
		enum dcg_series_id id = end_ids[k];
		const struct dcg_series_info *si = dcg_series_info(id);
		if (!res->series[id] || res->T == 0)
			continue;
		fprintf(f, "%s\n    \"%s%s\": {\"value\": ", first ? "" : ",",
			strcmp(si->group, "cumulative") == 0 ? "cumulative_" : "", si->name);
		jnum(f, sum_row(res->series[id], dcg_series_width(m, id), last));
		fputs(", \"units\": ", f);
		jstr(f, si->units);
		fputc('}', f);
		first = false;
	}
	fputs("\n  },\n  \"annual\": {\n    \"year\": [", f);
	for (size_t i = 0; i < res->Y; i++)
		fprintf(f, "%s%.0f", i ? ", " : "", res->year[i]);
	fputc(']', f);
	if (res->complete) {
		annual(f, "dc_energy_twh", res->annual_dc_energy, res->Y, m->R);
		if (m->grid_enabled) {
			annual(f, "consumption_twh", res->annual_consumption, res->Y, m->R);
			annual(f, "unserved_twh", res->annual_unserved, res->Y, m->R);
			annual(f, "emissions_mt", res->annual_emissions, res->Y, m->R);
		}
	}
	fputs("\n  },\n  \"events\": [", f);
	for (size_t i = 0; i < res->n_events; i++) {
		const struct dcg_event *e = &res->events[i];
		fprintf(f, "%s\n    {\"region\": ", i ? "," : "");
		jstr(f, m->regions[e->region].name);
		fprintf(f, ", \"kind\": \"%s\", \"time\": ",
			e->kind == DCG_EVENT_BELOW ? "below" : "recover");
		jnum(f, e->time);
		fputc('}', f);
	}
	fputs(res->n_events ? "\n  ]" : "]", f);
	if (sens) {
		fputs(",\n  \"sensitivity\": {\n    \"parameters\": [", f);
		for (size_t j = 0; j < sens->np; j++) {
			if (j)
				fputs(", ", f);
			jstr(f, sens->path[j]);
		}
		fputs("],\n    \"values\": [", f);
		for (size_t j = 0; j < sens->np; j++) {
			if (j)
				fputs(", ", f);
			jnum(f, sens->value[j]);
		}
		fputs("],\n    \"end\": {", f);
		size_t L = sens->T ? sens->T - 1 : 0;
		for (size_t k = 0; k < sens->nseries; k++) {
			const struct dcg_series_info *si = dcg_series_info(sens->ids[k]);
			size_t w = sens->width[k];
			double y = sum_row(sens->series[k], w, L);
			fprintf(f, "%s\n      \"%s%s\": {\"value\": ", k ? "," : "",
				strcmp(si->group, "cumulative") == 0 ? "cumulative_" : "",
				si->name);
			jnum(f, y);
			fputs(", \"derivative\": [", f);
			for (size_t j = 0; j < sens->np; j++) {
				if (j)
					fputs(", ", f);
				jnum(f, sum_row(sens->deriv[k * sens->np + j], w, L));
			}
			fputs("], \"elasticity\": [", f);
			for (size_t j = 0; j < sens->np; j++) {
				double d = sum_row(sens->deriv[k * sens->np + j], w, L);
				if (j)
					fputs(", ", f);
				jnum(f, y != 0.0 ? d * sens->value[j] / y : NAN);
			}
			fputs("]}", f);
		}
		fputs("\n    }\n  }", f);
	}
	fputs("\n}\n", f);
}

/* Splits "p1,p2,..." (blanks around names allowed) into paths. */
static int split_paths(const char *list, char ***ret, size_t *ret_n)
{
	size_t n = 1;
	for (const char *p = list; *p; p++)
		n += *p == ',';
	char **v = calloc(n, sizeof *v);
	if (!v)
		return DCG_ENOMEM;
	size_t k = 0;
	const char *p = list;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len) {
			if (!(v[k] = malloc(len + 1))) {
				for (size_t i = 0; i < k; i++)
					free(v[i]);
				free(v);
				return DCG_ENOMEM;
			}
			memcpy(v[k], p, len);
			v[k++][len] = '\0';
		}
		if (!e)
			break;
		p = e + 1;
	}
	*ret = v;
	*ret_n = k;
	return 0;
}

int dcg__run_sensitivity(const char *list, const struct dcg_model *m,
			 const struct dcg_solve_opts *opts,
			 struct dcg_sensitivity **ret, struct dcg_error *err)
{
	char **paths = NULL;
	size_t n = 0;
	int rc = split_paths(list, &paths, &n);
	if (rc)
		return dcg_error_set(err, rc, "out of memory");
	if (n == 0)
		rc = dcg_error_set(err, DCG_EUSAGE,
				   "--sensitivity needs parameter paths, e.g. "
				   "--sensitivity segments.[1].growth,hardware.[1].life_yr");
	else
		rc = dcg_sensitivity_solve_opts(m, (const char *const *)paths, n,
						opts, ret, err);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

void dcg__sensitivity_print(FILE *f, const struct dcg_sensitivity *s)
{
	static const enum dcg_series_id shown[] = {
		DCG_SER_ENERGY, DCG_SER_STANDARD_RACKS, DCG_SER_CUM_DC_ENERGY,
		DCG_SER_PEAK_DEMAND, DCG_SER_CUM_EMISSIONS,
	};
	size_t L = s->T ? s->T - 1 : 0;
	fprintf(f, "\nElasticities at t = %.2f, national totals ((p / y) dy/dp; "
		   "CVODES forward sensitivities, %.2f s)\n",
		s->T ? s->time[L] : 0.0, s->wall_time_s);
	int pw = 9;
	for (size_t j = 0; j < s->np; j++)
		if ((int)strlen(s->path[j]) > pw)
			pw = (int)strlen(s->path[j]);
	fprintf(f, "  %-*s %12s", pw, "parameter", "value");
	for (size_t c = 0; c < sizeof shown / sizeof shown[0]; c++)
		for (size_t k = 0; k < s->nseries; k++)
			if (s->ids[k] == shown[c]) {
				const struct dcg_series_info *si = dcg_series_info(shown[c]);
				char label[64];
				snprintf(label, sizeof label, "%s%s",
					 strcmp(si->group, "cumulative") == 0 ? "cum_" : "",
					 si->name);
				fprintf(f, " %14.14s", label);
			}
	fputc('\n', f);
	for (size_t j = 0; j < s->np; j++) {
		fprintf(f, "  %-*s %12.6g", pw, s->path[j], s->value[j]);
		for (size_t c = 0; c < sizeof shown / sizeof shown[0]; c++)
			for (size_t k = 0; k < s->nseries; k++) {
				if (s->ids[k] != shown[c])
					continue;
				double y = sum_row(s->series[k], s->width[k], L);
				double d = sum_row(s->deriv[k * s->np + j], s->width[k], L);
				fprintf(f, " %14.4f", y != 0.0 ? d * s->value[j] / y : NAN);
			}
		fputc('\n', f);
	}
}

int dcg__check_sensitivity(const char *list, const struct dcg_model *m,
			   struct dcg_error *err)
{
	char **paths = NULL;
	size_t n = 0;
	int rc = split_paths(list, &paths, &n);
	if (rc)
		return dcg_error_set(err, rc, "out of memory");
	struct dcg_model *c = n ? dcg_model_clone(m) : NULL;
	if (n == 0)
		rc = dcg_error_set(err, DCG_EUSAGE,
				   "--sensitivity needs parameter paths, e.g. "
				   "--sensitivity segments.[1].growth.value.[0],hardware.[1].life_yr");
	else if (!c)
		rc = dcg_error_set(err, DCG_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		double *p;
		struct dcg_error e = {0};
		if (dcg_config_param_ptr(c, paths[i], &p, NULL, &e))
			rc = dcg_error_set(err, DCG_EUSAGE, "--sensitivity %s", e.msg);
	}
	dcg_model_free(c);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}
