/* IT load of a region, shared by the right-hand side and the event
 * function (internal to model/):
 *
 *   IT[r] = sum_k W[r,k] u[k] / 1000                      (GW)
 */
#ifndef DCGRID_MODEL_ADEQUACY_H
#define DCGRID_MODEL_ADEQUACY_H

#include <stddef.h>

#include "dcgrid/model.h"

static inline double dcg__it_gw(const struct dcg_model *m, const double *y, size_t r)
{
	const struct dcg_layout *l = &m->layout;
	double it = 0.0;
	for (size_t k = 0; k < m->K; k++)
		it += y[dcg_ix_W(l, r, k)] * m->classes[k].utilisation / 1000.0;
	return it;
}

#endif
