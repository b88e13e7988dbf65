/* Benchmark: wall time of one projection by solver method and linear solver
 * as the number of regions grows (regions on a ring of corridors, growing
 * data-center and base demand). It backs the automatic choice of linear
 * solver (solvers/cvode.c: dense up to 400 states, then sparse).
 *
 *   ninja -C build bench/bench_solvers && build/bench/bench_solvers [maxR]
 *
 * Prints the median of 3 runs per cell; no timing is asserted anywhere. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../tests/fixture.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static struct dcg_model *ring(size_t R, enum dcg_method meth, enum dcg_linsol ls)
{
	struct dcg_model *m = fx_model(R, 3, 2, 6, R);
	fx_const(&m->segments[0].growth, 0.1);
	fx_const(&m->segments[1].growth, 0.4);
	for (size_t r = 0; r < R; r++) {
		fx_const(&m->regions[r].base_growth, 0.03 + 0.01 * (double)(r % 4));
		m->regions[r].capacity_gw[0] = 16.0 + 2.0 * (double)(r % 5);
	}
	m->t1 = 2031.0;
	m->rtol = 1e-6;
	m->atol = 1e-6;
	m->method = meth;
	m->linsol = ls;
	if (dcg_model_finalize(m, NULL))
		abort();
	return m;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	size_t maxR = argc > 1 ? strtoul(argv[1], NULL, 10) : 300;
	static const char *const mname[] = {"bdf", "adams"};
	static const char *const lname[] = {"auto", "dense", "klu", "gmres"};
	printf("%8s %8s %6s %6s %10s %8s %8s\n", "regions", "states", "method",
	       "linsol", "median_s", "steps", "rhs");
	for (size_t R = 3; R <= maxR; R *= 3)
		for (int me = 0; me < 2; me++)
			for (int ls = 1; ls <= 3; ls++) {
				struct dcg_model *m = ring(R, (enum dcg_method)me, (enum dcg_linsol)ls);
				if (ls == DCG_LINSOL_DENSE && m->layout.n > 3000) {
					dcg_model_free(m);
					continue;
				}
				double t[3];
				long steps = 0, rhs = 0;
				int ok = 1;
				for (int k = 0; k < 3; k++) {
					struct dcg_result *res = NULL;
					double t0 = now_s();
					ok &= dcg_solve(m, NULL, &res, NULL) == 0;
					t[k] = now_s() - t0;
					if (res) {
						steps = res->stats.steps;
						rhs = res->stats.rhs_evals;
					}
					dcg_result_free(res);
				}
				qsort(t, 3, sizeof *t, cmp);
				printf("%8zu %8zu %6s %6s %10.4f %8ld %8ld%s\n", R, m->layout.n,
				       mname[me], lname[ls], t[1], steps, rhs, ok ? "" : "  FAILED");
				fflush(stdout);
				dcg_model_free(m);
			}
	return 0;
}
