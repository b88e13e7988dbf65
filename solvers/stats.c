/* Sampling designs and sensitivity statistics: pure functions, no I/O.
 *
 * Sobol indices (Saltelli et al. 2010, "Variance based sensitivity analysis
 * of model output", Comput. Phys. Commun. 181, table 2): with f_A, f_B and
 * f_ABi the outputs on blocks A, B and AB_i (A with column i from B),
 *
 *   V    = Var(f_A ∪ f_B)
 *   S_i  = mean((f_B - m) (f_ABi - f_A)) / V    (first order, Saltelli)
 *   ST_i = mean((f_A - f_ABi)^2) / (2 V)        (total, Jansen)
 *
 * with m the mean of f_A and f_B: centring leaves the estimator's expectation
 * unchanged (mean(f_ABi - f_A) estimates 0) and removes the variance that a
 * large output level would add, as SALib does by standardising.
 *
 * Morris (1991), Campolongo et al. (2007): elementary effect of factor i on
 * a trajectory EE_i = (f(x + Δ e_i) - f(x)) / Δ with x on a p-level grid;
 * mu = mean EE, mu* = mean |EE|, sigma = standard deviation of EE.
 *
 * Random numbers: GSL's mt19937 seeded with the study seed; quasi-random
 * points: GSL's Sobol' generator; quantiles: GSL's type-7 interpolation.
 */
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcgrid/study.h"

/* GSL's Sobol' generator supports this many dimensions. */
#define SOBOL_MAX_DIM 40

static gsl_rng *rng_new(unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (r)
		gsl_rng_set(r, seed);
	return r;
}

int dcg_stats_quantiles(const double *x, size_t n, size_t stride,
			const double *p, size_t np, double *out)
{
	double *v = malloc((n ? n : 1) * sizeof *v);
	if (!v)
		return DCG_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (isfinite(x[i * stride]))
			v[k++] = x[i * stride];
	gsl_sort(v, 1, k);
	for (size_t j = 0; j < np; j++)
		out[j] = k ? gsl_stats_quantile_from_sorted_data(v, 1, k, p[j])
			   : NAN;
	free(v);
	return 0;
}

int dcg_stats_uniform(size_t n, size_t d, unsigned long seed, double *u)
{
	gsl_rng *r = rng_new(seed);
	if (!r)
		return DCG_ENOMEM;
	for (size_t i = 0; i < n * d; i++)
		u[i] = gsl_rng_uniform(r);
	gsl_rng_free(r);
	return 0;
}

/* Column-wise stratified sample; rng is advanced. */
static int lhs_fill(gsl_rng *r, size_t n, size_t d, double *u, size_t ld,
		    size_t col0)
{
	size_t *perm = malloc((n ? n : 1) * sizeof *perm);
	if (!perm)
		return DCG_ENOMEM;
	for (size_t j = 0; j < d; j++) {
		for (size_t i = 0; i < n; i++)
			perm[i] = i;
		gsl_ran_shuffle(r, perm, n, sizeof *perm);
		for (size_t i = 0; i < n; i++)
			u[i * ld + col0 + j] =
				((double)perm[i] + gsl_rng_uniform(r)) / (double)n;
	}
	free(perm);
	return 0;
}

int dcg_stats_lhs(size_t n, size_t d, unsigned long seed, double *u)
{
	gsl_rng *r = rng_new(seed);
	if (!r)
		return DCG_ENOMEM;
	int rc = lhs_fill(r, n, d, u, d, 0);
	gsl_rng_free(r);
	return rc;
}

int dcg_stats_saltelli(size_t N, size_t d, unsigned long seed, double *u)
{
	double *base = calloc((N ? N : 1) * 2 * (d ? d : 1), sizeof *base);
	gsl_rng *r = rng_new(seed);
	gsl_qrng *q = NULL;
	int rc = 0;
	if (!base || !r) {
		rc = DCG_ENOMEM;
		goto finish;
	}
	if (2 * d <= SOBOL_MAX_DIM) {
		q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * d));
		if (!q) {
			rc = DCG_ENOMEM;
			goto finish;
		}
		/* A random shift modulo 1 (Cranley-Patterson rotation) makes
		 * the seed matter and keeps the low discrepancy. The first
		 * point of the sequence (all zeros) is skipped. */
		double shift[SOBOL_MAX_DIM], pt[SOBOL_MAX_DIM];
		for (size_t j = 0; j < 2 * d; j++)
			shift[j] = gsl_rng_uniform(r);
		gsl_qrng_get(q, pt);
		for (size_t i = 0; i < N; i++) {
			gsl_qrng_get(q, pt);
			for (size_t j = 0; j < 2 * d; j++) {
				double v = pt[j] + shift[j];
				base[i * 2 * d + j] = v - floor(v);
			}
		}
	} else if ((rc = lhs_fill(r, N, 2 * d, base, 2 * d, 0))) {
		goto finish;
	}
	/* A, B, then AB_i. */
	for (size_t i = 0; i < N; i++)
		for (size_t j = 0; j < d; j++) {
			double a = base[i * 2 * d + j], b = base[i * 2 * d + d + j];
			u[i * d + j] = a;
			u[(N + i) * d + j] = b;
			for (size_t k = 0; k < d; k++)
				u[((2 + k) * N + i) * d + j] = j == k ? b : a;
		}
finish:
	gsl_qrng_free(q);
	gsl_rng_free(r);
	free(base);
	return rc;
}

/* Estimates over the rows idx[0..n): S1 and ST for every factor. */
static void sobol_estimate(const double *y, size_t N, size_t d,
			   const size_t *idx, size_t n, double *s1, double *st)
{
	const double *fA = y, *fB = y + N;
	double mean = 0.0, var = 0.0;
	for (size_t k = 0; k < n; k++)
		mean += fA[idx[k]] + fB[idx[k]];
	mean /= (double)(2 * n);
	for (size_t k = 0; k < n; k++) {
		double a = fA[idx[k]] - mean, b = fB[idx[k]] - mean;
		var += a * a + b * b;
	}
	var /= (double)(2 * n - 1);
	for (size_t i = 0; i < d; i++) {
		const double *fAB = y + (2 + i) * N;
		double a1 = 0.0, a2 = 0.0;
		for (size_t k = 0; k < n; k++) {
			size_t j = idx[k];
			a1 += (fB[j] - mean) * (fAB[j] - fA[j]);
			a2 += (fA[j] - fAB[j]) * (fA[j] - fAB[j]);
		}
		s1[i] = var > 0.0 ? a1 / (double)n / var : NAN;
		st[i] = var > 0.0 ? a2 / (2.0 * (double)n) / var : NAN;
	}
}

int dcg_stats_sobol(const double *y, size_t N, size_t d, size_t nboot,
		    unsigned long seed, struct dcg_sobol_index *out,
		    size_t *ret_used)
{
	size_t *rows = malloc((N ? N : 1) * sizeof *rows);
	size_t *pick = malloc((N ? N : 1) * sizeof *pick);
	double *s1 = malloc((d ? d : 1) * sizeof *s1);
	double *st = malloc((d ? d : 1) * sizeof *st);
	double *b1 = malloc((nboot ? nboot : 1) * (d ? d : 1) * sizeof *b1);
	double *bt = malloc((nboot ? nboot : 1) * (d ? d : 1) * sizeof *bt);
	double *col = malloc((nboot ? nboot : 1) * sizeof *col);
	gsl_rng *r = rng_new(seed);
	int rc = 0;
	if (!rows || !pick || !s1 || !st || !b1 || !bt || !col || !r) {
		rc = DCG_ENOMEM;
		goto finish;
	}
	size_t n = 0;
	for (size_t j = 0; j < N; j++) {
		bool ok = true;
		for (size_t b = 0; b < d + 2 && ok; b++)
			ok = isfinite(y[b * N + j]);
		if (ok)
			rows[n++] = j;
	}
	if (ret_used)
		*ret_used = n;
	if (n < 2) {
		rc = DCG_EUSAGE;
		goto finish;
	}
	sobol_estimate(y, N, d, rows, n, s1, st);
	if (!isfinite(s1[0]) && d > 0) {
		rc = DCG_EUSAGE;
		goto finish;
	}
	for (size_t b = 0; b < nboot; b++) {
		for (size_t k = 0; k < n; k++)
			pick[k] = rows[gsl_rng_uniform_int(r, n)];
		sobol_estimate(y, N, d, pick, n, b1 + b * d, bt + b * d);
	}
	for (size_t i = 0; i < d; i++) {
		struct dcg_sobol_index *o = &out[i];
		o->S1 = o->S1_lo = o->S1_hi = s1[i];
		o->ST = o->ST_lo = o->ST_hi = st[i];
		if (nboot < 2)
			continue;
		double p[2] = {0.025, 0.975}, q[2];
		for (size_t b = 0; b < nboot; b++)
			col[b] = b1[b * d + i];
		dcg_stats_quantiles(col, nboot, 1, p, 2, q);
		o->S1_lo = q[0];
		o->S1_hi = q[1];
		for (size_t b = 0; b < nboot; b++)
			col[b] = bt[b * d + i];
		dcg_stats_quantiles(col, nboot, 1, p, 2, q);
		o->ST_lo = q[0];
		o->ST_hi = q[1];
	}
finish:
	gsl_rng_free(r);
	free(col);
	free(bt);
	free(b1);
	free(st);
	free(s1);
	free(pick);
	free(rows);
	return rc;
}

int dcg_stats_morris_design(size_t r, size_t d, size_t levels,
			    unsigned long seed, double *u)
{
	if (levels < 2)
		return DCG_EUSAGE;
	gsl_rng *g = rng_new(seed);
	size_t *order = malloc((d ? d : 1) * sizeof *order);
	int *dirs = malloc((d ? d : 1) * sizeof *dirs);
	if (!g || !order || !dirs) {
		gsl_rng_free(g);
		free(order);
		free(dirs);
		return DCG_ENOMEM;
	}
	double p1 = (double)(levels - 1);
	size_t jump = levels / 2; /* Δ = jump / (p - 1) = p / (2 (p - 1)) */
	if (jump < 1)
		jump = 1;
	for (size_t t = 0; t < r; t++) {
		double *x0 = u + t * (d + 1) * d;
		/* A base point on the grid, and for each factor the
		 * direction that stays inside [0, 1]. */
		for (size_t j = 0; j < d; j++) {
			size_t lv = gsl_rng_uniform_int(g, levels);
			dirs[j] = lv + jump <= levels - 1 ? 1 : -1;
			x0[j] = (double)lv / p1;
			order[j] = j;
		}
		gsl_ran_shuffle(g, order, d, sizeof *order);
		for (size_t s = 0; s < d; s++) {
			double *prev = x0 + s * d, *next = prev + d;
			memcpy(next, prev, d * sizeof *next);
			size_t j = order[s];
			double lv = round(prev[j] * p1) + (double)dirs[j] * (double)jump;
			next[j] = lv / p1;
		}
	}
	gsl_rng_free(g);
	free(order);
	free(dirs);
	return 0;
}

int dcg_stats_morris(const double *u, const double *y, size_t r, size_t d,
		     struct dcg_morris_index *out)
{
	double *ee = malloc((r ? r : 1) * (d ? d : 1) * sizeof *ee);
	size_t *cnt = calloc(d ? d : 1, sizeof *cnt);
	if (!ee || !cnt) {
		free(ee);
		free(cnt);
		return DCG_ENOMEM;
	}
	for (size_t t = 0; t < r; t++) {
		const double *ut = u + t * (d + 1) * d;
		const double *yt = y + t * (d + 1);
		for (size_t s = 0; s < d; s++) {
			const double *a = ut + s * d, *b = a + d;
			size_t j = 0;
			while (j < d && a[j] == b[j])
				j++;
			if (j == d || !isfinite(yt[s]) || !isfinite(yt[s + 1]))
				continue;
			ee[j * r + cnt[j]++] = (yt[s + 1] - yt[s]) / (b[j] - a[j]);
		}
	}
	for (size_t j = 0; j < d; j++) {
		struct dcg_morris_index *o = &out[j];
		size_t n = cnt[j];
		o->n = n;
		double s = 0.0, sa = 0.0;
		for (size_t k = 0; k < n; k++) {
			s += ee[j * r + k];
			sa += fabs(ee[j * r + k]);
		}
		o->mu = n ? s / (double)n : NAN;
		o->mu_star = n ? sa / (double)n : NAN;
		o->sigma = n > 1 ? gsl_stats_sd_m(ee + j * r, 1, n, o->mu) : NAN;
	}
	free(ee);
	free(cnt);
	return 0;
}

/* ---- the analysis of an ensemble ---------------------------------------- */

const double dcg_study_quantile_p[DCG_STUDY_NQ] = {0.05, 0.25, 0.50, 0.75, 0.95};

void dcg_study_analysis_free(struct dcg_study_analysis *a, size_t nseries)
{
	if (!a)
		return;
	if (a->series_q)
		for (size_t k = 0; k < nseries; k++)
			free(a->series_q[k]);
	free(a->series_q);
	free(a->metric_q);
	free(a->sobol);
	free(a->sobol_used);
	free(a->morris);
	free(a);
}

int dcg_study_analyse(const struct dcg_study *s, const struct dcg_ensemble *e,
		      struct dcg_study_analysis **ret, struct dcg_error *err)
{
	struct dcg_study_analysis *a = calloc(1, sizeof *a);
	size_t nm = e->nmetrics, P = e->P, M = e->M;
	double *col = calloc(M + 1, sizeof *col);
	int rc = 0;
	if (!a || !col) {
		rc = dcg_error_set(err, DCG_ENOMEM, "out of memory");
		goto finish;
	}
	a->P = P;
	a->nmetrics = nm;
	for (size_t i = 0; i < M; i++)
		a->ok += e->status[i] == DCG_MEMBER_OK;
	a->metric_q = calloc(nm * DCG_STUDY_NQ + 1, sizeof *a->metric_q);
	a->series_q = calloc(e->nseries + 1, sizeof *a->series_q);
	if (!a->metric_q || !a->series_q) {
		rc = dcg_error_set(err, DCG_ENOMEM, "out of memory");
		goto finish;
	}
	for (size_t k = 0; k < nm; k++)
		if ((rc = dcg_stats_quantiles(e->metrics + k, M, nm,
					      dcg_study_quantile_p, DCG_STUDY_NQ,
					      a->metric_q + k * DCG_STUDY_NQ)))
			goto oom;
	for (size_t k = 0; k < e->nseries; k++) {
		size_t n = e->T * e->width[k];
		double q[DCG_STUDY_NQ];
		if (!(a->series_q[k] = malloc((DCG_STUDY_NQ * n + 1) * sizeof(double))))
			goto oom;
		for (size_t c = 0; c < n; c++) {
			if ((rc = dcg_stats_quantiles(e->series[k] + c, M, n,
						      dcg_study_quantile_p,
						      DCG_STUDY_NQ, q)))
				goto oom;
			for (size_t j = 0; j < DCG_STUDY_NQ; j++)
				a->series_q[k][j * n + c] = q[j];
		}
	}
	if (s->design == DCG_DESIGN_SALTELLI) {
		size_t N = s->samples;
		a->sobol = calloc(nm * P + 1, sizeof *a->sobol);
		a->sobol_used = calloc(nm + 1, sizeof *a->sobol_used);
		if (!a->sobol || !a->sobol_used)
			goto oom;
		for (size_t k = 0; k < nm; k++) {
			for (size_t i = 0; i < M; i++)
				col[i] = e->metrics[i * nm + k];
			rc = dcg_stats_sobol(col, N, P, s->bootstrap, s->seed + k,
					     a->sobol + k * P, &a->sobol_used[k]);
			if (rc == DCG_ENOMEM)
				goto oom;
			if (rc)
				for (size_t j = 0; j < P; j++)
					a->sobol[k * P + j] = (struct dcg_sobol_index){
						NAN, NAN, NAN, NAN, NAN, NAN};
			rc = 0;
		}
	}
	if (s->design == DCG_DESIGN_MORRIS) {
		a->morris = calloc(nm * P + 1, sizeof *a->morris);
		if (!a->morris)
			goto oom;
		for (size_t k = 0; k < nm; k++) {
			for (size_t i = 0; i < M; i++)
				col[i] = e->metrics[i * nm + k];
			if (dcg_stats_morris(e->u, col, s->samples, P, a->morris + k * P))
				goto oom;
		}
	}
	*ret = a;
	a = NULL;
	goto finish;
oom:
	rc = dcg_error_set(err, DCG_ENOMEM, "out of memory for the analysis");
finish:
	free(col);
	dcg_study_analysis_free(a, e->nseries);
	return rc;
}
