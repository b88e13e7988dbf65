/* Sparse Jacobians by coloured finite differences (internal to solvers/).
 *
 * The Jacobian of a dcgrid model is an arrowhead: a dense block per region,
 * blocks between regions joined by a corridor, dense national columns and a
 * few dense national rows. Regions are coloured so that no two regions of
 * one colour are within two corridor hops; then one right-hand-side call per
 * colour and in-region offset gives every regional block and every corridor
 * block at once, and one call per national state gives its column. The
 * national rows' entries in regional columns (the delayed perceived price
 * and supply-cap signals, and the rank-one share normaliser) are left out:
 * the matrix is an approximation that Newton's method and the block
 * preconditioner use, never the integration's accuracy.
 */
#ifndef DCGRID_SOLVERS_JACOBIAN_H
#define DCGRID_SOLVERS_JACOBIAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dcgrid/model.h"

struct dcg_jac;

/* typ: typical size of each state (n entries, borrowed during the call),
 * sets the difference increments. With diag_only (the block preconditioner
 * of GMRES) only the regional diagonal blocks are kept, which needs a
 * colouring of neighbours only: fewer right-hand sides and ~1/(1 + degree)
 * of the memory; dcg__jac_csc and dcg__jac_nnz then do not apply.
 * Returns NULL when out of memory. */
struct dcg_jac *dcg__jac_new(const struct dcg_model *m, const double *typ,
			     bool diag_only);
void dcg__jac_free(struct dcg_jac *j);

size_t dcg__jac_nnz(const struct dcg_jac *j);
size_t dcg__jac_ncolors(const struct dcg_jac *j);

/* Right-hand sides evaluated by dcg__jac_eval so far. */
long dcg__jac_rhs_evals(const struct dcg_jac *j);

/* Evaluates the difference quotients at (t, y) with f(t, y) = fy.
 * Returns the right-hand side's status. */
int dcg__jac_eval(struct dcg_jac *j, struct dcg_work *w, double t,
		  const double *y, const double *fy);

/* Writes the CSC matrix (colptr n+1, rowind and values nnz) of the last
 * evaluation, multiplied by scale. */
void dcg__jac_csc(const struct dcg_jac *j, int64_t *colptr, int64_t *rowind,
		  double *values);

/* Block-Jacobi preconditioner P = I - gamma*J restricted to the regional
 * diagonal blocks and the national block: factor, then solve P z = r
 * in place. Returns 0, or > 0 if a block is singular. */
int dcg__jac_block_factor(struct dcg_jac *j, double gamma);
void dcg__jac_block_solve(const struct dcg_jac *j, double *z);

#endif
