/* The result of one projection: time series, calendar-year totals, events
 * and solver statistics. Filled by solvers/, written by outputs/. */
#ifndef DCGRID_RESULT_H
#define DCGRID_RESULT_H

#include <stdbool.h>
#include <stddef.h>

#include "dcgrid/model.h"

enum dcg_event_kind {
	DCG_EVENT_BELOW = 0,   /* reserve margin falls below its minimum */
	DCG_EVENT_RECOVER = 1, /* reserve margin rises back above it */
};

struct dcg_event {
	size_t region;
	enum dcg_event_kind kind;
	double time;           /* decimal years, located on CVODE's dense
				  output (solvers/events.h) */
};

struct dcg_solver_stats {
	long steps, rhs_evals, jac_evals, lin_setups, err_test_fails;
	long nonlin_iters, nonlin_conv_fails, root_evals, restarts;
	long lin_iters;      /* Krylov iterations (GMRES) */
	long prec_solves;    /* preconditioner solves (GMRES) */
	long jac_rhs_evals;  /* right-hand sides spent on difference Jacobians,
				included in rhs_evals */
	double wall_time_s;
	double last_step_yr;
	char method[16];        /* "BDF" or "ADAMS": the method at the end */
	char method_setting[8]; /* solver.method: "auto", "bdf" or "adams" */
	/* "auto": when it switched from Adams to BDF (the end of the last
	 * Adams step), NaN if it did not. */
	double method_switch_time;
	/* "fixed_point" ("auto" on Adams to the end) or "newton". */
	char nonlinear_solver[16];
	char linear_solver[16]; /* "dense", "klu", "gmres" */
	char preconditioner[16]; /* gmres: "none" or "block"; else "" */
	double prec_switch_time; /* auto: when block was switched on; NaN if not */
};

struct dcg_result {
	size_t T;               /* output times */
	double *time;           /* T */
	size_t n, nq;
	double *y;              /* T x n states */
	double *q;              /* T x nq quadratures (cumulative from t0) */
	double *series[DCG_SER_COUNT]; /* T x dcg_series_width(); NULL if unused */

	/* Calendar years wholly inside the horizon, totals integrated by the
	 * solver between the year boundaries (which are solver stops). */
	size_t Y;
	double *year;           /* Y, e.g. 2024.0 */
	double *annual_dc_energy;   /* Y x R, TWh */
	double *annual_consumption; /* Y x R, TWh (grid) */
	double *annual_unserved;    /* Y x R, TWh (grid) */
	double *annual_emissions;   /* Y x R, Mt CO2 (grid) */
	double *annual_generation;  /* Y x R x J, TWh (grid) */

	/* The hourly view at chosen years (grid only; model hours.output_years,
	 * or the first and last whole years): hY years, each read at the
	 * output row nearest to its middle (hourly_time), hourly[id] holds hY x
	 * dcg_hourly_width values. */
	size_t hY;
	double *hourly_year, *hourly_time;
	double *hourly[DCG_HR_COUNT];

	size_t n_events;
	struct dcg_event *events;

	struct dcg_solver_stats stats;
	bool complete;          /* false: the solve failed at t_reached */
	double t_reached;
	char failure[1024];     /* the failure message when !complete */
};

/* Allocates a result sized for m with T output times (zero-filled). */
struct dcg_result *dcg_result_new(const struct dcg_model *m, size_t T,
				  size_t Y);
void dcg_result_free(struct dcg_result *r); /* accepts NULL */

/* Fills the hourly view of a finished result (res->time, res->y) with the
 * work area w of model m. Returns 0, DCG_ENOMEM or the model's error. */
int dcg_result_add_hourly(struct dcg_result *res, const struct dcg_model *m,
			  struct dcg_work *w);

#endif
