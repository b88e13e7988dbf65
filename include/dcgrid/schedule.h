/* Schedules: inputs that change over time, given as (year, value) points.
 *
 * Interpolation is linear, step (value holds from its year until the next
 * point) or log (geometric between points, for quantities such as compute
 * per rack that improve by a constant factor per year). Before the first
 * point and after the last the end values hold. Every year of a schedule with
 * two or more points is a breakpoint at which the integrator stops and
 * restarts instead of stepping across a kink or jump.
 */
#ifndef DCGRID_SCHEDULE_H
#define DCGRID_SCHEDULE_H

#include <stddef.h>

/* The most points a schedule may have (docs/config.md): the right-hand
 * side interpolates schedules at every evaluation, and a million points
 * made a run take minutes. Monthly points over the longest horizon (500
 * years) are 6,000. */
#define DCG_SCHEDULE_POINTS_MAX 10000

enum dcg_interp {
	DCG_INTERP_LINEAR = 0,
	DCG_INTERP_STEP = 1,
	DCG_INTERP_LOG = 2,
};

struct dcg_schedule {
	size_t n;              /* number of points, >= 1 for a set schedule */
	double *year;          /* owned, strictly increasing, n entries */
	double *value;         /* owned, n entries */
	enum dcg_interp interp;
};

/* Value at time t (decimal years). An empty schedule (n == 0) gives 0. */
double dcg_schedule_eval(const struct dcg_schedule *s, double t);

/* Makes s a constant (one point at year 0). Returns 0 or DCG_ENOMEM. */
int dcg_schedule_set_constant(struct dcg_schedule *s, double value);

/* Deep copy; dst must be empty or freed. Returns 0 or DCG_ENOMEM. */
int dcg_schedule_copy(struct dcg_schedule *dst, const struct dcg_schedule *src);

/* Frees the arrays and leaves an empty schedule; accepts NULL. */
void dcg_schedule_free(struct dcg_schedule *s);

/* Smallest and largest value over the points (n >= 1). */
double dcg_schedule_min(const struct dcg_schedule *s);
double dcg_schedule_max(const struct dcg_schedule *s);

#endif
