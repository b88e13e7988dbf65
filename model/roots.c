/* Reserve-margin event functions (docs/model.md, "Integrals and events"):
 *
 *   g[r] = RM[r] - RMmin[r]        (RM after trade, model/adequacy.h)
 *
 * dcg_model_roots gives every region's g from one adequacy-only evaluation
 * of the model, O(R (K + J) + L). dcg_model_root_region gives one region's
 * g from the states it depends on: its own W, PUE, B and G, and its corridor
 * neighbours' (whose pre-trade margins set the corridor flows), in
 * O(degree (K + J)). Both go through the helpers of adequacy.h and sum a
 * region's corridor flows in corridor order, so they agree bit for bit.
 */
#include <stdlib.h>

#include "adequacy.h"
#include "dcgrid/model.h"
#include "model_internal.h"

int dcg__roots_init(struct dcg_work *w)
{
	const struct dcg_model *m = w->m;
	size_t R = m->R, L = m->L;
	if (!m->grid_enabled)
		return 0;
	w->inc_ptr = calloc(R + 1, sizeof *w->inc_ptr);
	w->inc = malloc((2 * L + 1) * sizeof *w->inc);
	if (!w->inc_ptr || !w->inc)
		return DCG_ENOMEM;
	for (size_t l = 0; l < L; l++) {
		w->inc_ptr[m->corridors[l].from + 1]++;
		w->inc_ptr[m->corridors[l].to + 1]++;
	}
	for (size_t r = 0; r < R; r++)
		w->inc_ptr[r + 1] += w->inc_ptr[r];
	/* Filling in corridor order keeps each region's list sorted; the
	 * running position of a region is its start plus what it holds. */
	size_t *pos = calloc(R + 1, sizeof *pos);
	if (!pos)
		return DCG_ENOMEM;
	for (size_t l = 0; l < L; l++) {
		size_t a = m->corridors[l].from, b = m->corridors[l].to;
		w->inc[w->inc_ptr[a] + pos[a]++] = l;
		w->inc[w->inc_ptr[b] + pos[b]++] = l;
	}
	free(pos);
	return 0;
}

size_t dcg_model_nroots(const struct dcg_model *m)
{
	return m->grid_enabled && m->events ? m->R : 0;
}

int dcg_model_roots(const struct dcg_model *m, struct dcg_work *w, double t,
		    const double *y, double *g)
{
	w->adequacy_only = true;
	int rc = dcg__model_eval(m, w, t, y, NULL);
	w->adequacy_only = false;
	if (rc)
		return rc;
	for (size_t r = 0; r < m->R; r++)
		g[r] = w->rm[r] - m->regions[r].reserve_min;
	return 0;
}

static double mpre_of(const struct dcg_model *m, const double *y, size_t r)
{
	double fac = dcg__it_gw(m, y, r) * y[dcg_ix_pue(&m->layout, r)];
	return dcg__pretrade(m, y, r, fac).mpre;
}

double dcg_model_root_region(const struct dcg_model *m, const struct dcg_work *w,
			     double t, const double *y, size_t r)
{
	const struct dcg_region *rg = &m->regions[r];
	if (!m->grid_enabled)
		return 0.0 - rg->reserve_min;
	double fac = dcg__it_gw(m, y, r) * y[dcg_ix_pue(&m->layout, r)];
	struct dcg__pretrade a = dcg__pretrade(m, y, r, fac);
	/* The same operations, in the same order, as the whole model's
	 * imp[r]: starting from 0, minus each flow out of a corridor r sends
	 * on, plus each flow in, by increasing corridor index. */
	double imp = 0.0;
	for (size_t i = w->inc_ptr[r]; i < w->inc_ptr[r + 1]; i++) {
		size_t l = w->inc[i];
		const struct dcg_corridor *c = &m->corridors[l];
		if (c->from == r)
			imp -= dcg__corridor_flow(m, l, a.mpre, mpre_of(m, y, c->to),
						   dcg_schedule_eval(&c->rating_gw, t));
		else
			imp += dcg__corridor_flow(m, l, mpre_of(m, y, c->from), a.mpre,
						   dcg_schedule_eval(&c->rating_gw, t));
	}
	return dcg__margin(a.peak, a.firm, imp) - rg->reserve_min;
}

/* Appends the states region q's pre-trade margin reads. */
static size_t list_region(const struct dcg_model *m, size_t q, size_t *ix, size_t n)
{
	const struct dcg_layout *l = &m->layout;
	for (size_t k = 0; k < m->K; k++, n++)
		if (ix)
			ix[n] = dcg_ix_W(l, q, k);
	if (ix) {
		ix[n] = dcg_ix_pue(l, q);
		ix[n + 1] = dcg_ix_B(l, q);
	}
	n += 2;
	for (size_t j = 0; j < m->J; j++, n++)
		if (ix)
			ix[n] = dcg_ix_G(l, q, j);
	return n;
}

size_t dcg_model_root_states(const struct dcg_model *m, const struct dcg_work *w,
			     size_t r, size_t *ix)
{
	if (!m->grid_enabled)
		return 0;
	size_t n = list_region(m, r, ix, 0);
	for (size_t i = w->inc_ptr[r]; i < w->inc_ptr[r + 1]; i++) {
		const struct dcg_corridor *c = &m->corridors[w->inc[i]];
		n = list_region(m, c->from == r ? c->to : c->from, ix, n);
	}
	return n;
}
