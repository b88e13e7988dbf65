/* The grid by the hour, internal to model/: each piece in its own file.
 *
 *   hours.c     a region's hours before trade: load, variable output, hydro
 *               and storage on the peaks, the net load, the firm fleet
 *   corridors.c corridor flows by the hour, with losses
 *   adequacy.c  reserve margin at the critical hours, LOLP/LOLE/EUE from
 *               outages, capacity credits
 *   dispatch.c  energy by the hour in merit order: generation, curtailment,
 *               unserved energy, emissions
 *
 * The right-hand side (rhs.c) calls them in that order; each works on the
 * work area's hourly arrays (model_internal.h) and allocates nothing.
 */
#ifndef DCGRID_MODEL_HOURS_H
#define DCGRID_MODEL_HOURS_H

#include <stdbool.h>
#include <stddef.h>

#include "dcgrid/model.h"

struct dcg_work;

/* Region r's hours before trade from the states y and its facility load
 * w->fac_gw[r]: fills w->load_h, net_h, hyd_h, dis_h, chg_h (region r's
 * H values) and w->cn[r], w->avail[r]. */
void dcg__region_hours(const struct dcg_model *m, struct dcg_work *w,
		       const double *y, size_t r);

/* Corridor l's flows by the hour (w->flow_h) from its two ends' net loads
 * and firm fleets and its rating at the time (GW). */
void dcg__corridor_hours(const struct dcg_model *m, struct dcg_work *w,
			 size_t l, double rating);

/* Adds corridor l's flows, less losses, to its ends' imports (w->imp_h). */
void dcg__corridor_imports(const struct dcg_model *m, struct dcg_work *w,
			   size_t l);

/* Corridor l's losses by the hour (GW), given its flow f (GW sent). */
double dcg__corridor_loss(const struct dcg_model *m, size_t l, double f);

/* Region r's reserve margin at its critical hours (w->rm[r]) and the
 * weighted net load, load, imports and variable technologies' credits
 * there (w->netpeak, loadpeak, imppeak, credit). */
void dcg__region_margin(const struct dcg_model *m, struct dcg_work *w, size_t r);

/* Region r's loss-of-load expectation (h/yr) and expected unserved energy
 * (GWh/yr) from the outage distribution of its firm fleet; lolp (H, may be
 * NULL) receives the hourly loss-of-load probabilities. */
void dcg__region_lole(const struct dcg_model *m, const struct dcg_work *w,
		      const double *y, size_t r, double *lole_h, double *eue_gwh,
		      double *lolp);

/* Hourly detail of a region's dispatch (each H values, or NULL). */
struct dcg__hourly_out {
	double *gen;      /* J x H: generation by technology (GW; storage:
			     discharge) */
	double *curt;     /* H: curtailment */
	double *unserved; /* H */
	double *charge;   /* H: storage charging */
};

/* Region r's energy by the hour in merit order (after dcg__region_hours
 * and the imports): the day-weighted means in w->gen, curt, unserved,
 * emis, charge, discharge; the hourly detail into out when not NULL. */
void dcg__region_dispatch(const struct dcg_model *m, struct dcg_work *w,
			  double t, const double *y, size_t r,
			  const struct dcg__hourly_out *out);

#endif
