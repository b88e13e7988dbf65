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
	/* per region: dispatch totals (day-weighted means, GW; emissions Mt/yr) */
	double *unserved, *emis, *charge, *discharge, *curt_total;
	/* Hourly view (grid only), H = D * DCG_HOURS values per region:
	 * load_h (GW), net_h = load - variable - hydro - storage (GW, before
	 * trade), hyd_h (hydro output), dis_h and chg_h (storage discharge and
	 * charge), imp_h (net import after losses); per corridor flow_h (GW
	 * sent from its from end, negative the other way). */
	size_t H;
	double *hourly; /* the block the hourly arrays below live in */
	double *load_h, *net_h, *hyd_h, *dis_h, *chg_h, *imp_h, *flow_h;
	/* per region: capacity of the outage-exposed fleet (thermal and
	 * must-run) in service (Cn) and available on average (A = Cn - mu),
	 * the reserve margin's critical-hour weights' sums: net load, load
	 * and imports there, and the variable technologies' credits (J). */
	double *cn, *avail, *netpeak, *loadpeak, *imppeak, *credit;
	double *bpeak, *cpeak; /* load and DC shapes at the critical hours */
	double *stor_crit, *hyd_crit; /* storage and hydro output there (GW) */
	/* Thermal technologies in merit order (dispatch.c), and their
	 * variable costs at the last t (J each). */
	size_t *merit;
	double *merit_cost;
	/* per region: LOLE (h/yr) and EUE (GWh/yr), computed in the
	 * right-hand side only when the standard or the gate reads LOLE */
	double *lole, *eue;
	/* Planning (cohorts.c, investment.c), one block from plan: per region x
	 * technology, GW/yr */
	double *plan, *retire, *add, *close, *start, *desired, *invest, *unmet;
	/* per technology: national desired investment, build-cap factor */
	double *invest_nat, *cap_build;
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

/* Below this LOLE (h/yr) the adequacy metric ln(standard / LOLE) stops
 * growing: a region with no loss of load at all stays finite. */
#define DCG_LOLE_FLOOR_H 1e-6

/* The grid's hourly adequacy at (t, y) after the loads (rhs.c): hours,
 * corridors, margins, LOLE where needed, gate and price. */
void dcg__grid_adequacy(const struct dcg_model *m, struct dcg_work *w,
			const double *y);

/* Whether the right-hand side needs LOLE (standard or gate read it). */
bool dcg__needs_lole(const struct dcg_model *m);

/* Region r's adequacy against its threshold for a standard (> 0 adequate):
 * RM - RMmin, or ln(LOLE standard / (LOLE + floor)). */
double dcg__adequacy_metric(const struct dcg_model *m, const struct dcg_work *w,
			    size_t r, enum dcg_standard which);

#endif
