/* The series table: every output dataset with its dimensions and units.
 * The HDF5 writer, exporters and docs are driven by it. */
#include "dcgrid/model.h"

static const struct dcg_series_info table[DCG_SER_COUNT] = {
	[DCG_SER_RACKS] = {"datacenter", "racks", DCG_DIMS_TRK, "1",
			   "physical racks in service", NULL, false},
	[DCG_SER_RACKS_PIPELINE] = {"datacenter", "racks_pipeline", DCG_DIMS_TRK,
				    "1", "racks ordered and under construction",
				    NULL, false},
	[DCG_SER_IT_CAPACITY] = {"datacenter", "it_capacity", DCG_DIMS_TRK, "MW",
				 "IT power capacity in service", NULL, false},
	[DCG_SER_COMPUTE] = {"datacenter", "compute", DCG_DIMS_TRK, "PFLOPS",
			     "compute capacity in service", NULL, false},
	[DCG_SER_ORDERS] = {"datacenter", "orders", DCG_DIMS_TRK, "1/year",
			    "rack orders per year", NULL, false},
	[DCG_SER_IT_LOAD] = {"datacenter", "it_load", DCG_DIMS_TR, "GW",
			     "IT load (capacity times utilisation)", NULL, false},
	[DCG_SER_FACILITY_LOAD] = {"datacenter", "facility_load", DCG_DIMS_TR,
				   "GW", "facility load (IT load times PUE)",
				   NULL, false},
	[DCG_SER_ENERGY] = {"datacenter", "energy", DCG_DIMS_TR, "TWh/year",
			    "data-center electricity use, annual rate", NULL,
			    false},
	[DCG_SER_PUE] = {"datacenter", "pue", DCG_DIMS_TR, "1",
			 "power usage effectiveness", NULL, false},
	[DCG_SER_STANDARD_RACKS] = {"datacenter", "standard_racks", DCG_DIMS_TR,
				    "1",
				    "MIIT standard racks (2.5 kW of IT capacity "
				    "each)",
				    NULL, false},
	[DCG_SER_DEMAND_SHARE] = {"datacenter", "demand_share", DCG_DIMS_TR, "1",
				  "regional share of compute demand", NULL,
				  false},
	[DCG_SER_COMPUTE_DEMAND] = {"datacenter", "compute_demand", DCG_DIMS_T,
				    "PFLOPS", "national compute demand, all "
				    "segments", NULL, false},
	[DCG_SER_SEGMENT_DEMAND] = {"datacenter", "segment_demand", DCG_DIMS_TS,
				    "PFLOPS", "national compute demand by "
				    "segment", NULL, false},
	[DCG_SER_SUPPLY_CAP] = {"datacenter", "supply_cap", DCG_DIMS_TK, "1",
				"perceived national supply-cap factor", NULL,
				false},
	[DCG_SER_BASE_DEMAND] = {"grid", "base_demand", DCG_DIMS_TR, "GW",
				 "electricity demand other than data centers, "
				 "average", NULL, true},
	[DCG_SER_DEMAND] = {"grid", "demand", DCG_DIMS_TR, "GW",
			    "electricity demand including data centers, "
			    "average", NULL, true},
	[DCG_SER_PEAK_DEMAND] = {"grid", "peak_demand", DCG_DIMS_TR, "GW",
				 "demand at the critical hours (those of the "
				 "lowest reserve margin)", NULL, true},
	[DCG_SER_FIRM_CAPACITY] = {"grid", "firm_capacity", DCG_DIMS_TR, "GW",
				   "available thermal capacity ((1 - forced-"
				   "outage rate) times capacity)", NULL, true},
	[DCG_SER_RESERVE_MARGIN] = {"grid", "reserve_margin", DCG_DIMS_TR, "1",
				    "reserve margin after trade at the critical "
				    "hours: (firm + imports - net load) / demand",
				    NULL, true},
	[DCG_SER_NET_IMPORT] = {"grid", "net_import", DCG_DIMS_TR, "GW",
				"net import over corridors at the critical "
				"hours", NULL, true},
	[DCG_SER_UNSERVED] = {"grid", "unserved", DCG_DIMS_TR, "GW",
			      "unserved energy, average power", NULL, true},
	[DCG_SER_PRICE_INDEX] = {"grid", "price_index", DCG_DIMS_TR, "1",
				 "scarcity price index (1 = adequate)", NULL,
				 true},
	[DCG_SER_EMISSIONS] = {"grid", "emissions", DCG_DIMS_TR, "Mt/year",
			       "CO2 emissions of generation, annual rate", NULL,
			       true},
	[DCG_SER_CONNECTION_GATE] = {"grid", "connection_gate", DCG_DIMS_TR, "1",
				     "share of new data-center expansion that "
				     "gets connected", NULL, true},
	[DCG_SER_CAPACITY] = {"grid", "capacity", DCG_DIMS_TRJ, "GW",
			      "generation capacity in service", NULL, true},
	[DCG_SER_CAPACITY_PIPELINE] = {"grid", "capacity_pipeline", DCG_DIMS_TRJ,
				       "GW", "generation capacity under "
				       "construction", NULL, true},
	[DCG_SER_GENERATION] = {"grid", "generation", DCG_DIMS_TRJ, "GW",
				"generation, average power", NULL, true},
	[DCG_SER_CURTAILMENT] = {"grid", "curtailment", DCG_DIMS_TRJ, "GW",
				 "curtailed variable generation, average power",
				 NULL, true},
	[DCG_SER_FLOW] = {"grid", "flow", DCG_DIMS_TL, "GW",
			  "corridor flow, average power sent, positive from "
			  "`from` to `to`", NULL, true},
	[DCG_SER_NET_PEAK] = {"grid", "net_peak", DCG_DIMS_TR, "GW",
			      "net load at the critical hours: demand less "
			      "variable, must-run, hydro and storage output",
			      NULL, true},
	[DCG_SER_LOLE] = {"grid", "lole", DCG_DIMS_TR, "h/year",
			  "loss-of-load expectation", NULL, true},
	[DCG_SER_EUE] = {"grid", "eue", DCG_DIMS_TR, "GWh/year",
			 "expected unserved energy", NULL, true},
	[DCG_SER_STORAGE_CHARGE] = {"grid", "storage_charge", DCG_DIMS_TR, "GW",
				    "storage charging, average power (its "
				    "discharge is the storage technologies' "
				    "generation)", NULL, true},
	[DCG_SER_CURTAILMENT_TOTAL] = {"grid", "surplus", DCG_DIMS_TR, "GW",
				       "generation curtailed or spilled, "
				       "average power", NULL, true},
	[DCG_SER_CAPACITY_CREDIT] = {"grid", "capacity_credit", DCG_DIMS_TRJ,
				     "1",
				     "measured capacity credit: output at the "
				     "critical hours per unit of capacity "
				     "(thermal: 1 - forced-outage rate)",
				     NULL, true},
	[DCG_SER_FUEL] = {"grid", "fuel_use", DCG_DIMS_TRJ, "PJ/year",
			  "fuel burnt: generation times heat rate, annual rate",
			  NULL, true},
	[DCG_SER_INVESTMENT] = {"grid", "investment", DCG_DIMS_TRJ, "GW/year",
				"generation investment admitted (within the "
				"build caps)", NULL, true},
	[DCG_SER_UNMET_INVESTMENT] = {"grid", "unmet_investment", DCG_DIMS_TRJ,
				      "GW/year", "investment wanted but held "
				      "back by the build caps", NULL, true},
	[DCG_SER_RETIREMENTS] = {"grid", "retirements", DCG_DIMS_TRJ, "GW/year",
				 "capacity retiring by age", NULL, true},
	[DCG_SER_CLOSURES] = {"grid", "closures", DCG_DIMS_TRJ, "GW/year",
			      "planned closures (negative planned additions)",
			      NULL, true},
	[DCG_SER_CAPACITY_APPROVAL] = {"grid", "capacity_approval", DCG_DIMS_TRJ,
				       "GW", "generation capacity in approval, "
				       "before construction", NULL, true},
	[DCG_SER_CUM_DC_ENERGY] = {"cumulative", "dc_energy", DCG_DIMS_TR, "TWh",
				   "data-center electricity since the start",
				   NULL, false},
	[DCG_SER_CUM_UNSERVED] = {"cumulative", "unserved_energy", DCG_DIMS_TR,
				  "TWh", "unserved energy since the start", NULL,
				  true},
	[DCG_SER_CUM_EMISSIONS] = {"cumulative", "emissions", DCG_DIMS_TR, "Mt",
				   "CO2 emissions since the start", NULL, true},
};

const struct dcg_series_info *dcg_series_info(enum dcg_series_id id)
{
	return (unsigned)id < DCG_SER_COUNT ? &table[id] : NULL;
}

size_t dcg_series_width(const struct dcg_model *m, enum dcg_series_id id)
{
	const struct dcg_series_info *s = dcg_series_info(id);
	if (!s || (s->grid_only && !m->grid_enabled))
		return 0;
	switch (s->dims) {
	case DCG_DIMS_T:
		return 1;
	case DCG_DIMS_TS:
		return m->S;
	case DCG_DIMS_TR:
		return m->R;
	case DCG_DIMS_TRK:
		return m->R * m->K;
	case DCG_DIMS_TK:
		return m->K;
	case DCG_DIMS_TRJ:
		return m->R * m->J;
	case DCG_DIMS_TL:
		return m->L;
	}
	return 0;
}
