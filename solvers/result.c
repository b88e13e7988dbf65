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
	free(r->events);
	free(r);
}
