/* Integrating a model with CVODES: the only file that knows N_Vector.
 *
 * The horizon is cut at every schedule breakpoint: the solver stops exactly
 * there (CVodeSetStopTime), discrete changes are applied and it restarts
 * (CVodeReInit), so it never steps across a kink or a jump. Whole years are
 * reached without a restart and the quadratures there give the calendar-year
 * totals. Output times are t0 + i*step and t1.
 *
 * With reserve-margin events CVODE is driven one internal step at a time
 * (CV_ONE_STEP) instead of to each output time (CV_NORMAL), so that every
 * step can be checked for crossings (solvers/events.c, which locates them
 * region by region instead of CVODE's root-finding over all regions). The
 * steps are the same: the same stop times limit them, the same output time
 * passed as tout sets the initial step after each (re)start, and outputs are
 * interpolated with CVodeGetDky at the output time, as CV_NORMAL does. So a
 * run's states and totals do not depend on whether events are on.
 *
 * solver.method = "auto" starts with Adams-Moulton and a fixed-point
 * corrector and is also driven step by step, so that each step feeds the
 * stiffness detector (stiffness.h); once it declares the system stiff, or
 * the fixed-point corrector fails outright, the integration continues from
 * the last step's end with a new CVODE memory: BDF, Newton's method and the
 * linear solver of solver.linear_solver, the same tolerances, stop time,
 * quadratures and events.
 */
#include <cvodes/cvodes.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sundials/sundials_context.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>
#include <time.h>

#include "dcgrid/solver.h"
#include "events.h"
#include "tolerances.h"
#include "linsol.h"
#include "nvector_fast.h"
#include "stiffness.h"

struct solve_ctx {
	/* First member: the linear solver's callbacks find it through
	 * CVODE's user data (linsol.h). */
	struct dcg__linsol lin;
	const struct dcg_model *m;
	struct dcg_work *w;
	/* The breakpoint ending the current interval: there the schedules
	 * are read as left limits, so that the implicit corrector's
	 * evaluation at the interval's end does not see a step that belongs
	 * to the next interval (an O(h) error that grew with the tolerance). */
	double t_end;
	char last_msg[256]; /* CVODE's last message, instead of stderr */
	/* Reserve-margin events (NULL when off), the result they go to and
	 * the caller's options (for should_stop between steps). */
	struct dcg__events *ev;
	struct dcg_result *res;
	const struct dcg_solve_opts *opts;
	/* What a new CVODE memory needs (borrowed), the fixed-point
	 * corrector of "auto" before its switch, and the switch's state. */
	SUNContext sctx;
	N_Vector y, q, abstol, qtol, cons;
	SUNNonlinearSolver nls;
	bool watch_stiffness; /* "auto", still on Adams */
	/* The detector has spoken: switch at the last step's end once the
	 * outputs it already passed are interpolated. */
	bool switch_pending;
	bool linsol_attached;
	double tstop;
	struct dcg__stiffness stiff;
};

/* The time at which the model reads its schedules for solver time t. */
static double model_time(const struct solve_ctx *c, double t)
{
	return t >= c->t_end ? nextafter(c->t_end, -INFINITY) : t;
}

static int f_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data)
{
	struct solve_ctx *c = data;
	return dcg_model_rhs(c->m, c->w, model_time(c, t), N_VGetArrayPointer(y),
			     N_VGetArrayPointer(ydot));
}

static int f_quad(sunrealtype t, N_Vector y, N_Vector qdot, void *data)
{
	struct solve_ctx *c = data;
	return dcg_model_quad(c->m, c->w, model_time(c, t), N_VGetArrayPointer(y),
			      N_VGetArrayPointer(qdot));
}

static void err_handler(int code, const char *module, const char *function,
			char *msg, void *data)
{
	struct solve_ctx *c = data;
	(void)code;
	snprintf(c->last_msg, sizeof c->last_msg, "%s: %s", function, msg);
	(void)module;
}

/* CVodeGetReturnFlagName returns a malloc'ed string: copy and free it. */
static const char *flag_name(int flag, char *buf, size_t size)
{
	char *s = CVodeGetReturnFlagName(flag);
	snprintf(buf, size, "%s", s ? s : "unknown CVODE flag");
	free(s);
	return buf;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void quad_tolerances(const struct dcg_model *m, const double *y0,
			    double *qtol)
{
	/* A quadrature's scale is its integrand times a year. */
	double fac = 0.0;
	struct dcg_work *w = dcg_work_new(m);
	double *qd = calloc(m->layout.nq + 1, sizeof *qd);
	if (w && qd && dcg_model_quad(m, w, m->t0, y0, qd) == 0)
		for (size_t i = 0; i < m->layout.nq; i++)
			fac = fmax(fac, fabs(qd[i]));
	for (size_t i = 0; i < m->layout.nq; i++)
		qtol[i] = m->atol * dcg__tol_scale(m) *
			  fmax(qd ? fabs(qd[i]) : 0.0, 1e-3 * fac + 1e-9);
	free(qd);
	dcg_work_free(w);
}

static int f_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data);
static int f_quad(sunrealtype t, N_Vector y, N_Vector qdot, void *data);
static void err_handler(int code, const char *module, const char *function,
			char *msg, void *data);
static const char *flag_name(int flag, char *buf, size_t size);

/* A new CVODE memory at (t, c->y, c->q) in *ret_mem: BDF, or Adams with the
 * fixed-point corrector of "auto" (fixed_point), or Adams with Newton's
 * method. Newton's method gets the linear solver. Returns 0, or a status
 * with err filled. */
static int start_cvode(struct solve_ctx *c, int lmm, bool fixed_point,
		       double t, void **ret_mem, struct dcg_error *err)
{
	const struct dcg_model *m = c->m;
	size_t nq = m->layout.nq;
	int flag, rc;
	void *mem = CVodeCreate(lmm, c->sctx);
	if (!mem)
		return dcg_error_set(err, DCG_ESOLVER, "cannot create the CVODES solver");
	if ((flag = CVodeSetErrHandlerFn(mem, err_handler, c)) ||
	    (flag = CVodeInit(mem, f_rhs, t, c->y)) ||
	    (flag = CVodeSVtolerances(mem, m->rtol * dcg__tol_scale(m), c->abstol)) ||
	    (flag = CVodeSetUserData(mem, c)) ||
	    (flag = CVodeSetMaxNumSteps(mem, (long)m->max_steps)) ||
	    (flag = CVodeSetConstraints(mem, c->cons)) ||
	    (nq && ((flag = CVodeQuadInit(mem, f_quad, c->q)) ||
		    (flag = CVodeQuadSVtolerances(mem, m->rtol * dcg__tol_scale(m),
						  c->qtol)) ||
		    (flag = CVodeSetQuadErrCon(mem, SUNTRUE)))) ||
	    (fixed_point && (flag = CVodeSetNonlinearSolver(mem, c->nls)))) {
		char fb[64];
		CVodeFree(&mem);
		return dcg_error_set(err, DCG_ESOLVER, "setting up CVODES failed: %s (%s)",
				     flag_name(flag, fb, sizeof fb), c->last_msg);
	}
	if (!fixed_point) {
		if ((rc = dcg__linsol_attach(&c->lin, mem, m, c->w, &c->t_end, c->y,
					     c->abstol, c->sctx, err))) {
			CVodeFree(&mem);
			return rc;
		}
		c->linsol_attached = true;
	}
	*ret_mem = mem;
	return 0;
}

static void add_stats(void *mem, struct dcg_solver_stats *st, bool has_ls)
{
	long v;
	if (CVodeGetNumSteps(mem, &v) == CV_SUCCESS)
		st->steps += v;
	if (CVodeGetNumRhsEvals(mem, &v) == CV_SUCCESS)
		st->rhs_evals += v;
	if (CVodeGetNumLinSolvSetups(mem, &v) == CV_SUCCESS)
		st->lin_setups += v;
	if (CVodeGetNumErrTestFails(mem, &v) == CV_SUCCESS)
		st->err_test_fails += v;
	if (CVodeGetNumNonlinSolvIters(mem, &v) == CV_SUCCESS)
		st->nonlin_iters += v;
	if (CVodeGetNumNonlinSolvConvFails(mem, &v) == CV_SUCCESS)
		st->nonlin_conv_fails += v;
	if (has_ls) {
		if (CVodeGetNumJacEvals(mem, &v) == CV_SUCCESS)
			st->jac_evals += v;
		if (CVodeGetNumLinRhsEvals(mem, &v) == CV_SUCCESS)
			st->rhs_evals += v;
		if (CVodeGetNumLinIters(mem, &v) == CV_SUCCESS)
			st->lin_iters += v;
		if (CVodeGetNumPrecSolves(mem, &v) == CV_SUCCESS)
			st->prec_solves += v;
	}
	sunrealtype h;
	if (CVodeGetLastStep(mem, &h) == CV_SUCCESS && h > 0)
		st->last_step_yr = h;
}

/* Names the state that is the likeliest culprit of a failure: a non-finite
 * derivative if there is one, else the largest weighted local error. */
static void culprit(const struct dcg_model *m, struct solve_ctx *c, void *mem,
		    SUNContext sctx, double t, const double *y, char *buf,
		    size_t size)
{
	size_t n = m->layout.n, worst = 0;
	double *yd = calloc(n, sizeof *yd);
	if (yd) {
		(void)dcg_model_rhs(m, c->w, t, y, yd);
		for (size_t i = 0; i < n; i++)
			if (!isfinite(yd[i]) || !isfinite(y[i])) {
				char d[256];
				snprintf(buf, size,
					 "%s is not finite (value %g, rate %g)",
					 dcg_model_describe_state(m, i, d, sizeof d),
					 y[i], yd[i]);
				free(yd);
				return;
			}
		/* A state outside its constraint (CVODE refuses to restart
		 * from it, "y0 fails to satisfy constraints"). */
		dcg_model_constraints(m, yd);
		for (size_t i = 0; i < n; i++)
			if (yd[i] > 0.0 && y[i] < 0.0) {
				char d[256];
				snprintf(buf, size,
					 "%s is negative (value %g; it must stay "
					 ">= 0)",
					 dcg_model_describe_state(m, i, d, sizeof d),
					 y[i]);
				free(yd);
				return;
			}
		free(yd);
	}
	N_Vector ew = N_VNew_Serial((sunindextype)n, sctx);
	N_Vector el = N_VNew_Serial((sunindextype)n, sctx);
	double big = -1.0;
	if (ew && el && CVodeGetErrWeights(mem, ew) == CV_SUCCESS &&
	    CVodeGetEstLocalErrors(mem, el) == CV_SUCCESS) {
		double *a = N_VGetArrayPointer(ew), *b = N_VGetArrayPointer(el);
		for (size_t i = 0; i < n; i++)
			if (fabs(a[i] * b[i]) > big) {
				big = fabs(a[i] * b[i]);
				worst = i;
			}
	}
	char d[256];
	if (big >= 0.0)
		snprintf(buf, size, "largest local error in %s (value %g)",
			 dcg_model_describe_state(m, worst, d, sizeof d), y[worst]);
	else
		snprintf(buf, size, "no component identified");
	N_VDestroy(ew);
	N_VDestroy(el);
}

/* The counters of the last CVODE memory, the linear solver's and the
 * events'. */
static void finish_stats(struct solve_ctx *c, void *mem)
{
	struct dcg_solver_stats *st = &c->res->stats;
	add_stats(mem, st, c->linsol_attached);
	if (c->linsol_attached) {
		dcg__linsol_stats(&c->lin, st);
	} else {
		snprintf(st->linear_solver, sizeof st->linear_solver, "none");
		st->prec_switch_time = NAN;
	}
	snprintf(st->nonlinear_solver, sizeof st->nonlinear_solver, "%s",
		 c->linsol_attached ? "newton" : "fixed_point");
	st->root_evals = dcg__events_evals(c->ev);
}

static bool should_stop(const struct dcg_solve_opts *opts)
{
	return opts && opts->should_stop && opts->should_stop(opts->should_stop_ctx);
}

enum advance_result {
	ADVANCE_OK,
	ADVANCE_CVODE_FAILED,  /* *status: the CVODE flag */
	ADVANCE_EVENTS_FAILED, /* *status: a dcg status */
	ADVANCE_INTERRUPTED,   /* opts->should_stop asked to stop */
	ADVANCE_SWITCH_FAILED, /* *status: a dcg status, err filled */
};

/* Advances the integration to target as CVode(CV_NORMAL) does, leaving
 * y = y(target) and *tret = target (or the stop time, if that comes first
 * and target is past it, which the caller never asks). Without events, that
 * is one CV_NORMAL call. With events, it is CV_ONE_STEP calls with target as
 * tout, each step's end (y = y(tn)) handed to the event locator, until the
 * solver's time reaches target; then y(target) is interpolated, as CV_NORMAL
 * does, which also interpolates when an earlier step already passed it. */
/* "auto": continues the integration from the last step's end tn with BDF
 * and Newton's method in a new CVODE memory (*memp replaced), keeping the
 * stop time. c->y and c->q are overwritten with y(tn) and q(tn). */
static int switch_to_bdf(struct solve_ctx *c, void **memp, double tn,
			 struct dcg_error *err)
{
	if (CVodeGetDky(*memp, tn, 0, c->y) < 0 ||
	    (c->m->layout.nq && CVodeGetQuadDky(*memp, tn, 0, c->q) < 0))
		return dcg_error_set(err, DCG_ESOLVER,
				     "cannot read the state at t = %g to switch to BDF", tn);
	add_stats(*memp, &c->res->stats, false);
	CVodeFree(memp);
	c->watch_stiffness = false;
	c->switch_pending = false;
	c->res->stats.method_switch_time = tn;
	snprintf(c->res->stats.method, sizeof c->res->stats.method, "BDF");
	int rc = start_cvode(c, CV_BDF, false, tn, memp, err);
	if (rc)
		return rc;
	if (CVodeSetStopTime(*memp, c->tstop))
		return dcg_error_set(err, DCG_ESOLVER, "cannot set the stop time after switching to BDF");
	return 0;
}

/* Whether "auto" should leave Adams now: the detector's verdict after a
 * step, or (failed) a failure of the fixed-point corrector or of the error
 * test, which BDF with Newton's method may well pass. */
static bool stiff_now(struct solve_ctx *c, void *mem, bool failed)
{
	if (!c->watch_stiffness)
		return false;
	if (failed)
		return true;
	if (c->switch_pending)
		return false;
	long nst = 0, ncf = 0;
	if (CVodeGetNumSteps(mem, &nst) || CVodeGetNumNonlinSolvConvFails(mem, &ncf))
		return false;
	return dcg__stiffness_check(&c->stiff, nst, ncf);
}

static enum advance_result advance(struct solve_ctx *c, void **memp, double target,
				   N_Vector y, double *tret, int *status,
				   struct dcg_error *err)
{
	if (!c->ev && !c->watch_stiffness) {
		*status = CVode(*memp, target, y, tret, CV_NORMAL);
		return *status < 0 ? ADVANCE_CVODE_FAILED : ADVANCE_OK;
	}
	for (size_t steps = 0;; steps++) {
		void *mem = *memp;
		sunrealtype tn;
		long nst;
		if ((*status = CVodeGetCurrentTime(mem, &tn)) ||
		    (*status = CVodeGetNumSteps(mem, &nst)))
			return ADVANCE_CVODE_FAILED;
		if (c->switch_pending && nst > 0 && tn < target) {
			if ((*status = switch_to_bdf(c, memp, tn, err)))
				return ADVANCE_SWITCH_FAILED;
			continue;
		}
		if (nst > 0 && tn >= target) {
			*tret = target;
			*status = CVodeGetDky(mem, target, 0, y);
			return *status ? ADVANCE_CVODE_FAILED : ADVANCE_OK;
		}
		/* CV_NORMAL's limit on the steps of one call, with its
		 * message (y already holds y(tn)). */
		if (steps >= c->m->max_steps) {
			*tret = tn;
			*status = CV_TOO_MUCH_WORK;
			snprintf(c->last_msg, sizeof c->last_msg,
				 "CVode: At t = %g, mxstep steps taken before reaching tout.", tn);
			return ADVANCE_CVODE_FAILED;
		}
		*status = CVode(mem, target, y, &tn, CV_ONE_STEP);
		*tret = tn;
		if (*status < 0) {
			if (!stiff_now(c, mem, true))
				return ADVANCE_CVODE_FAILED;
			/* Restart from the last successful step's end (before
			 * target, or the loop would have returned). */
			if (CVodeGetCurrentTime(mem, &tn) ||
			    (*status = switch_to_bdf(c, memp, tn, err)))
				return ADVANCE_SWITCH_FAILED;
			continue;
		}
		if (c->ev && (*status = dcg__events_step(c->ev, mem, tn, model_time(c, tn),
							 N_VGetArrayPointer(y), c->res)))
			return ADVANCE_EVENTS_FAILED;
		if (stiff_now(c, mem, false))
			c->switch_pending = true;
		if (should_stop(c->opts))
			return ADVANCE_INTERRUPTED;
	}
}

/* Stores output row i: state, quadratures and every derived series. */
static int record(const struct dcg_model *m, struct dcg_work *w,
		  struct dcg_result *res, size_t i, double t, const double *y,
		  const double *q)
{
	size_t n = m->layout.n, nq = m->layout.nq;
	res->time[i] = t;
	memcpy(&res->y[i * n], y, n * sizeof *y);
	memcpy(&res->q[i * nq], q, nq * sizeof *q);
	double *rows[DCG_SER_COUNT];
	for (int id = 0; id < DCG_SER_COUNT; id++) {
		size_t width = dcg_series_width(m, (enum dcg_series_id)id);
		rows[id] = res->series[id] ? res->series[id] + i * width : NULL;
	}
	return dcg_model_derive(m, w, t, y, q, rows);
}

int dcg_solve(const struct dcg_model *m, const struct dcg_solve_opts *opts,
	      struct dcg_result **ret_result, struct dcg_error *err)
{
	const struct dcg_layout *lay = &m->layout;
	size_t n = lay->n, nq = lay->nq, nroots = dcg_model_nroots(m);
	double t0 = m->t0, t1 = m->t1, step = m->output_step_yr;
	double wall0 = now_s();
	int rc = 0, flag;
	double t = t0, *yv = NULL, *qv = NULL;
	struct solve_ctx c = {.m = m, .t_end = INFINITY};
	SUNContext sctx = NULL;
	N_Vector y = NULL, q = NULL, abstol = NULL, qtol = NULL, cons = NULL;
	void *mem = NULL;
	double *bp = NULL, *qyear = NULL;
	size_t nbp = 0, iout = 0, ibp = 0;
	struct dcg_result *res = NULL;

	/* Output times: t0 + i*step (a small tolerance keeps t1 from being
	 * duplicated by round-off) and t1. */
	size_t T = (size_t)floor((t1 - t0) / step + 1e-9) + 1;
	if (t0 + (double)(T - 1) * step < t1 - 1e-9)
		T++;
	double ya = ceil(t0), yb = floor(t1);
	size_t Y = yb - 1.0 >= ya ? (size_t)(yb - ya) : 0;
	if ((rc = dcg_model_breakpoints(m, &bp, &nbp, err)))
		goto finish;
	c.w = dcg_work_new(m);
	res = dcg_result_new(m, T, Y);
	qyear = calloc((Y + 1) * (nq + 1), sizeof *qyear);
	c.res = res;
	c.opts = opts;
	if (!c.w || !res || !qyear) {
		rc = dcg_error_set(err, DCG_ENOMEM,
				   "out of memory for a result of %zu times x "
				   "%zu states",
				   T, n);
		goto finish;
	}
	for (size_t i = 0; i < Y; i++)
		res->year[i] = ya + (double)i;

	if (SUNContext_Create(NULL, &sctx)) {
		rc = dcg_error_set(err, DCG_ESOLVER, "cannot create a SUNDIALS context");
		goto finish;
	}
	/* CVODE clones its work vectors from y and q, with their optimised
	 * operations. */
	y = dcg__nvec_fast(N_VNew_Serial((sunindextype)n, sctx));
	abstol = dcg__nvec_fast(N_VNew_Serial((sunindextype)n, sctx));
	cons = dcg__nvec_fast(N_VNew_Serial((sunindextype)n, sctx));
	q = dcg__nvec_fast(N_VNew_Serial((sunindextype)(nq ? nq : 1), sctx));
	qtol = dcg__nvec_fast(N_VNew_Serial((sunindextype)(nq ? nq : 1), sctx));
	if (!y || !abstol || !cons || !q || !qtol) {
		rc = dcg_error_set(err, DCG_ENOMEM, "out of memory for solver vectors");
		goto finish;
	}
	yv = N_VGetArrayPointer(y);
	qv = N_VGetArrayPointer(q);
	if ((rc = dcg_model_initial(m, yv))) {
		rc = dcg_error_set(err, rc, "out of memory computing the initial state");
		goto finish;
	}
	N_VConst(0.0, q);
	dcg__abs_tolerances(m, yv, N_VGetArrayPointer(abstol));
	quad_tolerances(m, yv, N_VGetArrayPointer(qtol));
	dcg_model_constraints(m, N_VGetArrayPointer(cons));
	{
		/* Check the start is finite before CVODE sees it. */
		char why[512];
		for (size_t i = 0; i < n; i++)
			if (!isfinite(yv[i])) {
				rc = dcg_error_set(err, DCG_ECONFIG,
						   "initial state is not finite: %s",
						   dcg_model_describe_state(m, i, why, sizeof why));
				goto finish;
			}
	}

	c.sctx = sctx;
	c.y = y;
	c.q = q;
	c.abstol = abstol;
	c.qtol = qtol;
	c.cons = cons;
	c.watch_stiffness = m->method == DCG_METHOD_AUTO;
	dcg__stiffness_reset(&c.stiff);
	res->stats.method_switch_time = NAN;
	snprintf(res->stats.method_setting, sizeof res->stats.method_setting, "%s",
		 m->method == DCG_METHOD_AUTO    ? "auto"
		 : m->method == DCG_METHOD_ADAMS ? "adams"
						 : "bdf");
	snprintf(res->stats.method, sizeof res->stats.method, "%s",
		 m->method == DCG_METHOD_BDF ? "BDF" : "ADAMS");
	if (c.watch_stiffness && !(c.nls = SUNNonlinSol_FixedPoint(y, 0, sctx))) {
		rc = dcg_error_set(err, DCG_ENOMEM, "out of memory for the fixed-point corrector");
		goto finish;
	}
	if ((rc = start_cvode(&c, m->method == DCG_METHOD_BDF ? CV_BDF : CV_ADAMS,
			     c.watch_stiffness, t0, &mem, err)))
		goto finish;

	/* Regions already short of reserve at the start are an event too. */
	if (nroots && (!(c.ev = dcg__events_new(m, c.w, sctx)) ||
		       dcg__events_start(c.ev, t0, yv, res))) {
		rc = dcg_error_set(err, DCG_ENOMEM,
				   "out of memory for the reserve-margin events of %zu regions",
				   nroots);
		goto finish;
	}

	if ((rc = record(m, c.w, res, iout++, t0, yv, qv)))
		goto solver_failed;
	/* Year boundaries ya + iyr (iyr = 0..Y) where the quadratures are
	 * read for the calendar-year totals. */
	size_t iyr = 0;
	if (Y && ya == t0)
		memcpy(&qyear[iyr++ * nq], qv, nq * sizeof *qv);
	while (iout < T) {
		double tout = iout == T - 1 ? t1 : t0 + (double)iout * step;
		while (ibp < nbp && bp[ibp] <= t + 1e-12)
			ibp++;
		double tstop = ibp < nbp ? bp[ibp] : t1;
		c.t_end = ibp < nbp ? bp[ibp] : INFINITY;
		double tyear = Y && iyr <= Y ? ya + (double)iyr : INFINITY;
		double target = fmin(fmin(tout, tstop), tyear);
		if ((flag = CVodeSetStopTime(mem, tstop))) {
			rc = -1;
			goto solver_failed;
		}
		c.tstop = tstop;
		double tret = t;
		int status = 0;
		enum advance_result adv = advance(&c, &mem, target, y, &tret, &status, err);
		t = tret;
		if (adv == ADVANCE_SWITCH_FAILED) {
			rc = status;
			goto finish;
		}
		if (adv == ADVANCE_CVODE_FAILED) {
			rc = status;
			goto solver_failed;
		}
		if (adv == ADVANCE_EVENTS_FAILED) {
			if (status == DCG_ENOMEM) {
				rc = dcg_error_set(err, DCG_ENOMEM, "out of memory for events");
				goto finish;
			}
			snprintf(c.last_msg, sizeof c.last_msg,
				 "CVodeGetDky failed locating a reserve-margin crossing");
			rc = CV_BAD_T;
			goto solver_failed;
		}
		if (adv == ADVANCE_INTERRUPTED || should_stop(opts)) {
			rc = dcg_error_set(err, DCG_EINTERRUPTED,
					   "interrupted at t = %.4f of %.2f", t,
					   t1);
			goto finish;
		}
		/* The quadratures at t by dense output, which is what
		 * CVodeGetQuad gives after a CV_NORMAL return (after
		 * CV_ONE_STEP it would give them at the last step's end). */
		if (nq && CVodeGetQuadDky(mem, t, 0, q) < 0) {
			rc = -1;
			goto solver_failed;
		}
		if (fabs(t - tyear) <= 1e-9 * fmax(1.0, fabs(tyear)))
			memcpy(&qyear[iyr++ * nq], qv, nq * sizeof *qv);
		if (ibp < nbp && fabs(t - tstop) <= 1e-9 * fmax(1.0, fabs(tstop))) {
			/* A breakpoint: apply discrete changes and restart
			 * the integrator. */
			dcg_model_apply_jumps(m, tstop, yv);
			/* Round-off can leave a constrained state a hair below
			 * 0 (-3e-42 seen after 115 years), which CVodeReInit
			 * refuses; within its tolerance it is 0. */
			const double *cv = N_VGetArrayPointer(cons);
			const double *av = N_VGetArrayPointer(abstol);
			for (size_t i = 0; i < n; i++)
				if (cv[i] > 0.0 && yv[i] < 0.0 && yv[i] > -av[i])
					yv[i] = 0.0;
			add_stats(mem, &res->stats, c.linsol_attached);
			res->stats.restarts++;
			if (c.switch_pending) {
				/* The detector spoke in the last interval:
				 * start the next one with BDF. */
				CVodeFree(&mem);
				c.watch_stiffness = c.switch_pending = false;
				res->stats.method_switch_time = tstop;
				snprintf(res->stats.method, sizeof res->stats.method, "BDF");
				if ((rc = start_cvode(&c, CV_BDF, false, tstop, &mem, err)))
					goto finish;
			} else if ((flag = CVodeReInit(mem, tstop, y)) ||
				   (nq && (flag = CVodeQuadReInit(mem, q)))) {
				rc = flag;
				goto solver_failed;
			}
			dcg__stiffness_reset(&c.stiff);
			if (c.linsol_attached)
				dcg__linsol_restarted(&c.lin);
			ibp++;
			/* Crossings caused by the discrete changes, at the
			 * breakpoint (the schedules read there now are the new
			 * interval's). */
			if (c.ev && dcg__events_restart(c.ev, tstop, yv, res)) {
				rc = dcg_error_set(err, DCG_ENOMEM, "out of memory for events");
				goto finish;
			}
		}
		if (fabs(t - tout) <= 1e-9 * fmax(1.0, fabs(tout))) {
			if ((rc = record(m, c.w, res, iout++, tout, yv, qv)))
				goto solver_failed;
			if (opts && opts->progress)
				opts->progress(tout, t0, t1, opts->progress_ctx);
		}
	}
	finish_stats(&c, mem);
	res->t_reached = t1;

	/* Calendar-year totals: differences of the quadratures at the year
	 * boundaries, which are solver stops. */
	{
		size_t R = m->R, J = m->grid_enabled ? m->J : 0, qs = lay->q_region_size;
		for (size_t i = 0; i < Y; i++)
			for (size_t r = 0; r < R; r++) {
				const double *a = &qyear[i * nq + r * qs];
				const double *b = &qyear[(i + 1) * nq + r * qs];
				res->annual_dc_energy[i * R + r] = b[lay->q_dc_energy] - a[lay->q_dc_energy];
				res->annual_consumption[i * R + r] = b[lay->q_consumption] - a[lay->q_consumption];
				res->annual_unserved[i * R + r] = b[lay->q_unserved] - a[lay->q_unserved];
				res->annual_emissions[i * R + r] = b[lay->q_emissions] - a[lay->q_emissions];
				for (size_t j = 0; j < J; j++)
					res->annual_generation[(i * R + r) * J + j] =
						b[lay->q_generation + j] - a[lay->q_generation + j];
			}
	}
	if (dcg_result_add_hourly(res, m, c.w)) {
		rc = dcg_error_set(err, DCG_ENOMEM,
				   "out of memory for the hourly view of %zu "
				   "regions", m->R);
		goto finish;
	}
	res->stats.wall_time_s = now_s() - wall0;
	rc = 0;
	goto finish;

solver_failed: {
	char why[400], fb[64];
	culprit(m, &c, mem, sctx, t, yv, why, sizeof why);
	finish_stats(&c, mem);
	res->stats.wall_time_s = now_s() - wall0;
	res->complete = false;
	res->t_reached = t;
	/* Keep only the rows that were written. */
	res->T = iout;
	snprintf(res->failure, sizeof res->failure,
		 "solver failed at t = %.6f: %s%s%s; %s", t,
		 rc < 0 ? flag_name(rc, fb, sizeof fb) : "right-hand side error",
		 c.last_msg[0] ? ": " : "", c.last_msg, why);
	rc = dcg_error_set(err, DCG_ESOLVER, "%s", res->failure);
}
finish:
	if (res && (rc == 0 || rc == DCG_ESOLVER)) {
		*ret_result = res;
		res = NULL;
	}
	dcg_result_free(res);
	CVodeFree(&mem);
	dcg__linsol_free(&c.lin);
	SUNNonlinSolFree(c.nls);
	N_VDestroy(y);
	N_VDestroy(q);
	N_VDestroy(abstol);
	N_VDestroy(qtol);
	N_VDestroy(cons);
	SUNContext_Free(&sctx);
	dcg_work_free(c.w);
	free(bp);
	free(qyear);
	dcg__events_free(c.ev);
	return rc;
}
