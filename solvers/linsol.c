/* The linear solver of CVODE's Newton iterations (linsol.h): the choice,
 * the setup and the Jacobian and preconditioner callbacks. */
#include <cvodes/cvodes.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunlinsol/sunlinsol_spgmr.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "linsol.h"

/* The time at which the model reads its schedules for solver time t (as
 * the callers' right-hand sides). */
static double model_time(const struct dcg__linsol *ls, double t)
{
	double t_end = *ls->t_end;
	return t >= t_end ? nextafter(t_end, -INFINITY) : t;
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
		int rc = dcg__jac_eval(ls->jac, ls->w, model_time(ls, t),
				       N_VGetArrayPointer(y), N_VGetArrayPointer(fy));
		if (rc)
			return rc;
		ls->jac_valid = true;
	}
	dcg__jac_csc(ls->jac, SUNSparseMatrix_IndexPointers(J),
		     SUNSparseMatrix_IndexValues(J), SUNSparseMatrix_Data(J));
	return 0;
}

static int f_psetup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
		    sunbooleantype *jcur, sunrealtype gamma, void *data)
{
	struct dcg__linsol *ls = data;
	if (!jok && !(ls->reuse_once && ls->jac_valid)) {
		int rc = dcg__jac_eval(ls->jac, ls->w, model_time(ls, t),
				       N_VGetArrayPointer(y), N_VGetArrayPointer(fy));
		if (rc)
			return rc;
		ls->jac_valid = true;
		*jcur = SUNTRUE;
	} else {
		*jcur = SUNFALSE;
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
	if (ls->kind != DCG_LINSOL_DENSE) {
		/* Typical sizes for the difference increments: the absolute
		 * tolerances divided by atol. */
		double *typ = N_VGetArrayPointer(abstol);
		for (size_t i = 0; i < n; i++)
			typ[i] /= m->atol;
		ls->jac = dcg__jac_new(m, typ, ls->kind == DCG_LINSOL_GMRES);
		for (size_t i = 0; i < n; i++)
			typ[i] *= m->atol;
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
