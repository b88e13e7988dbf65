/* Result container: allocation sized from the model and the series table. */
#include <math.h>
#include <stdlib.h>

#include "dcgrid/result.h"

struct dcg_result *dcg_result_new(const struct dcg_model *m, size_t T, size_t Y)
{
	struct dcg_result *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->T = T;
	r->n = m->layout.n;
	r->nq = m->layout.nq;
	r->Y = Y;
	size_t R = m->R, J = m->grid_enabled ? m->J : 0;
	r->time = calloc(T ? T : 1, sizeof *r->time);
	r->y = calloc(T * r->n + 1, sizeof *r->y);
	r->q = calloc(T * r->nq + 1, sizeof *r->q);
	r->year = calloc(Y + 1, sizeof *r->year);
	r->annual_dc_energy = calloc(Y * R + 1, sizeof(double));
	r->annual_consumption = calloc(Y * R + 1, sizeof(double));
	r->annual_unserved = calloc(Y * R + 1, sizeof(double));
	r->annual_emissions = calloc(Y * R + 1, sizeof(double));
	r->annual_generation = calloc(Y * R * J + 1, sizeof(double));
	if (!r->time || !r->y || !r->q || !r->year || !r->annual_dc_energy ||
	    !r->annual_consumption || !r->annual_unserved ||
	    !r->annual_emissions || !r->annual_generation)
		goto fail;
	for (int id = 0; id < DCG_SER_COUNT; id++) {
		size_t width = dcg_series_width(m, (enum dcg_series_id)id);
		if (width == 0)
			continue;
		r->series[id] = calloc(T * width + 1, sizeof(double));
		if (!r->series[id])
			goto fail;
	}
	r->stats.prec_switch_time = NAN;
	r->complete = true;
	return r;
fail:
	dcg_result_free(r);
	return NULL;
}

void dcg_result_free(struct dcg_result *r)
{
	if (!r)
		return;
	free(r->time);
	free(r->y);
	free(r->q);
	free(r->year);
	free(r->annual_dc_energy);
	free(r->annual_consumption);
	free(r->annual_unserved);
	free(r->annual_emissions);
	free(r->annual_generation);
	for (int id = 0; id < DCG_SER_COUNT; id++)
		free(r->series[id]);
	for (int id = 0; id < DCG_HR_COUNT; id++)
		free(r->hourly[id]);
	free(r->hourly_year);
	free(r->hourly_time);
	free(r->events);
	free(r);
}

/* The output row nearest to time y. */
static size_t nearest_row(const struct dcg_result *res, double y)
{
	size_t best = 0;
	for (size_t i = 1; i < res->T; i++)
		if (fabs(res->time[i] - y) < fabs(res->time[best] - y))
			best = i;
	return best;
}

int dcg_result_add_hourly(struct dcg_result *res, const struct dcg_model *m,
			  struct dcg_work *w)
{
	if (!m->grid_enabled || res->T == 0)
		return 0;
	double years[DCG_HOURLY_YEARS_MAX];
	size_t n = m->hours.n_output_years;
	if (n) {
		for (size_t i = 0; i < n; i++)
			years[i] = m->hours.output_years[i];
	} else {
		/* The first and the last whole year (its start) in the run. */
		years[n++] = ceil(res->time[0] - 1e-9);
		double last = floor(res->time[res->T - 1] + 1e-9) - 1.0;
		if (last > years[0])
			years[n++] = last;
	}
	res->hourly_year = calloc(n, sizeof(double));
	res->hourly_time = calloc(n, sizeof(double));
	if (!res->hourly_year || !res->hourly_time)
		return DCG_ENOMEM;
	for (int id = 0; id < DCG_HR_COUNT; id++) {
		size_t width = dcg_hourly_width(m, (enum dcg_hourly_id)id);
		res->hourly[id] = calloc(n * width + 1, sizeof(double));
		if (!res->hourly[id])
			return DCG_ENOMEM;
	}
	res->hY = n;
	for (size_t k = 0; k < n; k++) {
		size_t i = nearest_row(res, years[k] + 0.5);
		res->hourly_year[k] = years[k];
		res->hourly_time[k] = res->time[i];
		double *out[DCG_HR_COUNT];
		for (int id = 0; id < DCG_HR_COUNT; id++)
			out[id] = res->hourly[id] +
				  k * dcg_hourly_width(m, (enum dcg_hourly_id)id);
		int rc = dcg_model_hourly(m, w, res->time[i], &res->y[i * res->n], out);
		if (rc)
			return rc;
	}
	return 0;
}
