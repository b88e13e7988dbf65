/* Optimised kernels for SUNDIALS' serial N_Vector (internal to solvers/).
 *
 * Debian 12 builds SUNDIALS without optimisation (docs/performance.md,
 * finding 1): its serial vector kernels keep every operand in memory and
 * cost about 15 instructions per entry. dcg__nv_fast replaces the
 * operations of a serial vector's table that CVODES, its quadratures and
 * sensitivities, and SPGMR call with the same loops compiled here (-O2).
 * Clones copy the table, so setting it on the template vector before
 * CVodeInit, CVodeQuadInit and N_VCloneVectorArray covers every vector
 * the solver makes.
 *
 * Results are bit for bit those of the library: each kernel does the same
 * floating-point operations in the same order (the special cases of
 * N_VLinearSum_Serial included), and C17 mode does not contract a * b + c
 * into a fused multiply-add.
 */
#ifndef DCGRID_SOLVERS_NVFAST_H
#define DCGRID_SOLVERS_NVFAST_H

#include <sundials/sundials_nvector.h>

/* v must be a serial vector (N_VNew_Serial); NULL is ignored. */
void dcg__nv_fast(N_Vector v);

#endif
