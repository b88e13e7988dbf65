/* Suite "nvector": the optimised serial N_Vector operations
 * (solvers/nvector_fast.c) against SUNDIALS' own, operation by operation:
 * element-wise results bit for bit (the special cases of the linear sums
 * round differently from the general formula, and must match), reductions
 * to round-off, and every special case and aliasing CVODE uses. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdbool.h>
#include <nvector/nvector_serial.h>
#include <stdlib.h>
#include <string.h>

#include "nvector_fast.h"

#define N 1003 /* odd, so that vectorised loops have a remainder */

static SUNContext ctx;

static N_Vector filled(unsigned seed, bool fast)
{
	N_Vector v = N_VNew_Serial(N, ctx);
	if (!v)
		abort();
	if (fast)
		dcg__nvec_fast(v);
	double *d = N_VGetArrayPointer(v);
	srand(seed);
	for (size_t i = 0; i < N; i++) {
		double u = (double)rand() / RAND_MAX;
		/* Zeros, negatives and a spread of magnitudes. */
		d[i] = i % 17 == 0 ? 0.0 : (u - 0.4) * pow(10.0, (double)(i % 7) - 3.0);
	}
	return v;
}

/* A pair of identical vectors, one with SUNDIALS' operations and one with
 * the fast ones. */
struct pair {
	N_Vector ref, fast;
};

static struct pair pair_new(unsigned seed)
{
	return (struct pair){filled(seed, false), filled(seed, true)};
}

static void pair_free(struct pair p)
{
	N_VDestroy(p.ref);
	N_VDestroy(p.fast);
}

static bool same(struct pair p)
{
	return memcmp(N_VGetArrayPointer(p.ref), N_VGetArrayPointer(p.fast),
		      N * sizeof(double)) == 0;
}

static bool close_to(double a, double b)
{
	return a == b || fabs(a - b) <= 1e-13 * fmax(fabs(a), fabs(b));
}

static void test_table_installed(void)
{
	N_Vector v = filled(1, true);
	CU_ASSERT(v->ops->nvwsqrsumlocal != N_VWSqrSumLocal_Serial);
	CU_ASSERT(v->ops->nvlinearsum != N_VLinearSum_Serial);
	CU_ASSERT_PTR_NOT_NULL(v->ops->nvlinearcombination);
	/* Clones (CVODE's work vectors) inherit the table. */
	N_Vector c = N_VClone(v);
	CU_ASSERT(c->ops->nvwsqrsumlocal == v->ops->nvwsqrsumlocal);
	CU_ASSERT(c->ops->nvdotprod == v->ops->nvdotprod);
	N_VDestroy(c);
	N_VDestroy(v);
}

static void test_linear_sum_cases(void)
{
	const double c = 0.37, d = -2.5;
	const double ab[][2] = {{1, 1}, {1, -1}, {-1, 1}, {1, c}, {c, 1}, {-1, c},
				{c, -1}, {c, c}, {c, -c}, {c, d}, {0, c}, {-1, -1}};
	for (size_t k = 0; k < sizeof ab / sizeof ab[0]; k++)
		for (int alias = 0; alias < 3; alias++) {
			struct pair x = pair_new(2), y = pair_new(3), z = pair_new(4);
			N_Vector zr = alias == 1 ? x.ref : alias == 2 ? y.ref : z.ref;
			N_Vector zf = alias == 1 ? x.fast : alias == 2 ? y.fast : z.fast;
			N_VLinearSum_Serial(ab[k][0], x.ref, ab[k][1], y.ref, zr);
			N_VLinearSum(ab[k][0], x.fast, ab[k][1], y.fast, zf);
			bool ok = memcmp(N_VGetArrayPointer(zr), N_VGetArrayPointer(zf),
					 N * sizeof(double)) == 0;
			if (!ok)
				printf("\n  linear sum a=%g b=%g alias=%d differs\n", ab[k][0],
				       ab[k][1], alias);
			CU_ASSERT(ok);
			pair_free(x);
			pair_free(y);
			pair_free(z);
		}
}

static void test_elementwise(void)
{
	struct pair x = pair_new(5), y = pair_new(6), z = pair_new(7);
	/* y's zeros make division and inversion produce infinities in both. */
	N_VProd_Serial(x.ref, y.ref, z.ref);
	N_VProd(x.fast, y.fast, z.fast);
	CU_ASSERT(same(z));
	N_VDiv_Serial(x.ref, y.ref, z.ref);
	N_VDiv(x.fast, y.fast, z.fast);
	CU_ASSERT(same(z));
	const double scales[] = {1.0, -1.0, 0.7};
	for (int k = 0; k < 3; k++) {
		N_VScale_Serial(scales[k], x.ref, z.ref);
		N_VScale(scales[k], x.fast, z.fast);
		CU_ASSERT(same(z));
		N_VScale_Serial(scales[k], z.ref, z.ref);
		N_VScale(scales[k], z.fast, z.fast);
		CU_ASSERT(same(z));
	}
	N_VAbs_Serial(x.ref, z.ref);
	N_VAbs(x.fast, z.fast);
	CU_ASSERT(same(z));
	N_VInv_Serial(x.ref, z.ref);
	N_VInv(x.fast, z.fast);
	CU_ASSERT(same(z));
	N_VAddConst_Serial(x.ref, 0.25, z.ref);
	N_VAddConst(x.fast, 0.25, z.fast);
	CU_ASSERT(same(z));
	N_VConst_Serial(3.5, z.ref);
	N_VConst(3.5, z.fast);
	CU_ASSERT(same(z));
	N_VCompare_Serial(0.01, x.ref, z.ref);
	N_VCompare(0.01, x.fast, z.fast);
	CU_ASSERT(same(z));
	N_VConst_Serial(-9.0, z.ref);
	N_VConst(-9.0, z.fast);
	CU_ASSERT_EQUAL(N_VInvTest_Serial(x.ref, z.ref), N_VInvTest(x.fast, z.fast));
	CU_ASSERT_FALSE(N_VInvTest(x.fast, z.fast)); /* x has zeros */
	CU_ASSERT(same(z));
	pair_free(x);
	pair_free(y);
	pair_free(z);
}

static void test_reductions(void)
{
	struct pair x = pair_new(8), w = pair_new(9), id = pair_new(10);
	CU_ASSERT(close_to(N_VDotProd_Serial(x.ref, w.ref), N_VDotProd(x.fast, w.fast)));
	CU_ASSERT(close_to(N_VWrmsNorm_Serial(x.ref, w.ref), N_VWrmsNorm(x.fast, w.fast)));
	CU_ASSERT(close_to(N_VWSqrSumLocal_Serial(x.ref, w.ref),
			   N_VWSqrSumLocal(x.fast, w.fast)));
	CU_ASSERT(close_to(N_VWrmsNormMask_Serial(x.ref, w.ref, id.ref),
			   N_VWrmsNormMask(x.fast, w.fast, id.fast)));
	CU_ASSERT(close_to(N_VWSqrSumMaskLocal_Serial(x.ref, w.ref, id.ref),
			   N_VWSqrSumMaskLocal(x.fast, w.fast, id.fast)));
	CU_ASSERT(close_to(N_VWL2Norm_Serial(x.ref, w.ref), N_VWL2Norm(x.fast, w.fast)));
	CU_ASSERT(close_to(N_VL1Norm_Serial(x.ref), N_VL1Norm(x.fast)));
	/* Maxima and minima are exact. */
	CU_ASSERT_EQUAL(N_VMaxNorm_Serial(x.ref), N_VMaxNorm(x.fast));
	CU_ASSERT_EQUAL(N_VMin_Serial(x.ref), N_VMin(x.fast));
	CU_ASSERT_EQUAL(N_VMinQuotient_Serial(x.ref, w.ref), N_VMinQuotient(x.fast, w.fast));
	/* No non-zero denominator: SUNDIALS' "big real". */
	N_VConst_Serial(0.0, w.ref);
	N_VConst(0.0, w.fast);
	CU_ASSERT_EQUAL(N_VMinQuotient(x.fast, w.fast), SUN_BIG_REAL);
	CU_ASSERT_EQUAL(N_VMinQuotient_Serial(x.ref, w.ref), N_VMinQuotient(x.fast, w.fast));
	pair_free(x);
	pair_free(w);
	pair_free(id);
}

static void test_constraint_mask(void)
{
	/* Constraints 0, +-1 (>= 0 / <= 0) and +-2 (> 0 / < 0) against values
	 * of every sign, zeros included. */
	struct pair c = pair_new(11), x = pair_new(12), m = pair_new(13);
	double *cr = N_VGetArrayPointer(c.ref), *cf = N_VGetArrayPointer(c.fast);
	const double kinds[] = {0.0, 1.0, -1.0, 2.0, -2.0};
	for (size_t i = 0; i < N; i++)
		cr[i] = cf[i] = kinds[i % 5];
	bool r = N_VConstrMask_Serial(c.ref, x.ref, m.ref);
	bool f = N_VConstrMask(c.fast, x.fast, m.fast);
	CU_ASSERT_EQUAL(r, f);
	CU_ASSERT_FALSE(f);
	CU_ASSERT(same(m));
	/* All satisfied. */
	double *xr = N_VGetArrayPointer(x.ref), *xf = N_VGetArrayPointer(x.fast);
	for (size_t i = 0; i < N; i++)
		xr[i] = xf[i] = cr[i] == 0.0 ? -1.0 : cr[i];
	CU_ASSERT_TRUE(N_VConstrMask(c.fast, x.fast, m.fast));
	CU_ASSERT_TRUE(N_VConstrMask_Serial(c.ref, x.ref, m.ref));
	CU_ASSERT(same(m));
	pair_free(c);
	pair_free(x);
	pair_free(m);
}

static void test_fused(void)
{
	struct pair v[4] = {pair_new(20), pair_new(21), pair_new(22), pair_new(23)};
	struct pair z = pair_new(24);
	double c[4] = {1.0, -0.5, 2.0, 0.125};
	N_Vector Xr[4], Xf[4];
	for (int i = 0; i < 4; i++) {
		Xr[i] = v[i].ref;
		Xf[i] = v[i].fast;
	}
	/* Fused results against the unfused definition z = sum c_i x_i,
	 * computed with SUNDIALS' operations in the same order. */
	for (int nvec = 1; nvec <= 4; nvec++) {
		N_VScale_Serial(c[0], Xr[0], z.ref);
		for (int i = 1; i < nvec; i++)
			N_VLinearSum_Serial(1.0, z.ref, c[i], Xr[i], z.ref);
		CU_ASSERT_EQUAL(N_VLinearCombination(nvec, c, Xf, z.fast), 0);
		double *a = N_VGetArrayPointer(z.ref), *b = N_VGetArrayPointer(z.fast);
		bool ok = true;
		for (size_t j = 0; j < N; j++)
			ok = ok && close_to(a[j], b[j]);
		CU_ASSERT(ok);
	}
	/* In place, X[0] = z with c[0] = 1 (CVODE's Nordsieck updates). */
	N_VScale_Serial(1.0, Xr[0], z.ref);
	N_VScale(1.0, Xf[0], z.fast);
	for (int i = 1; i < 4; i++)
		N_VLinearSum_Serial(1.0, z.ref, c[i], Xr[i], z.ref);
	N_Vector Xz[4] = {z.fast, Xf[1], Xf[2], Xf[3]};
	CU_ASSERT_EQUAL(N_VLinearCombination(4, c, Xz, z.fast), 0);
	CU_ASSERT(same(z));
	/* Scale-add-multi: Z_i = a_i x + Y_i, and in place. */
	double a[3] = {0.5, -1.0, 3.0};
	N_Vector Yf[3] = {Xf[1], Xf[2], Xf[3]};
	N_Vector Zf[3] = {N_VClone(z.fast), N_VClone(z.fast), N_VClone(z.fast)};
	CU_ASSERT_EQUAL(N_VScaleAddMulti(3, a, Xf[0], Yf, Zf), 0);
	for (int i = 0; i < 3; i++) {
		N_VLinearSum_Serial(a[i], Xr[0], 1.0, Xr[i + 1], z.ref);
		CU_ASSERT(memcmp(N_VGetArrayPointer(z.ref), N_VGetArrayPointer(Zf[i]),
				 N * sizeof(double)) == 0);
	}
	CU_ASSERT_EQUAL(N_VScaleAddMulti(3, a, Xf[0], Zf, Zf), 0);
	for (int i = 0; i < 3; i++) {
		N_VLinearSum_Serial(a[i], Xr[0], 1.0, Xr[i + 1], z.ref);
		N_VLinearSum_Serial(a[i], Xr[0], 1.0, z.ref, z.ref);
		CU_ASSERT(memcmp(N_VGetArrayPointer(z.ref), N_VGetArrayPointer(Zf[i]),
				 N * sizeof(double)) == 0);
		N_VDestroy(Zf[i]);
	}
	/* Several dot products at once. */
	double dots[3];
	CU_ASSERT_EQUAL(N_VDotProdMulti(3, Xf[0], Yf, dots), 0);
	for (int i = 0; i < 3; i++)
		CU_ASSERT(close_to(dots[i], N_VDotProd_Serial(Xr[0], Xr[i + 1])));
	for (int i = 0; i < 4; i++)
		pair_free(v[i]);
	pair_free(z);
}

int main(void)
{
	if (SUNContext_Create(NULL, &ctx))
		return 2;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("nvector", NULL, NULL);
	CU_add_test(s, "operation table installed and cloned", test_table_installed);
	CU_add_test(s, "linear sums: every special case and alias", test_linear_sum_cases);
	CU_add_test(s, "element-wise operations bit for bit", test_elementwise);
	CU_add_test(s, "reductions to round-off", test_reductions);
	CU_add_test(s, "constraint mask", test_constraint_mask);
	CU_add_test(s, "fused operations", test_fused);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	SUNContext_Free(&ctx);
	return failed ? 1 : 0;
}
