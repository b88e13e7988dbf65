/* Sensitivity studies: sampling designs, ensembles of runs, and the
 * statistics computed on them (quantile bands, Sobol indices, Morris
 * elementary effects). docs/studies.md describes study files.
 *
 * A study varies some parameters of a base scenario. Each parameter is
 * given by the dotted path that `--set` accepts and a distribution; a
 * design turns the distributions into a matrix of members x parameters;
 * every member is the base scenario with `--set path=value` for each
 * parameter, loaded and validated like any scenario, solved, and reduced to
 * a few scalar metrics (and, optionally, whole time series).
 *
 * The design is drawn in one place, serially, from the study seed before
 * any member runs, so results do not depend on the number of threads or MPI
 * ranks: a member's parameters are a function of (seed, design, index).
 */
#ifndef DCGRID_STUDY_H
#define DCGRID_STUDY_H

#include <stdbool.h>
#include <stddef.h>

#include "dcgrid/model.h"
#include "dcgrid/status.h"

#define DCG_STUDY_SCHEMA "dcgrid-study/1"

/* ---- statistics (solvers/stats.c): pure functions, no I/O ------------- */

/* Quantiles p[0..np) of the finite values among x[i * stride], i < n
 * (type-7 linear interpolation, as R and NumPy). NaN in every out[] when no
 * value is finite. Returns 0 or DCG_ENOMEM. */
int dcg_stats_quantiles(const double *x, size_t n, size_t stride,
			const double *p, size_t np, double *out);

/* Independent uniform points in [0,1)^d (row-major n x d), mt19937. */
int dcg_stats_uniform(size_t n, size_t d, unsigned long seed, double *u);

/* Independent uniform points in [0,1)^d (row-major n x d), mt19937. */
int dcg_stats_uniform(size_t n, size_t d, unsigned long seed, double *u);

/* Latin hypercube of n points in [0,1)^d (row-major n x d): each column has
 * exactly one point in each of the n strata [i/n, (i+1)/n). */
int dcg_stats_lhs(size_t n, size_t d, unsigned long seed, double *u);

/* Saltelli's design for Sobol indices with N base points and d factors:
 * (N * (d + 2)) x d points in blocks A (N rows), B (N rows), then AB_i for
 * i = 0..d-1 (N rows each: A with column i taken from B). A and B are the
 * two halves of a 2d-dimensional Sobol' sequence (GSL, up to 40 dimensions,
 * so d <= 20) shifted modulo 1 by a random vector from seed; for d > 20
 * they are two independent Latin hypercubes instead. */
int dcg_stats_saltelli(size_t N, size_t d, unsigned long seed, double *u);

struct dcg_sobol_index {
	double S1, S1_lo, S1_hi; /* first order (Saltelli 2010), 95 % CI */
	double ST, ST_lo, ST_hi; /* total (Jansen 1999), 95 % CI */
};

/* Sobol indices from the outputs y of a Saltelli design (N * (d + 2)
 * values in the order of dcg_stats_saltelli). Rows with a non-finite value
 * in any block are dropped. Confidence intervals are percentile intervals
 * of nboot bootstrap resamples of the rows (nboot 0: the intervals equal
 * the estimate). out has d entries. Returns 0, DCG_ENOMEM, or DCG_EUSAGE
 * when fewer than 2 rows remain or the output does not vary. */
int dcg_stats_sobol(const double *y, size_t N, size_t d, size_t nboot,
		    unsigned long seed, struct dcg_sobol_index *out,
		    size_t *ret_used);

/* Morris' design: r trajectories of d + 1 points each ((r * (d + 1)) x d)
 * on a grid of `levels` levels in [0,1] with step levels / (2 (levels - 1));
 * consecutive points of a trajectory differ in one factor. levels >= 2 and
 * even is customary. */
int dcg_stats_morris_design(size_t r, size_t d, size_t levels,
			    unsigned long seed, double *u);

struct dcg_morris_index {
	double mu, mu_star, sigma; /* of the elementary effects, per unit of
	                              the factor's [0,1] range */
	size_t n;                  /* effects used (finite outputs) */
};

/* Morris measures from the design u and outputs y (r * (d + 1) each). */
int dcg_stats_morris(const double *u, const double *y, size_t r, size_t d,
		     struct dcg_morris_index *out);

/* ---- study files (inputs/study.c) -------------------------------------- */

enum dcg_dist {
	DCG_DIST_UNIFORM,       /* min, max */
	DCG_DIST_LOG_UNIFORM,   /* min, max (both > 0) */
	DCG_DIST_NORMAL,        /* mean, sd */
	DCG_DIST_TRUNC_NORMAL,  /* mean, sd, min, max */
	DCG_DIST_TRIANGULAR,    /* min, mode, max */
	DCG_DIST_DISCRETE,      /* values, optional weights */
};

enum dcg_design {
	DCG_DESIGN_GRID,     /* full factorial, `levels` per parameter */
	DCG_DESIGN_OAT,      /* one at a time around the medians */
	DCG_DESIGN_RANDOM,   /* plain Monte Carlo */
	DCG_DESIGN_LHS,      /* Latin hypercube */
	DCG_DESIGN_SALTELLI, /* Sobol indices */
	DCG_DESIGN_MORRIS,   /* elementary effects */
};

enum dcg_metric_kind {
	DCG_METRIC_DC_ENERGY_TWH,     /* data-center electricity in a calendar
	                                 year (TWh), all regions */
	DCG_METRIC_STANDARD_RACKS,    /* standard racks at a time, all regions */
	DCG_METRIC_UNSERVED_TWH,      /* cumulative unserved energy to a time
	                                 (TWh), all regions (grid) */
	DCG_METRIC_EMISSIONS_MT,      /* cumulative emissions to a time (Mt) */
	DCG_METRIC_FIRST_BREACH,      /* first time any region's reserve
	                                 margin falls below its minimum
	                                 (decimal year; horizon end + 1 when it
	                                 never does) */
	DCG_METRIC_PEAK_DEMAND_GW,    /* national peak demand at a time (GW) */
	DCG_METRIC_COUNT
};

struct dcg_study_param {
	char path[256];          /* a --set path */
	enum dcg_dist dist;
	double min, max, mean, sd, mode;
	double *values, *weights; /* owned; discrete only, nvalues each
	                             (weights NULL: equal) */
	size_t nvalues;
};

struct dcg_study_metric {
	char name[DCG_NAME_MAX];
	enum dcg_metric_kind kind;
	double time;             /* year (DC energy) or time; NaN: the
	                            horizon's end */
};

struct dcg_study {
	char name[DCG_NAME_MAX];
	char *path;              /* the study file, owned */
	char *scenario_path;     /* owned; NULL: the built-in scenario */
	char *base_text;         /* the base scenario's text, owned */
	char *resolved_text;     /* the base scenario fully resolved (its
	                            @includes and variant bases applied, the
	                            study's fixed overrides too), as
	                            dcg_config_dump writes it; owned */
	char **sets;             /* fixed overrides for every member, owned */
	size_t nsets;
	enum dcg_design design;
	size_t samples;          /* random/lhs: members; saltelli: N; morris:
	                            trajectories */
	size_t levels;           /* grid, oat, morris */
	size_t bootstrap;        /* saltelli resamples */
	unsigned long seed;
	size_t threads;          /* 0: all cores */
	struct dcg_study_param *params; /* owned, P */
	size_t P;
	struct dcg_study_metric *metrics; /* owned */
	size_t nmetrics;
	int *series;             /* enum dcg_series_id, owned */
	size_t nseries;
	char *text;              /* the study file's text, owned */
};

/* Loads and validates a study file; the base scenario is read and checked
 * (loaded once with the fixed overrides). Errors name the file, line and
 * key like scenario files. Caller frees with dcg_study_free. */
int dcg_study_load_file(const char *path, struct dcg_study **ret_study,
			struct dcg_error *err);
void dcg_study_free(struct dcg_study *s); /* accepts NULL, half-built */

const char *dcg_study_design_name(enum dcg_design d);
const char *dcg_study_dist_name(enum dcg_dist d);
const char *dcg_study_metric_name(enum dcg_metric_kind k);
const char *dcg_study_metric_units(enum dcg_metric_kind k);

/* The design: *ret_M members, unit-cube points *ret_u and parameter values
 * *ret_x (both M x P row-major, caller frees). */
int dcg_study_design(const struct dcg_study *s, size_t *ret_M,
		     double **ret_u, double **ret_x, struct dcg_error *err);

/* Inverse CDF of a study parameter at u in [0,1]. */
double dcg_study_param_value(const struct dcg_study_param *p, double u);

/* ---- ensembles (solvers/ensemble.c) ------------------------------------ */

/* Member status. */
enum dcg_member_status {
	DCG_MEMBER_PENDING = 0,
	DCG_MEMBER_OK = 1,
	DCG_MEMBER_SOLVER_FAILED = 2, /* partial result; metrics may be NaN */
	DCG_MEMBER_INVALID = 3,       /* the member's scenario did not load */
};

struct dcg_ensemble {
	size_t M, P, nmetrics, nseries;
	size_t T;                  /* output times of the series */
	double *time;              /* T, owned */
	size_t *width;             /* per stored series, owned */
	double *u, *x;             /* M x P, owned */
	double *metrics;           /* M x nmetrics, NaN when not available */
	int *status;               /* M, enum dcg_member_status */
	char (*reason)[256];       /* M, failure reason or "" */
	double **series;           /* nseries arrays of M x T x width */
	double *member_time_s;     /* M, wall time of each member */
	size_t resumed;            /* members read back from a checkpoint */
};

struct dcg_ensemble_opts {
	size_t threads;            /* 0: the study's, then all cores */
	const char *checkpoint;    /* file of finished members, or NULL */
	int rank, nranks;          /* this process's share: members with
	                              index % nranks == rank (0, 1: all) */
	/* Called (serialised) once before any member runs and after each
	 * finished member; may be NULL. */
	void (*progress)(size_t done, size_t total, void *ctx);
	void *progress_ctx;
	/* Polled between members and inside every solve; when it returns
	 * non-zero no new member starts, running solves stop, and
	 * dcg_ensemble_run returns DCG_EINTERRUPTED (finished members are in
	 * the checkpoint; stopped ones are not recorded). May be NULL. */
	int (*should_stop)(void *ctx);
	void *should_stop_ctx;
};

/* Runs every member of the study's design. Members that fail are recorded
 * with their reason and the study goes on. With a checkpoint file, each
 * finished member is appended to it at once; members already in it (from a
 * killed run of the same study) are read back, not run again. Caller frees
 * *ret with dcg_ensemble_free. DCG_EINTERRUPTED when opts->should_stop
 * asked to stop before every member finished (err says how many did). */
int dcg_ensemble_run(const struct dcg_study *s,
		     const struct dcg_ensemble_opts *opts,
		     struct dcg_ensemble **ret, struct dcg_error *err);
void dcg_ensemble_free(struct dcg_ensemble *e);

/* Serialises member i (status, reason, metrics, series) into a buffer of
 * dcg_ensemble_record_size bytes and back, for checkpoints and MPI. */
size_t dcg_ensemble_record_size(const struct dcg_ensemble *e);
void dcg_ensemble_pack(const struct dcg_ensemble *e, size_t i, void *buf);
void dcg_ensemble_unpack(struct dcg_ensemble *e, const void *buf);

/* ---- analysis and output ------------------------------------------------ */

/* The analysis of an ensemble: quantile bands of every metric and stored
 * series, Sobol indices (saltelli) or Morris measures (morris). */
#define DCG_STUDY_NQ 5
extern const double dcg_study_quantile_p[DCG_STUDY_NQ]; /* .05 .25 .5 .75 .95 */

struct dcg_study_analysis {
	size_t P, nmetrics;
	double *metric_q;          /* nmetrics x NQ */
	double **series_q;         /* nseries arrays of NQ x T x width */
	struct dcg_sobol_index *sobol;  /* nmetrics x P, or NULL */
	size_t *sobol_used;        /* nmetrics */
	struct dcg_morris_index *morris; /* nmetrics x P, or NULL */
	size_t ok;                 /* members that finished */
};

int dcg_study_analyse(const struct dcg_study *s, const struct dcg_ensemble *e,
		      struct dcg_study_analysis **ret, struct dcg_error *err);
void dcg_study_analysis_free(struct dcg_study_analysis *a, size_t nseries);

/* Writes the study file (schema "dcgrid-study/1", docs/output-format.md):
 * temporary name, fsync, rename, as dcg_h5_write_run. */
int dcg_h5_write_study(const char *path, const struct dcg_study *s,
		       const struct dcg_ensemble *e,
		       const struct dcg_study_analysis *a, bool force,
		       struct dcg_error *err);

#endif
