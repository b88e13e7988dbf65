/* The linear solver of CVODE's Newton iterations, shared by dcg_solve
 * (solvers/cvode.c) and dcg_sensitivity_solve (solvers/sensitivity.c), so
 * that plain and sensitivity solves use one choice and one setup (internal
 * to solvers/).
 *
 * solver.linear_solver picks it; "auto" is the dense direct solver up to
 * DCG_DENSE_MAX_STATES states, else GMRES (SPGMR, left preconditioning).
 * solver.preconditioner picks GMRES's preconditioner: none, the
 * block-Jacobi preconditioner of jacobian.h, or "auto" (none until GMRES
 * struggles, then block; see enum dcg_precond). KLU gets the sparse
 * coloured-difference Jacobian of jacobian.h.
 *
 * The callbacks find this struct through CVODE's user data: the caller's
 * user-data struct must have a struct dcg__linsol as its first member.
 */
#ifndef DCGRID_SOLVERS_LINSOL_H
#define DCGRID_SOLVERS_LINSOL_H

#include <stdbool.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_matrix.h>
#include <sundials/sundials_nvector.h>

#include "dcgrid/model.h"
#include "dcgrid/result.h"
#include "dcgrid/status.h"
#include "jacobian.h"

/* Above this many states the dense direct solver (O(n^3) per factorisation,
 * n right-hand sides per Jacobian) loses to GMRES with the block-Jacobi
 * preconditioner, which bench/bench_solvers measured faster from 87 states
 * up (docs/model.md, "Solver choice"). Tiny models keep the dense solver,
 * the most robust. */
#define DCG_DENSE_MAX_STATES 60

struct dcg__linsol {
	const struct dcg_model *m; /* borrowed */
	struct dcg_work *w;        /* borrowed: the caller's scratch space */
	/* Borrowed: the breakpoint ending the current interval, where the
	 * schedules are read as left limits (as the caller's right-hand
	 * side does). */
	const double *t_end;
	enum dcg_linsol kind;      /* never DCG_LINSOL_AUTO once attached */
	struct dcg_jac *jac;       /* coloured differences, for KLU and GMRES */
	/* After a restart at a breakpoint CVODE asks for a new Jacobian; the
	 * last one is still close (the state is continuous), so it is reused
	 * once, and recomputed only if Newton's method then fails. */
	bool jac_valid, reuse_once;
	/* GMRES: whether the block preconditioner is on, whether "auto" may
	 * still switch it on, CVODE's counters at the last check, when it
	 * switched (NaN if not), the Jacobians computed, and what creating the
	 * Jacobian needs once the preconditioner is switched on. */
	bool prec_on, prec_auto;
	long last_lin_iters, last_nl_iters, last_lin_fails, njac;
	double prec_switch_time;
	void *mem;              /* borrowed: CVODE's memory */
	const double *abstol;   /* borrowed: the absolute tolerances */
	SUNMatrix A;
	SUNLinearSolver LS;
};

/* The linear solver solver.linear_solver asks for ("auto" resolved). */
enum dcg_linsol dcg__linsol_pick(const struct dcg_model *m);

/* "dense", "klu" or "gmres". */
const char *dcg__linsol_name(enum dcg_linsol kind);

/* Creates the linear solver for model m and attaches it to mem, whose user
 * data (already set) begins with *ls. abstol: the absolute tolerances
 * (atol times each state's typical size; the difference increments use the
 * typical sizes). w and t_end are borrowed for the solve. On failure
 * returns DCG_ENOMEM or DCG_ESOLVER with err filled; dcg__linsol_free
 * releases what was built either way. */
int dcg__linsol_attach(struct dcg__linsol *ls, void *mem,
		       const struct dcg_model *m, struct dcg_work *w,
		       const double *t_end, N_Vector y, N_Vector abstol,
		       SUNContext sctx, struct dcg_error *err);

/* Called after CVodeReInit at a breakpoint: reuse the last Jacobian once. */
void dcg__linsol_restarted(struct dcg__linsol *ls);

/* Right-hand sides spent on difference Jacobians (0 for dense: CVODE
 * counts its own). */
long dcg__linsol_jac_rhs_evals(const struct dcg__linsol *ls);

/* Fills the figures kept here rather than by CVODE: the linear solver's and
 * preconditioner's names, the switch time of "auto", the difference
 * Jacobians (KLU, GMRES: CVODE counts preconditioner setups, not Jacobians)
 * and their right-hand sides, which are added to st->rhs_evals. Call once,
 * after CVODE's own counts. */
void dcg__linsol_stats(const struct dcg__linsol *ls, struct dcg_solver_stats *st);

/* Frees the solver, its matrix and Jacobian (after CVodeFree); accepts a
 * zeroed or half-built struct. */
void dcg__linsol_free(struct dcg__linsol *ls);

#endif
