/* The dcgrid model: parameters, state layout, right-hand side, derived series.
 *
 * See docs/model.md for the equations with units. In short, per region r and
 * hardware class k the data-center side carries racks under construction
 * P[r,k], racks in service N[r,k], IT capacity W[r,k] (MW) and compute
 * C[r,k] (PFLOPS) as co-flows, PUE[r] and the demand share sigma[r]; the grid
 * side (optional) carries base demand B[r] (GW average), capacity under
 * construction Q[r,j] and in service G[r,j] (GW) per technology j. National
 * states: compute demand D[s] per segment (PFLOPS), a perceived supply-cap
 * factor X[k] per class and a perceived national price index.
 *
 * A model is built by inputs/ (dcg_config_load or the built-in scenario) and
 * is read-only afterwards: two models, or two solves of one model, can run in
 * one process at once. Scratch space for the right-hand side lives in a
 * separate struct dcg_work so that the model itself stays const.
 */
#ifndef DCGRID_MODEL_H
#define DCGRID_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "dcgrid/schedule.h"
#include "dcgrid/status.h"

#define DCG_NAME_MAX 64

/* Hours of a representative day. */
#define DCG_HOURS 24
/* Age stages of generation capacity in service (an aging chain: each
 * stage holds capacity for life/DCG_COHORTS on average; model/cohorts.c). */
#define DCG_COHORTS 4

/* A build limit this high (GW/yr) is no limit: the default. */
#define DCG_UNLIMITED_GW_PER_YR 1e6

/* Kinds of generation technology, which fixes how it is dispatched. */
enum dcg_tech_kind {
	DCG_TECH_MUST_RUN = 0, /* nuclear: generates its hourly profile x G */
	DCG_TECH_VARIABLE = 1, /* wind, solar: profile x G, curtailed beyond need */
	DCG_TECH_THERMAL = 2,  /* coal, gas: merit order up to (1 - FOR) G */
	DCG_TECH_HYDRO = 3,    /* reservoir hydro: a daily energy budget from its
				  inflow profile, shaving the net-load peaks */
	DCG_TECH_STORAGE = 4,  /* batteries, pumped hydro: power G, energy
				  G x duration, shifting energy within a day */
};

/* What a region's adequacy is judged by (events, connection gate). */
enum dcg_standard {
	DCG_STD_RESERVE_MARGIN = 0, /* reserve margin on the net peak */
	DCG_STD_LOLE = 1,           /* loss-of-load expectation, h/yr */
};

/* Integration method. AUTO (the default) starts with Adams-Moulton and a
 * fixed-point corrector (no Jacobian, no linear solver) and switches to BDF
 * with Newton's method for the rest of the run if the system turns out
 * stiff (solvers/stiffness.h); BDF and ADAMS use Newton's method with the
 * linear solver of solver.linear_solver throughout. */
enum dcg_method {
	DCG_METHOD_BDF = 0,
	DCG_METHOD_ADAMS = 1,
	DCG_METHOD_AUTO = 2,
};

enum dcg_linsol {
	DCG_LINSOL_AUTO = 0,  /* dense up to a size, then sparse KLU */
	DCG_LINSOL_DENSE = 1,
	DCG_LINSOL_KLU = 2,
	DCG_LINSOL_GMRES = 3, /* matrix-free Krylov with block preconditioner */
};

/* Preconditioner of the GMRES solver. The projections are limited by
 * accuracy, not stability, at usual tolerances: unpreconditioned GMRES
 * converges in one or two iterations per Newton iteration, and a block
 * preconditioner only adds its cost (docs/performance.md). AUTO starts
 * without one and switches the block preconditioner on for the rest of the
 * run once GMRES struggles (a linear convergence failure, or more than
 * DCG_PREC_AUTO_ITERS Krylov iterations per Newton iteration). */
enum dcg_precond {
	DCG_PREC_AUTO = 0,
	DCG_PREC_NONE = 1,
	DCG_PREC_BLOCK = 2, /* block-Jacobi: regions' diagonal blocks */
};

struct dcg_segment {
	char name[DCG_NAME_MAX];
	double initial_demand_pflops;   /* D[s](t0); < 0: installed compute at t0 */
	struct dcg_schedule growth;     /* g[s](t), 1/yr */
	double saturation_pflops;       /* Dsat[s] */
	double adjust_time_yr;          /* tau_a: time to close a capacity gap */
};

struct dcg_class {
	char name[DCG_NAME_MAX];
	size_t segment;                 /* index into model->segments */
	double build_time_yr;           /* tau_b[k] */
	double life_yr;                 /* L[k] */
	double utilisation;             /* u[k], IT load / IT capacity */
	double preference;              /* pref[k] in the segment mix */
	double cancel_fraction;         /* share of the pipeline cancelled when
	                                   availability falls to 0 at a step */
	struct dcg_schedule kw_per_rack;      /* w[k](t), kW per new rack */
	struct dcg_schedule pflops_per_rack;  /* c[k](t), PFLOPS per new rack */
	struct dcg_schedule availability;     /* avail[k](t) in [0,1] */
	bool has_supply_limit;
	struct dcg_schedule supply_limit;     /* S[k](t), racks/yr nationally */
	double initial_racks;                 /* national N at t0 */
	double initial_kw_per_rack;           /* installed-fleet average at t0 */
	double initial_pflops_per_rack;       /* installed-fleet average at t0 */
	double initial_pipeline_racks;        /* national P at t0; < 0: steady */
};

struct dcg_tech {
	char name[DCG_NAME_MAX];
	enum dcg_tech_kind kind;
	double lead_time_yr;            /* tau_j */
	double life_yr;                 /* effective retirement constant Lj */
	double capacity_credit;         /* planning credit of new capacity and
					   of the pipeline; regions may override */
	double capacity_factor;         /* annual mean of the hourly profile
					   (variable, must-run, hydro inflow);
					   thermal: unused by the dispatch */
	double emission_factor;         /* t CO2 per MWh */
	double forced_outage_rate;      /* FOR: share of capacity out at random
					   (thermal, must-run) */
	double unit_size_gw;            /* typical unit, for the outage spread */
	struct dcg_schedule variable_cost; /* currency/MWh: merit order */
	double duration_h;              /* storage: energy / power */
	double efficiency;              /* storage: round trip */
	double heat_rate;               /* GJ of fuel per MWh generated */
	double min_output;              /* hydro: share of the daily inflow that
					   runs flat (minimum flow); thermal:
					   share of the available capacity that
					   always runs */
	/* Planning (model/investment.c, model/cohorts.c). */
	double initial_age_yr;          /* mean age of the installed fleet at
	                                   t0; < 0: the steady-state age L/2 */
	double approval_time_yr;        /* approval stage before construction;
	                                   0: none */
	bool has_build_limit;
	struct dcg_schedule build_limit; /* national cap on new investment,
	                                    GW/yr (e.g. nuclear approvals) */
};

/* Profile settings (inputs/profiles.c turns them into the hourly profiles
 * of the representative days; docs/model.md, "Hourly profiles"). */
#define DCG_MONTHS 12
#define DCG_DAYS_MAX 366
/* Most years a run writes hour by hour. */
#define DCG_HOURLY_YEARS_MAX 16

/* Families of typical daily load curves of demand other than data centers. */
enum dcg_load_shape {
	DCG_LOAD_DUAL_PEAK = 0,   /* summer and winter peaks (national) */
	DCG_LOAD_SUMMER_PEAK = 1, /* air-conditioning peak (east, south) */
	DCG_LOAD_WINTER_PEAK = 2, /* heating and lighting peak (north) */
};

/* A region's profile settings (grid only). Monthly arrays run January to
 * December. */
struct dcg_region_profile {
	double latitude_deg;            /* north positive */
	double longitude_deg;           /* east positive; sets solar noon */
	enum dcg_load_shape load_shape;
	double clearness[DCG_MONTHS];   /* monthly clearness index KT */
	double solar_full_load_h;       /* < 0: the solar technology's CF */
	double wind_monthly[DCG_MONTHS]; /* relative monthly wind output */
	double wind_diurnal_amplitude;  /* relative amplitude of the daily
					   cycle of wind output */
	double wind_peak_hour;          /* clock hour of the daily maximum */
	double wind_full_load_h;        /* < 0: the wind technology's CF */
	double hydro_monthly[DCG_MONTHS]; /* relative monthly hydro inflow */
};

/* The representative days as configured (top-level group hours). */
struct dcg_hours {
	bool enabled;                       /* the config has an hours group;
					       false: one peak-hour day */
	size_t days;                        /* D */
	double day_weights[DCG_DAYS_MAX];   /* first D used; 0: not given */
	double time_zone_h;                 /* clock of the profiles, hours
					       ahead of UTC */
	double output_years[DCG_HOURLY_YEARS_MAX]; /* written to /hourly */
	size_t n_output_years;              /* 0: first and last whole year */
	char profiles[256];                 /* CSV of profiles relative to the
					       scenario's folder; "" none */
};

struct dcg_region {
	char name[DCG_NAME_MAX];
	double initial_share;           /* share of national racks at t0 */
	struct dcg_schedule policy_weight; /* weight[r](t) in sigma* */
	double initial_pue;
	struct dcg_schedule pue_target;
	/* Grid side, used when model->grid_enabled. Arrays have J entries. */
	double base_demand_gw;          /* B[r](t0), non-DC demand, GW average */
	struct dcg_schedule base_growth; /* gB[r](t), 1/yr */
	double peak_factor;             /* pfB[r] = peak / average base demand */
	double reserve_min;             /* RMmin[r], gate and event threshold */
	double *capacity_gw;            /* G[r,j](t0) */
	double *pipeline_gw;            /* Q[r,j](t0); < 0: steady */
	double *capacity_credit;        /* cc[r,j] */
	struct dcg_schedule *planned_gw_per_yr; /* planned[r,j](t) */
	struct dcg_schedule *mix;       /* mix[r,j](t), investment shares */
	/* Hourly profiles over the model's D representative days, index
	 * d * DCG_HOURS + h (grid only; sized by dcg_model_set_days):
	 * load_shape and dc_shape have day-weighted mean 1; cf_shape holds J
	 * blocks of D * DCG_HOURS: per technology the hourly output over
	 * capacity (variable: available output; must-run: output; hydro:
	 * inflow), with day-weighted mean equal to its capacity_factor;
	 * thermal and storage blocks are unused. Owned. */
	double *load_shape, *dc_shape, *cf_shape;
	struct dcg_region_profile profile; /* how the profiles are made */
	/* Planning (model/investment.c, model/cohorts.c). J entries each. */
	struct dcg_schedule *build_limit_gw_per_yr; /* regional cap on new
	                                               investment (GW/yr) */
	struct dcg_schedule *life_extension_gw_per_yr; /* retirements deferred
	                                                  (GW/yr) */
};

struct dcg_corridor {
	char name[DCG_NAME_MAX];
	size_t from, to;                /* region indices a(l), b(l) */
	struct dcg_schedule rating_gw;  /* T[l](t) */
	double availability;            /* share of the rating usable */
	double length_km;               /* for the losses */
	double loss_per_1000km;         /* share of the sent power lost per
					   1,000 km */
};

/* National grid and coupling parameters. */
struct dcg_grid_params {
	double reserve_target;          /* RMtarget */
	double invest_time_yr;          /* tau_inv */
	double gate_width;              /* wg */
	double flow_scale;              /* kappa */
	double transfer_factor;         /* uf: energy carried / rating */
	double dc_peak_factor;          /* pfDC */
	double price_alpha;             /* alpha */
	double price_beta;              /* beta */
	double demand_price_elasticity; /* epsilon */
	double share_price_elasticity;  /* eta */
	double share_time_yr;           /* tau_sigma */
	double perception_time_yr;      /* delay of the national aggregates */
	double pue_time_yr;             /* tau_pue */
	double peak_smoothing;          /* temperature of the smooth net peak,
					   relative to the mean load */
	enum dcg_standard standard;     /* what events are judged by */
	enum dcg_standard gate_reads;   /* what the connection gate reads */
	double lole_standard_h;         /* LOLE standard, h/yr */
	double load_uncertainty;        /* sd of the hourly load / load */
	double lole_gate_width;         /* gate width in natural-log units of
					   LOLE */
	/* Feedback switches, so coupled and uncoupled runs can be compared. */
	bool gate_enabled;
	bool price_growth_enabled;
	bool price_share_enabled;
};

/* Offsets of the state vector. Regions are contiguous blocks (so the
 * Jacobian is a block per region plus corridor blocks and a few national
 * rows and columns); national states follow the last region. */
struct dcg_layout {
	size_t region_size;
	size_t off_P, off_N, off_W, off_C; /* K each */
	size_t off_pue, off_share;         /* 1 each */
	size_t off_B, off_Q, off_G;        /* 1, J, J (grid only) */
	/* Planning block of a region (grid only): the older age cohorts of
	 * capacity in service (stages 1 .. DCG_COHORTS-1; stage 0 is G less
	 * their sum) and the approval stage before construction. */
	size_t off_A;                      /* J * (DCG_COHORTS - 1) */
	size_t off_App;                    /* J */
	size_t nat;                        /* first national state */
	size_t nat_D, nat_X, nat_price;    /* S, K, 1 */
	size_t nat_Y;                      /* J: perceived build-cap factors */
	size_t n;                          /* total number of states */
	/* Quadratures (solver-carried integrals) per region. */
	size_t q_region_size;
	size_t q_dc_energy, q_consumption, q_unserved, q_emissions; /* 1 each */
	size_t q_generation;               /* J */
	size_t nq;
};

struct dcg_model {
	char scenario[DCG_NAME_MAX];
	char description[256];
	double t0, t1;                  /* horizon, decimal years */
	double output_step_yr;
	double rtol, atol;
	enum dcg_method method;
	enum dcg_linsol linsol;
	enum dcg_precond precond;       /* GMRES only */
	size_t max_steps;
	bool events;                    /* locate reserve-margin crossings */

	size_t R, K, S, J, L;
	struct dcg_region *regions;     /* owned, R */
	struct dcg_class *classes;      /* owned, K */
	struct dcg_segment *segments;   /* owned, S */
	struct dcg_tech *techs;         /* owned, J (0 without grid) */
	struct dcg_corridor *corridors; /* owned, L */
	/* Representative days (grid only): D days of DCG_HOURS hours; the
	 * weights are the days of a year each stands for (sum 365). */
	size_t D;
	double *day_weight;             /* owned, D */
	struct dcg_hours hours;         /* how the days are configured */

	bool grid_enabled;              /* false: no grid states, gate = 1 */
	struct dcg_grid_params grid;

	struct dcg_layout layout;       /* filled by dcg_model_finalize */
};

/* Allocation and teardown. dcg_model_new gives a zeroed model with default
 * national parameters; arrays are sized with dcg_model_resize. */
struct dcg_model *dcg_model_new(void);
int dcg_model_resize(struct dcg_model *m, size_t R, size_t K, size_t S,
		     size_t J, size_t L, struct dcg_error *err);
void dcg_model_free(struct dcg_model *m); /* accepts NULL, half-built */
/* Sizes the representative days (D >= 1) after dcg_model_resize: weights
 * 365/D each, flat shapes (1) and every technology's cf_shape at its
 * capacity_factor (set the technologies first). Returns 0, DCG_ENOMEM or
 * DCG_ECONFIG (no grid, D == 0). */
int dcg_model_set_days(struct dcg_model *m, size_t D, struct dcg_error *err);
/* One representative day that keeps the first model's peak arithmetic
 * (what dcg_model_finalize uses when no days are set): in hour 0 the base
 * load at its region's peak_factor, data centers at dc_peak_factor and
 * every technology's profile at its region's capacity_credit; the other 23
 * hours share the rest so that the day's means are 1, 1 and each
 * technology's capacity_factor. */
int dcg_model_peak_day(struct dcg_model *m, struct dcg_error *err);
/* Deep copy (caller frees). */
struct dcg_model *dcg_model_clone(const struct dcg_model *m);

/* Computes the layout and checks cross-field consistency (shares sum to 1,
 * segment indices, corridor ends). Must be called before use. */
int dcg_model_finalize(struct dcg_model *m, struct dcg_error *err);

/* Index helpers: never use bare offsets. */
static inline size_t dcg_ix_P(const struct dcg_layout *l, size_t r, size_t k)
{ return r * l->region_size + l->off_P + k; }
static inline size_t dcg_ix_N(const struct dcg_layout *l, size_t r, size_t k)
{ return r * l->region_size + l->off_N + k; }
static inline size_t dcg_ix_W(const struct dcg_layout *l, size_t r, size_t k)
{ return r * l->region_size + l->off_W + k; }
static inline size_t dcg_ix_C(const struct dcg_layout *l, size_t r, size_t k)
{ return r * l->region_size + l->off_C + k; }
static inline size_t dcg_ix_pue(const struct dcg_layout *l, size_t r)
{ return r * l->region_size + l->off_pue; }
static inline size_t dcg_ix_share(const struct dcg_layout *l, size_t r)
{ return r * l->region_size + l->off_share; }
static inline size_t dcg_ix_B(const struct dcg_layout *l, size_t r)
{ return r * l->region_size + l->off_B; }
static inline size_t dcg_ix_Q(const struct dcg_layout *l, size_t r, size_t j)
{ return r * l->region_size + l->off_Q + j; }
static inline size_t dcg_ix_G(const struct dcg_layout *l, size_t r, size_t j)
{ return r * l->region_size + l->off_G + j; }
/* Age stage a = 1 .. DCG_COHORTS-1 of technology j in region r. */
static inline size_t dcg_ix_A(const struct dcg_layout *l, size_t r, size_t j, size_t a)
{ return r * l->region_size + l->off_A + j * (DCG_COHORTS - 1) + (a - 1); }
static inline size_t dcg_ix_App(const struct dcg_layout *l, size_t r, size_t j)
{ return r * l->region_size + l->off_App + j; }
static inline size_t dcg_ix_Y(const struct dcg_layout *l, size_t j)
{ return l->nat_Y + j; }
static inline size_t dcg_ix_D(const struct dcg_layout *l, size_t s)
{ return l->nat_D + s; }
static inline size_t dcg_ix_X(const struct dcg_layout *l, size_t k)
{ return l->nat_X + k; }
static inline size_t dcg_ix_price(const struct dcg_layout *l)
{ return l->nat_price; }

/* Describes state i for error messages, e.g. "racks in service N
 * [region yangtze-delta, class gpu-import]". Returns buf. */
const char *dcg_model_describe_state(const struct dcg_model *m, size_t i,
				     char *buf, size_t size);

/* 1 for states that must stay >= 0 (CVODE constraints), 0 otherwise. */
void dcg_model_constraints(const struct dcg_model *m, double *c);

/* Initial state y0 (n entries) at t0. Returns 0 or DCG_ENOMEM. */
int dcg_model_initial(const struct dcg_model *m, double *y0);

/* Sorted, de-duplicated schedule breakpoints strictly inside (t0, t1):
 * the times where the solver must stop and restart. (Whole years, where
 * calendar-year totals are read, need no restart.) Caller frees *ret_t. */
int dcg_model_breakpoints(const struct dcg_model *m, double **ret_t,
			  size_t *ret_n, struct dcg_error *err);

/* Discrete changes at a breakpoint t (pipeline cancellation when a class
 * becomes unavailable). Modifies y in place; returns 1 if y changed. */
int dcg_model_apply_jumps(const struct dcg_model *m, double t, double *y);

/* Scratch space for the right-hand side. It caches the regions' schedule
 * values of the last t; after changing the model in place while a work area
 * is in use (a sensitivity parameter, say), call dcg_work_invalidate. */
struct dcg_work;
struct dcg_work *dcg_work_new(const struct dcg_model *m);
void dcg_work_invalidate(struct dcg_work *w);
/* Whether field (a number inside m) is one of the values a work area
 * caches, so that changing it in place needs dcg_work_invalidate. */
bool dcg_work_caches(const struct dcg_model *m, const double *field);
void dcg_work_free(struct dcg_work *w);

/* The right-hand side: ydot = f(t, y). Allocates nothing, no I/O, O(R*(K+J)+L).
 * Returns 0, > 0 for a recoverable problem (CVODE retries with a smaller
 * step) or < 0 for a fatal one. */
int dcg_model_rhs(const struct dcg_model *m, struct dcg_work *w, double t,
		  const double *y, double *ydot);

/* Quadrature integrands (nq entries): DC energy, consumption, unserved
 * energy, emissions, generation per technology, per region (TWh/yr, Mt/yr). */
int dcg_model_quad(const struct dcg_model *m, struct dcg_work *w, double t,
		   const double *y, double *qdot);

/* Event functions: per region RM[r] - RMmin[r], or ln(LOLE standard /
 * LOLE[r]) with the LOLE standard (grid only; R entries),
 * all regions at once, O(R*(K+J)+L). */
size_t dcg_model_nroots(const struct dcg_model *m);
int dcg_model_roots(const struct dcg_model *m, struct dcg_work *w, double t,
		    const double *y, double *g);

/* The event function of region r alone, from the states listed by
 * dcg_model_root_states (region r's and its corridor neighbours'), in
 * O(degree*D*24*J): bit for bit dcg_model_roots' g[r]. For locating one
 * region's crossing without evaluating the others. Uses w's hourly arrays
 * as scratch. */
double dcg_model_root_region(const struct dcg_model *m, struct dcg_work *w,
			     double t, const double *y, size_t r);

/* Writes to ix (when not NULL) the indices of the states that
 * dcg_model_root_region reads for region r, and returns how many there are
 * (a neighbour joined by two corridors is listed twice). */
size_t dcg_model_root_states(const struct dcg_model *m, const struct dcg_work *w,
			     size_t r, size_t *ix);

/* Derived series. */
enum dcg_dims {
	DCG_DIMS_T,    /* (T) */
	DCG_DIMS_TS,   /* (T, segments) */
	DCG_DIMS_TR,   /* (T, regions) */
	DCG_DIMS_TRK,  /* (T, regions, hardware) */
	DCG_DIMS_TK,   /* (T, hardware) */
	DCG_DIMS_TRJ,  /* (T, regions, technologies) */
	DCG_DIMS_TL,   /* (T, corridors) */
};

/* The series table: one entry per output dataset, in output order. The HDF5
 * writer, the CSV exporter and docs are driven by it. */
enum dcg_series_id {
	DCG_SER_RACKS,            /* datacenter/racks */
	DCG_SER_RACKS_PIPELINE,
	DCG_SER_IT_CAPACITY,
	DCG_SER_COMPUTE,
	DCG_SER_ORDERS,
	DCG_SER_IT_LOAD,
	DCG_SER_FACILITY_LOAD,
	DCG_SER_ENERGY,
	DCG_SER_PUE,
	DCG_SER_STANDARD_RACKS,
	DCG_SER_DEMAND_SHARE,
	DCG_SER_COMPUTE_DEMAND,
	DCG_SER_SEGMENT_DEMAND,
	DCG_SER_SUPPLY_CAP,
	/* grid */
	DCG_SER_BASE_DEMAND,
	DCG_SER_DEMAND,
	DCG_SER_PEAK_DEMAND,
	DCG_SER_FIRM_CAPACITY,
	DCG_SER_RESERVE_MARGIN,
	DCG_SER_NET_IMPORT,
	DCG_SER_UNSERVED,
	DCG_SER_PRICE_INDEX,
	DCG_SER_EMISSIONS,
	DCG_SER_CONNECTION_GATE,
	DCG_SER_CAPACITY,
	DCG_SER_CAPACITY_PIPELINE,
	DCG_SER_GENERATION,
	DCG_SER_CURTAILMENT,
	DCG_SER_FLOW,
	DCG_SER_NET_PEAK,
	DCG_SER_LOLE,
	DCG_SER_EUE,
	DCG_SER_STORAGE_CHARGE,
	DCG_SER_CURTAILMENT_TOTAL,
	DCG_SER_CAPACITY_CREDIT,
	DCG_SER_FUEL,
	/* planning */
	DCG_SER_INVESTMENT,       /* grid/investment: desired new capacity */
	DCG_SER_UNMET_INVESTMENT, /* grid/unmet_investment: beyond build caps */
	DCG_SER_RETIREMENTS,
	DCG_SER_CLOSURES,
	DCG_SER_CAPACITY_APPROVAL,
	/* integrals carried by the solver, cumulative from t0 */
	DCG_SER_CUM_DC_ENERGY,
	DCG_SER_CUM_UNSERVED,
	DCG_SER_CUM_EMISSIONS,
	DCG_SER_COUNT
};

struct dcg_series_info {
	const char *group;       /* "datacenter", "grid", "cumulative" */
	const char *name;        /* dataset name */
	enum dcg_dims dims;
	const char *units;       /* UDUNITS-style where possible */
	const char *long_name;
	const char *standard_name; /* CF standard name or NULL */
	bool grid_only;          /* written only when the grid is enabled */
};

const struct dcg_series_info *dcg_series_info(enum dcg_series_id id);

/* Number of values per time point of a series for this model (e.g. R*K). */
size_t dcg_series_width(const struct dcg_model *m, enum dcg_series_id id);

/* Evaluates every series at (t, y, q) and writes one time row of each:
 * out[id] points at that row (width entries); out[id] may be NULL to skip.
 * q are the quadratures at t (nq entries). */
int dcg_model_derive(const struct dcg_model *m, struct dcg_work *w, double t,
		     const double *y, const double *q, double *const *out);

/* The hourly view of a year (written to /hourly): per region r, day d and
 * hour h (index (r * D + d) * 24 + h), generation per region, technology,
 * day and hour, flows per corridor, day and hour. */
enum dcg_hourly_id {
	DCG_HR_LOAD,        /* (region, day, hour) GW */
	DCG_HR_NET_LOAD,    /* load less variable, must-run, hydro, storage */
	DCG_HR_GENERATION,  /* (region, technology, day, hour) GW */
	DCG_HR_CHARGE,      /* storage charging */
	DCG_HR_CURTAILMENT, /* surplus curtailed or spilled */
	DCG_HR_UNSERVED,    /* unserved energy in the dispatch */
	DCG_HR_IMPORT,      /* net import over corridors, after losses */
	DCG_HR_LOLP,        /* loss-of-load probability */
	DCG_HR_FLOW,        /* (corridor, day, hour) GW sent */
	DCG_HR_COUNT
};

struct dcg_hourly_info {
	const char *name;      /* dataset name under /hourly */
	char over;             /* 'r' region, 'j' region x technology,
				  'l' corridor */
	const char *units;
	const char *long_name;
};

const struct dcg_hourly_info *dcg_hourly_info(enum dcg_hourly_id id);

/* Values per year of an hourly series (e.g. R * D * 24); 0 without grid. */
size_t dcg_hourly_width(const struct dcg_model *m, enum dcg_hourly_id id);

/* Evaluates the hourly view at (t, y): out[id] (may be NULL to skip)
 * receives dcg_hourly_width values. */
int dcg_model_hourly(const struct dcg_model *m, struct dcg_work *w, double t,
		     const double *y, double *const *out);

#endif
