/* Optimised serial N_Vector kernels (nvfast.h). Each mirrors the
 * corresponding N_V*_Serial routine of SUNDIALS 6.4
 * (src/nvector/serial/nvector_serial.c) operation for operation, so that
 * results do not change; only the compilation does. Inputs and outputs
 * may alias (z == x), as there. */
#include <math.h>
#include <stdbool.h>
#include <nvector/nvector_serial.h>

#include "nvfast.h"

#define LEN(v) ((size_t)NV_LENGTH_S(v))
#define DATA(v) NV_DATA_S(v)

/* y += a x, as Vaxpy_Serial. */
static void axpy(double a, N_Vector x, N_Vector y)
{
	size_t n = LEN(x);
	const double *xd = DATA(x);
	double *yd = DATA(y);
	if (a == 1.0) {
		for (size_t i = 0; i < n; i++)
			yd[i] += xd[i];
	} else if (a == -1.0) {
		for (size_t i = 0; i < n; i++)
			yd[i] -= xd[i];
	} else {
		for (size_t i = 0; i < n; i++)
			yd[i] += a * xd[i];
	}
}

static void linear_sum(sunrealtype a, N_Vector x, sunrealtype b, N_Vector y,
		       N_Vector z)
{
	size_t n = LEN(x);
	if (b == 1.0 && z == y) {
		axpy(a, x, y);
		return;
	}
	if (a == 1.0 && z == x) {
		axpy(b, y, x);
		return;
	}
	const double *xd = DATA(x), *yd = DATA(y);
	double *zd = DATA(z);
	if (a == 1.0 && b == 1.0) {
		for (size_t i = 0; i < n; i++)
			zd[i] = xd[i] + yd[i];
		return;
	}
	if (a == 1.0 && b == -1.0) {
		for (size_t i = 0; i < n; i++)
			zd[i] = xd[i] - yd[i];
		return;
	}
	if (a == -1.0 && b == 1.0) {
		for (size_t i = 0; i < n; i++)
			zd[i] = yd[i] - xd[i];
		return;
	}
	/* One coefficient is 1: z = c v1 + v2 (VLin1_Serial). */
	if (a == 1.0 || b == 1.0) {
		double c = a == 1.0 ? b : a;
		const double *v1 = a == 1.0 ? yd : xd, *v2 = a == 1.0 ? xd : yd;
		for (size_t i = 0; i < n; i++)
			zd[i] = (c * v1[i]) + v2[i];
		return;
	}
	/* One coefficient is -1: z = c v1 - v2 (VLin2_Serial). */
	if (a == -1.0 || b == -1.0) {
		double c = a == -1.0 ? b : a;
		const double *v1 = a == -1.0 ? yd : xd, *v2 = a == -1.0 ? xd : yd;
		for (size_t i = 0; i < n; i++)
			zd[i] = (c * v1[i]) - v2[i];
		return;
	}
	if (a == b) {
		for (size_t i = 0; i < n; i++)
			zd[i] = a * (xd[i] + yd[i]);
		return;
	}
	if (a == -b) {
		for (size_t i = 0; i < n; i++)
			zd[i] = a * (xd[i] - yd[i]);
		return;
	}
	for (size_t i = 0; i < n; i++)
		zd[i] = (a * xd[i]) + (b * yd[i]);
}

static void const_(sunrealtype c, N_Vector z)
{
	size_t n = LEN(z);
	double *zd = DATA(z);
	for (size_t i = 0; i < n; i++)
		zd[i] = c;
}

static void prod(N_Vector x, N_Vector y, N_Vector z)
{
	size_t n = LEN(x);
	const double *xd = DATA(x), *yd = DATA(y);
	double *zd = DATA(z);
	for (size_t i = 0; i < n; i++)
		zd[i] = xd[i] * yd[i];
}

static void div_(N_Vector x, N_Vector y, N_Vector z)
{
	size_t n = LEN(x);
	const double *xd = DATA(x), *yd = DATA(y);
	double *zd = DATA(z);
	for (size_t i = 0; i < n; i++)
		zd[i] = xd[i] / yd[i];
}

static void scale(sunrealtype c, N_Vector x, N_Vector z)
{
	size_t n = LEN(x);
	const double *xd = DATA(x);
	double *zd = DATA(z);
	if (z == x) {
		for (size_t i = 0; i < n; i++)
			zd[i] *= c;
	} else if (c == 1.0) {
		for (size_t i = 0; i < n; i++)
			zd[i] = xd[i];
	} else if (c == -1.0) {
		for (size_t i = 0; i < n; i++)
			zd[i] = -xd[i];
	} else {
		for (size_t i = 0; i < n; i++)
			zd[i] = c * xd[i];
	}
}

static void abs_(N_Vector x, N_Vector z)
{
	size_t n = LEN(x);
	const double *xd = DATA(x);
	double *zd = DATA(z);
	for (size_t i = 0; i < n; i++)
		zd[i] = fabs(xd[i]);
}

static void inv(N_Vector x, N_Vector z)
{
	size_t n = LEN(x);
	const double *xd = DATA(x);
	double *zd = DATA(z);
	for (size_t i = 0; i < n; i++)
		zd[i] = 1.0 / xd[i];
}

static void add_const(N_Vector x, sunrealtype b, N_Vector z)
{
	size_t n = LEN(x);
	const double *xd = DATA(x);
	double *zd = DATA(z);
	for (size_t i = 0; i < n; i++)
		zd[i] = xd[i] + b;
}

static sunrealtype dot_prod(N_Vector x, N_Vector y)
{
	size_t n = LEN(x);
	const double *xd = DATA(x), *yd = DATA(y);
	double sum = 0.0;
	for (size_t i = 0; i < n; i++)
		sum += xd[i] * yd[i];
	return sum;
}

static sunrealtype max_norm(N_Vector x)
{
	size_t n = LEN(x);
	const double *xd = DATA(x);
	double max = 0.0;
	for (size_t i = 0; i < n; i++)
		if (fabs(xd[i]) > max)
			max = fabs(xd[i]);
	return max;
}

static sunrealtype wsqr_sum_local(N_Vector x, N_Vector w)
{
	size_t n = LEN(x);
	const double *xd = DATA(x), *wd = DATA(w);
	double sum = 0.0;
	for (size_t i = 0; i < n; i++) {
		double p = xd[i] * wd[i];
		sum += p * p;
	}
	return sum;
}

static sunrealtype wrms_norm(N_Vector x, N_Vector w)
{
	return sqrt(wsqr_sum_local(x, w) / (double)NV_LENGTH_S(x));
}

static sunrealtype wsqr_sum_mask_local(N_Vector x, N_Vector w, N_Vector id)
{
	size_t n = LEN(x);
	const double *xd = DATA(x), *wd = DATA(w), *idd = DATA(id);
	double sum = 0.0;
	for (size_t i = 0; i < n; i++)
		if (idd[i] > 0.0) {
			double p = xd[i] * wd[i];
			sum += p * p;
		}
	return sum;
}

static sunrealtype wrms_norm_mask(N_Vector x, N_Vector w, N_Vector id)
{
	return sqrt(wsqr_sum_mask_local(x, w, id) / (double)NV_LENGTH_S(x));
}

static sunrealtype min_(N_Vector x)
{
	size_t n = LEN(x);
	const double *xd = DATA(x);
	double min = xd[0];
	for (size_t i = 1; i < n; i++)
		if (xd[i] < min)
			min = xd[i];
	return min;
}

static sunrealtype l1_norm(N_Vector x)
{
	size_t n = LEN(x);
	const double *xd = DATA(x);
	double sum = 0.0;
	for (size_t i = 0; i < n; i++)
		sum += fabs(xd[i]);
	return sum;
}

static void compare(sunrealtype c, N_Vector x, N_Vector z)
{
	size_t n = LEN(x);
	const double *xd = DATA(x);
	double *zd = DATA(z);
	for (size_t i = 0; i < n; i++)
		zd[i] = fabs(xd[i]) >= c ? 1.0 : 0.0;
}

static sunbooleantype inv_test(N_Vector x, N_Vector z)
{
	size_t n = LEN(x);
	const double *xd = DATA(x);
	double *zd = DATA(z);
	sunbooleantype no_zero = SUNTRUE;
	for (size_t i = 0; i < n; i++) {
		if (xd[i] == 0.0)
			no_zero = SUNFALSE;
		else
			zd[i] = 1.0 / xd[i];
	}
	return no_zero;
}

static sunbooleantype constr_mask(N_Vector c, N_Vector x, N_Vector m)
{
	size_t n = LEN(x);
	const double *cd = DATA(c), *xd = DATA(x);
	double *md = DATA(m);
	bool violated = false;
	for (size_t i = 0; i < n; i++) {
		md[i] = 0.0;
		if (cd[i] == 0.0)
			continue;
		if ((fabs(cd[i]) > 1.5 && xd[i] * cd[i] <= 0.0) ||
		    (fabs(cd[i]) > 0.5 && xd[i] * cd[i] < 0.0)) {
			md[i] = 1.0;
			violated = true;
		}
	}
	return violated ? SUNFALSE : SUNTRUE;
}

static sunrealtype min_quotient(N_Vector num, N_Vector denom)
{
	size_t n = LEN(num);
	const double *nd = DATA(num), *dd = DATA(denom);
	bool first = true;
	double min = SUN_BIG_REAL;
	for (size_t i = 0; i < n; i++) {
		if (dd[i] == 0.0)
			continue;
		if (first) {
			min = nd[i] / dd[i];
			first = false;
		} else {
			double q = nd[i] / dd[i];
			min = min < q ? min : q; /* SUNMIN, NaN included */
		}
	}
	return min;
}

void dcg__nv_fast(N_Vector v)
{
	if (!v || N_VGetVectorID(v) != SUNDIALS_NVEC_SERIAL)
		return;
	N_Vector_Ops o = v->ops;
	o->nvlinearsum = linear_sum;
	o->nvconst = const_;
	o->nvprod = prod;
	o->nvdiv = div_;
	o->nvscale = scale;
	o->nvabs = abs_;
	o->nvinv = inv;
	o->nvaddconst = add_const;
	o->nvdotprod = dot_prod;
	o->nvmaxnorm = max_norm;
	o->nvwrmsnorm = wrms_norm;
	o->nvwrmsnormmask = wrms_norm_mask;
	o->nvmin = min_;
	o->nvl1norm = l1_norm;
	o->nvcompare = compare;
	o->nvinvtest = inv_test;
	o->nvconstrmask = constr_mask;
	o->nvminquotient = min_quotient;
	o->nvwsqrsumlocal = wsqr_sum_local;
	o->nvwsqrsummasklocal = wsqr_sum_mask_local;
	o->nvdotprodlocal = dot_prod;
	o->nvmaxnormlocal = max_norm;
	o->nvminlocal = min_;
	o->nvl1normlocal = l1_norm;
	o->nvinvtestlocal = inv_test;
	o->nvconstrmasklocal = constr_mask;
	o->nvminquotientlocal = min_quotient;
}
