/* Smooth helpers (C1, exactly zero where they should be), docs/model.md.
 *
 * pos(x; s) = 0 for x <= 0, x^2/(2s) on (0, s), x - s/2 for x >= s.
 * A softplus is not acceptable: its pos(0) > 0 makes zero-growth runs drift.
 * floor0(x; s) = 0 for x <= 0, 2x^2/s - x^3/s^2 on (0, s), x for x >= s: the
 * identity above s, used where a flow that is normally well above zero must
 * be kept from going negative without biasing it.
 * min0(a, b; s) = a - floor0(a - b; s): a below b - s, b above b + s.
 */
#ifndef DCGRID_SMOOTH_H
#define DCGRID_SMOOTH_H

#include <math.h>

/* Relative size of the smoothing band of pos() and smin() in the model. */
#define DCG_SMOOTH_REL 1e-3

static inline double dcg__pos(double x, double s)
{
	if (x <= 0.0)
		return 0.0;
	if (x < s)
		return x * x / (2.0 * s);
	return x - 0.5 * s;
}

static inline double dcg__smin(double a, double b, double s)
{
	return a - dcg__pos(a - b, s);
}

static inline double dcg__floor0(double x, double s)
{
	if (x <= 0.0)
		return 0.0;
	if (x < s)
		return x * x * (2.0 * s - x) / (s * s);
	return x;
}

/* min(a, b) that is exact outside a band of width s on either side:
 * a - floor0(a - b; s). Used where a balance must close exactly (energy
 * dispatch); smin() above keeps MODEL.md's form elsewhere. */
static inline double dcg__min0(double a, double b, double s)
{
	return a - dcg__floor0(a - b, s);
}

/* A smooth minimum that never exceeds either argument: a where
 * a <= b - 4s/27, b - 4s/27 where a >= b + 23s/27, C1 between (4s/27 is
 * the most by which floor0(z) falls short of z). For limits that must
 * hold, such as a store's energy. */
static inline double dcg__min_below(double a, double b, double s)
{
	return a - dcg__floor0(a - b + 4.0 * s / 27.0, s);
}

/* hinge(x; s) = 0 below -s, x above s, (x + s)^2/(4s) between: a smooth
 * positive part with hinge(x) - hinge(-x) = x exactly, so that a flow split
 * into its two directions (or a residual into need and surplus) closes to
 * round-off. Unlike pos() it is not exactly 0 at x = 0 (s/4 there): use it
 * where balances matter more than exact zeros. */
static inline double dcg__hinge(double x, double s)
{
	if (x <= -s)
		return 0.0;
	if (x >= s)
		return x;
	return (x + s) * (x + s) / (4.0 * s);
}

static inline double dcg__logistic(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

/* Smooth cap factor of a total o against a limit s: s / (o^8 + s^8)^(1/8),
 * computed without overflow; 1 when nothing is ordered. */
static inline double dcg__cap_factor(double o, double s)
{
	double m = fmax(fabs(o), s);
	if (m <= 0.0)
		return 1.0;
	double a = o / m, b = s / m;
	double a2 = a * a, b2 = b * b, a4 = a2 * a2, b4 = b2 * b2;
	return b / pow(a4 * a4 + b4 * b4, 0.125);
}

#endif
