/* The per-region pieces of the grid adequacy chain (docs/model.md, "Grid
 * side"), internal to model/:
 *
 *   IT[r]   = sum_k W[r,k] u[k] / 1000                      (GW)
 *   F[r]    = IT[r] PUE[r]                                  (GW facility load)
 *   peak[r] = pfB[r] B[r] + pfDC F[r]                       (GW)
 *   firm[r] = sum_j cc[r,j] G[r,j]                          (GW)
 *   mpre[r] = (firm - peak)/peak, 0 when peak <= 0          (margin before trade)
 *   f[l]    = T[l](t) (d_a pos(x) - d_b pos(-x)),  x = tanh((mpre[a] - mpre[b])/kappa),
 *             d_x = logistic((mpre[x] - RMmin[x])/wg)      (GW, from a(l) to b(l))
 *   RM[r]   = (firm + imp - peak)/peak, 0 when peak <= 0    (margin after trade)
 *
 * The whole-model evaluation (rhs.c) and the region-local event function
 * (roots.c) both call these, so that a reserve margin computed for one
 * region alone is the same double, bit for bit, as the one the right-hand
 * side sees: the event times the solver locates on one region are then
 * those of the whole model's event function.
 */
#ifndef DCGRID_MODEL_ADEQUACY_H
#define DCGRID_MODEL_ADEQUACY_H

#include <math.h>
#include <stddef.h>

#include "dcgrid/model.h"
#include "smooth.h"

/* IT load of region r (GW). */
static inline double dcg__it_gw(const struct dcg_model *m, const double *y, size_t r)
{
	const struct dcg_layout *l = &m->layout;
	double it = 0.0;
	for (size_t k = 0; k < m->K; k++)
		it += y[dcg_ix_W(l, r, k)] * m->classes[k].utilisation / 1000.0;
	return it;
}

/* Adequacy of region r before trade, from its facility load fac_gw. */
struct dcg__pretrade {
	double peak, firm, mpre;
};

static inline struct dcg__pretrade dcg__pretrade(const struct dcg_model *m,
						 const double *y, size_t r,
						 double fac_gw)
{
	const struct dcg_layout *l = &m->layout;
	const struct dcg_region *rg = &m->regions[r];
	struct dcg__pretrade a = {.firm = 0.0};
	for (size_t j = 0; j < m->J; j++)
		a.firm += rg->capacity_credit[j] * y[dcg_ix_G(l, r, j)];
	a.peak = rg->peak_factor * y[dcg_ix_B(l, r)] + m->grid.dc_peak_factor * fac_gw;
	a.mpre = a.peak > 0.0 ? (a.firm - a.peak) / a.peak : 0.0;
	return a;
}

/* Flow of corridor l (GW, positive from its `from` to its `to` region) for
 * the pre-trade margins of its two ends and its rating (GW) at the time. */
static inline double dcg__corridor_flow(const struct dcg_model *m, size_t l,
					double mpre_from, double mpre_to,
					double rating)
{
	const struct dcg_corridor *c = &m->corridors[l];
	double x = tanh((mpre_from - mpre_to) / m->grid.flow_scale);
	double wg = m->grid.gate_width;
	double da = dcg__logistic((mpre_from - m->regions[c->from].reserve_min) / wg);
	double db = dcg__logistic((mpre_to - m->regions[c->to].reserve_min) / wg);
	return rating * (da * dcg__pos(x, DCG_SMOOTH_REL) - db * dcg__pos(-x, DCG_SMOOTH_REL));
}

/* Reserve margin after trade from the peak demand, the firm capacity and
 * the net import imp (GW). */
static inline double dcg__margin(double peak, double firm, double imp)
{
	return peak > 0.0 ? (firm + imp - peak) / peak : 0.0;
}

#endif
