/* Coloured finite-difference Jacobian and block preconditioner; see
 * jacobian.h for the structure this exploits. Memory O(R * rs^2 * (1 + deg)
 * + n_nat * n); one Jacobian costs ncolors * rs + n_nat right-hand sides,
 * which for a corridor graph of bounded degree does not grow with R. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jacobian.h"

struct dcg_jac {
	const struct dcg_model *m;
	size_t n, R, rs, nat, nnat;
	/* Region graph: neighbours of each region (CSR), sorted, self first. */
	size_t *nb_ptr, *nb;
	size_t *color, ncolors;
	double *inc_scale;  /* typical size per state */
	double *yp, *fp;    /* perturbed state and its right-hand side */
	/* Values: for region r, the blocks (r, q) for q in nb(r) (q's rows,
	 * r's columns), column-major rs x rs each; national columns dense. */
	double *blk;        /* sum over r of |nb(r)| * rs * rs */
	size_t *blk_off;    /* offset of region r's first block */
	double *natcol;     /* nnat x n, column-major */
	/* Preconditioner: factored diagonal blocks and national block. */
	double *pre, *prenat;
	int *piv, *pivnat;
	bool diag_only;     /* GMRES: only the diagonal blocks are kept */
	long rhs_evals;
};

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

static int build_graph(struct dcg_jac *j)
{
	const struct dcg_model *m = j->m;
	size_t R = m->R, L = m->L;
	size_t *deg = calloc(R + 1, sizeof *deg);
	if (!deg)
		return -1;
	for (size_t l = 0; l < L; l++) {
		deg[m->corridors[l].from]++;
		deg[m->corridors[l].to]++;
	}
	j->nb_ptr = calloc(R + 1, sizeof *j->nb_ptr);
	if (!j->nb_ptr)
		goto fail;
	for (size_t r = 0; r < R; r++)
		j->nb_ptr[r + 1] = j->nb_ptr[r] + deg[r] + 1;
	j->nb = calloc(j->nb_ptr[R] + 1, sizeof *j->nb);
	if (!j->nb)
		goto fail;
	size_t *fill = deg;
	for (size_t r = 0; r < R; r++) {
		j->nb[j->nb_ptr[r]] = r;
		fill[r] = 1;
	}
	for (size_t l = 0; l < L; l++) {
		size_t a = m->corridors[l].from, b = m->corridors[l].to;
		j->nb[j->nb_ptr[a] + fill[a]++] = b;
		j->nb[j->nb_ptr[b] + fill[b]++] = a;
	}
	/* Sort and drop duplicate corridors between one pair of regions. */
	for (size_t r = 0; r < R; r++) {
		size_t *p = &j->nb[j->nb_ptr[r]], k = fill[r];
		qsort(p, k, sizeof *p, cmp_size);
		size_t u = 0;
		for (size_t i = 0; i < k; i++)
			if (u == 0 || p[i] != p[u - 1])
				p[u++] = p[i];
		for (size_t i = u; i < k; i++)
			p[i] = (size_t)-1;
		fill[r] = u;
	}
	/* Compact. */
	size_t w = 0;
	for (size_t r = 0; r < R; r++) {
		size_t start = j->nb_ptr[r], k = fill[r];
		j->nb_ptr[r] = w;
		memmove(&j->nb[w], &j->nb[start], k * sizeof *j->nb);
		w += k;
	}
	j->nb_ptr[R] = w;
	free(deg);
	return 0;
fail:
	free(deg);
	return -1;
}

/* Greedy distance-2 colouring of the region graph. */
static int color_regions(struct dcg_jac *j)
{
	size_t R = j->R;
	j->color = malloc(R * sizeof *j->color);
	size_t *mark = malloc((R + 1) * sizeof *mark);
	if (!j->color || !mark) {
		free(mark);
		return -1;
	}
	for (size_t r = 0; r < R; r++)
		mark[r] = (size_t)-1;
	j->ncolors = 0;
	for (size_t r = 0; r < R; r++) {
		for (size_t a = j->nb_ptr[r]; a < j->nb_ptr[r + 1]; a++) {
			size_t q = j->nb[a];
			/* The diagonal blocks alone need neighbours to differ;
			 * the corridor blocks need two hops. */
			if (j->diag_only) {
				if (q < r)
					mark[j->color[q]] = r;
				continue;
			}
			for (size_t b = j->nb_ptr[q]; b < j->nb_ptr[q + 1]; b++) {
				size_t s = j->nb[b];
				if (s < r)
					mark[j->color[s]] = r;
			}
		}
		size_t c = 0;
		while (c < j->ncolors && mark[c] == r)
			c++;
		j->color[r] = c;
		if (c == j->ncolors)
			mark[j->ncolors++] = (size_t)-1;
	}
	free(mark);
	return 0;
}

void dcg__jac_free(struct dcg_jac *j)
{
	if (!j)
		return;
	free(j->nb_ptr);
	free(j->nb);
	free(j->color);
	free(j->inc_scale);
	free(j->yp);
	free(j->fp);
	free(j->blk);
	free(j->blk_off);
	free(j->natcol);
	free(j->pre);
	free(j->prenat);
	free(j->piv);
	free(j->pivnat);
	free(j);
}

struct dcg_jac *dcg__jac_new(const struct dcg_model *m, const double *typ,
			     bool diag_only)
{
	struct dcg_jac *j = calloc(1, sizeof *j);
	if (!j)
		return NULL;
	j->m = m;
	j->n = m->layout.n;
	j->R = m->R;
	j->rs = m->layout.region_size;
	j->nat = m->layout.nat;
	j->nnat = j->n - j->nat;
	j->diag_only = diag_only;
	if (build_graph(j) || color_regions(j))
		goto fail;
	size_t rs2 = j->rs * j->rs, n = j->n;
	j->inc_scale = malloc(n * sizeof(double));
	j->yp = malloc(n * sizeof(double));
	j->fp = malloc(n * sizeof(double));
	j->blk_off = malloc((j->R + 1) * sizeof(size_t));
	j->natcol = calloc(j->nnat * n, sizeof(double));
	j->pre = malloc(j->R * rs2 * sizeof(double));
	j->prenat = malloc(j->nnat * j->nnat * sizeof(double));
	j->piv = malloc(j->R * j->rs * sizeof(int));
	j->pivnat = malloc(j->nnat * sizeof(int));
	if (!j->inc_scale || !j->yp || !j->fp || !j->blk_off || !j->natcol ||
	    !j->pre || !j->prenat || !j->piv ||
	    !j->pivnat)
		goto fail;
	for (size_t r = 0; r <= j->R; r++)
		j->blk_off[r] = (diag_only ? r : j->nb_ptr[r]) * rs2;
	j->blk = calloc(j->blk_off[j->R] + 1, sizeof(double));
	if (!j->blk)
		goto fail;
	for (size_t i = 0; i < n; i++)
		j->inc_scale[i] = fmax(fabs(typ[i]), 1e-12);
	return j;
fail:
	dcg__jac_free(j);
	return NULL;
}

size_t dcg__jac_nnz(const struct dcg_jac *j)
{
	return j->nb_ptr[j->R] * j->rs * j->rs + j->nnat * j->n;
}

size_t dcg__jac_ncolors(const struct dcg_jac *j)
{
	return j->ncolors;
}

long dcg__jac_rhs_evals(const struct dcg_jac *j)
{
	return j->rhs_evals;
}

static double increment(const struct dcg_jac *j, const double *y, size_t i)
{
	/* sqrt(machine epsilon) relative to the larger of the value and its
	 * typical size, as CVODE's own difference quotients do. */
	return 1.4901161193847656e-08 * fmax(fabs(y[i]), j->inc_scale[i]);
}

int dcg__jac_eval(struct dcg_jac *j, struct dcg_work *w, double t,
		  const double *y, const double *fy)
{
	const struct dcg_model *m = j->m;
	size_t n = j->n, rs = j->rs, rs2 = rs * rs;
	int rc;
	memcpy(j->yp, y, n * sizeof *y);
	for (size_t c = 0; c < j->ncolors; c++)
		for (size_t o = 0; o < rs; o++) {
			for (size_t r = 0; r < j->R; r++)
				if (j->color[r] == c)
					j->yp[r * rs + o] = y[r * rs + o] + increment(j, y, r * rs + o);
			/* A failed evaluation is returned as is: CVODE then
			 * retries with a smaller step. */
			j->rhs_evals++;
			if ((rc = dcg_model_rhs(m, w, t, j->yp, j->fp)) != 0)
				return rc;
			for (size_t r = 0; r < j->R; r++) {
				if (j->color[r] != c)
					continue;
				size_t col = r * rs + o;
				double h = j->yp[col] - y[col];
				if (j->diag_only) {
					double *b = &j->blk[j->blk_off[r] + o * rs];
					for (size_t i = 0; i < rs; i++)
						b[i] = (j->fp[r * rs + i] - fy[r * rs + i]) / h;
				}
				for (size_t a = j->nb_ptr[r]; !j->diag_only && a < j->nb_ptr[r + 1]; a++) {
					size_t q = j->nb[a];
					double *b = &j->blk[j->blk_off[r] + (a - j->nb_ptr[r]) * rs2 + o * rs];
					for (size_t i = 0; i < rs; i++)
						b[i] = (j->fp[q * rs + i] - fy[q * rs + i]) / h;
				}
				j->yp[col] = y[col];
			}
		}
	for (size_t c = 0; c < j->nnat; c++) {
		size_t col = j->nat + c;
		j->yp[col] = y[col] + increment(j, y, col);
		double h = j->yp[col] - y[col];
		j->rhs_evals++;
		if ((rc = dcg_model_rhs(m, w, t, j->yp, j->fp)) != 0)
			return rc;
		for (size_t i = 0; i < n; i++)
			j->natcol[c * n + i] = (j->fp[i] - fy[i]) / h;
		j->yp[col] = y[col];
	}
	return 0;
}

void dcg__jac_csc(const struct dcg_jac *j, int64_t *colptr, int64_t *rowind,
		  double *values)
{
	size_t rs = j->rs, rs2 = rs * rs, k = 0;
	for (size_t r = 0; r < j->R; r++)
		for (size_t o = 0; o < rs; o++) {
			colptr[r * rs + o] = (int64_t)k;
			/* Neighbours are sorted, so rows come out ascending. */
			for (size_t a = j->nb_ptr[r]; a < j->nb_ptr[r + 1]; a++) {
				size_t q = j->nb[a];
				const double *b = &j->blk[j->blk_off[r] + (a - j->nb_ptr[r]) * rs2 + o * rs];
				for (size_t i = 0; i < rs; i++) {
					rowind[k] = (int64_t)(q * rs + i);
					values[k++] = b[i];
				}
			}
		}
	for (size_t c = 0; c < j->nnat; c++) {
		colptr[j->nat + c] = (int64_t)k;
		for (size_t i = 0; i < j->n; i++) {
			rowind[k] = (int64_t)i;
			values[k++] = j->natcol[c * j->n + i];
		}
	}
	colptr[j->n] = (int64_t)k;
}

/* LU factorisation with partial pivoting of the n x n column-major block
 * a in place, as LAPACK's unblocked dgetf2 (pivots 1-based, the largest
 * entry first found, row swaps over the whole row, multipliers scaled by
 * the pivot's reciprocal, then a rank-one update by columns). Returns 0,
 * or 1 for an exactly singular block.
 *
 * Neither SUNDIALS' dense routines (built without optimisation by Debian:
 * 42 % of the default run's instructions, docs/performance.md) nor
 * Debian's reference LAPACK and BLAS (dgetrf's recursion and dgemm cost
 * about 95,000 instructions for a 29 x 29 block, six per flop) are fit for
 * blocks this small, which sensitivity solves factor a few hundred times. */
static int lu_factor(size_t n, double *restrict a, int *restrict piv)
{
	for (size_t k = 0; k < n; k++) {
		double *ck = &a[k * n];
		size_t p = k;
		double big = fabs(ck[k]);
		for (size_t i = k + 1; i < n; i++)
			if (fabs(ck[i]) > big) {
				big = fabs(ck[i]);
				p = i;
			}
		piv[k] = (int)p + 1;
		if (big == 0.0)
			return 1;
		if (p != k)
			for (size_t c = 0; c < n; c++) {
				double t = a[c * n + k];
				a[c * n + k] = a[c * n + p];
				a[c * n + p] = t;
			}
		double r = 1.0 / ck[k];
		for (size_t i = k + 1; i < n; i++)
			ck[i] *= r;
		for (size_t c = k + 1; c < n; c++) {
			double *cc = &a[c * n];
			double akc = cc[k];
			if (akc == 0.0)
				continue;
			for (size_t i = k + 1; i < n; i++)
				cc[i] -= ck[i] * akc;
		}
	}
	return 0;
}

int dcg__jac_block_factor(struct dcg_jac *j, double gamma)
{
	size_t rs = j->rs, rs2 = rs * rs;
	for (size_t r = 0; r < j->R; r++) {
		/* The diagonal block is the one of region r's own rows. */
		size_t a = j->nb_ptr[r];
		while (!j->diag_only && j->nb[a] != r)
			a++;
		const double *b = &j->blk[j->blk_off[r] + (j->diag_only ? 0 : a - j->nb_ptr[r]) * rs2];
		double *p = &j->pre[r * rs2];
		for (size_t i = 0; i < rs2; i++)
			p[i] = -gamma * b[i];
		for (size_t i = 0; i < rs; i++)
			p[i * rs + i] += 1.0;
		if (lu_factor(rs, p, &j->piv[r * rs]))
			return 1;
	}
	size_t nn = j->nnat;
	for (size_t c = 0; c < nn; c++)
		for (size_t i = 0; i < nn; i++)
			j->prenat[c * nn + i] = -gamma * j->natcol[c * j->n + j->nat + i] +
						(i == c ? 1.0 : 0.0);
	if (lu_factor(nn, j->prenat, j->pivnat))
		return 1;
	return 0;
}

/* Solves A x = b in place for one right-hand side, A = P L U factored by
 * lu_factor: the operations of LAPACK's dgetrs with the reference BLAS
 * (dlaswp, then dtrsm's column-oriented unit-lower and upper sweeps),
 * without dtrsm's general-case overhead (about 8 instructions per flop on
 * these small blocks). */
static void lu_solve(size_t n, const double *restrict lu, const int *restrict piv,
		     double *restrict b)
{
	for (size_t i = 0; i < n; i++) {
		size_t p = (size_t)piv[i] - 1;
		if (p != i) {
			double t = b[i];
			b[i] = b[p];
			b[p] = t;
		}
	}
	for (size_t k = 0; k < n; k++) {
		double bk = b[k];
		if (bk == 0.0)
			continue;
		const double *col = &lu[k * n];
		for (size_t i = k + 1; i < n; i++)
			b[i] -= bk * col[i];
	}
	for (size_t k = n; k-- > 0;) {
		if (b[k] == 0.0)
			continue;
		const double *col = &lu[k * n];
		double bk = b[k] /= col[k];
		for (size_t i = 0; i < k; i++)
			b[i] -= bk * col[i];
	}
}

void dcg__jac_block_solve(const struct dcg_jac *j, double *z)
{
	size_t rs = j->rs;
	for (size_t r = 0; r < j->R; r++)
		lu_solve(rs, &j->pre[r * rs * rs], &j->piv[r * rs], &z[r * rs]);
	lu_solve(j->nnat, j->prenat, j->pivnat, &z[j->nat]);
}
