/* Benchmark driver: one scenario file, timed phase by phase.
 *
 *   build/bench/bench_scale CONFIG [OUT.h5] [--set KEY=VALUE]...
 *
 * Loads CONFIG (with overrides), solves it and, when OUT.h5 is given, writes
 * it as `dcgrid run` does. Prints one JSON object: sizes, the wall time of
 * each phase (load, solve, write), the CPU time of the solve, the solver's
 * counters and the peak resident memory of the process. bench/run calls it for the scaling table;
 * no timing is asserted anywhere. A failed write (for example the HDF5
 * attribute limit of /parameters) is reported in "write_error" and the
 * other figures are still printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "dcgrid/dcgrid.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of this process: on a shared machine it varies far less than
 * the wall time. */
static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static long peak_rss_kb(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static void put_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar((unsigned char)*s < 0x20 ? ' ' : *s);
	}
	putchar('"');
}

int main(int argc, char **argv)
{
	const char *cfg = NULL, *out = NULL;
	const char **sets = calloc((size_t)argc + 1, sizeof *sets);
	size_t nsets = 0;
	if (!sets)
		return 1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--set") == 0 && i + 1 < argc)
			sets[nsets++] = argv[++i];
		else if (!cfg)
			cfg = argv[i];
		else if (!out)
			out = argv[i];
	}
	if (!cfg) {
		fputs("usage: bench_scale CONFIG|- [OUT.h5] [--set KEY=VALUE]...\n",
		      stderr);
		free(sets);
		return 2;
	}
	struct dcg_error err = { 0 };
	struct dcg_model *m = NULL;
	struct dcg_result *res = NULL;
	char *text = NULL;
	double t0 = now_s();
	int rc = strcmp(cfg, "-") == 0
			 ? dcg_config_load_default(sets, nsets, &m, &err)
			 : dcg_config_load_file(cfg, sets, nsets, &m, &err);
	double t1 = now_s();
	if (rc < 0) {
		fprintf(stderr, "bench_scale: %s\n", err.msg);
		free(sets);
		return 2;
	}
	double c1 = cpu_s();
	rc = dcg_solve(m, NULL, &res, &err);
	double t2 = now_s(), c2 = cpu_s();
	if (rc < 0) {
		fprintf(stderr, "bench_scale: %s\n", err.msg);
		dcg_result_free(res);
		dcg_model_free(m);
		free(sets);
		return 1;
	}
	double t3 = t2, t4 = t2;
	int wrc = 0;
	if (out) {
		wrc = dcg_config_dump(m, &text, &err);
		t3 = now_s();
		if (wrc == 0)
			wrc = dcg_h5_write_run(out, m, res, text, true, &err);
		t4 = now_s();
	}
	const struct dcg_solver_stats *st = &res->stats;
	printf("{\"regions\": %zu, \"corridors\": %zu, \"states\": %zu, "
	       "\"quadratures\": %zu, \"load_s\": %.6f, \"solve_s\": %.6f, "
	       "\"dump_s\": %.6f, \"write_s\": %.6f, \"steps\": %ld, "
	       "\"rhs_evals\": %ld, \"lin_setups\": %ld, \"nonlin_iters\": %ld, "
	       "\"err_test_fails\": %ld, \"restarts\": %ld, \"root_evals\": %ld, "
	       "\"linear_solver\": \"%s\", \"peak_rss_kb\": %ld, "
	       "\"solve_cpu_s\": %.6f, \"method\": \"%s\", "
	       "\"method_setting\": \"%s\", \"nonlin_conv_fails\": %ld",
	       m->R, m->L, m->layout.n, m->layout.nq, t1 - t0, t2 - t1, t3 - t2,
	       t4 - t3, st->steps, st->rhs_evals, st->lin_setups,
	       st->nonlin_iters, st->err_test_fails, st->restarts,
	       st->root_evals, st->linear_solver, peak_rss_kb(), c2 - c1,
	       st->method, st->method_setting, st->nonlin_conv_fails);
	/* JSON has no NaN: the switch time only when "auto" switched. */
	if (st->method_switch_time == st->method_switch_time)
		printf(", \"method_switch_time\": %.6f", st->method_switch_time);
	if (wrc < 0) {
		printf(", \"write_error\": ");
		put_json_string(err.msg);
	}
	printf("}\n");
	free(text);
	dcg_result_free(res);
	dcg_model_free(m);
	free(sets);
	return 0;
}
