/* The linear solver of CVODE's Newton iterations (linsol.h): the choice,
 * the setup and the Jacobian and preconditioner callbacks. */
#include <cvodes/cvodes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunlinsol/sunlinsol_spgmr.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "linsol.h"
#include "tolerances.h"

/* Preconditioner "auto" switches the block preconditioner on when, since
 * the last check, GMRES failed to converge or averaged more than this many
 * Krylov iterations per Newton iteration (over at least
 * DCG_PREC_AUTO_WINDOW Newton iterations). Unpreconditioned runs of the
 * scenarios in inputs/ average 1.0 to 2.3 (docs/model.md). */
#define DCG_PREC_AUTO_ITERS 4.0
#define DCG_PREC_AUTO_WINDOW 10

/* The time at which the model reads its schedules for solver time t (as
 * the callers' right-hand sides). */
static double model_time(const struct dcg__linsol *ls, double t)
{
	double t_end = *ls->t_end;
	return t >= t_end ? nextafter(t_end, -INFINITY) : t;
}

/* A new coloured-difference Jacobian at (t, y), fy = f(t, y). */
static int eval_jac(struct dcg__linsol *ls, sunrealtype t, N_Vector y, N_Vector fy)
{
	int rc = dcg__jac_eval(ls->jac, ls->w, model_time(ls, t), N_VGetArrayPointer(y),
			       N_VGetArrayPointer(fy));
	if (rc)
		return rc;
	ls->jac_valid = true;
	ls->njac++;
	return 0;
}

/* Sparse Jacobian for KLU. CVODE zeroes the matrix (pattern included)
 * before each call, so the pattern is written every time. */
static int f_jac_sparse(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J,
			void *data, N_Vector t1, N_Vector t2, N_Vector t3)
{
	struct dcg__linsol *ls = data;
	(void)t1;
	(void)t2;
	(void)t3;
	if (ls->reuse_once && ls->jac_valid) {
		ls->reuse_once = false;
	} else {
		int rc = eval_jac(ls, t, y, fy);
		if (rc)
			return rc;
	}
	dcg__jac_csc(ls->jac, SUNSparseMatrix_IndexPointers(J),
		     SUNSparseMatrix_IndexValues(J), SUNSparseMatrix_Data(J));
	return 0;
}

/* Creates the coloured-difference Jacobian; the typical sizes of the
 * difference increments are the absolute tolerances divided by atol. */
static struct dcg_jac *new_jac(const struct dcg__linsol *ls)
{
	size_t n = ls->m->layout.n;
	double *typ = malloc(n * sizeof *typ);
	if (!typ)
		return NULL;
	for (size_t i = 0; i < n; i++)
		typ[i] = ls->abstol[i] / (ls->m->atol * dcg__tol_scale(ls->m));
	struct dcg_jac *j = dcg__jac_new(ls->m, typ, ls->kind == DCG_LINSOL_GMRES);
	free(typ);
	return j;
}

/* Preconditioner "auto": whether GMRES has struggled since the last check.
 * CVODE's counters restart at every CVodeReInit (dcg__linsol_restarted). */
static bool gmres_struggles(struct dcg__linsol *ls)
{
	long li = 0, nl = 0, lf = 0;
	if (CVodeGetNumLinIters(ls->mem, &li) != CV_SUCCESS ||
	    CVodeGetNumNonlinSolvIters(ls->mem, &nl) != CV_SUCCESS ||
	    CVodeGetNumLinConvFails(ls->mem, &lf) != CV_SUCCESS)
		return false;
	/* With sensitivities (staggered corrector) the linear iterations
	 * include the sensitivity systems' Newton iterations' (CV_NO_SENS
	 * otherwise, and nls stays 0). */
	long nls = 0;
	if (CVodeGetSensNumNonlinSolvIters(ls->mem, &nls) == CV_SUCCESS)
		nl += nls;
	long dli = li - ls->last_lin_iters, dnl = nl - ls->last_nl_iters;
	bool fails = lf > ls->last_lin_fails;
	if (!fails && dnl < DCG_PREC_AUTO_WINDOW)
		return false;
	ls->last_lin_iters = li;
	ls->last_nl_iters = nl;
	ls->last_lin_fails = lf;
	return fails || (double)dli > DCG_PREC_AUTO_ITERS * (double)dnl;
}

static int f_psetup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
		    sunbooleantype *jcur, sunrealtype gamma, void *data)
{
	struct dcg__linsol *ls = data;
	*jcur = SUNFALSE;
	if (!ls->prec_on) {
		if (!ls->prec_auto || !gmres_struggles(ls))
			return 0;
		ls->prec_on = true;
		ls->prec_switch_time = t;
	}
	if (!ls->jac && !(ls->jac = new_jac(ls)))
		return -1;
	if (!ls->jac_valid || (!jok && !ls->reuse_once)) {
		int rc = eval_jac(ls, t, y, fy);
		if (rc)
			return rc;
		*jcur = SUNTRUE;
	}
	ls->reuse_once = false;
	return dcg__jac_block_factor(ls->jac, gamma);
}

static int f_psolve(sunrealtype t, N_Vector y, N_Vector fy, N_Vector r,
		    N_Vector z, sunrealtype gamma, sunrealtype delta, int lr,
		    void *data)
{
	struct dcg__linsol *ls = data;
	(void)t;
	(void)y;
	(void)fy;
	(void)gamma;
	(void)delta;
	(void)lr;
	N_VScale(1.0, r, z);
	if (ls->prec_on)
		dcg__jac_block_solve(ls->jac, N_VGetArrayPointer(z));
	return 0;
}

enum dcg_linsol dcg__linsol_pick(const struct dcg_model *m)
{
	if (m->linsol != DCG_LINSOL_AUTO)
		return m->linsol;
	return m->layout.n <= DCG_DENSE_MAX_STATES ? DCG_LINSOL_DENSE
						   : DCG_LINSOL_GMRES;
}

const char *dcg__linsol_name(enum dcg_linsol kind)
{
	switch (kind) {
	case DCG_LINSOL_DENSE:
		return "dense";
	case DCG_LINSOL_KLU:
		return "klu";
	case DCG_LINSOL_GMRES:
		return "gmres";
	case DCG_LINSOL_AUTO:
		break;
	}
	return "auto";
}

int dcg__linsol_attach(struct dcg__linsol *ls, void *mem,
		       const struct dcg_model *m, struct dcg_work *w,
		       const double *t_end, N_Vector y, N_Vector abstol,
		       SUNContext sctx, struct dcg_error *err)
{
	size_t n = m->layout.n;
	int flag;
	ls->m = m;
	ls->w = w;
	ls->t_end = t_end;
	ls->kind = dcg__linsol_pick(m);
	ls->mem = mem;
	ls->abstol = N_VGetArrayPointer(abstol);
	ls->prec_on = ls->kind == DCG_LINSOL_GMRES && m->precond == DCG_PREC_BLOCK;
	ls->prec_auto = ls->kind == DCG_LINSOL_GMRES && m->precond == DCG_PREC_AUTO;
	ls->prec_switch_time = NAN;
	/* KLU and the block preconditioner need the Jacobian from the start;
	 * "auto" creates it if it switches the block preconditioner on. */
	if (ls->kind == DCG_LINSOL_KLU || ls->prec_on) {
		ls->jac = new_jac(ls);
		if (!ls->jac)
			return dcg_error_set(err, DCG_ENOMEM,
					     "out of memory for the sparse Jacobian of %zu states", n);
	}
	if (ls->kind == DCG_LINSOL_DENSE) {
		ls->A = SUNDenseMatrix((sunindextype)n, (sunindextype)n, sctx);
		ls->LS = ls->A ? SUNLinSol_Dense(y, ls->A, sctx) : NULL;
	} else if (ls->kind == DCG_LINSOL_KLU) {
		ls->A = SUNSparseMatrix((sunindextype)n, (sunindextype)n,
					(sunindextype)dcg__jac_nnz(ls->jac), CSC_MAT, sctx);
		ls->LS = ls->A ? SUNLinSol_KLU(y, ls->A, sctx) : NULL;
	} else {
		/* Left preconditioning in every mode: without the block
		 * preconditioner f_psolve copies, and CVODE keeps calling
		 * f_psetup, where "auto" decides. */
		ls->LS = SUNLinSol_SPGMR(y, SUN_PREC_LEFT, 0, sctx);
	}
	if (!ls->LS)
		return dcg_error_set(err, DCG_ESOLVER, "cannot set up the %s linear solver",
				     dcg__linsol_name(ls->kind));
	if ((flag = CVodeSetLinearSolver(mem, ls->LS, ls->A)) ||
	    (ls->kind == DCG_LINSOL_KLU && (flag = CVodeSetJacFn(mem, f_jac_sparse))) ||
	    (ls->kind == DCG_LINSOL_GMRES &&
	     (flag = CVodeSetPreconditioner(mem, f_psetup, f_psolve))))
		return dcg_error_set(err, DCG_ESOLVER,
				     "cannot set up the %s linear solver (CVODE flag %d)",
				     dcg__linsol_name(ls->kind), flag);
	return 0;
}

void dcg__linsol_restarted(struct dcg__linsol *ls)
{
	ls->reuse_once = true;
	ls->last_lin_iters = ls->last_nl_iters = ls->last_lin_fails = 0;
}

void dcg__linsol_stats(const struct dcg__linsol *ls, struct dcg_solver_stats *st)
{
	snprintf(st->linear_solver, sizeof st->linear_solver, "%s",
		 dcg__linsol_name(ls->kind));
	if (ls->kind == DCG_LINSOL_GMRES || ls->kind == DCG_LINSOL_KLU)
		st->jac_evals = ls->njac;
	st->jac_rhs_evals = dcg__linsol_jac_rhs_evals(ls);
	st->rhs_evals += st->jac_rhs_evals;
	if (ls->kind == DCG_LINSOL_GMRES)
		snprintf(st->preconditioner, sizeof st->preconditioner, "%s",
			 ls->prec_on ? "block" : "none");
	st->prec_switch_time = ls->prec_switch_time;
}

long dcg__linsol_jac_rhs_evals(const struct dcg__linsol *ls)
{
	return ls->jac ? dcg__jac_rhs_evals(ls->jac) : 0;
}

void dcg__linsol_free(struct dcg__linsol *ls)
{
	if (!ls)
		return;
	SUNLinSolFree(ls->LS);
	SUNMatDestroy(ls->A);
	dcg__jac_free(ls->jac);
	ls->LS = NULL;
	ls->A = NULL;
	ls->jac = NULL;
}
