/* The parameter table: every key of a scenario file with its type, field,
 * range, unit, default and description (see params.h), and the two
 * consumers that only read it: dcg_config_visit (HDF5 attributes) and
 * dcg_config_reference (docs/config.md and `dcgrid config --keys`).
 *
 * Loading and validation live in config.c, the dump in dump.c; all three
 * walk this one table, so a key added here is parsed, checked, dumped,
 * stored in the HDF5 file and documented without further code.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"

/* Enum fields are written through an int; the enums must be int-sized. */
_Static_assert(sizeof(enum dcg_method) == sizeof(int), "enum size");
_Static_assert(sizeof(enum dcg_linsol) == sizeof(int), "enum size");
_Static_assert(sizeof(enum dcg_precond) == sizeof(int), "enum size");
_Static_assert(sizeof(enum dcg_tech_kind) == sizeof(int), "enum size");
_Static_assert(sizeof(enum dcg_standard) == sizeof(int), "enum size");
_Static_assert(sizeof(enum dcg_load_shape) == sizeof(int), "enum size");

const char *const dcg__interp_names[] = {"linear", "step", "log", NULL};
static const char *const method_names[] = {"bdf", "adams", "auto", NULL};
static const char *const precond_names[] = {"auto", "none", "block", NULL};
static const char *const linsol_names[] = {"auto", "dense", "klu", "gmres",
					   NULL};
static const char *const kind_names[] = {"must_run", "variable", "thermal",
					 "hydro",    "storage",  NULL};
static const char *const standard_names[] = {"reserve_margin", "lole", NULL};
static const char *const load_shape_names[] = {"dual_peak", "summer_peak",
					       "winter_peak", NULL};

#define NO_MAX INFINITY
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MODEL(f) offsetof(struct dcg_model, f)
#define GRIDP(f) offsetof(struct dcg_grid_params, f)
#define SEG(f) offsetof(struct dcg_segment, f)
#define CLS(f) offsetof(struct dcg_class, f)
#define REG(f) offsetof(struct dcg_region, f)
#define TECH(f) offsetof(struct dcg_tech, f)
#define COR(f) offsetof(struct dcg_corridor, f)
#define PROF(f) offsetof(struct dcg_region, profile.f)

static const struct dcg__param horizon_params[] = {
	{.key = "start", .type = DCG__P_DOUBLE, .offset = MODEL(t0),
	 .min = 1900, .max = 2200, .dflt = DCG__D_REQUIRED, .unit = "yr",
	 .doc = "first year of the projection (decimal year)"},
	{.key = "end", .type = DCG__P_DOUBLE, .offset = MODEL(t1),
	 .flags = DCG__F_NORANGE, .min = -NO_MAX, .max = NO_MAX,
	 .dflt = DCG__D_REQUIRED, .unit = "yr",
	 .range_text = "(start, start + 500]",
	 .doc = "end of the projection (decimal year)"},
	{.key = "output_step_yr", .type = DCG__P_DOUBLE,
	 .offset = MODEL(output_step_yr), .flags = DCG__F_MIN_OPEN, .min = 0,
	 .max = 500, .dflt = DCG__D_NUMBER, .def = 0.25, .unit = "yr",
	 .doc = "interval between output points (at most 1000000 points)"},
};

static const struct dcg__param solver_params[] = {
	{.key = "rtol", .type = DCG__P_DOUBLE, .offset = MODEL(rtol),
	 .min = 1e-14, .max = 0.1, .dflt = DCG__D_NUMBER, .def = 1e-6,
	 .unit = "1", .doc = "relative tolerance"},
	{.key = "atol", .type = DCG__P_DOUBLE, .offset = MODEL(atol),
	 .min = 1e-16, .max = 0.1, .dflt = DCG__D_NUMBER, .def = 1e-6,
	 .unit = "1",
	 .doc = "absolute tolerance as a fraction of each state's typical "
		"size"},
	{.key = "method", .type = DCG__P_ENUM, .offset = MODEL(method),
	 .dflt = DCG__D_TEXT, .def_text = "auto", .names = method_names,
	 .unit = "",
	 .doc = "integration method: auto (Adams with a fixed-point "
		"corrector, switching to bdf once the system proves stiff), "
		"bdf or adams (both with Newton's method throughout)"},
	{.key = "linear_solver", .type = DCG__P_ENUM, .offset = MODEL(linsol),
	 .dflt = DCG__D_TEXT, .def_text = "auto", .names = linsol_names,
	 .unit = "",
	 .doc = "linear solver of the Newton iteration: auto picks dense for "
		"small systems and gmres above 60 states"},
	{.key = "preconditioner", .type = DCG__P_ENUM, .offset = MODEL(precond),
	 .dflt = DCG__D_TEXT, .def_text = "auto", .names = precond_names,
	 .unit = "",
	 .doc = "preconditioner of gmres: none, block (each region's diagonal "
		"block of a coloured difference Jacobian) or auto (none, "
		"switching to block for the rest of the run once GMRES needs "
		"many iterations or fails to converge)"},
	{.key = "max_steps", .type = DCG__P_INT, .offset = MODEL(max_steps),
	 .min = 10, .max = 100000000, .dflt = DCG__D_NUMBER, .def = 100000,
	 .unit = "1",
	 .doc = "maximum number of internal steps between output points"},
	{.key = "events", .type = DCG__P_BOOL, .offset = MODEL(events),
	 .dflt = DCG__D_NUMBER, .def = 1, .unit = "",
	 .doc = "locate reserve-margin crossings (checked after every solver "
		"step, each crossing located on its region alone: a few per cent "
		"of the solve; off, the solution is the same, without events)"},
};

static const struct dcg__param datacenter_params[] = {
	{.key = "pue_time_yr", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(pue_time_yr), .flags = DCG__F_MIN_OPEN, .min = 0.001,
	 .max = 100, .dflt = DCG__D_NUMBER, .def = 2.0, .unit = "yr",
	 .doc = "time for a region's PUE to approach its target"},
	{.key = "share_time_yr", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(share_time_yr), .flags = DCG__F_MIN_OPEN,
	 .min = 0.001, .max = 100, .dflt = DCG__D_NUMBER, .def = 3.0,
	 .unit = "yr",
	 .doc = "time for the regional demand shares to approach their "
		"targets"},
	{.key = "perception_time_yr", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(perception_time_yr), .flags = DCG__F_MIN_OPEN,
	 .min = 0.001, .max = 100, .dflt = DCG__D_NUMBER, .def = 0.2,
	 .unit = "yr",
	 .doc = "delay with which national aggregates (supply caps, price) "
		"are perceived"},
};

static const struct dcg__param segment_params[] = {
	{.key = "name", .type = DCG__P_NAME, .offset = SEG(name),
	 .size = DCG_NAME_MAX, .dflt = DCG__D_REQUIRED, .unit = "",
	 .doc = "segment name"},
	{.key = "initial_demand_pflops", .type = DCG__P_DOUBLE,
	 .offset = SEG(initial_demand_pflops), .flags = DCG__F_SENTINEL,
	 .min = 0, .max = 1e12, .dflt = DCG__D_NUMBER, .def = -1,
	 .unit = "PFLOPS",
	 .sentinel = "the installed compute at horizon.start",
	 .doc = "compute demand at horizon.start"},
	{.key = "growth", .type = DCG__P_SCHEDULE, .offset = SEG(growth),
	 .min = -1, .max = 5, .dflt = DCG__D_REQUIRED, .unit = "1/yr",
	 .doc = "growth rate of compute demand"},
	{.key = "saturation_pflops", .type = DCG__P_DOUBLE,
	 .offset = SEG(saturation_pflops), .flags = DCG__F_MIN_OPEN, .min = 0,
	 .max = NO_MAX, .dflt = DCG__D_NUMBER, .def = 1e12, .unit = "PFLOPS",
	 .doc = "demand level at which growth saturates"},
	{.key = "adjust_time_yr", .type = DCG__P_DOUBLE,
	 .offset = SEG(adjust_time_yr), .flags = DCG__F_MIN_OPEN, .min = 0.01,
	 .max = 100, .dflt = DCG__D_NUMBER, .def = 2.0, .unit = "yr",
	 .doc = "time to close a gap between demand and capacity"},
};

static const struct dcg__param class_params[] = {
	{.key = "name", .type = DCG__P_NAME, .offset = CLS(name),
	 .size = DCG_NAME_MAX, .dflt = DCG__D_REQUIRED, .unit = "",
	 .doc = "hardware class name"},
	{.key = "segment", .type = DCG__P_REF_SEGMENT, .offset = CLS(segment),
	 .dflt = DCG__D_REQUIRED, .unit = "",
	 .doc = "segment whose demand the class serves"},
	{.key = "build_time_yr", .type = DCG__P_DOUBLE,
	 .offset = CLS(build_time_yr), .flags = DCG__F_MIN_OPEN, .min = 0.01,
	 .max = 20, .dflt = DCG__D_REQUIRED, .unit = "yr",
	 .doc = "time from order to service of a rack"},
	{.key = "life_yr", .type = DCG__P_DOUBLE, .offset = CLS(life_yr),
	 .flags = DCG__F_MIN_OPEN, .min = 0.1, .max = 50,
	 .dflt = DCG__D_REQUIRED, .unit = "yr",
	 .doc = "service life of a rack"},
	{.key = "utilisation", .type = DCG__P_DOUBLE,
	 .offset = CLS(utilisation), .flags = DCG__F_MIN_OPEN, .min = 0,
	 .max = 1, .dflt = DCG__D_NUMBER, .def = 0.6, .unit = "1",
	 .doc = "IT load as a share of IT capacity"},
	{.key = "preference", .type = DCG__P_DOUBLE, .offset = CLS(preference),
	 .min = 0, .max = 1e6, .dflt = DCG__D_NUMBER, .def = 1.0, .unit = "1",
	 .doc = "weight of the class in its segment's orders"},
	{.key = "cancel_fraction", .type = DCG__P_DOUBLE,
	 .offset = CLS(cancel_fraction), .min = 0, .max = 1,
	 .dflt = DCG__D_NUMBER, .def = 0, .unit = "1",
	 .doc = "share of the pipeline cancelled when availability steps "
		"down to 0"},
	{.key = "kw_per_rack", .type = DCG__P_SCHEDULE,
	 .offset = CLS(kw_per_rack), .flags = DCG__F_MIN_OPEN, .min = 0,
	 .max = 2000, .dflt = DCG__D_REQUIRED, .unit = "kW/rack",
	 .doc = "IT capacity of a new rack"},
	{.key = "pflops_per_rack", .type = DCG__P_SCHEDULE,
	 .offset = CLS(pflops_per_rack), .flags = DCG__F_MIN_OPEN, .min = 0,
	 .max = 1e6, .dflt = DCG__D_REQUIRED, .unit = "PFLOPS/rack",
	 .doc = "compute of a new rack"},
	{.key = "availability", .type = DCG__P_SCHEDULE,
	 .offset = CLS(availability), .min = 0, .max = 1,
	 .dflt = DCG__D_NUMBER, .def = 1, .unit = "1",
	 .doc = "availability of new racks (0: none can be ordered)"},
	{.key = "supply_limit_racks_per_yr", .type = DCG__P_SCHEDULE,
	 .offset = CLS(supply_limit), .min = 0, .max = 1e9,
	 .dflt = DCG__D_UNSET, .aux_offset = CLS(has_supply_limit),
	 .unit = "racks/yr", .sentinel = "unlimited",
	 .doc = "national supply limit on new racks"},
	{.key = "initial_racks", .type = DCG__P_DOUBLE,
	 .offset = CLS(initial_racks), .min = 0, .max = 1e9,
	 .dflt = DCG__D_REQUIRED, .unit = "racks",
	 .doc = "racks in service nationally at horizon.start"},
	{.key = "initial_kw_per_rack", .type = DCG__P_DOUBLE,
	 .offset = CLS(initial_kw_per_rack),
	 .flags = DCG__F_MIN_OPEN | DCG__F_SENTINEL, .min = 0, .max = 2000,
	 .dflt = DCG__D_NUMBER, .def = -1, .unit = "kW/rack",
	 .sentinel = "the kw_per_rack schedule's value at horizon.start",
	 .doc = "average IT capacity of an installed rack at horizon.start"},
	{.key = "initial_pflops_per_rack", .type = DCG__P_DOUBLE,
	 .offset = CLS(initial_pflops_per_rack),
	 .flags = DCG__F_MIN_OPEN | DCG__F_SENTINEL, .min = 0, .max = 1e6,
	 .dflt = DCG__D_NUMBER, .def = -1, .unit = "PFLOPS/rack",
	 .sentinel = "the pflops_per_rack schedule's value at horizon.start",
	 .doc = "average compute of an installed rack at horizon.start"},
	{.key = "initial_pipeline_racks", .type = DCG__P_DOUBLE,
	 .offset = CLS(initial_pipeline_racks), .flags = DCG__F_SENTINEL,
	 .min = 0, .max = 1e9, .dflt = DCG__D_NUMBER, .def = -1,
	 .unit = "racks", .sentinel = "the steady-state pipeline",
	 .doc = "racks under construction nationally at horizon.start"},
};

/* Defaults of the regions' monthly profile settings (January to
 * December); sources in docs/model.md, "Hourly profiles". */
static const double default_clearness[DCG_MONTHS] = {
	0.50, 0.51, 0.49, 0.49, 0.50, 0.47, 0.46, 0.48, 0.48, 0.50, 0.50, 0.50};
static const double default_wind_monthly[DCG_MONTHS] = {
	1.05, 1.05, 1.20, 1.25, 1.10, 0.90, 0.80, 0.75, 0.85, 0.95, 1.05, 1.05};
static const double default_hydro_monthly[DCG_MONTHS] = {
	0.62, 0.58, 0.65, 0.75, 0.95, 1.25, 1.45, 1.45, 1.35, 1.15, 0.90, 0.70};

static const struct dcg__param region_profile_params[] = {
	{.key = "latitude_deg", .type = DCG__P_DOUBLE,
	 .offset = PROF(latitude_deg), .min = -66, .max = 66,
	 .dflt = DCG__D_NUMBER, .def = 35, .unit = "deg",
	 .doc = "latitude of the region's solar plants (north positive; "
		"within the polar circles)"},
	{.key = "longitude_deg", .type = DCG__P_DOUBLE,
	 .offset = PROF(longitude_deg), .min = -180, .max = 180,
	 .dflt = DCG__D_NUMBER, .def = 120, .unit = "deg",
	 .doc = "longitude (east positive): solar noon falls at clock hour "
		"12 + (15 hours.time_zone_h - longitude_deg)/15 less the "
		"equation of time"},
	{.key = "load_shape", .type = DCG__P_ENUM, .offset = PROF(load_shape),
	 .dflt = DCG__D_TEXT, .def_text = "dual_peak",
	 .names = load_shape_names, .unit = "",
	 .doc = "family of typical daily load curves of demand other than "
		"data centers: dual_peak (summer and winter peaks), "
		"summer_peak (air conditioning) or winter_peak (heating); "
		"scaled so that the highest hour is peak_factor"},
	{.key = "clearness", .type = DCG__P_ARRAY, .offset = PROF(clearness),
	 .size = DCG_MONTHS, .flags = DCG__F_MIN_OPEN, .min = 0, .max = 1,
	 .dflt = DCG__D_NUMBER, .defs = default_clearness, .unit = "1",
	 .doc = "monthly clearness index (global over extraterrestrial "
		"horizontal irradiation), January to December"},
	{.key = "solar_full_load_h", .type = DCG__P_DOUBLE,
	 .offset = PROF(solar_full_load_h), .flags = DCG__F_SENTINEL,
	 .min = 0, .max = 8760, .dflt = DCG__D_NUMBER, .def = -1,
	 .unit = "h/yr", .sentinel = "the solar technology's capacity_factor",
	 .doc = "annual full-load hours of solar in the region"},
	{.key = "wind_monthly", .type = DCG__P_ARRAY,
	 .offset = PROF(wind_monthly), .size = DCG_MONTHS, .min = 0, .max = 10,
	 .dflt = DCG__D_NUMBER, .defs = default_wind_monthly, .unit = "1",
	 .doc = "relative monthly wind output, January to December (scaled "
		"to the annual full-load hours)"},
	{.key = "wind_diurnal_amplitude", .type = DCG__P_DOUBLE,
	 .offset = PROF(wind_diurnal_amplitude), .flags = DCG__F_MAX_OPEN,
	 .min = 0, .max = 1, .dflt = DCG__D_NUMBER, .def = 0.1, .unit = "1",
	 .doc = "relative amplitude of the daily cycle of wind output"},
	{.key = "wind_peak_hour", .type = DCG__P_DOUBLE,
	 .offset = PROF(wind_peak_hour), .flags = DCG__F_MAX_OPEN, .min = 0,
	 .max = 24, .dflt = DCG__D_NUMBER, .def = 2, .unit = "h",
	 .doc = "clock hour at which wind output peaks"},
	{.key = "wind_full_load_h", .type = DCG__P_DOUBLE,
	 .offset = PROF(wind_full_load_h), .flags = DCG__F_SENTINEL,
	 .min = 0, .max = 8760, .dflt = DCG__D_NUMBER, .def = -1,
	 .unit = "h/yr", .sentinel = "the wind technology's capacity_factor",
	 .doc = "annual full-load hours of wind in the region"},
	{.key = "hydro_monthly", .type = DCG__P_ARRAY,
	 .offset = PROF(hydro_monthly), .size = DCG_MONTHS, .min = 0,
	 .max = 10, .dflt = DCG__D_NUMBER, .defs = default_hydro_monthly,
	 .unit = "1",
	 .doc = "relative monthly hydro inflow, January to December (scaled "
		"to the capacity factor)"},
};

static const struct dcg__section region_profile_section = {
	.item = "region profile", .base = DCG__B_REGION,
	.params = region_profile_params, .n = COUNT(region_profile_params)};

static const struct dcg__param region_grid_params[] = {
	{.key = "base_demand_twh", .type = DCG__P_DOUBLE,
	 .offset = REG(base_demand_gw), .min = 0, .max = 1e6,
	 .dflt = DCG__D_REQUIRED, .scale = 8.76, .unit = "TWh/yr",
	 .doc = "electricity demand other than data centers at "
		"horizon.start"},
	{.key = "base_growth", .type = DCG__P_SCHEDULE,
	 .offset = REG(base_growth), .min = -0.5, .max = 1,
	 .dflt = DCG__D_NUMBER, .def = 0, .unit = "1/yr",
	 .doc = "growth rate of demand other than data centers"},
	{.key = "peak_factor", .type = DCG__P_DOUBLE,
	 .offset = REG(peak_factor), .min = 1, .max = 5,
	 .dflt = DCG__D_NUMBER, .def = 1.3, .unit = "1",
	 .doc = "peak over average demand other than data centers"},
	{.key = "profile", .type = DCG__P_GROUP, .dflt = DCG__D_SECTION,
	 .sub = &region_profile_section, .unit = "",
	 .doc = "how the region's hourly profiles are made (hours)"},
	{.key = "reserve_min", .type = DCG__P_DOUBLE,
	 .offset = REG(reserve_min), .min = -1, .max = 2,
	 .dflt = DCG__D_NUMBER, .def = 0.05, .unit = "1",
	 .doc = "minimum reserve margin: below it the connection gate closes "
		"and an event is recorded"},
	{.key = "capacity_gw", .type = DCG__P_TECH_DOUBLES,
	 .offset = REG(capacity_gw), .min = 0, .max = 1e5,
	 .dflt = DCG__D_NUMBER, .def = 0, .unit = "GW",
	 .doc = "installed capacity at horizon.start, per technology"},
	{.key = "pipeline_gw", .type = DCG__P_TECH_DOUBLES,
	 .offset = REG(pipeline_gw), .flags = DCG__F_SENTINEL, .min = 0,
	 .max = 1e5, .dflt = DCG__D_NUMBER, .def = -1, .unit = "GW",
	 .sentinel = "the steady-state pipeline",
	 .doc = "capacity under construction at horizon.start, per "
		"technology"},
	{.key = "capacity_credit", .type = DCG__P_TECH_DOUBLES,
	 .offset = REG(capacity_credit), .min = 0, .max = 1,
	 .dflt = DCG__D_TECH_CREDIT, .unit = "1",
	 .doc = "share of capacity counted as firm at peak, per technology"},
	{.key = "planned_gw_per_yr", .type = DCG__P_TECH_SCHEDULES,
	 .offset = REG(planned_gw_per_yr), .min = -1e4, .max = 1e4,
	 .dflt = DCG__D_NUMBER, .def = 0, .unit = "GW/yr",
	 .doc = "planned capacity additions, per technology; negative values "
		"are planned closures (never more than is installed)"},
	{.key = "build_limit_gw_per_yr", .type = DCG__P_TECH_SCHEDULES,
	 .offset = REG(build_limit_gw_per_yr), .min = 0, .max = 1e6,
	 .dflt = DCG__D_NUMBER, .def = 1e6, .unit = "GW/yr",
	 .doc = "most new market-driven investment the region admits, per "
		"technology (1e6: no limit); the rest is reported as "
		"grid/unmet_investment"},
	{.key = "life_extension_gw_per_yr", .type = DCG__P_TECH_SCHEDULES,
	 .offset = REG(life_extension_gw_per_yr), .min = 0, .max = 1e4,
	 .dflt = DCG__D_NUMBER, .def = 0, .unit = "GW/yr",
	 .doc = "retirements deferred by life extensions, per technology (at "
		"most the retirements due)"},
	{.key = "mix", .type = DCG__P_TECH_SCHEDULES, .offset = REG(mix),
	 .min = 0, .max = 1, .dflt = DCG__D_NUMBER, .def = 0, .unit = "1",
	 .doc = "shares of market-driven investment per technology (positive "
		"sum at horizon.start)"},
};

static const struct dcg__section region_grid_section = {
	.item = "regional grid", .base = DCG__B_REGION,
	.params = region_grid_params, .n = COUNT(region_grid_params)};

static const struct dcg__param region_params[] = {
	{.key = "name", .type = DCG__P_NAME, .offset = REG(name),
	 .size = DCG_NAME_MAX, .dflt = DCG__D_REQUIRED, .unit = "",
	 .doc = "region name"},
	{.key = "initial_share", .type = DCG__P_DOUBLE,
	 .offset = REG(initial_share), .min = 0, .max = 1,
	 .dflt = DCG__D_REQUIRED, .unit = "1",
	 .doc = "share of national racks at horizon.start (the shares sum "
		"to 1)"},
	{.key = "policy_weight", .type = DCG__P_SCHEDULE,
	 .offset = REG(policy_weight), .min = 0, .max = 1e6,
	 .dflt = DCG__D_FROM_KEY, .aux_offset = REG(initial_share),
	 .unit = "1", .def_text = "initial_share",
	 .doc = "policy weight of the region in the demand-share targets"},
	{.key = "initial_pue", .type = DCG__P_DOUBLE,
	 .offset = REG(initial_pue), .min = 1, .max = 5,
	 .dflt = DCG__D_REQUIRED, .unit = "1",
	 .why_low = "PUE cannot be under 1",
	 .doc = "power usage effectiveness of the fleet at horizon.start"},
	{.key = "pue_target", .type = DCG__P_SCHEDULE,
	 .offset = REG(pue_target), .min = 1, .max = 5,
	 .dflt = DCG__D_FROM_KEY, .aux_offset = REG(initial_pue), .unit = "1",
	 .def_text = "initial_pue", .why_low = "PUE cannot be under 1",
	 .doc = "PUE that the region's fleet approaches"},
	{.key = "grid", .type = DCG__P_GROUP, .flags = DCG__F_GRID,
	 .dflt = DCG__D_REQUIRED, .sub = &region_grid_section, .unit = "",
	 .doc = "the region's power grid"},
};

static const struct dcg__param grid_params[] = {
	{.key = "reserve_target", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(reserve_target), .min = -0.5, .max = 2,
	 .dflt = DCG__D_NUMBER, .def = 0.15, .unit = "1",
	 .doc = "reserve margin that investment aims for"},
	{.key = "invest_time_yr", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(invest_time_yr), .flags = DCG__F_MIN_OPEN,
	 .min = 0.01, .max = 100, .dflt = DCG__D_NUMBER, .def = 1.0,
	 .unit = "yr", .doc = "time for investment to respond to a reserve gap"},
	{.key = "gate_width", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(gate_width), .flags = DCG__F_MIN_OPEN, .min = 1e-4,
	 .max = 1, .dflt = DCG__D_NUMBER, .def = 0.02, .unit = "1",
	 .doc = "reserve-margin width over which the connection gate closes"},
	{.key = "flow_scale", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(flow_scale), .flags = DCG__F_MIN_OPEN, .min = 1e-4,
	 .max = 10, .dflt = DCG__D_NUMBER, .def = 0.05, .unit = "1",
	 .doc = "reserve-margin difference at which a corridor carries its "
		"rating"},
	{.key = "transfer_factor", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(transfer_factor), .min = 0, .max = 1,
	 .dflt = DCG__D_NUMBER, .def = 0.6, .unit = "1",
	 .doc = "energy carried by a corridor over its rating"},
	{.key = "dc_peak_factor", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(dc_peak_factor), .min = 1, .max = 3,
	 .dflt = DCG__D_NUMBER, .def = 1.05, .unit = "1",
	 .doc = "peak over average data-center load"},
	{.key = "price_alpha", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(price_alpha), .min = 0, .max = 100,
	 .dflt = DCG__D_NUMBER, .def = 2.0, .unit = "1",
	 .doc = "rise of the price index at a full reserve shortfall"},
	{.key = "price_beta", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(price_beta), .flags = DCG__F_MIN_OPEN, .min = 1e-4,
	 .max = 10, .dflt = DCG__D_NUMBER, .def = 0.1, .unit = "1",
	 .doc = "reserve-margin scale of the price response"},
	{.key = "demand_price_elasticity", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(demand_price_elasticity), .min = 0, .max = 10,
	 .dflt = DCG__D_NUMBER, .def = 0.5, .unit = "1",
	 .doc = "elasticity of compute demand growth to the price index"},
	{.key = "share_price_elasticity", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(share_price_elasticity), .min = 0, .max = 50,
	 .dflt = DCG__D_NUMBER, .def = 2.0, .unit = "1",
	 .doc = "elasticity of the regional demand shares to regional "
		"prices"},
	{.key = "peak_smoothing", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(peak_smoothing), .flags = DCG__F_MIN_OPEN,
	 .min = 1e-4, .max = 0.2, .dflt = DCG__D_NUMBER, .def = 0.005,
	 .unit = "1",
	 .doc = "width (in reserve-margin units) of the smooth minimum over "
		"the hours that gives a region's reserve margin at its critical "
		"hours"},
	{.key = "standard", .type = DCG__P_ENUM, .offset = GRIDP(standard),
	 .dflt = DCG__D_TEXT, .def_text = "reserve_margin",
	 .names = standard_names, .unit = "",
	 .doc = "planning standard that shortfall events are judged by: "
		"reserve_margin (below regions' reserve_min) or lole (above "
		"lole_standard_h)"},
	{.key = "gate_reads", .type = DCG__P_ENUM, .offset = GRIDP(gate_reads),
	 .dflt = DCG__D_TEXT, .def_text = "reserve_margin",
	 .names = standard_names, .unit = "",
	 .doc = "what the data-center connection gate reads: reserve_margin "
		"(closing over gate_width around reserve_min) or lole (closing "
		"over lole_gate_width around lole_standard_h)"},
	{.key = "lole_standard_h", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(lole_standard_h), .flags = DCG__F_MIN_OPEN,
	 .min = 1e-4, .max = 8760, .dflt = DCG__D_NUMBER, .def = 3.0,
	 .unit = "h/yr",
	 .doc = "loss-of-load expectation standard (3 h/yr in Great Britain "
		"and Ireland; 0.1 day/yr = 2.4 h/yr in much of North America)"},
	{.key = "load_uncertainty", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(load_uncertainty), .min = 0, .max = 0.5,
	 .dflt = DCG__D_NUMBER, .def = 0.03, .unit = "1",
	 .doc = "standard deviation of the hourly load (forecast and weather) "
		"over the load, added to the spread of thermal outages in the "
		"loss-of-load calculation"},
	{.key = "lole_gate_width", .type = DCG__P_DOUBLE,
	 .offset = GRIDP(lole_gate_width), .flags = DCG__F_MIN_OPEN,
	 .min = 1e-3, .max = 10, .dflt = DCG__D_NUMBER, .def = 0.5,
	 .unit = "1",
	 .doc = "width of the LOLE gate in natural-log units of LOLE (0.5: "
		"the gate goes from 0.73 to 0.27 as LOLE rises from 0.6 to 1.6 "
		"times the standard)"},
};

static const struct dcg__param hours_params[] = {
	{.key = "days", .type = DCG__P_INT, .offset = MODEL(hours.days),
	 .min = 1, .max = DCG_DAYS_MAX, .dflt = DCG__D_NUMBER, .def = 12,
	 .unit = "1", .doc = "number of representative days of 24 hours"},
	{.key = "day_weights", .type = DCG__P_ARRAY,
	 .offset = MODEL(hours.day_weights), .size = DCG_DAYS_MAX,
	 .flags = DCG__F_VARLEN | DCG__F_MIN_OPEN,
	 .aux_offset = MODEL(hours.days), .min = 0, .max = 366,
	 .dflt = DCG__D_RULE,
	 .def_text = "the days of each month when days = 12, else 365/days "
		     "each",
	 .unit = "d",
	 .doc = "days of the year each representative day stands for, in "
		"calendar order (sum 365)"},
	{.key = "time_zone_h", .type = DCG__P_DOUBLE,
	 .offset = MODEL(hours.time_zone_h), .min = -12, .max = 14,
	 .dflt = DCG__D_NUMBER, .def = 8, .unit = "h",
	 .doc = "clock of the hourly profiles, hours ahead of UTC (8: "
		"Beijing time)"},
	{.key = "output_years", .type = DCG__P_ARRAY,
	 .offset = MODEL(hours.output_years), .size = DCG_HOURLY_YEARS_MAX,
	 .flags = DCG__F_UPTO, .aux_offset = MODEL(hours.n_output_years),
	 .min = 1900, .max = 2700, .dflt = DCG__D_RULE,
	 .def_text = "the first and the last whole year of the horizon",
	 .unit = "yr",
	 .doc = "years whose representative days are written hour by hour "
		"to /hourly (each is read at the output time nearest to its "
		"middle)"},
	{.key = "profiles", .type = DCG__P_STRING,
	 .offset = MODEL(hours.profiles), .size = 256, .dflt = DCG__D_TEXT,
	 .def_text = "", .unit = "",
	 .doc = "CSV file of hourly profiles that replace the computed ones, "
		"relative to the scenario's folder (\"\": none; format in "
		"docs/config.md)"},
};

static const struct dcg__param tech_params[] = {
	{.key = "name", .type = DCG__P_NAME, .offset = TECH(name),
	 .size = DCG_NAME_MAX, .flags = DCG__F_KEYNAME,
	 .dflt = DCG__D_REQUIRED, .unit = "",
	 .doc = "technology name, the key in the regions' grid maps"},
	{.key = "kind", .type = DCG__P_ENUM, .offset = TECH(kind),
	 .dflt = DCG__D_REQUIRED, .names = kind_names, .unit = "",
	 .doc = "dispatch: must_run (nuclear), variable (wind, solar), hydro "
		"(a daily inflow budget), storage (batteries, pumped hydro) "
		"or thermal (coal, gas)"},
	{.key = "lead_time_yr", .type = DCG__P_DOUBLE,
	 .offset = TECH(lead_time_yr), .flags = DCG__F_MIN_OPEN, .min = 0.01,
	 .max = 30, .dflt = DCG__D_REQUIRED, .unit = "yr",
	 .doc = "construction lead time"},
	{.key = "life_yr", .type = DCG__P_DOUBLE, .offset = TECH(life_yr),
	 .flags = DCG__F_MIN_OPEN, .min = 0.5, .max = 200,
	 .dflt = DCG__D_REQUIRED, .unit = "yr",
	 .doc = "mean service life; capacity ages through 4 stages of "
		"life_yr/4 each and retires from the last"},
	{.key = "initial_age_yr", .type = DCG__P_DOUBLE,
	 .offset = TECH(initial_age_yr), .flags = DCG__F_SENTINEL, .min = 0,
	 .max = 200, .dflt = DCG__D_NUMBER, .def = -1, .unit = "yr",
	 .sentinel = "life_yr/2, the steady-state age",
	 .doc = "mean age of the installed capacity at horizon.start (taken "
		"as built at a constant rate over twice that many years)"},
	{.key = "approval_time_yr", .type = DCG__P_DOUBLE,
	 .offset = TECH(approval_time_yr), .min = 0, .max = 30,
	 .dflt = DCG__D_NUMBER, .def = 0, .unit = "yr",
	 .doc = "time from an investment decision to the start of "
		"construction (0: no approval stage)"},
	{.key = "build_limit_gw_per_yr", .type = DCG__P_SCHEDULE,
	 .offset = TECH(build_limit), .min = 0, .max = 1e6,
	 .dflt = DCG__D_UNSET, .aux_offset = TECH(has_build_limit),
	 .unit = "GW/yr", .sentinel = "unlimited",
	 .doc = "national limit on new market-driven investment (e.g. "
		"approvals); the rest is reported as grid/unmet_investment"},
	{.key = "capacity_credit", .type = DCG__P_DOUBLE,
	 .offset = TECH(capacity_credit), .min = 0, .max = 1,
	 .dflt = DCG__D_REQUIRED, .unit = "1",
	 .doc = "share of capacity counted as firm at peak, unless a region "
		"overrides it"},
	{.key = "capacity_factor", .type = DCG__P_DOUBLE,
	 .offset = TECH(capacity_factor), .flags = DCG__F_MIN_OPEN, .min = 0,
	 .max = 1, .dflt = DCG__D_REQUIRED, .unit = "1",
	 .doc = "annual mean of the hourly output over capacity (the scale of "
		"the hourly profiles; thermal and storage: unused by the "
		"dispatch)"},
	{.key = "emission_factor_t_per_mwh", .type = DCG__P_DOUBLE,
	 .offset = TECH(emission_factor), .min = 0, .max = 2,
	 .dflt = DCG__D_NUMBER, .def = 0, .unit = "t/MWh",
	 .doc = "CO2 emitted per unit of generation"},
	{.key = "heat_rate_gj_per_mwh", .type = DCG__P_DOUBLE,
	 .offset = TECH(heat_rate), .min = 0, .max = 50,
	 .dflt = DCG__D_NUMBER, .def = 0, .unit = "GJ/MWh",
	 .doc = "fuel burnt per unit of generation (0: none counted), for "
		"grid/fuel_use"},
	{.key = "forced_outage_rate", .type = DCG__P_DOUBLE,
	 .offset = TECH(forced_outage_rate), .min = 0, .max = 0.9,
	 .dflt = DCG__D_NUMBER, .def = 0.05, .unit = "1",
	 .doc = "share of capacity out of service at random (thermal: its "
		"availability in the dispatch and the spread "
		"of the loss-of-load calculation)"},
	{.key = "unit_size_gw", .type = DCG__P_DOUBLE,
	 .offset = TECH(unit_size_gw), .min = 0, .max = 10,
	 .dflt = DCG__D_NUMBER, .def = 0.5, .unit = "GW",
	 .doc = "typical unit size: fewer, larger units make outages more "
		"variable"},
	{.key = "variable_cost", .type = DCG__P_SCHEDULE,
	 .offset = TECH(variable_cost), .min = 0, .max = 1e5,
	 .dflt = DCG__D_NUMBER, .def = 0, .unit = "currency/MWh",
	 .doc = "variable cost of generation: thermal technologies are "
		"dispatched in increasing order of it"},
	{.key = "duration_h", .type = DCG__P_DOUBLE, .offset = TECH(duration_h),
	 .flags = DCG__F_MIN_OPEN, .min = 0, .max = 1000,
	 .dflt = DCG__D_NUMBER, .def = 4, .unit = "h",
	 .doc = "storage: energy over power"},
	{.key = "efficiency", .type = DCG__P_DOUBLE, .offset = TECH(efficiency),
	 .flags = DCG__F_MIN_OPEN, .min = 0, .max = 1, .dflt = DCG__D_NUMBER,
	 .def = 0.85, .unit = "1", .doc = "storage: round-trip efficiency"},
	{.key = "min_output", .type = DCG__P_DOUBLE, .offset = TECH(min_output),
	 .min = 0, .max = 1, .dflt = DCG__D_NUMBER, .def = 0, .unit = "1",
	 .doc = "hydro: share of the daily inflow that runs flat (minimum "
		"flow), the rest following the net-load peaks; thermal: share "
		"of the available capacity that runs at every hour (minimum "
		"stable generation, heat-led plants), which curtails variable "
		"output when the load is low"},
};

static const struct dcg__param corridor_params[] = {
	{.key = "name", .type = DCG__P_NAME, .offset = COR(name),
	 .size = DCG_NAME_MAX, .dflt = DCG__D_REQUIRED, .unit = "",
	 .doc = "corridor name"},
	{.key = "from", .type = DCG__P_REF_REGION, .offset = COR(from),
	 .dflt = DCG__D_REQUIRED, .unit = "", .doc = "region at one end"},
	{.key = "to", .type = DCG__P_REF_REGION, .offset = COR(to),
	 .dflt = DCG__D_REQUIRED, .unit = "",
	 .doc = "region at the other end (not from)"},
	{.key = "rating_gw", .type = DCG__P_SCHEDULE, .offset = COR(rating_gw),
	 .min = 0, .max = 1e4, .dflt = DCG__D_REQUIRED, .unit = "GW",
	 .doc = "transfer rating"},
	{.key = "availability", .type = DCG__P_DOUBLE,
	 .offset = COR(availability), .min = 0, .max = 1,
	 .dflt = DCG__D_NUMBER, .def = 0.95, .unit = "1",
	 .doc = "share of the rating usable on average (outages, "
		"maintenance, operating limits)"},
	{.key = "length_km", .type = DCG__P_DOUBLE, .offset = COR(length_km),
	 .min = 0, .max = 2e4, .dflt = DCG__D_NUMBER, .def = 0, .unit = "km",
	 .doc = "line length, for the losses"},
	{.key = "loss_per_1000km", .type = DCG__P_DOUBLE,
	 .offset = COR(loss_per_1000km), .min = 0, .max = 0.5,
	 .dflt = DCG__D_NUMBER, .def = 0.03, .unit = "1",
	 .doc = "share of the sent power lost per 1,000 km (about 0.03 for "
		"+-800 kV DC lines)"},
};

static const struct dcg__param coupling_params[] = {
	{.key = "gate", .type = DCG__P_BOOL, .offset = GRIDP(gate_enabled),
	 .dflt = DCG__D_NUMBER, .def = 1, .unit = "",
	 .doc = "the connection gate holds back new data-center capacity when "
		"reserves are short"},
	{.key = "price_growth", .type = DCG__P_BOOL,
	 .offset = GRIDP(price_growth_enabled), .dflt = DCG__D_NUMBER,
	 .def = 1, .unit = "",
	 .doc = "the price index slows compute demand growth"},
	{.key = "price_share", .type = DCG__P_BOOL,
	 .offset = GRIDP(price_share_enabled), .dflt = DCG__D_NUMBER,
	 .def = 1, .unit = "",
	 .doc = "regional prices shift the demand shares"},
};

#define SECTION(name, it, b, p)                                          \
	static const struct dcg__section name = {.item = (it), .base = (b), \
						 .params = (p),               \
						 .n = COUNT(p)}
SECTION(horizon_section, "horizon", DCG__B_MODEL, horizon_params);
SECTION(solver_section, "solver", DCG__B_MODEL, solver_params);
SECTION(datacenter_section, "datacenter", DCG__B_GRID, datacenter_params);
SECTION(segment_section, "segment", DCG__B_SEGMENT, segment_params);
SECTION(class_section, "hardware class", DCG__B_CLASS, class_params);
SECTION(region_section, "region", DCG__B_REGION, region_params);
SECTION(grid_section, "grid", DCG__B_GRID, grid_params);
SECTION(tech_section, "technology", DCG__B_TECH, tech_params);
SECTION(corridor_section, "corridor", DCG__B_CORRIDOR, corridor_params);
SECTION(coupling_section, "coupling", DCG__B_GRID, coupling_params);
SECTION(hours_section, "hours", DCG__B_MODEL, hours_params);

static const struct dcg__param root_params[] = {
	{.key = "scenario", .type = DCG__P_STRING, .offset = MODEL(scenario),
	 .size = DCG_NAME_MAX, .flags = DCG__F_IDENT, .dflt = DCG__D_REQUIRED,
	 .unit = "",
	 .doc = "scenario name, also the default output file <scenario>.h5"},
	{.key = "description", .type = DCG__P_STRING,
	 .offset = MODEL(description), .size = 256, .dflt = DCG__D_TEXT,
	 .def_text = "", .unit = "", .doc = "free-text description"},
	{.key = "horizon", .type = DCG__P_GROUP, .dflt = DCG__D_REQUIRED,
	 .sub = &horizon_section, .unit = "", .doc = "projection horizon"},
	{.key = "solver", .type = DCG__P_GROUP, .dflt = DCG__D_SECTION,
	 .sub = &solver_section, .unit = "", .doc = "integrator settings"},
	{.key = "datacenter", .type = DCG__P_GROUP, .dflt = DCG__D_SECTION,
	 .sub = &datacenter_section, .unit = "",
	 .doc = "national data-center adjustment times"},
	{.key = "segments", .type = DCG__P_LIST, .dflt = DCG__D_REQUIRED,
	 .sub = &segment_section, .unit = "", .doc = "compute demand segments"},
	{.key = "hardware", .type = DCG__P_LIST, .dflt = DCG__D_REQUIRED,
	 .sub = &class_section, .unit = "",
	 .doc = "hardware classes (kinds of rack)"},
	{.key = "regions", .type = DCG__P_LIST, .dflt = DCG__D_REQUIRED,
	 .sub = &region_section, .unit = "", .doc = "regions"},
	{.key = "grid", .type = DCG__P_GROUP, .dflt = DCG__D_UNSET,
	 .aux_offset = MODEL(grid_enabled), .sub = &grid_section, .unit = "",
	 .sentinel = "no grid model",
	 .doc = "national power-grid parameters; when present the grid is "
		"modelled and technologies and every regions.[i].grid are "
		"required"},
	{.key = "technologies", .type = DCG__P_LIST, .flags = DCG__F_GRID,
	 .dflt = DCG__D_REQUIRED, .sub = &tech_section, .unit = "",
	 .doc = "generation technologies"},
	{.key = "corridors", .type = DCG__P_LIST,
	 .flags = DCG__F_GRID | DCG__F_MAYBE_EMPTY, .dflt = DCG__D_SECTION,
	 .sub = &corridor_section, .unit = "",
	 .doc = "transmission corridors between regions"},
	{.key = "hours", .type = DCG__P_GROUP, .flags = DCG__F_GRID,
	 .dflt = DCG__D_UNSET, .aux_offset = MODEL(hours.enabled),
	 .sub = &hours_section, .unit = "",
	 .sentinel = "one peak-hour day (base load at its peak factor, data "
		     "centers at dc_peak_factor, every technology at its "
		     "capacity credit: the first model's peak arithmetic)",
	 .doc = "representative days and their hourly profiles (an empty "
		"group gives 12 computed days)"},
	{.key = "coupling", .type = DCG__P_GROUP, .dflt = DCG__D_SECTION,
	 .sub = &coupling_section, .unit = "",
	 .doc = "feedback switches, to compare coupled and uncoupled runs"},
};

const struct dcg__section dcg__root = {.item = "scenario",
				       .base = DCG__B_MODEL,
				       .params = root_params,
				       .n = COUNT(root_params)};

void *dcg__base_ptr(const struct dcg__section *sec, const struct dcg_model *m,
		    size_t i)
{
	/* The table addresses fields of a model that the loader writes and
	 * the dump and visit only read; one cast keeps both call sites. */
	struct dcg_model *mm = (struct dcg_model *)(uintptr_t)m;
	switch (sec->base) {
	case DCG__B_MODEL:
		return mm;
	case DCG__B_GRID:
		return &mm->grid;
	case DCG__B_SEGMENT:
		return &mm->segments[i];
	case DCG__B_CLASS:
		return &mm->classes[i];
	case DCG__B_REGION:
		return &mm->regions[i];
	case DCG__B_TECH:
		return &mm->techs[i];
	case DCG__B_CORRIDOR:
		return &mm->corridors[i];
	}
	return NULL;
}

size_t dcg__list_len(const struct dcg__section *sec, const struct dcg_model *m)
{
	switch (sec->base) {
	case DCG__B_SEGMENT:
		return m->S;
	case DCG__B_CLASS:
		return m->K;
	case DCG__B_REGION:
		return m->R;
	case DCG__B_TECH:
		return m->J;
	case DCG__B_CORRIDOR:
		return m->L;
	default:
		return 0;
	}
}

size_t dcg__array_len(const struct dcg__param *p, const void *base)
{
	if (!(p->flags & (DCG__F_VARLEN | DCG__F_UPTO)))
		return p->size;
	size_t n = *(const size_t *)((const char *)base + p->aux_offset);
	return n < p->size ? n : p->size;
}

const struct dcg__param *dcg__find_param(const struct dcg__section *sec,
					 const char *key)
{
	for (size_t i = 0; i < sec->n; i++)
		if (strcmp(sec->params[i].key, key) == 0)
			return &sec->params[i];
	return NULL;
}

void dcg__fmt_number(char *buf, size_t size, double v, bool float_syntax)
{
	if (!isfinite(v)) {
		snprintf(buf, size, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
		return;
	}
	/* Integers below 1e7 read best spelled out; everything else takes the
	 * shortest %g text that converts back to the same double. */
	if (v == floor(v) && fabs(v) < 1e7) {
		snprintf(buf, size, float_syntax ? "%.1f" : "%.0f", v);
		return;
	}
	char tmp[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	/* Drop "+" and leading zeros of the exponent: 1e+09 -> 1e9. */
	char out[40];
	size_t o = 0;
	const char *e = strchr(tmp, 'e');
	if (e) {
		size_t mant = (size_t)(e - tmp);
		memcpy(out, tmp, mant);
		o = mant;
		out[o++] = 'e';
		const char *p = e + 1;
		if (*p == '-')
			out[o++] = *p++;
		else if (*p == '+')
			p++;
		while (*p == '0' && p[1])
			p++;
		while (*p)
			out[o++] = *p++;
		out[o] = '\0';
	} else {
		snprintf(out, sizeof out, "%s", tmp);
		o = strlen(out);
		/* A %g value without exponent or point, e.g. 12345678, is an
		 * integer to libconfig. */
		if (float_syntax && !strchr(out, '.') && o + 2 < sizeof out) {
			out[o++] = '.';
			out[o++] = '0';
			out[o] = '\0';
		}
	}
	snprintf(buf, size, "%s", out);
}

const char *dcg__unit_words(const char *unit)
{
	if (!unit || !*unit || strcmp(unit, "1") == 0)
		return NULL;
	if (strcmp(unit, "yr") == 0)
		return "years";
	return unit;
}

size_t dcg__edit_distance(const char *a, const char *b)
{
	enum { W = 128 };
	size_t la = strlen(a), lb = strlen(b);
	/* Keys and names are short; longer words are simply too different to
	 * suggest anything. Three rolling rows keep the stack small. */
	if (la >= W || lb >= W)
		return SIZE_MAX;
	size_t rows[3][W + 1];
	size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			/* A swap of two neighbours counts as one edit. */
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
		}
		size_t *t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

const char *dcg__suggest(const char *word,
			 const char *(*get)(const void *ctx, size_t i),
			 const void *ctx, size_t n)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, wl = strlen(word);
	for (size_t i = 0; i < n; i++) {
		const char *c = get(ctx, i);
		size_t d = dcg__edit_distance(word, c);
		if (d <= 2 && d < wl && d < best_d) {
			best = c;
			best_d = d;
		}
	}
	if (best || wl < 2)
		return best;
	/* No close spelling: a key that starts like the word, or a word that
	 * starts like a key ("life" for life_yr, "saturation_pflop"). */
	for (size_t i = 0; i < n; i++) {
		const char *c = get(ctx, i);
		size_t cl = strlen(c);
		if ((cl > wl && strncmp(c, word, wl) == 0) ||
		    (cl >= 2 && wl > cl && strncmp(c, word, cl) == 0))
			return c;
	}
	return NULL;
}

double dcg__scaled_value(const struct dcg__param *p, double field)
{
	if (p->scale == 0.0 || p->scale == 1.0)
		return field;
	/* field = x / scale is rounded, so x = field * scale may read back
	 * one unit in the last place off; the exact preimage is a neighbour. */
	double x = field * p->scale;
	if (x / p->scale == field)
		return x;
	double up = x, down = x;
	for (int i = 0; i < 16; i++) {
		up = nextafter(up, INFINITY);
		down = nextafter(down, -INFINITY);
		if (up / p->scale == field)
			return up;
		if (down / p->scale == field)
			return down;
	}
	return x;
}

/* ---- dcg_config_visit --------------------------------------------------- */

struct visit {
	const struct dcg_model *m;
	int (*fn)(void *ctx, const struct dcg_param_value *pv);
	void *ctx;
	bool ranges; /* format pv->range (dcg_config_visit_ranges) */
	char path[512];
};

static int visit_section(struct visit *v, const struct dcg__section *sec,
			 size_t index, size_t plen);
static void ref_range(char *buf, size_t size, const struct dcg__param *p);

static int visit_emit_array(struct visit *v, const struct dcg__param *p,
			    const double *values, size_t count)
{
	struct dcg_param_value pv = {
		.path = v->path,
		.type = DCG_PT_ARRAY,
		.values = values,
		.count = count,
		.units = p->unit,
		.doc = p->doc,
	};
	return v->fn(v->ctx, &pv);
}

static int visit_emit(struct visit *v, const struct dcg__param *p,
		      enum dcg_param_type type, double number,
		      const char *string, const struct dcg_schedule *sched)
{
	bool numeric = type == DCG_PT_DOUBLE || type == DCG_PT_INT ||
		       type == DCG_PT_SCHEDULE;
	/* Formatting the range costs more than the rest of a visit; only the
	 * explorer asks for it, the HDF5 writers visit every key of 10,000
	 * regions without it. */
	char range[256];
	if (v->ranges)
		ref_range(range, sizeof range, p);
	struct dcg_param_value pv = {
		.path = v->path,
		.type = type,
		.number = number,
		.string = string,
		.schedule = sched,
		.units = p->unit,
		.doc = p->doc,
		.min = numeric ? p->min : NAN,
		.max = numeric ? p->max : NAN,
		.range = v->ranges ? range : NULL,
		.min_open = (p->flags & DCG__F_MIN_OPEN) != 0,
		.max_open = (p->flags & DCG__F_MAX_OPEN) != 0,
		.default_number = p->dflt == DCG__D_NUMBER ? p->def : NAN,
		.sentinel = (p->flags & DCG__F_SENTINEL) ? p->sentinel : NULL,
		.choices = p->type == DCG__P_ENUM ? p->names : NULL,
	};
	return v->fn(v->ctx, &pv);
}

static int visit_param(struct visit *v, const struct dcg__param *p,
		       const char *base, size_t index, size_t plen)
{
	const struct dcg_model *m = v->m;
	const void *f = base + p->offset;
	int rc = 0;
	int n = snprintf(v->path + plen, sizeof v->path - plen, "%s%s",
			 plen ? "." : "", p->key);
	size_t len = plen + (size_t)n;

	switch (p->type) {
	case DCG__P_DOUBLE:
		rc = visit_emit(v, p, DCG_PT_DOUBLE,
				dcg__scaled_value(p, *(const double *)f), NULL,
				NULL);
		break;
	case DCG__P_INT:
		rc = visit_emit(v, p, DCG_PT_INT, (double)*(const size_t *)f,
				NULL, NULL);
		break;
	case DCG__P_BOOL:
		rc = visit_emit(v, p, DCG_PT_BOOL, *(const bool *)f ? 1 : 0,
				NULL, NULL);
		break;
	case DCG__P_STRING:
	case DCG__P_NAME:
		rc = visit_emit(v, p, DCG_PT_STRING, 0, (const char *)f, NULL);
		break;
	case DCG__P_ENUM: {
		int e = *(const int *)f;
		rc = visit_emit(v, p, DCG_PT_ENUM, e, p->names[e], NULL);
		break;
	}
	case DCG__P_SCHEDULE:
		if (p->dflt == DCG__D_UNSET &&
		    !*(const bool *)(base + p->aux_offset))
			break;
		rc = visit_emit(v, p, DCG_PT_SCHEDULE, 0, NULL,
				(const struct dcg_schedule *)f);
		break;
	case DCG__P_TECH_DOUBLES:
	case DCG__P_TECH_SCHEDULES:
		for (size_t j = 0; j < m->J && rc == 0; j++) {
			snprintf(v->path + len, sizeof v->path - len, ".%s",
				 m->techs[j].name);
			if (p->type == DCG__P_TECH_DOUBLES)
				rc = visit_emit(v, p, DCG_PT_DOUBLE,
						(*(double *const *)f)[j], NULL,
						NULL);
			else
				rc = visit_emit(
					v, p, DCG_PT_SCHEDULE, 0, NULL,
					&(*(struct dcg_schedule *const *)f)[j]);
		}
		break;
	case DCG__P_ARRAY:
		rc = visit_emit_array(v, p, f, dcg__array_len(p, base));
		break;
	case DCG__P_REF_SEGMENT:
		rc = visit_emit(v, p, DCG_PT_STRING, 0,
				m->segments[*(const size_t *)f].name, NULL);
		break;
	case DCG__P_REF_REGION:
		rc = visit_emit(v, p, DCG_PT_STRING, 0,
				m->regions[*(const size_t *)f].name, NULL);
		break;
	case DCG__P_GROUP:
		rc = visit_section(v, p->sub, index, len);
		break;
	case DCG__P_LIST:
		for (size_t i = 0; i < dcg__list_len(p->sub, m) && rc == 0;
		     i++) {
			int k = snprintf(v->path + len, sizeof v->path - len,
					 ".[%zu]", i);
			rc = visit_section(v, p->sub, i, len + (size_t)k);
		}
		break;
	}
	v->path[plen] = '\0';
	return rc;
}

static int visit_section(struct visit *v, const struct dcg__section *sec,
			 size_t index, size_t plen)
{
	const char *base = dcg__base_ptr(sec, v->m, index);
	for (size_t i = 0; i < sec->n; i++) {
		const struct dcg__param *p = &sec->params[i];
		if ((p->flags & DCG__F_GRID) && !v->m->grid_enabled)
			continue;
		if (p->type == DCG__P_GROUP && p->dflt == DCG__D_UNSET &&
		    !*(const bool *)(base + p->aux_offset))
			continue;
		int rc = visit_param(v, p, base, index, plen);
		if (rc)
			return rc;
	}
	return 0;
}

int dcg_config_visit(const struct dcg_model *m,
		     int (*fn)(void *ctx, const struct dcg_param_value *pv),
		     void *ctx)
{
	struct visit v = {.m = m, .fn = fn, .ctx = ctx};
	v.path[0] = '\0';
	return visit_section(&v, &dcg__root, 0, 0);
}

int dcg_config_visit_ranges(const struct dcg_model *m,
			    int (*fn)(void *ctx, const struct dcg_param_value *pv),
			    void *ctx)
{
	struct visit v = {.m = m, .fn = fn, .ctx = ctx, .ranges = true};
	v.path[0] = '\0';
	return visit_section(&v, &dcg__root, 0, 0);
}

/* ---- dcg_config_reference ----------------------------------------------- */

void dcg__put(struct dcg__text *t, const char *fmt, ...)
{
	if (t->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(t->buf ? t->buf + t->len : NULL,
				  t->buf ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->oom = true;
			return;
		}
		if (t->buf && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = t->cap ? t->cap : 4096;
		while (cap <= t->len + (size_t)n)
			cap *= 2;
		char *b = realloc(t->buf, cap);
		if (!b) {
			t->oom = true;
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
}

static void ref_range(char *buf, size_t size, const struct dcg__param *p)
{
	char lo[40], hi[40];
	buf[0] = '\0';
	switch (p->type) {
	case DCG__P_DOUBLE:
	case DCG__P_INT:
	case DCG__P_SCHEDULE:
	case DCG__P_TECH_DOUBLES:
	case DCG__P_TECH_SCHEDULES:
	case DCG__P_ARRAY:
		if (p->range_text) {
			snprintf(buf, size, "%s", p->range_text);
			break;
		}
		dcg__fmt_number(lo, sizeof lo, p->min, false);
		dcg__fmt_number(hi, sizeof hi, p->max, false);
		if (isinf(p->max))
			snprintf(buf, size, "%s %s",
				 p->flags & DCG__F_MIN_OPEN ? ">" : ">=", lo);
		else
			snprintf(buf, size, "%c%s, %s%c",
				 p->flags & DCG__F_MIN_OPEN ? '(' : '[', lo, hi,
				 p->flags & DCG__F_MAX_OPEN ? ')' : ']');
		if (p->flags & DCG__F_SENTINEL) {
			size_t l = strlen(buf);
			snprintf(buf + l, size - l, " or -1");
		}
		break;
	case DCG__P_STRING:
		if (p->flags & DCG__F_IDENT)
			snprintf(buf, size,
				 "1 to %zu characters of A-Z a-z 0-9 . _ -",
				 p->size - 1);
		else
			snprintf(buf, size, "at most %zu characters",
				 p->size - 1);
		break;
	case DCG__P_NAME:
		if (p->flags & DCG__F_KEYNAME)
			snprintf(buf, size,
				 "unique; a letter, then letters, digits, - "
				 "or _ (at most %zu)",
				 p->size - 1);
		else
			snprintf(buf, size, "unique, 1 to %zu characters",
				 p->size - 1);
		break;
	case DCG__P_ENUM:
		for (size_t i = 0; p->names[i]; i++) {
			size_t l = strlen(buf);
			snprintf(buf + l, size - l, "%s`\"%s\"`",
				 i ? ", " : "", p->names[i]);
		}
		break;
	case DCG__P_REF_SEGMENT:
		snprintf(buf, size, "a `segments.[i].name`");
		break;
	case DCG__P_REF_REGION:
		snprintf(buf, size, "a `regions.[i].name`");
		break;
	case DCG__P_LIST:
		snprintf(buf, size, "%s",
			 p->flags & DCG__F_MAYBE_EMPTY ? "0 or more entries"
						       : "1 or more entries");
		break;
	case DCG__P_BOOL:
		snprintf(buf, size, "`true`, `false`");
		break;
	case DCG__P_GROUP:
		break;
	}
}

static const char *ref_type(const struct dcg__param *p)
{
	switch (p->type) {
	case DCG__P_DOUBLE:
		return "number";
	case DCG__P_INT:
		return "integer";
	case DCG__P_BOOL:
		return "boolean";
	case DCG__P_STRING:
		return "string";
	case DCG__P_NAME:
		return "name";
	case DCG__P_ENUM:
		return "choice";
	case DCG__P_SCHEDULE:
		return "schedule";
	case DCG__P_TECH_DOUBLES:
		return "number per technology";
	case DCG__P_TECH_SCHEDULES:
		return "schedule per technology";
	case DCG__P_REF_SEGMENT:
		return "segment name";
	case DCG__P_REF_REGION:
		return "region name";
	case DCG__P_GROUP:
		return "group";
	case DCG__P_LIST:
		return "list of groups";
	case DCG__P_ARRAY:
		return p->flags & DCG__F_VARLEN ? "array of numbers"
						: "array of 12 numbers";
	}
	return "?";
}

static void ref_default(char *buf, size_t size, const struct dcg__param *p)
{
	switch (p->dflt) {
	case DCG__D_REQUIRED:
		snprintf(buf, size, "%s",
			 p->flags & DCG__F_GRID ? "required with `grid`"
						: "required");
		break;
	case DCG__D_NUMBER:
		if (p->type == DCG__P_BOOL)
			snprintf(buf, size, "`%s`", p->def ? "true" : "false");
		else if (p->type == DCG__P_ARRAY && p->defs) {
			size_t n = (size_t)snprintf(buf, size, "`[");
			for (size_t i = 0; i < p->size && n < size; i++) {
				char num[40];
				dcg__fmt_number(num, sizeof num, p->defs[i],
						true);
				n += (size_t)snprintf(buf + n, size - n, "%s%s",
						      i ? ", " : "", num);
			}
			if (n < size)
				snprintf(buf + n, size - n, "]`");
		} else {
			char num[40];
			dcg__fmt_number(num, sizeof num, p->def,
					p->type != DCG__P_INT);
			snprintf(buf, size, "`%s`", num);
		}
		break;
	case DCG__D_TEXT:
		snprintf(buf, size, "`\"%s\"`", p->def_text);
		break;
	case DCG__D_FROM_KEY:
		snprintf(buf, size, "`%s`", p->def_text);
		break;
	case DCG__D_UNSET:
		snprintf(buf, size, "unset: %s", p->sentinel);
		break;
	case DCG__D_TECH_CREDIT:
		snprintf(buf, size, "the technology's `capacity_credit`");
		break;
	case DCG__D_SECTION:
		snprintf(buf, size, "%s",
			 p->type == DCG__P_LIST ? "empty" : "all defaults");
		break;
	case DCG__D_RULE:
		snprintf(buf, size, "%s", p->def_text);
		break;
	}
}

/* Table-cell text: the first letter capitalised, and the characters that
 * Markdown would take for a cell border or an HTML tag escaped. */
static void put_md(struct dcg__text *t, const char *s, bool capital)
{
	for (const char *c = s; *c; c++) {
		if (c == s && capital && *c >= 'a' && *c <= 'z')
			dcg__put(t, "%c", *c - 'a' + 'A');
		else if (*c == '|' || *c == '<' || *c == '>')
			dcg__put(t, "\\%c", *c);
		else
			dcg__put(t, "%c", *c);
	}
}

static void ref_section(struct dcg__text *t, const struct dcg__section *sec,
			const char *prefix, bool grid_only)
{
	for (size_t i = 0; i < sec->n; i++) {
		const struct dcg__param *p = &sec->params[i];
		bool grid = grid_only || (p->flags & DCG__F_GRID) ||
			    (p->type == DCG__P_GROUP && p->sub->base ==
			     DCG__B_GRID && p->dflt == DCG__D_UNSET);
		char path[256], range[256], dflt[256];
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "",
			 p->key);
		ref_range(range, sizeof range, p);
		ref_default(dflt, sizeof dflt, p);
		const char *suffix = "";
		if (p->type == DCG__P_TECH_DOUBLES ||
		    p->type == DCG__P_TECH_SCHEDULES)
			suffix = ".<tech>";
		dcg__put(t, "| `%s%s` | %s | %s | %s | %s | ", path, suffix,
			 ref_type(p), range,
			 strcmp(p->unit, "1") ? p->unit : "", dflt);
		put_md(t, p->doc, true);
		if ((p->flags & DCG__F_SENTINEL) && p->sentinel) {
			dcg__put(t, "; -1: ");
			put_md(t, p->sentinel, false);
		}
		if (grid && !(p->type == DCG__P_GROUP && p->dflt ==
			      DCG__D_UNSET))
			dcg__put(t, " (grid only)");
		dcg__put(t, ". |\n");
		if (p->type == DCG__P_GROUP)
			ref_section(t, p->sub, path, grid);
		else if (p->type == DCG__P_LIST) {
			char sub[300];
			snprintf(sub, sizeof sub, "%s.[i]", path);
			ref_section(t, p->sub, sub, grid);
		}
	}
}

int dcg_config_reference(char **ret_text, struct dcg_error *err)
{
	struct dcg__text t = {0};
	dcg__put(&t, "| Key | Type | Range | Unit | Default | Description |\n");
	dcg__put(&t, "|---|---|---|---|---|---|\n");
	ref_section(&t, &dcg__root, "", false);
	dcg__put(&t, "\nSchedules: a number (constant) or a group `{ interp = "
		"\"linear\"; year = [...]; value = [...]; }`; `interp` is one "
		"of `\"linear\"` (default), `\"step\"`, `\"log\"`. The range "
		"applies to every value. `<tech>` is a `technologies.[i].name`; "
		"technologies left out of a map take the default.\n");
	if (t.oom) {
		free(t.buf);
		return dcg_error_set(err, DCG_ENOMEM,
				     "out of memory writing the key reference");
	}
	*ret_text = t.buf;
	return 0;
}
