/* Schedules: piecewise linear, step or geometric functions of time.
 *
 * Evaluation is a binary search over the points, O(log n), and allocates
 * nothing, so it is safe inside the right-hand side. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcgrid/schedule.h"
#include "dcgrid/status.h"

double dcg_schedule_eval(const struct dcg_schedule *s, double t)
{
	if (s->n == 0)
		return 0.0;
	if (s->n == 1 || t <= s->year[0])
		return s->value[0];
	if (t >= s->year[s->n - 1])
		return s->value[s->n - 1];
	/* Find i with year[i] <= t < year[i+1]. */
	size_t lo = 0, hi = s->n - 1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->year[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	double v0 = s->value[lo], v1 = s->value[hi];
	double x = (t - s->year[lo]) / (s->year[hi] - s->year[lo]);
	switch (s->interp) {
	case DCG_INTERP_STEP:
		return v0;
	case DCG_INTERP_LOG:
		/* Geometric interpolation needs positive ends; fall back to
		 * linear where a value is zero or negative. */
		if (v0 > 0.0 && v1 > 0.0)
			return v0 * pow(v1 / v0, x);
		return v0 + x * (v1 - v0);
	case DCG_INTERP_LINEAR:
	default:
		return v0 + x * (v1 - v0);
	}
}

int dcg_schedule_set_constant(struct dcg_schedule *s, double value)
{
	dcg_schedule_free(s);
	s->year = malloc(sizeof *s->year);
	s->value = malloc(sizeof *s->value);
	if (!s->year || !s->value) {
		dcg_schedule_free(s);
		return DCG_ENOMEM;
	}
	s->n = 1;
	s->year[0] = 0.0;
	s->value[0] = value;
	s->interp = DCG_INTERP_LINEAR;
	return 0;
}

int dcg_schedule_copy(struct dcg_schedule *dst, const struct dcg_schedule *src)
{
	*dst = (struct dcg_schedule){.interp = src->interp};
	if (src->n == 0)
		return 0;
	dst->year = malloc(src->n * sizeof *dst->year);
	dst->value = malloc(src->n * sizeof *dst->value);
	if (!dst->year || !dst->value) {
		dcg_schedule_free(dst);
		return DCG_ENOMEM;
	}
	memcpy(dst->year, src->year, src->n * sizeof *dst->year);
	memcpy(dst->value, src->value, src->n * sizeof *dst->value);
	dst->n = src->n;
	return 0;
}

void dcg_schedule_free(struct dcg_schedule *s)
{
	if (!s)
		return;
	free(s->year);
	free(s->value);
	s->year = NULL;
	s->value = NULL;
	s->n = 0;
}

double dcg_schedule_min(const struct dcg_schedule *s)
{
	double v = s->n ? s->value[0] : 0.0;
	for (size_t i = 1; i < s->n; i++)
		v = fmin(v, s->value[i]);
	return v;
}

double dcg_schedule_max(const struct dcg_schedule *s)
{
	double v = s->n ? s->value[0] : 0.0;
	for (size_t i = 1; i < s->n; i++)
		v = fmax(v, s->value[i]);
	return v;
}
