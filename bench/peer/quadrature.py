"""The solver-carried integrals (cumulative energy, consumption, unserved
energy, emissions, generation) of the peer, outside the Newton iteration.

dcgrid integrates them as CVODES quadratures: evaluated once the step's
states are known, error-controlled, but not part of the nonlinear system.
The hourly dispatch (merit order, curtailment) has kinks smoothed over
bands of 1e-3 of the load, so carrying the integrals as ODE states in
scipy's BDF makes its Newton iteration stall on their rows. The peer does
as CVODES does: the states are solved alone, and the integrals follow by
two-point Gauss-Legendre quadrature (order 4) on each of the solver's steps,
with the states from its dense output.
"""
import numpy as np

GL_X = np.array([-1.0, 1.0]) / np.sqrt(3.0)


def integrate_piece(m, sol, ta, tb, q_start, touts):
    """Integrals from ta to each time of touts (inside the piece) and to tb,
    starting from q_start: (list of q at touts, q at tb, evaluations)."""
    knots = np.union1d(sol.t, np.array([ta, tb] + list(touts), dtype=float))
    knots = knots[(knots >= ta) & (knots <= tb)]
    want = {float(t): i for i, t in enumerate(touts)}
    q = q_start.copy()
    at = [None] * len(touts)
    evals = 0
    for u, v in zip(knots[:-1], knots[1:]):
        half, mid = 0.5 * (v - u), 0.5 * (u + v)
        if half > 0.0:
            for x in GL_X:
                t = mid + half * x
                o, _ = m.eval(t, sol.sol(t), want_dot=False)
                q = q + half * m.quad(o)
                evals += 1
        if float(v) in want:
            at[want[float(v)]] = q.copy()
    return at, q, evals
