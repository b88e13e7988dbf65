/* Adequacy event functions (docs/model.md, "Integrals and events"):
 *
 *   g[r] = RM[r] - RMmin[r]                  (standard "reserve_margin")
 *   g[r] = ln(LOLE standard / LOLE[r])       (standard "lole")
 *
 * from the hourly adequacy (hours.c, corridors.c, adequacy.c).
 * dcg_model_roots gives every region's g from one adequacy-only evaluation
 * of the model. dcg_model_root_region gives one region's g from the states
 * it depends on: its own W, PUE, B and G, and its corridor neighbours'
 * (whose hours set the corridor flows), in O(degree D 24 J). Both go
 * through the same functions and sum a region's corridor imports in
 * corridor order, so they agree bit for bit.
 */
#include <stdlib.h>

#include "adequacy.h"
#include "hours.h"
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
		g[r] = dcg__adequacy_metric(m, w, r, m->grid.standard);
	return 0;
}

/* Region q's hours before trade, from its own states alone. */
static void hours_of(const struct dcg_model *m, struct dcg_work *w,
		     const double *y, size_t q)
{
	w->fac_gw[q] = dcg__it_gw(m, y, q) * y[dcg_ix_pue(&m->layout, q)];
	dcg__region_hours(m, w, y, q);
}

double dcg_model_root_region(const struct dcg_model *m, struct dcg_work *w,
			     double t, const double *y, size_t r)
{
	const struct dcg_region *rg = &m->regions[r];
	if (!m->grid_enabled)
		return 0.0 - rg->reserve_min;
	size_t H = w->H;
	hours_of(m, w, y, r);
	for (size_t i = w->inc_ptr[r]; i < w->inc_ptr[r + 1]; i++) {
		const struct dcg_corridor *c = &m->corridors[w->inc[i]];
		hours_of(m, w, y, c->from == r ? c->to : c->from);
	}
	/* The same operations, in the same order, as the whole model's
	 * imports of r: from 0, each incident corridor by increasing index
	 * (the neighbours' imports are left as scratch). */
	for (size_t i = 0; i < H; i++)
		w->imp_h[r * H + i] = 0.0;
	for (size_t i = w->inc_ptr[r]; i < w->inc_ptr[r + 1]; i++) {
		size_t l = w->inc[i];
		dcg__corridor_hours(m, w, l, dcg_schedule_eval(&m->corridors[l].rating_gw, t));
		dcg__corridor_imports(m, w, l);
	}
	dcg__region_margin(m, w, r);
	if (m->grid.standard == DCG_STD_LOLE)
		dcg__region_lole(m, w, y, r, &w->lole[r], &w->eue[r], NULL);
	return dcg__adequacy_metric(m, w, r, m->grid.standard);
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
