/* The hourly view of one time (written to /hourly at chosen years): the
 * representative days' load, net load, generation by technology, storage
 * charging, curtailment, unserved energy, imports, loss-of-load
 * probability and corridor flows, from one evaluation of the model
 * (hours.c, corridors.c, adequacy.c, dispatch.c).
 */
#include <string.h>

#include "dcgrid/model.h"
#include "hours.h"
#include "model_internal.h"

static const struct dcg_hourly_info table[DCG_HR_COUNT] = {
	[DCG_HR_LOAD] = {"load", 'r', "GW", "electricity demand including data "
					     "centers"},
	[DCG_HR_NET_LOAD] = {"net_load", 'r', "GW",
			     "demand less variable, must-run, hydro and "
			     "storage output (what thermal plants and imports "
			     "cover)"},
	[DCG_HR_GENERATION] = {"generation", 'j', "GW",
			       "generation by technology (storage: "
			       "discharge)"},
	[DCG_HR_CHARGE] = {"storage_charge", 'r', "GW", "storage charging"},
	[DCG_HR_CURTAILMENT] = {"curtailment", 'r', "GW",
				"generation curtailed or spilled"},
	[DCG_HR_UNSERVED] = {"unserved", 'r', "GW",
			     "load not served by the expected available "
			     "capacity"},
	[DCG_HR_IMPORT] = {"net_import", 'r', "GW",
			   "net import over corridors, after losses"},
	[DCG_HR_LOLP] = {"lolp", 'r', "1",
			 "loss-of-load probability from thermal outages"},
	[DCG_HR_FLOW] = {"flow", 'l', "GW",
			 "corridor flow sent, positive from `from` to `to`"},
};

const struct dcg_hourly_info *dcg_hourly_info(enum dcg_hourly_id id)
{
	return (unsigned)id < DCG_HR_COUNT ? &table[id] : NULL;
}

size_t dcg_hourly_width(const struct dcg_model *m, enum dcg_hourly_id id)
{
	const struct dcg_hourly_info *h = dcg_hourly_info(id);
	if (!h || !m->grid_enabled)
		return 0;
	size_t H = m->D * DCG_HOURS;
	switch (h->over) {
	case 'j':
		return m->R * m->J * H;
	case 'l':
		return m->L * H;
	default:
		return m->R * H;
	}
}

int dcg_model_hourly(const struct dcg_model *m, struct dcg_work *w, double t,
		     const double *y, double *const *out)
{
	if (!m->grid_enabled)
		return 0;
	w->adequacy_only = true;
	int rc = dcg__model_eval(m, w, t, y, NULL);
	w->adequacy_only = false;
	if (rc)
		return rc;
	size_t R = m->R, J = m->J, H = w->H;
	for (size_t r = 0; r < R; r++) {
		double *o;
		struct dcg__hourly_out ho = {
			out[DCG_HR_GENERATION] ? &out[DCG_HR_GENERATION][r * J * H] : NULL,
			out[DCG_HR_CURTAILMENT] ? &out[DCG_HR_CURTAILMENT][r * H] : NULL,
			out[DCG_HR_UNSERVED] ? &out[DCG_HR_UNSERVED][r * H] : NULL,
			out[DCG_HR_CHARGE] ? &out[DCG_HR_CHARGE][r * H] : NULL,
		};
		dcg__region_dispatch(m, w, t, y, r, &ho);
		if ((o = out[DCG_HR_LOAD]))
			memcpy(&o[r * H], &w->load_h[r * H], H * sizeof *o);
		if ((o = out[DCG_HR_NET_LOAD]))
			memcpy(&o[r * H], &w->net_h[r * H], H * sizeof *o);
		if ((o = out[DCG_HR_IMPORT]))
			memcpy(&o[r * H], &w->imp_h[r * H], H * sizeof *o);
		if ((o = out[DCG_HR_LOLP])) {
			double lole, eue;
			dcg__region_lole(m, w, y, r, &lole, &eue, &o[r * H]);
		}
	}
	if (out[DCG_HR_FLOW])
		memcpy(out[DCG_HR_FLOW], w->flow_h, m->L * H * sizeof(double));
	return 0;
}
