/* Suite "stats": sampling designs and sensitivity statistics against closed
 * forms (Ishigami and linear Sobol indices, Morris on a function with known
 * elementary effects, Latin hypercube strata, quantiles, seeds). */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcgrid/study.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static double ishigami(const double *u)
{
	const double a = 7.0, b = 0.1;
	double x1 = -M_PI + 2.0 * M_PI * u[0], x2 = -M_PI + 2.0 * M_PI * u[1],
	       x3 = -M_PI + 2.0 * M_PI * u[2];
	double s2 = sin(x2);
	return sin(x1) + a * s2 * s2 + b * pow(x3, 4) * sin(x1);
}

/* Saltelli design -> outputs -> indices, for f on d factors. */
static void sobol_of(double (*f)(const double *, const void *), const void *ctx,
		     size_t N, size_t d, size_t nboot, struct dcg_sobol_index *out)
{
	size_t M = N * (d + 2);
	double *u = malloc(M * d * sizeof *u), *y = malloc(M * sizeof *y);
	CU_ASSERT_FATAL(u && y);
	CU_ASSERT_EQUAL_FATAL(dcg_stats_saltelli(N, d, 12345, u), 0);
	for (size_t i = 0; i < M; i++)
		y[i] = f(u + i * d, ctx);
	size_t used = 0;
	CU_ASSERT_EQUAL(dcg_stats_sobol(y, N, d, nboot, 7, out, &used), 0);
	CU_ASSERT_EQUAL(used, N);
	free(u);
	free(y);
}

static double ishigami_f(const double *u, const void *ctx)
{
	(void)ctx;
	return ishigami(u);
}

/* Ishigami (a = 7, b = 0.1): V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2,
 * V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V13 = 8 b^2 pi^8 / 225. */
static void test_sobol_ishigami(void)
{
	const double a = 7.0, b = 0.1, p4 = pow(M_PI, 4), p8 = pow(M_PI, 8);
	double V = a * a / 8 + b * p4 / 5 + b * b * p8 / 18 + 0.5;
	double V1 = 0.5 * pow(1 + b * p4 / 5, 2), V2 = a * a / 8,
	       V13 = 8 * b * b * p8 / 225;
	double S1[3] = {V1 / V, V2 / V, 0.0};
	double ST[3] = {(V1 + V13) / V, V2 / V, V13 / V};
	struct dcg_sobol_index out[3];
	sobol_of(ishigami_f, NULL, 8192, 3, 200, out);
	for (int i = 0; i < 3; i++) {
		printf("\n    x%d: S1 %.4f [%.4f, %.4f] (exact %.4f)  ST %.4f [%.4f, %.4f] (exact %.4f)",
		       i + 1, out[i].S1, out[i].S1_lo, out[i].S1_hi, S1[i], out[i].ST,
		       out[i].ST_lo, out[i].ST_hi, ST[i]);
		CU_ASSERT_DOUBLE_EQUAL(out[i].S1, S1[i], 0.02);
		CU_ASSERT_DOUBLE_EQUAL(out[i].ST, ST[i], 0.02);
		/* The 95 % intervals cover the truth (with a little slack for
		 * the quasi-random design) and are narrow. */
		CU_ASSERT(out[i].S1_lo - 0.01 <= S1[i] && S1[i] <= out[i].S1_hi + 0.01);
		CU_ASSERT(out[i].ST_lo - 0.01 <= ST[i] && ST[i] <= out[i].ST_hi + 0.01);
		CU_ASSERT(out[i].S1_hi - out[i].S1_lo < 0.1);
	}
}

static double linear_f(const double *u, const void *ctx)
{
	const double *c = ctx;
	return 3.0 + c[0] * u[0] + c[1] * u[1] + c[2] * u[2] + c[3] * u[3];
}

/* y = sum c_i x_i, x_i ~ U(0,1): S_i = ST_i = c_i^2 / sum c_j^2. */
static void test_sobol_linear(void)
{
	const double c[4] = {1.0, 2.0, -3.0, 0.0};
	double sum = 0.0;
	for (int i = 0; i < 4; i++)
		sum += c[i] * c[i];
	struct dcg_sobol_index out[4];
	sobol_of(linear_f, c, 4096, 4, 100, out);
	for (int i = 0; i < 4; i++) {
		double exact = c[i] * c[i] / sum;
		CU_ASSERT_DOUBLE_EQUAL(out[i].S1, exact, 0.01);
		CU_ASSERT_DOUBLE_EQUAL(out[i].ST, exact, 0.01);
	}
	/* An unused factor has exactly zero total effect (f_A == f_AB). */
	CU_ASSERT_EQUAL(out[3].ST, 0.0);
}

/* f = 2 x0 - 3 x1 + 4 x2 x3 + 0 x4: EE0 = 2 and EE1 = -3 exactly (sigma 0),
 * EE2 = 4 x3 and EE3 = 4 x2 vary, EE4 = 0. */
static void test_morris_known(void)
{
	const size_t r = 50, d = 5, lv = 4, M = r * (d + 1);
	double *u = malloc(M * d * sizeof *u), *y = malloc(M * sizeof *y);
	CU_ASSERT_FATAL(u && y);
	CU_ASSERT_EQUAL_FATAL(dcg_stats_morris_design(r, d, lv, 3, u), 0);
	/* Every point is on the grid and a step moves one factor by
	 * Delta = p / (2 (p - 1)). */
	double delta = (double)lv / (2.0 * (double)(lv - 1));
	for (size_t t = 0; t < r; t++)
		for (size_t s = 0; s < d; s++) {
			const double *a = u + (t * (d + 1) + s) * d, *b = a + d;
			size_t moved = 0;
			for (size_t j = 0; j < d; j++) {
				CU_ASSERT(b[j] >= 0.0 && b[j] <= 1.0);
				if (a[j] != b[j]) {
					moved++;
					CU_ASSERT_DOUBLE_EQUAL(fabs(b[j] - a[j]), delta, 1e-12);
				}
			}
			CU_ASSERT_EQUAL(moved, 1);
		}
	for (size_t i = 0; i < M; i++) {
		const double *x = u + i * d;
		y[i] = 2 * x[0] - 3 * x[1] + 4 * x[2] * x[3];
	}
	struct dcg_morris_index out[5];
	CU_ASSERT_EQUAL_FATAL(dcg_stats_morris(u, y, r, d, out), 0);
	CU_ASSERT_DOUBLE_EQUAL(out[0].mu_star, 2.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(out[0].sigma, 0.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(out[1].mu, -3.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(out[1].mu_star, 3.0, 1e-12);
	CU_ASSERT(out[2].sigma > 0.5 && out[3].sigma > 0.5);
	/* E[4 x3] over the grid levels {0, 1/3, 2/3, 1} is 2. */
	CU_ASSERT_DOUBLE_EQUAL(out[2].mu_star, 2.0, 0.5);
	CU_ASSERT_EQUAL(out[4].mu_star, 0.0);
	CU_ASSERT_EQUAL(out[0].n, r);
	/* Ranking by mu*: x1 (3) first, x4 last. */
	for (int j = 0; j < 4; j++)
		CU_ASSERT(out[1].mu_star >= out[j].mu_star);
	free(u);
	free(y);
}

static void test_lhs_strata(void)
{
	const size_t n = 37, d = 5;
	double *u = malloc(n * d * sizeof *u);
	int *seen = calloc(n, sizeof *seen);
	CU_ASSERT_FATAL(u && seen);
	CU_ASSERT_EQUAL_FATAL(dcg_stats_lhs(n, d, 99, u), 0);
	for (size_t j = 0; j < d; j++) {
		memset(seen, 0, n * sizeof *seen);
		for (size_t i = 0; i < n; i++) {
			double v = u[i * d + j];
			CU_ASSERT(v >= 0.0 && v < 1.0);
			seen[(size_t)(v * (double)n)]++;
		}
		for (size_t k = 0; k < n; k++)
			CU_ASSERT_EQUAL(seen[k], 1);
	}
	free(u);
	free(seen);
}

static void test_seed_reproducible(void)
{
	const size_t n = 64, d = 3;
	double *a = malloc(n * (d + 2) * d * sizeof *a), *b = malloc(n * (d + 2) * d * sizeof *b);
	CU_ASSERT_FATAL(a && b);
	CU_ASSERT_EQUAL(dcg_stats_lhs(n, d, 5, a), 0);
	CU_ASSERT_EQUAL(dcg_stats_lhs(n, d, 5, b), 0);
	CU_ASSERT_EQUAL(memcmp(a, b, n * d * sizeof *a), 0);
	CU_ASSERT_EQUAL(dcg_stats_lhs(n, d, 6, b), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(a, b, n * d * sizeof *a), 0);
	CU_ASSERT_EQUAL(dcg_stats_saltelli(n, d, 5, a), 0);
	CU_ASSERT_EQUAL(dcg_stats_saltelli(n, d, 5, b), 0);
	CU_ASSERT_EQUAL(memcmp(a, b, n * (d + 2) * d * sizeof *a), 0);
	CU_ASSERT_EQUAL(dcg_stats_morris_design(10, d, 4, 5, a), 0);
	CU_ASSERT_EQUAL(dcg_stats_morris_design(10, d, 4, 5, b), 0);
	CU_ASSERT_EQUAL(memcmp(a, b, 10 * (d + 1) * d * sizeof *a), 0);
	/* Saltelli blocks: AB_i is A with column i from B. */
	CU_ASSERT_EQUAL(dcg_stats_saltelli(n, d, 5, a), 0);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < d; k++)
			for (size_t j = 0; j < d; j++)
				CU_ASSERT_EQUAL(a[((2 + k) * n + i) * d + j],
						a[((j == k ? 1 : 0) * n + i) * d + j]);
	free(a);
	free(b);
}

static void test_quantiles(void)
{
	double x[] = {5, NAN, 1, 4, 2, 3, INFINITY};
	double p[] = {0.0, 0.25, 0.5, 1.0}, q[4];
	CU_ASSERT_EQUAL(dcg_stats_quantiles(x, 7, 1, p, 4, q), 0);
	CU_ASSERT_DOUBLE_EQUAL(q[0], 1.0, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(q[1], 2.0, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(q[2], 3.0, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(q[3], 5.0, 1e-15);
	/* Strided, and all non-finite. */
	double y[] = {1, 9, 2, 9, NAN, 9};
	CU_ASSERT_EQUAL(dcg_stats_quantiles(y, 3, 2, p + 2, 1, q), 0);
	CU_ASSERT_DOUBLE_EQUAL(q[0], 1.5, 1e-15);
	double z[] = {NAN, NAN};
	CU_ASSERT_EQUAL(dcg_stats_quantiles(z, 2, 1, p, 1, q), 0);
	CU_ASSERT(isnan(q[0]));
}

/* Rows with a failed member are dropped, not propagated as NaN. */
static void test_sobol_drops_failed(void)
{
	const size_t N = 512, d = 2, M = N * (d + 2);
	double *u = malloc(M * d * sizeof *u), *y = malloc(M * sizeof *y);
	CU_ASSERT_FATAL(u && y);
	CU_ASSERT_EQUAL_FATAL(dcg_stats_saltelli(N, d, 1, u), 0);
	for (size_t i = 0; i < M; i++)
		y[i] = u[i * d] + 0.5 * u[i * d + 1];
	y[3] = NAN;
	y[N + 10] = NAN;
	struct dcg_sobol_index out[2];
	size_t used = 0;
	CU_ASSERT_EQUAL(dcg_stats_sobol(y, N, d, 0, 1, out, &used), 0);
	CU_ASSERT_EQUAL(used, N - 2);
	CU_ASSERT_DOUBLE_EQUAL(out[0].S1, 0.8, 0.03);
	CU_ASSERT(isfinite(out[1].ST));
	free(u);
	free(y);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("stats", NULL, NULL);
	CU_add_test(s, "Sobol indices of the Ishigami function", test_sobol_ishigami);
	CU_add_test(s, "Sobol indices of a linear model", test_sobol_linear);
	CU_add_test(s, "Morris on a known function", test_morris_known);
	CU_add_test(s, "Latin hypercube strata", test_lhs_strata);
	CU_add_test(s, "designs reproducible from the seed", test_seed_reproducible);
	CU_add_test(s, "quantiles skip non-finite values", test_quantiles);
	CU_add_test(s, "Sobol drops failed members", test_sobol_drops_failed);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
