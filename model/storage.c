/* Peak shaving within one representative day: storage with charging, and
 * hydro with a daily budget (equations in storage.h). Allocates nothing. */
#include <float.h>
#include <math.h>

#include "smooth.h"
#include "storage.h"

/* pos(z; s) = t^2/(2s) + max(z - s, 0) with t = clamp(z, 0, s), and its
 * derivative t/s: the same function as smooth.h's, written as selects
 * (not libm's fmin/fmax calls) so that the loops over a day's hours
 * vectorise. */
static inline double clamp0(double z, double s)
{
	z = z > 0.0 ? z : 0.0;
	return z < s ? z : s;
}
static inline double max0(double z)
{
	return z > 0.0 ? z : 0.0;
}
#define POS(z, s, is) (0.5 * (is) * clamp0((z), (s)) * clamp0((z), (s)) + max0((z) - (s)))
#define DPOS(z, s, is) ((is) * clamp0((z), (s)))

/* clip(z) = pos(z; s) - pos(z - p; s) and its derivative. */
static inline double clip(double z, double p, double s, double *dz)
{
	double is = 1.0 / s;
	*dz = DPOS(z, s, is) - DPOS(z - p, s, is);
	return POS(z, s, is) - POS(z - p, s, is);
}

/* sum_h clip(sign (n[h] - theta)) - target, and its derivative in theta;
 * sign +1 sums discharge (decreasing in theta), -1 sums charge
 * (increasing). */
static double sum_clip(const double *n, size_t nh, double theta, double sign,
		       double p, double s, double *dsum)
{
	double f = 0.0, df = 0.0, is = 1.0 / s;
#pragma omp simd reduction(+ : f, df)
	for (size_t h = 0; h < nh; h++) {
		double z = sign * (n[h] - theta);
		f += POS(z, s, is) - POS(z - p, s, is);
		df += DPOS(z, s, is) - DPOS(z - p, s, is);
	}
	*dsum = -sign * df;
	return f;
}

/* The crossing function sum dis(theta) - eta sum chg(theta): decreasing. */
static double crossing(const double *n, size_t nh, double theta, double eta,
		       double p, double s, double *df)
{
	double f = 0.0, d = 0.0, is = 1.0 / s;
#pragma omp simd reduction(+ : f, d)
	for (size_t h = 0; h < nh; h++) {
		double z = n[h] - theta;
		f += POS(z, s, is) - POS(z - p, s, is) -
		     eta * (POS(-z, s, is) - POS(-z - p, s, is));
		d += DPOS(z, s, is) - DPOS(z - p, s, is) +
		     eta * (DPOS(-z, s, is) - DPOS(-z - p, s, is));
	}
	*df = -d;
	return f;
}

/* The functions whose roots set the thresholds: 0 sum dis - target,
 * 1 sum chg - target, 2 the crossing sum dis - eta sum chg. */
static double eval(const double *n, size_t nh, int which, double target,
		   double eta, double p, double s, double x, double *df)
{
	if (which == 0)
		return sum_clip(n, nh, x, 1.0, p, s, df) - target;
	if (which == 1)
		return sum_clip(n, nh, x, -1.0, p, s, df) - target;
	return crossing(n, nh, x, eta, p, s, df);
}

/* Root of a monotone function g (decreasing when dir = -1, increasing when
 * dir = +1) inside [lo, hi], where g(lo) and g(hi) bracket 0. Newton's
 * method with bisection where a step would leave the bracket; converges to
 * round-off in a handful of steps (g is piecewise quadratic). */
#define ROOT_MAX_ITER 100
static double solve(const double *n, size_t nh, int which, double target,
		    double eta, double p, double s, double lo, double hi,
		    double dir, double x)
{
	/* g is a sum of nh terms of size up to p: solved when |g| is at
	 * round-off of that, or the bracket has closed to round-off. The
	 * bracket's ends are not evaluated: the callers know the signs
	 * there, and a start x inside it. */
	double gtol = 1e-13 * (double)nh * p;
	double xtol = 4.0 * DBL_EPSILON * (fmax(fabs(lo), fabs(hi)) + p);
	if (!(x > lo && x < hi))
		x = 0.5 * (lo + hi);
	for (int it = 0; it < ROOT_MAX_ITER; it++) {
		double df, g = eval(n, nh, which, target, eta, p, s, x, &df);
		if (fabs(g) <= gtol)
			return x;
		/* Shrink the bracket: g has the sign of dir (x - root). */
		if (dir * g > 0.0)
			hi = x;
		else
			lo = x;
		if (hi - lo <= xtol)
			return 0.5 * (lo + hi);
		double nx = df != 0.0 ? x - g / df : 0.5 * (lo + hi);
		if (!(nx > lo && nx < hi))
			nx = 0.5 * (lo + hi);
		x = nx;
	}
	return x;
}

/* Where the line through (a, ga) and (b, gb) crosses zero. */
static double secant(double a, double ga, double b, double gb)
{
	return ga != gb ? a - ga * (b - a) / (gb - ga) : 0.5 * (a + b);
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
	/* The crossing: dis - eta chg is >= 0 at min n, <= 0 at max n;
	 * start at the mean. */
	double mean = 0.0;
	for (size_t h = 0; h < nh; h++)
		mean += n[h];
	mean /= (double)nh;
	double th = solve(n, nh, 2, 0.0, eta, p, s, nlo, nhi, -1.0, mean);
	double dd;
	double xc = sum_clip(n, nh, th, 1.0, p, s, &dd);
	double se = DCG_SMOOTH_REL * e;
	double x = dcg__min_below(xc, e, se);
	double thd = th, thc = th;
	if (x < xc) {
		/* Energy-limited: discharge X above theta, charge X/eta below
		 * theta'. sum dis runs from 0 (theta = max n) to nh p (theta
		 * = min n - p - s); sum chg mirrors it. */
		thd = solve(n, nh, 0, x, eta, p, s, th, nhi, -1.0,
			    secant(th, xc - x, nhi, -x));
		thc = solve(n, nh, 1, x / eta, eta, p, s, nlo, th, 1.0,
			    secant(nlo, -x / eta, th, (xc - x) / eta));
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
	double lo = nlo - p - 2.0 * s;
	double th = solve(n, nh, 0, x, 0.0, p, s, lo, nhi, -1.0,
			  secant(lo, (double)nh * p - x, nhi, -x));
	double sd = 0.0;
	for (size_t h = 0; h < nh; h++) {
		double dz;
		dis[h] = clip(n[h] - th, p, s, &dz);
		sd += dis[h];
	}
	return sd;
}
