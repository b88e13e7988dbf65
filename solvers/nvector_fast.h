/* Optimised kernels for SUNDIALS' serial N_Vector (internal to solvers/).
 *
 * Debian 12's libsundials 6.4.1 is compiled without optimisation: every
 * N_Vector operation keeps its loop counter and accumulator in memory, and
 * the weighted norms, dot products and linear sums of CVODE and GMRES were
 * 45 % of a 1,000-region solve (docs/performance.md). dcg__nvec_fast()
 * points a serial vector's operation table at the same operations compiled
 * here with optimisation; CVODE clones its work vectors from the vector it
 * is given, and clones copy the table. The semantics are SUNDIALS' own,
 * special cases included (tests/test_nvector.c compares every operation with
 * the library's); only the summation order of reductions differs, at
 * round-off.
 */
#ifndef DCGRID_SOLVERS_NVECTOR_FAST_H
#define DCGRID_SOLVERS_NVECTOR_FAST_H

#include <sundials/sundials_nvector.h>

/* v must be a serial vector (N_VNew_Serial); others are left unchanged.
 * Also enables the fused operations (linear combination, scale-add-multi,
 * multiple dot products) that CVODE uses when a vector offers them.
 * Returns v, so that it can wrap N_VNew_Serial. */
N_Vector dcg__nvec_fast(N_Vector v);

#endif
