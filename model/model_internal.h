/* Internal to model/: the right-hand side's scratch space. */
#ifndef DCGRID_MODEL_INTERNAL_H
#define DCGRID_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "dcgrid/model.h"

/* Everything the right-hand side computes on the way, kept so that the
 * derived series and the quadratures reuse one evaluation. Sized once per
 * model; nothing is allocated per call. */
struct dcg_work {
	const struct dcg_model *m;
	/* per class */
	double *mix, *c_new, *w_new, *cap_inst, *orders_nat;
	/* per segment */
	double *dD, *tau_seg, *mix_den;
	/* per region */
	double *it_gw, *fac_gw, *dfac, *peak, *firm, *mpre, *imp, *rm, *gate,
		*price, *attract;
	/* per region x segment */
	double *repl, *grow, *gap;
	/* per region x class */
	double *orders;
	/* per corridor */
	double *flow;
	/* per region x technology (dispatch) */
	double *gen, *curt;
	/* per region: dispatch totals */
	double *unserved, *emis;
	double price_nat;
	double share_scale; /* 1 / sum of the share states */
	/* The regions' schedule values at sched_t, DCG_SV_COUNT + 2 J per
	 * region (see rhs.c): CVODE evaluates the right-hand side several times
	 * at one t, and at thousands of regions reading the schedules' own
	 * scattered arrays cost more than the equations. */
	double *sv, sched_t;
	unsigned char *sv_dyn; /* per region: which values vary in time */
	double *rating;        /* per corridor: its rating at sched_t (GW) */
	bool sched_valid;
	/* Set by the event function: stop once reserve margins are known. */
	bool adequacy_only;
	/* Corridors incident to each region, in increasing corridor order
	 * (CSR: region r's are inc[inc_ptr[r]] .. inc[inc_ptr[r + 1] - 1]);
	 * NULL without a grid. Built by dcg__roots_init for the region-local
	 * event function. */
	size_t *inc_ptr, *inc;
};

/* Evaluates everything but the dispatch at (t, y); fills ydot if non-NULL. */
int dcg__model_eval(const struct dcg_model *m, struct dcg_work *w, double t,
		    const double *y, double *ydot);

/* Builds w->inc_ptr and w->inc (roots.c). Returns 0 or DCG_ENOMEM. */
int dcg__roots_init(struct dcg_work *w);

/* Energy dispatch of region r (needs dcg__model_eval first). */
void dcg__model_dispatch(const struct dcg_model *m, struct dcg_work *w,
			 double t, const double *y, size_t r);

#endif
