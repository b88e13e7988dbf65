/* Optimised serial N_Vector operations; see nvector_fast.h for why. Each
 * function has the semantics of its N_V*_Serial namesake in SUNDIALS 6.4
 * (src/nvector/serial/nvector_serial.c), including the special cases of
 * the linear sums, which round differently from the general formula. The
 * reductions let the compiler vectorise (`omp simd`, -fopenmp-simd: no
 * threads), which reorders their sums. */
#include <math.h>

#include <nvector/nvector_serial.h>

#include "nvector_fast.h"

#define LEN(v) ((sunindextype)NV_LENGTH_S(v))
#define DATA(v) NV_DATA_S(v)

static void linear_sum(sunrealtype a, N_Vector x, sunrealtype b, N_Vector y,
		       N_Vector z)
{
	sunindextype n = LEN(x);
	sunrealtype *xd = DATA(x), *yd = DATA(y), *zd = DATA(z);
	/* y += a x and x += b y (SUNDIALS' axpy, which adds or subtracts
	 * for a = +-1: the same roundings as the product). */
	if (b == 1.0 && z == y) {
		for (sunindextype i = 0; i < n; i++)
			yd[i] += a * xd[i];
		return;
	}
	if (a == 1.0 && z == x) {
		for (sunindextype i = 0; i < n; i++)
			xd[i] += b * yd[i];
		return;
	}
	if (a == 1.0 && b == 1.0) {
		for (sunindextype i = 0; i < n; i++)
			zd[i] = xd[i] + yd[i];
		return;
	}
	if ((a == 1.0 && b == -1.0) || (a == -1.0 && b == 1.0)) {
		const sunrealtype *p = a == 1.0 ? xd : yd, *m = a == 1.0 ? yd : xd;
		for (sunindextype i = 0; i < n; i++)
			zd[i] = p[i] - m[i];
		return;
	}
	if (a == 1.0 || b == 1.0) {
		/* c v1 + v2 with v2 the vector whose coefficient is 1. */
		sunrealtype c = a == 1.0 ? b : a;
		const sunrealtype *v1 = a == 1.0 ? yd : xd, *v2 = a == 1.0 ? xd : yd;
		for (sunindextype i = 0; i < n; i++)
			zd[i] = c * v1[i] + v2[i];
		return;
	}
	if (a == -1.0 || b == -1.0) {
		/* c v1 - v2 with v2 the vector whose coefficient is -1. */
		sunrealtype c = a == -1.0 ? b : a;
		const sunrealtype *v1 = a == -1.0 ? yd : xd, *v2 = a == -1.0 ? xd : yd;
		for (sunindextype i = 0; i < n; i++)
			zd[i] = c * v1[i] - v2[i];
		return;
	}
	if (a == b) {
		for (sunindextype i = 0; i < n; i++)
			zd[i] = a * (xd[i] + yd[i]);
		return;
	}
	if (a == -b) {
		for (sunindextype i = 0; i < n; i++)
			zd[i] = a * (xd[i] - yd[i]);
		return;
	}
	for (sunindextype i = 0; i < n; i++)
		zd[i] = a * xd[i] + b * yd[i];
}

static void vconst(sunrealtype c, N_Vector z)
{
	sunindextype n = LEN(z);
	sunrealtype *zd = DATA(z);
	for (sunindextype i = 0; i < n; i++)
		zd[i] = c;
}

static void prod(N_Vector x, N_Vector y, N_Vector z)
{
	sunindextype n = LEN(x);
	sunrealtype *xd = DATA(x), *yd = DATA(y), *zd = DATA(z);
	for (sunindextype i = 0; i < n; i++)
		zd[i] = xd[i] * yd[i];
}

static void vdiv(N_Vector x, N_Vector y, N_Vector z)
{
	sunindextype n = LEN(x);
	sunrealtype *xd = DATA(x), *yd = DATA(y), *zd = DATA(z);
	for (sunindextype i = 0; i < n; i++)
		zd[i] = xd[i] / yd[i];
}

static void scale(sunrealtype c, N_Vector x, N_Vector z)
{
	sunindextype n = LEN(x);
	sunrealtype *xd = DATA(x), *zd = DATA(z);
	if (z == x) {
		for (sunindextype i = 0; i < n; i++)
			xd[i] *= c;
	} else if (c == 1.0) {
		for (sunindextype i = 0; i < n; i++)
			zd[i] = xd[i];
	} else if (c == -1.0) {
		for (sunindextype i = 0; i < n; i++)
			zd[i] = -xd[i];
	} else {
		for (sunindextype i = 0; i < n; i++)
			zd[i] = c * xd[i];
	}
}

static void vabs(N_Vector x, N_Vector z)
{
	sunindextype n = LEN(x);
	sunrealtype *xd = DATA(x), *zd = DATA(z);
	for (sunindextype i = 0; i < n; i++)
		zd[i] = fabs(xd[i]);
}

static void inv(N_Vector x, N_Vector z)
{
	sunindextype n = LEN(x);
	sunrealtype *xd = DATA(x), *zd = DATA(z);
	for (sunindextype i = 0; i < n; i++)
		zd[i] = 1.0 / xd[i];
}

static void add_const(N_Vector x, sunrealtype b, N_Vector z)
{
	sunindextype n = LEN(x);
	sunrealtype *xd = DATA(x), *zd = DATA(z);
	for (sunindextype i = 0; i < n; i++)
		zd[i] = xd[i] + b;
}

static sunrealtype dot_prod(N_Vector x, N_Vector y)
{
	sunindextype n = LEN(x);
	const sunrealtype *xd = DATA(x), *yd = DATA(y);
	sunrealtype sum = 0.0;
#pragma omp simd reduction(+ : sum)
	for (sunindextype i = 0; i < n; i++)
		sum += xd[i] * yd[i];
	return sum;
}

static sunrealtype max_norm(N_Vector x)
{
	sunindextype n = LEN(x);
	const sunrealtype *xd = DATA(x);
	sunrealtype max = 0.0;
#pragma omp simd reduction(max : max)
	for (sunindextype i = 0; i < n; i++)
		max = fabs(xd[i]) > max ? fabs(xd[i]) : max;
	return max;
}

static sunrealtype wsqrsum(N_Vector x, N_Vector w)
{
	sunindextype n = LEN(x);
	const sunrealtype *xd = DATA(x), *wd = DATA(w);
	sunrealtype sum = 0.0;
#pragma omp simd reduction(+ : sum)
	for (sunindextype i = 0; i < n; i++) {
		sunrealtype p = xd[i] * wd[i];
		sum += p * p;
	}
	return sum;
}

static sunrealtype wsqrsum_mask(N_Vector x, N_Vector w, N_Vector id)
{
	sunindextype n = LEN(x);
	const sunrealtype *xd = DATA(x), *wd = DATA(w), *idd = DATA(id);
	sunrealtype sum = 0.0;
#pragma omp simd reduction(+ : sum)
	for (sunindextype i = 0; i < n; i++) {
		sunrealtype p = idd[i] > 0.0 ? xd[i] * wd[i] : 0.0;
		sum += p * p;
	}
	return sum;
}

static sunrealtype wrms_norm(N_Vector x, N_Vector w)
{
	return sqrt(wsqrsum(x, w) / (sunrealtype)LEN(x));
}

static sunrealtype wrms_norm_mask(N_Vector x, N_Vector w, N_Vector id)
{
	return sqrt(wsqrsum_mask(x, w, id) / (sunrealtype)LEN(x));
}

static sunrealtype wl2_norm(N_Vector x, N_Vector w)
{
	return sqrt(wsqrsum(x, w));
}

static sunrealtype vmin(N_Vector x)
{
	sunindextype n = LEN(x);
	const sunrealtype *xd = DATA(x);
	sunrealtype min = xd[0];
#pragma omp simd reduction(min : min)
	for (sunindextype i = 1; i < n; i++)
		min = xd[i] < min ? xd[i] : min;
	return min;
}

static sunrealtype l1_norm(N_Vector x)
{
	sunindextype n = LEN(x);
	const sunrealtype *xd = DATA(x);
	sunrealtype sum = 0.0;
#pragma omp simd reduction(+ : sum)
	for (sunindextype i = 0; i < n; i++)
		sum += fabs(xd[i]);
	return sum;
}

static void compare(sunrealtype c, N_Vector x, N_Vector z)
{
	sunindextype n = LEN(x);
	sunrealtype *xd = DATA(x), *zd = DATA(z);
	for (sunindextype i = 0; i < n; i++)
		zd[i] = fabs(xd[i]) >= c ? 1.0 : 0.0;
}

static sunbooleantype inv_test(N_Vector x, N_Vector z)
{
	sunindextype n = LEN(x);
	sunrealtype *xd = DATA(x), *zd = DATA(z);
	sunbooleantype ok = SUNTRUE;
	for (sunindextype i = 0; i < n; i++) {
		if (xd[i] == 0.0)
			ok = SUNFALSE;
		else
			zd[i] = 1.0 / xd[i];
	}
	return ok;
}

static sunbooleantype constr_mask(N_Vector c, N_Vector x, N_Vector m)
{
	sunindextype n = LEN(x);
	sunrealtype *cd = DATA(c), *xd = DATA(x), *md = DATA(m);
	sunbooleantype ok = SUNTRUE;
	for (sunindextype i = 0; i < n; i++) {
		md[i] = 0.0;
		if (cd[i] == 0.0)
			continue;
		/* |c| = 2: x > 0 required; |c| = 1: x >= 0 (signed by c). */
		if ((fabs(cd[i]) > 1.5 && xd[i] * cd[i] <= 0.0) ||
		    (fabs(cd[i]) > 0.5 && xd[i] * cd[i] < 0.0)) {
			md[i] = 1.0;
			ok = SUNFALSE;
		}
	}
	return ok;
}

static sunrealtype min_quotient(N_Vector num, N_Vector den)
{
	sunindextype n = LEN(num);
	const sunrealtype *nd = DATA(num), *dd = DATA(den);
	sunrealtype min = SUN_BIG_REAL;
	sunbooleantype first = SUNTRUE;
	for (sunindextype i = 0; i < n; i++) {
		if (dd[i] == 0.0)
			continue;
		sunrealtype q = nd[i] / dd[i];
		min = first || q < min ? q : min;
		first = SUNFALSE;
	}
	return min;
}

static int linear_combination(int nvec, sunrealtype *c, N_Vector *X, N_Vector z)
{
	if (nvec < 1)
		return -1;
	if (nvec == 1) {
		scale(c[0], X[0], z);
		return 0;
	}
	if (nvec == 2) {
		linear_sum(c[0], X[0], c[1], X[1], z);
		return 0;
	}
	sunindextype n = LEN(z);
	sunrealtype *zd = DATA(z);
	if (X[0] != z) {
		const sunrealtype *xd = DATA(X[0]);
		for (sunindextype j = 0; j < n; j++)
			zd[j] = c[0] * xd[j];
	} else if (c[0] != 1.0) {
		for (sunindextype j = 0; j < n; j++)
			zd[j] *= c[0];
	}
	for (int i = 1; i < nvec; i++) {
		const sunrealtype *xd = DATA(X[i]);
		for (sunindextype j = 0; j < n; j++)
			zd[j] += c[i] * xd[j];
	}
	return 0;
}

static int scale_add_multi(int nvec, sunrealtype *a, N_Vector x, N_Vector *Y,
			   N_Vector *Z)
{
	if (nvec < 1)
		return -1;
	if (nvec == 1) {
		linear_sum(a[0], x, 1.0, Y[0], Z[0]);
		return 0;
	}
	sunindextype n = LEN(x);
	const sunrealtype *xd = DATA(x);
	for (int i = 0; i < nvec; i++) {
		sunrealtype *yd = DATA(Y[i]), *zd = DATA(Z[i]);
		if (Y == Z)
			for (sunindextype j = 0; j < n; j++)
				yd[j] += a[i] * xd[j];
		else
			for (sunindextype j = 0; j < n; j++)
				zd[j] = a[i] * xd[j] + yd[j];
	}
	return 0;
}

static int dot_prod_multi(int nvec, N_Vector x, N_Vector *Y, sunrealtype *d)
{
	if (nvec < 1)
		return -1;
	for (int i = 0; i < nvec; i++)
		d[i] = dot_prod(x, Y[i]);
	return 0;
}

N_Vector dcg__nvec_fast(N_Vector v)
{
	if (!v || N_VGetVectorID(v) != SUNDIALS_NVEC_SERIAL)
		return v;
	struct _generic_N_Vector_Ops *o = v->ops;
	o->nvlinearsum = linear_sum;
	o->nvconst = vconst;
	o->nvprod = prod;
	o->nvdiv = vdiv;
	o->nvscale = scale;
	o->nvabs = vabs;
	o->nvinv = inv;
	o->nvaddconst = add_const;
	o->nvdotprod = dot_prod;
	o->nvmaxnorm = max_norm;
	o->nvwrmsnorm = wrms_norm;
	o->nvwrmsnormmask = wrms_norm_mask;
	o->nvmin = vmin;
	o->nvwl2norm = wl2_norm;
	o->nvl1norm = l1_norm;
	o->nvcompare = compare;
	o->nvinvtest = inv_test;
	o->nvconstrmask = constr_mask;
	o->nvminquotient = min_quotient;
	o->nvlinearcombination = linear_combination;
	o->nvscaleaddmulti = scale_add_multi;
	o->nvdotprodmulti = dot_prod_multi;
	/* The "local" reductions are what a parallel vector would combine
	 * across processes; for a serial vector they are the same. */
	o->nvdotprodlocal = dot_prod;
	o->nvmaxnormlocal = max_norm;
	o->nvminlocal = vmin;
	o->nvl1normlocal = l1_norm;
	o->nvinvtestlocal = inv_test;
	o->nvconstrmasklocal = constr_mask;
	o->nvminquotientlocal = min_quotient;
	o->nvwsqrsumlocal = wsqrsum;
	o->nvwsqrsummasklocal = wsqrsum_mask;
	return v;
}
