/* Reserve-margin events located region by region; events.h has the method.
 *
 * Cost: O(R (K + J) + L) per internal step (one adequacy evaluation of the
 * whole model); per crossing O(iterations * degree * (K + J) * order), with
 * about ten iterations for the Illinois method at CVODE's time tolerance.
 */
#include <cvodes/cvodes.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sundials/sundials_nvector.h>

#include "events.h"

/* Dense output for a few states. CVodeGetDky (SUNDIALS 6.x and 7.x) forms
 * sum_j c[j] zn[j] with N_VLinearCombination, which dispatches on the output
 * vector, then scales it with N_VScale (k > 0), which does too: an output
 * vector with these two operations computes only the listed entries of a
 * full-length array, in the order N_VLinearCombination_Serial uses. */
struct masked {
	double *data;      /* n entries, of which ix[] are written */
	const size_t *ix;
	size_t count;
};

/* Terms of the dense output: order + 1, at most 13 (Adams, order 12). */
#define DCG_MAX_TERMS 16

static int masked_lincomb(int nvec, sunrealtype *c, N_Vector *X, N_Vector z)
{
	const struct masked *mk = z->content;
	const double *x[DCG_MAX_TERMS];
	if (nvec < 1 || nvec > DCG_MAX_TERMS)
		return -1;
	for (int j = 0; j < nvec; j++)
		x[j] = N_VGetArrayPointer(X[j]);
	for (size_t i = 0; i < mk->count; i++) {
		size_t k = mk->ix[i];
		double s = c[0] * x[0][k];
		for (int j = 1; j < nvec; j++)
			s += c[j] * x[j][k];
		mk->data[k] = s;
	}
	return 0;
}

static void masked_scale(sunrealtype c, N_Vector x, N_Vector z)
{
	const struct masked *mx = x->content, *mz = z->content;
	for (size_t i = 0; i < mz->count; i++)
		mz->data[mz->ix[i]] = c * mx->data[mz->ix[i]];
}

struct crossing {
	double t;
	size_t region;
	enum dcg_event_kind kind;
};

struct dcg__events {
	const struct dcg_model *m;
	struct dcg_work *w;
	size_t R;
	double *g, *g_new;  /* event functions at t_last and at the new time */
	double t_last;
	double *ybuf;       /* n: interpolated states (only those g_r reads) */
	size_t *ix;         /* the states one region's g reads */
	struct masked mask; /* content of yint: ybuf at ix */
	N_Vector yint;
	struct crossing *cross; /* one step's crossings, at most R */
	size_t cap;             /* allocated length of res->events */
	long evals;
};

void dcg__events_free(struct dcg__events *ev)
{
	if (!ev)
		return;
	if (ev->yint)
		N_VFreeEmpty(ev->yint); /* the content is ev->mask */
	free(ev->g);
	free(ev->g_new);
	free(ev->ybuf);
	free(ev->ix);
	free(ev->cross);
	free(ev);
}

struct dcg__events *dcg__events_new(const struct dcg_model *m, struct dcg_work *w,
				    SUNContext sctx)
{
	struct dcg__events *ev = calloc(1, sizeof *ev);
	if (!ev)
		return NULL;
	ev->m = m;
	ev->w = w;
	ev->R = m->R;
	size_t most = 1;
	for (size_t r = 0; r < m->R; r++) {
		size_t k = dcg_model_root_states(m, w, r, NULL);
		most = k > most ? k : most;
	}
	/* A finalized model has R >= 1; the + 1 keeps every size non-zero. */
	ev->g = calloc(m->R + 1, sizeof *ev->g);
	ev->g_new = calloc(m->R + 1, sizeof *ev->g_new);
	ev->ybuf = calloc(m->layout.n + 1, sizeof *ev->ybuf);
	ev->ix = calloc(most, sizeof *ev->ix);
	ev->cross = calloc(m->R + 1, sizeof *ev->cross);
	ev->yint = N_VNewEmpty(sctx);
	if (!ev->g || !ev->g_new || !ev->ybuf || !ev->ix || !ev->cross || !ev->yint) {
		dcg__events_free(ev);
		return NULL;
	}
	ev->mask = (struct masked){.data = ev->ybuf, .ix = ev->ix};
	ev->yint->content = &ev->mask;
	ev->yint->ops->nvlinearcombination = masked_lincomb;
	ev->yint->ops->nvscale = masked_scale;
	return ev;
}

long dcg__events_evals(const struct dcg__events *ev)
{
	return ev ? ev->evals : 0;
}

static int add_event(struct dcg__events *ev, struct dcg_result *res, size_t region,
		     enum dcg_event_kind kind, double t)
{
	if (res->n_events == ev->cap) {
		size_t nc = ev->cap ? 2 * ev->cap : 16;
		struct dcg_event *e = realloc(res->events, nc * sizeof *e);
		if (!e)
			return DCG_ENOMEM;
		res->events = e;
		ev->cap = nc;
	}
	res->events[res->n_events++] =
		(struct dcg_event){.region = region, .kind = kind, .time = t};
	return 0;
}

static bool below(double g)
{
	return g < 0.0;
}

/* The crossing of region r inside [a, b], where g changes side from ga to
 * gb: the Illinois variant of regula falsi on CVODE's dense output (the
 * endpoint kept twice in a row has its value halved, which makes the
 * method superlinear where plain regula falsi would stall on a convex
 * stretch), with bisection as a fallback if it is slow. Trial points stay
 * half a tolerance inside the bracket. *ret_t is the bracket's end on the
 * new side once the bracket is narrower than ttol. */
static int locate(struct dcg__events *ev, void *mem, size_t r, double a, double ga,
		  double b, double gb, double ttol, double *ret_t)
{
	ev->mask.count = dcg_model_root_states(ev->m, ev->w, r, ev->ix);
	bool side_b = below(gb);
	int kept = 0; /* +1: b moved last, -1: a moved last */
	for (int it = 0; b - a > ttol && it < 200; it++) {
		double tm = it < 50 ? b - gb * (b - a) / (gb - ga) : 0.5 * (a + b);
		double gap = 0.5 * ttol;
		if (!(tm >= a + gap))
			tm = a + gap;
		if (!(tm <= b - gap))
			tm = b - gap;
		if (CVodeGetDky(mem, tm, 0, ev->yint) != CV_SUCCESS)
			return DCG_ESOLVER;
		/* tm < b <= the step's end: the schedules are read at tm. */
		double gm = dcg_model_root_region(ev->m, ev->w, tm, ev->ybuf, r);
		ev->evals++;
		if (below(gm) == side_b) {
			b = tm;
			gb = gm;
			if (kept == 1)
				ga *= 0.5;
			kept = 1;
		} else {
			a = tm;
			ga = gm;
			if (kept == -1)
				gb *= 0.5;
			kept = -1;
		}
	}
	*ret_t = b;
	return 0;
}

static int by_time(const void *pa, const void *pb)
{
	const struct crossing *a = pa, *b = pb;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return (a->region > b->region) - (a->region < b->region);
}

int dcg__events_start(struct dcg__events *ev, double t0, const double *y,
		      struct dcg_result *res)
{
	if (dcg_model_roots(ev->m, ev->w, t0, y, ev->g))
		return DCG_ESOLVER;
	ev->t_last = t0;
	for (size_t r = 0; r < ev->R; r++)
		if (below(ev->g[r]) && add_event(ev, res, r, DCG_EVENT_BELOW, t0))
			return DCG_ENOMEM;
	return 0;
}

/* Makes g_new current at time t. */
static void advance_to(struct dcg__events *ev, double t)
{
	double *s = ev->g;
	ev->g = ev->g_new;
	ev->g_new = s;
	ev->t_last = t;
}

int dcg__events_step(struct dcg__events *ev, void *mem, double tn, double t_model,
		     const double *y, struct dcg_result *res)
{
	if (dcg_model_roots(ev->m, ev->w, t_model, y, ev->g_new))
		return DCG_ESOLVER;
	/* CVODE's root-finding tolerance. */
	sunrealtype h = 0.0;
	(void)CVodeGetLastStep(mem, &h);
	double ttol = 100.0 * DBL_EPSILON * (fabs(tn) + fabs(h));
	size_t nc = 0;
	for (size_t r = 0; r < ev->R; r++) {
		if (below(ev->g[r]) == below(ev->g_new[r]))
			continue;
		struct crossing *c = &ev->cross[nc++];
		c->region = r;
		c->kind = below(ev->g_new[r]) ? DCG_EVENT_BELOW : DCG_EVENT_RECOVER;
		int rc = locate(ev, mem, r, ev->t_last, ev->g[r], tn, ev->g_new[r], ttol, &c->t);
		if (rc)
			return rc;
	}
	if (nc > 1)
		qsort(ev->cross, nc, sizeof *ev->cross, by_time);
	for (size_t i = 0; i < nc; i++)
		if (add_event(ev, res, ev->cross[i].region, ev->cross[i].kind, ev->cross[i].t))
			return DCG_ENOMEM;
	advance_to(ev, tn);
	return 0;
}

int dcg__events_restart(struct dcg__events *ev, double t, const double *y,
			struct dcg_result *res)
{
	if (dcg_model_roots(ev->m, ev->w, t, y, ev->g_new))
		return DCG_ESOLVER;
	for (size_t r = 0; r < ev->R; r++)
		if (below(ev->g[r]) != below(ev->g_new[r]) &&
		    add_event(ev, res, r,
			      below(ev->g_new[r]) ? DCG_EVENT_BELOW : DCG_EVENT_RECOVER, t))
			return DCG_ENOMEM;
	advance_to(ev, t);
	return 0;
}
