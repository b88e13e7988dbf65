/* Stiffness detection for solver.method = "auto" (internal to solvers/).
 *
 * "auto" integrates with CVODE's Adams-Moulton method and a fixed-point
 * corrector: no Jacobian and no linear solver, about one or two right-hand
 * sides per step. A fixed-point iteration of the corrector converges only
 * while h * L < 1 (L: a Lipschitz constant of the right-hand side), so on a
 * stiff system its convergence fails again and again: CVODE cuts the step
 * by 4 at each failure and grows it back until the next. That is the
 * signature this detector watches for, as LSODA watches its functional
 * iteration (Petzold 1983, "Automatic selection of methods for solving
 * stiff and nonstiff systems of ordinary differential equations", SIAM J.
 * Sci. Stat. Comput. 4(1)): DCG_STIFF_FAILS corrector convergence failures
 * within DCG_STIFF_WINDOW steps declare the system stiff, and dcg_solve
 * continues with BDF and Newton's method from the current step (one way:
 * unlike LSODA, it does not switch back).
 *
 * On every scenario in inputs/ and on synthetic ones of 10 to 10,000
 * regions the non-stiff runs have at most one convergence failure per
 * window (after a breakpoint restart); a stiff case (a perception delay of
 * 0.001 year) has a failure nearly every step (tests/test_solver.c).
 */
#ifndef DCGRID_SOLVERS_STIFFNESS_H
#define DCGRID_SOLVERS_STIFFNESS_H

#include <stdbool.h>

#define DCG_STIFF_WINDOW 20
#define DCG_STIFF_FAILS 4

struct dcg__stiffness {
	long steps0, fails0; /* CVODE's counters at the window's start */
};

/* Starts a new window: at the start and after every CVodeReInit (which
 * restarts CVODE's counters at 0). */
void dcg__stiffness_reset(struct dcg__stiffness *s);

/* Fed after every step with CVODE's cumulative step and corrector
 * convergence-failure counts since the last (re)start; true when the
 * current window holds DCG_STIFF_FAILS failures. */
bool dcg__stiffness_check(struct dcg__stiffness *s, long steps, long conv_fails);

#endif
