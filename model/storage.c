/* Peak shaving within one representative day: storage with charging, and
 * hydro with a daily budget (equations in storage.h). Allocates nothing. */
#include <math.h>

#include "smooth.h"
#include "storage.h"

/* clip(z) = pos(z; s) - pos(z - p; s) and its derivative. */
static inline double clip(double z, double p, double s, double *dz)
{
	double a, da, b, db;
	if (z <= 0.0) {
		a = 0.0;
		da = 0.0;
	} else if (z < s) {
		a = z * z / (2.0 * s);
		da = z / s;
	} else {
		a = z - 0.5 * s;
		da = 1.0;
	}
	double y = z - p;
	if (y <= 0.0) {
		b = 0.0;
		db = 0.0;
	} else if (y < s) {
		b = y * y / (2.0 * s);
		db = y / s;
	} else {
		b = y - 0.5 * s;
		db = 1.0;
	}
	*dz = da - db;
	return a - b;
}

/* sum_h clip(sign (n[h] - theta)) - target, and its derivative in theta;
 * sign +1 sums discharge (decreasing in theta), -1 sums charge
 * (increasing). */
static double sum_clip(const double *n, size_t nh, double theta, double sign,
		       double p, double s, double *dsum)
{
	double f = 0.0, df = 0.0;
	for (size_t h = 0; h < nh; h++) {
		double dz;
		f += clip(sign * (n[h] - theta), p, s, &dz);
		df -= sign * dz;
	}
	*dsum = df;
	return f;
}

/* The crossing function sum dis(theta) - eta sum chg(theta): decreasing. */
static double crossing(const double *n, size_t nh, double theta, double eta,
		       double p, double s, double *df)
{
	double dd, dc;
	double d = sum_clip(n, nh, theta, 1.0, p, s, &dd);
	double c = sum_clip(n, nh, theta, -1.0, p, s, &dc);
	*df = dd - eta * dc;
	return d - eta * c;
}

/* Root of a monotone function g (decreasing when dir = -1, increasing when
 * dir = +1) inside [lo, hi], where g(lo) and g(hi) bracket 0. Newton's
 * method with bisection where a step would leave the bracket; converges to
 * round-off in a handful of steps (g is piecewise quadratic). */
#define ROOT_MAX_ITER 60
static double solve(const double *n, size_t nh, int which, double target,
		    double eta, double p, double s, double lo, double hi,
		    double dir)
{
	double x = 0.5 * (lo + hi), scale = fmax(fabs(lo), fabs(hi)) + p;
	for (int it = 0; it < ROOT_MAX_ITER; it++) {
		double df, g;
		if (which == 0)
			g = sum_clip(n, nh, x, 1.0, p, s, &df) - target;
		else if (which == 1)
			g = sum_clip(n, nh, x, -1.0, p, s, &df) - target;
		else
			g = crossing(n, nh, x, eta, p, s, &df);
		if (g == 0.0)
			return x;
		/* Shrink the bracket: g has the sign of dir (x - root). */
		if (dir * g > 0.0)
			hi = x;
		else
			lo = x;
		double nx = df != 0.0 ? x - g / df : 0.5 * (lo + hi);
		if (!(nx > lo && nx < hi))
			nx = 0.5 * (lo + hi);
		if (fabs(nx - x) <= 1e-15 * scale || hi - lo <= 1e-15 * scale)
			return nx;
		x = nx;
	}
	return x;
}

static void range(const double *n, size_t nh, double *lo, double *hi)
{
	*lo = *hi = n[0];
	for (size_t h = 1; h < nh; h++) {
		*lo = fmin(*lo, n[h]);
		*hi = fmax(*hi, n[h]);
	}
}

double dcg__shave_day(const double *n, size_t nh, double p, double e,
		      double eta, double s, double *dis, double *chg)
{
	for (size_t h = 0; h < nh; h++)
		dis[h] = chg[h] = 0.0;
	if (!(p > 0.0) || !(e > 0.0) || !(eta > 0.0))
		return 0.0;
	s = fmin(s, 0.25 * p);
	double nlo, nhi;
	range(n, nh, &nlo, &nhi);
	if (nhi - nlo <= 0.0)
		return 0.0;
	/* The crossing: dis - eta chg is >= 0 at min n, <= 0 at max n. */
	double th = solve(n, nh, 2, 0.0, eta, p, s, nlo, nhi, -1.0);
	double dd;
	double xc = sum_clip(n, nh, th, 1.0, p, s, &dd);
	double se = DCG_SMOOTH_REL * e;
	double x = dcg__min_below(xc, e, se);
	double thd = th, thc = th;
	if (x < xc) {
		/* Energy-limited: discharge X above theta, charge X/eta below
		 * theta'. sum dis runs from 0 (theta = max n) to nh p (theta
		 * = min n - p - s); sum chg mirrors it. */
		thd = solve(n, nh, 0, x, eta, p, s, th, nhi, -1.0);
		thc = solve(n, nh, 1, x / eta, eta, p, s, nlo, th, 1.0);
	}
	double sd = 0.0;
	for (size_t h = 0; h < nh; h++) {
		double dz;
		dis[h] = clip(n[h] - thd, p, s, &dz);
		chg[h] = clip(thc - n[h], p, s, &dz);
		sd += dis[h];
	}
	return sd;
}

double dcg__budget_day(const double *n, size_t nh, double p, double e,
		       double s, double *dis)
{
	for (size_t h = 0; h < nh; h++)
		dis[h] = 0.0;
	if (!(p > 0.0) || !(e > 0.0))
		return 0.0;
	s = fmin(s, 0.25 * p);
	double nlo, nhi;
	range(n, nh, &nlo, &nhi);
	/* All hours at full power give nh (p - s/2) at most... a budget past
	 * what the power can deliver is spilled. */
	double cap = (double)nh * p * (1.0 - 1e-6);
	double x = dcg__min_below(e, cap, DCG_SMOOTH_REL * cap);
	double th = solve(n, nh, 0, x, 0.0, p, s, nlo - p - 2.0 * s, nhi, -1.0);
	double sd = 0.0;
	for (size_t h = 0; h < nh; h++) {
		double dz;
		dis[h] = clip(n[h] - th, p, s, &dz);
		sd += dis[h];
	}
	return sd;
}
