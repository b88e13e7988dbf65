/* The planners' summary printed after a run.
 *
 * National totals are sums over regions of the derived series the solver
 * already stored in the result (nothing here re-evaluates the model):
 *
 *   racks[k]        = sum_r racks[r,k]                  (physical, thousands)
 *   standard racks  = sum_r standard_racks[r] / 1e6      (2.5 kW MIIT racks)
 *   IT load         = sum_r it_load[r]                   (GW)
 *   DC energy       = sum_r energy[r]                    (TWh/yr, rate)
 *   PUE             = sum_r facility_load[r] / sum_r it_load[r]
 *
 * taken at the output time nearest to the start, to every whole year inside
 * the horizon and to the end; then calendar-year totals (solver integrals
 * between year boundaries) and the reserve-margin events. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Powers of ten of the SI prefixes used by the series units. */
static int prefix_exp(char c)
{
	switch (c) {
	case 'k':
		return 3;
	case 'M':
		return 6;
	case 'G':
		return 9;
	case 'T':
		return 12;
	default:
		return -1;
	}
}

/* Scale from units to want when they differ only by an SI prefix
 * ("MW" -> "GW": 1e-3). Returns false when the units are not comparable,
 * in which case the value is shown in its own units. */
static bool unit_scale(const char *units, const char *want, double *ret_scale)
{
	if (!units)
		return false;
	if (strcmp(units, want) == 0) {
		*ret_scale = 1.0;
		return true;
	}
	int eu = prefix_exp(units[0]), ew = prefix_exp(want[0]);
	if (eu < 0 || ew < 0 || strcmp(units + 1, want + 1) != 0)
		return false;
	*ret_scale = pow(10.0, eu - ew);
	return true;
}

/* Sum over regions of a (T, regions) series at time index i; NaN when the
 * series was not stored. */
static double sum_regions(const struct dcg_model *m,
			  const struct dcg_result *res, enum dcg_series_id id,
			  size_t i)
{
	const double *s = res->series[id];
	size_t w = dcg_series_width(m, id);

	if (!s || w == 0)
		return NAN;
	double sum = 0.0;
	for (size_t j = 0; j < w; j++)
		sum += s[i * w + j];
	return sum;
}

/* Sum over regions of class k of a (T, regions, hardware) series. */
static double sum_class(const struct dcg_model *m,
			const struct dcg_result *res, enum dcg_series_id id,
			size_t i, size_t k)
{
	const double *s = res->series[id];
	size_t w = dcg_series_width(m, id);

	if (!s || w != m->R * m->K)
		return NAN;
	double sum = 0.0;
	for (size_t r = 0; r < m->R; r++)
		sum += s[i * w + r * m->K + k];
	return sum;
}

/* Number of output times that hold computed values: all of them for a
 * complete run, those up to t_reached for a failed one. */
static size_t times_used(const struct dcg_result *res)
{
	if (res->complete)
		return res->T;
	size_t n = 0;
	while (n < res->T && res->time[n] <= res->t_reached + 1e-9)
		n++;
	return n;
}

static size_t nearest(const double *time, size_t T, double t)
{
	size_t best = 0;
	for (size_t i = 1; i < T; i++)
		if (fabs(time[i] - t) < fabs(time[best] - t))
			best = i;
	return best;
}

/* A numeric cell, blank-padded; "-" for values that were not stored. */
static void cell(FILE *f, int width, int prec, double v)
{
	if (isnan(v))
		fprintf(f, " %*s", width, "-");
	else
		fprintf(f, " %*.*f", width, prec, v);
}

struct column {
	const char *title;
	char unit[32];
	double scale;
	int width, prec;
};

static void setup_column(struct column *c, const char *title,
			 enum dcg_series_id id, const char *want, int prec)
{
	const struct dcg_series_info *info = dcg_series_info(id);
	const char *units = info ? info->units : NULL;

	c->title = title;
	c->prec = prec;
	if (unit_scale(units, want, &c->scale)) {
		snprintf(c->unit, sizeof c->unit, "%s", want);
	} else {
		c->scale = 1.0;
		snprintf(c->unit, sizeof c->unit, "%s", units ? units : "");
	}
	size_t w = strlen(c->title);
	if (strlen(c->unit) + 2 > w)
		w = strlen(c->unit) + 2;
	c->width = (int)(w < 9 ? 9 : w);
}

static void print_national(FILE *f, const struct dcg_model *m,
			   const struct dcg_result *res, size_t T)
{
	struct column std, it, fac, energy;
	/* Standard racks are a count: shown in millions. */
	std = (struct column){ .title = "std racks", .unit = "(M)",
			       .scale = 1e-6, .width = 9, .prec = 2 };
	setup_column(&it, "IT load", DCG_SER_IT_LOAD, "GW", 2);
	setup_column(&fac, "facility", DCG_SER_FACILITY_LOAD, "GW", 2);
	setup_column(&energy, "DC energy", DCG_SER_ENERGY, "TWh/year", 1);

	fprintf(f, "National totals, scenario %s (racks in service, thousands)\n",
		m->scenario);

	/* Header: class names, then the other columns; units below. */
	fprintf(f, "%8s", "time");
	for (size_t k = 0; k < m->K; k++) {
		int w = (int)strlen(m->classes[k].name);
		fprintf(f, " %*s", w < 8 ? 8 : w, m->classes[k].name);
	}
	fprintf(f, " %*s %*s %*s %*s %6s\n", std.width, std.title, it.width,
		it.title, fac.width, fac.title, energy.width, energy.title,
		"PUE");
	fprintf(f, "%8s", "(yr)");
	for (size_t k = 0; k < m->K; k++) {
		int w = (int)strlen(m->classes[k].name);
		fprintf(f, " %*s", w < 8 ? 8 : w, "(k)");
	}
	char u[4][40];
	snprintf(u[0], sizeof u[0], "%s", std.unit);
	snprintf(u[1], sizeof u[1], "(%s)", it.unit);
	snprintf(u[2], sizeof u[2], "(%s)", fac.unit);
	snprintf(u[3], sizeof u[3], "(%s)", energy.unit);
	fprintf(f, " %*s %*s %*s %*s %6s\n", std.width, u[0], it.width, u[1],
		fac.width, u[2], energy.width, u[3], "");

	/* Rows: the start, every whole year inside the horizon, the end. */
	double t_end = res->complete ? m->t1 : res->time[T - 1];
	size_t prev = (size_t)-1;
	double y = floor(m->t0) + 1.0;
	for (int row = 0;; row++) {
		double t;
		if (row == 0) {
			t = m->t0;
		} else if (y < t_end - 1e-9) {
			t = y;
			y += 1.0;
		} else {
			t = t_end;
		}
		size_t i = nearest(res->time, T, t);
		if (i != prev) {
			prev = i;
			fprintf(f, "%8.2f", res->time[i]);
			for (size_t k = 0; k < m->K; k++) {
				int w = (int)strlen(m->classes[k].name);
				cell(f, w < 8 ? 8 : w, 1,
				     sum_class(m, res, DCG_SER_RACKS, i, k) /
					     1e3);
			}
			double itl = sum_regions(m, res, DCG_SER_IT_LOAD, i);
			double facl = sum_regions(m, res, DCG_SER_FACILITY_LOAD, i);
			cell(f, std.width, std.prec,
			     sum_regions(m, res, DCG_SER_STANDARD_RACKS, i) *
				     std.scale);
			cell(f, it.width, it.prec, itl * it.scale);
			cell(f, fac.width, fac.prec, facl * fac.scale);
			cell(f, energy.width, energy.prec,
			     sum_regions(m, res, DCG_SER_ENERGY, i) *
				     energy.scale);
			cell(f, 6, 3, itl > 0.0 ? facl / itl : NAN);
			fputc('\n', f);
		}
		if (t >= t_end)
			break;
	}
}

static double sum_annual(const double *a, size_t y, size_t R)
{
	if (!a)
		return NAN;
	double sum = 0.0;
	for (size_t r = 0; r < R; r++)
		sum += a[y * R + r];
	return sum;
}

static void print_annual(FILE *f, const struct dcg_model *m,
			 const struct dcg_result *res)
{
	size_t Y = res->Y;

	/* The solver fills the calendar-year totals only when it reaches the
	 * end of the horizon. */
	if (!res->complete) {
		fprintf(f, "\nCalendar-year totals: not available for an incomplete run\n");
		return;
	}
	if (Y == 0 || !res->annual_dc_energy)
		return;

	bool grid = m->grid_enabled;
	fprintf(f, "\nCalendar-year totals (integrated over each year, all regions)\n");
	fprintf(f, "%8s %12s", "year", "DC energy");
	if (grid)
		fprintf(f, " %12s %12s %12s", "consumption", "unserved",
			"emissions");
	fprintf(f, "\n%8s %12s", "", "(TWh)");
	if (grid)
		fprintf(f, " %12s %12s %12s", "(TWh)", "(TWh)", "(Mt CO2)");
	fputc('\n', f);
	for (size_t y = 0; y < Y; y++) {
		fprintf(f, "%8.0f", res->year[y]);
		cell(f, 12, 1, sum_annual(res->annual_dc_energy, y, m->R));
		if (grid) {
			cell(f, 12, 1,
			     sum_annual(res->annual_consumption, y, m->R));
			cell(f, 12, 3, sum_annual(res->annual_unserved, y, m->R));
			cell(f, 12, 1,
			     sum_annual(res->annual_emissions, y, m->R));
		}
		fputc('\n', f);
	}
}

/* The value of series id at output row i, entry k. */
static double ser_at(const struct dcg_model *m, const struct dcg_result *res,
		     enum dcg_series_id id, size_t i, size_t k)
{
	return res->series[id][i * dcg_series_width(m, id) + k];
}

/* Adequacy by the hour at each whole year: the lowest reserve margin and
 * the highest LOLE over the regions (and where), storage and curtailment
 * as average power over the year's representative days. */
static void print_adequacy(FILE *f, const struct dcg_model *m,
			   const struct dcg_result *res, size_t T)
{
	if (!m->grid_enabled || !res->series[DCG_SER_LOLE])
		return;
	fprintf(f, "\nGrid adequacy by the hour (at each year's start, %zu "
		   "representative day%s)\n", m->D, m->D == 1 ? "" : "s");
	fprintf(f, "%8s %7s %-22s %9s %-22s %9s %9s\n", "time", "min RM",
		"(region)", "max LOLE", "(region)", "storage", "curtailed");
	fprintf(f, "%8s %7s %-22s %9s %-22s %9s %9s\n", "(yr)", "(%)", "",
		"(h/yr)", "", "(TWh/yr)", "(%)");
	for (size_t i = 0; i < T; i++) {
		double t = res->time[i];
		if (fabs(t - floor(t + 0.5)) > 1e-9)
			continue;
		size_t rmin = 0, rmax = 0;
		double dis = 0.0, curt = 0.0, gen = 0.0;
		for (size_t r = 0; r < m->R; r++) {
			if (ser_at(m, res, DCG_SER_RESERVE_MARGIN, i, r) <
			    ser_at(m, res, DCG_SER_RESERVE_MARGIN, i, rmin))
				rmin = r;
			if (ser_at(m, res, DCG_SER_LOLE, i, r) >
			    ser_at(m, res, DCG_SER_LOLE, i, rmax))
				rmax = r;
			curt += ser_at(m, res, DCG_SER_CURTAILMENT_TOTAL, i, r);
			for (size_t j = 0; j < m->J; j++) {
				double g = ser_at(m, res, DCG_SER_GENERATION, i,
						  r * m->J + j);
				gen += g;
				if (m->techs[j].kind == DCG_TECH_STORAGE)
					dis += g;
			}
		}
		fprintf(f, "%8.2f %7.1f %-22.22s %9.3g %-22.22s %9.1f %9.1f\n", t,
			100.0 * ser_at(m, res, DCG_SER_RESERVE_MARGIN, i, rmin),
			m->regions[rmin].name, ser_at(m, res, DCG_SER_LOLE, i, rmax),
			m->regions[rmax].name, 8.76 * dis,
			gen + curt > 0.0 ? 100.0 * curt / (gen + curt) : 0.0);
	}
}

static void print_events(FILE *f, const struct dcg_model *m,
			 const struct dcg_result *res)
{
	if (!m->grid_enabled)
		return;
	if (res->n_events == 0) {
		fprintf(f, "\nReserve-margin events: none (no region crossed its minimum)\n");
		return;
	}
	int w = 6;
	for (size_t r = 0; r < m->R; r++) {
		int n = (int)strlen(m->regions[r].name);
		if (n > w)
			w = n;
	}
	fprintf(f, "\nReserve-margin events (crossings of each region's minimum)\n");
	for (size_t e = 0; e < res->n_events; e++) {
		const struct dcg_event *ev = &res->events[e];
		const char *name = ev->region < m->R ?
					   m->regions[ev->region].name :
					   "?";
		double rmin = ev->region < m->R ?
				      m->regions[ev->region].reserve_min :
				      NAN;
		fprintf(f, "%8.3f  %-*s  %s its minimum (%.3g %%)\n", ev->time,
			w, name,
			ev->kind == DCG_EVENT_BELOW ? "falls below" :
						      "recovers above",
			rmin * 100.0);
	}
}

void dcg__summary_print(FILE *f, const struct dcg_model *m,
			const struct dcg_result *res)
{
	size_t T = times_used(res);

	if (T == 0) {
		fprintf(f, "No output times were computed.\n");
		return;
	}
	if (!res->complete)
		fprintf(f, "Incomplete run: stopped at t = %.4f of %.2f\n\n",
			res->t_reached, m->t1);
	print_national(f, m, res, T);
	print_annual(f, m, res);
	print_adequacy(f, m, res, T);
	print_events(f, m, res);
}
