/* The hourly profiles of the representative days, computed from a loaded
 * scenario's settings (the method; docs/model.md, "Hourly profiles", gives
 * the sources).
 *
 * Day d of the D representative days stands for w_d days of the year
 * (sum 365) and sits at the middle of its span: date_d = sum_{e<d} w_e +
 * w_d / 2 days after 1 January 0:00. Monthly settings are interpolated
 * linearly (periodically) between the months' middles, so that with the
 * default twelve days, one per month, each day takes its month's value.
 * Hours are clock hours h = 0..23 of hours.time_zone_h. A series x[d,h] has
 * the day-weighted annual mean
 *
 *     mean(x) = sum_d w_d sum_h x[d,h] / (24 sum_d w_d).
 *
 * Solar (per region: latitude phi, longitude lambda, monthly clearness KT):
 *     n = date + 1, delta = 23.45 deg sin(2 pi (284 + n)/365)     (Cooper)
 *     t_sol = t + (lambda - 15 tz)/15 + E(n)/60, omega = 15 deg (t_sol - 12)
 *     cos theta_z = sin phi sin delta + cos phi cos delta cos omega
 *     G_on = 1367 W/m2 (1 + 0.033 cos(2 pi n/365))
 *     GHI = KT G_on cos theta_z; diffuse share k_d(KT) (Erbs et al. 1982)
 *     plane tilted at |phi| toward the equator: cos theta = cos delta cos
 *     omega, so POA = KT G_on [(1 - k_d) max(cos theta, 0) +
 *     k_d cos theta_z (1 + cos beta)/2 + rho cos theta_z (1 - cos beta)/2]
 * averaged over six instants per hour; zero while the sun is down.
 * Wind: x = m(date) (1 + A cos(2 pi (h + 1/2 - h_peak)/24)).
 * Hydro inflow: x = m_hydro(date), flat within the day. Must-run: flat.
 * Each is scaled to its annual capacity factor c (the technology's, or the
 * region's full-load hours / 8760) and clipped at 1: cf = min(1, s x) with
 * s such that mean(cf) = c (bisection, then the unclipped hours rescaled so
 * the mean is c to round-off).
 * Base load: x = L_f(date) (a(date) S[h] + (1 - a(date)) W[h]) with the
 * family f's monthly level L_f, the typical summer and winter daily curves
 * S and W (each mean 1) and a = (1 + cos(2 pi (date - 196)/365))/2; then
 * b0 = x / mean(x) and b = 1 + (pf - 1)(b0 - 1)/(max b0 - 1), so that the
 * mean stays 1 and the highest hour is the region's peak_factor pf.
 * Data centers: x = 1 + 0.6 cos(2 pi (date - 196)/365) + 0.4 cos(2 pi (h +
 * 1/2 - 15)/24) (cooling: warm season, afternoon), scaled the same way to
 * grid.dc_peak_factor.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profiles.h"

#define H DCG_HOURS
#define PI 3.14159265358979323846
#define DEG (PI / 180.0)
#define SAMPLES 6          /* instants per hour for the sun's position */
#define SOLAR_CONSTANT 1367.0
#define GROUND_ALBEDO 0.2
#define HOTTEST_DAY 196.0  /* mid July: date of the cooling peak */
#define WEIGHT_TOL 1e-6

static const double month_days[DCG_MONTHS] = {31, 28, 31, 30, 31, 30,
					      31, 31, 30, 31, 30, 31};

/* Typical daily load curves of a provincial grid, clock hours 0-23
 * (Beijing time), relative: summer with the late-morning and afternoon
 * air-conditioning peaks and an evening shoulder, winter with the morning
 * peak and the higher evening (lighting, heating) peak; night troughs near
 * 0.8 of the mean (docs/model.md: a stylised form of the published typical
 * curves, an assumption in its details). */
static const double load_summer[H] = {
	0.84, 0.81, 0.79, 0.78, 0.78, 0.80, 0.85, 0.93, 1.01, 1.07, 1.10, 1.08,
	1.03, 1.07, 1.11, 1.12, 1.10, 1.07, 1.06, 1.09, 1.10, 1.06, 0.98, 0.90};
static const double load_winter[H] = {
	0.85, 0.82, 0.80, 0.79, 0.80, 0.83, 0.89, 0.97, 1.05, 1.09, 1.10, 1.06,
	0.98, 1.01, 1.04, 1.05, 1.06, 1.10, 1.13, 1.12, 1.09, 1.03, 0.96, 0.89};

/* Monthly level of the average load per family (enum dcg_load_shape),
 * January to December: national monthly consumption per day (dual peak,
 * with the Spring Festival low in February), and the summer- and
 * winter-heavy variants of eastern and northern provinces. */
static const double load_monthly[3][DCG_MONTHS] = {
	{1.03, 0.92, 0.96, 0.95, 0.97, 1.02, 1.12, 1.14, 1.01, 0.94, 0.97,
	 1.04},
	{0.97, 0.85, 0.92, 0.93, 0.98, 1.06, 1.22, 1.24, 1.06, 0.94, 0.92,
	 0.98},
	{1.12, 1.00, 1.00, 0.94, 0.93, 0.95, 1.02, 1.03, 0.95, 0.96, 1.03,
	 1.12},
};

/* ---- calendar ------------------------------------------------------------ */

/* Periodic linear interpolation of monthly values v at date x (days after
 * 1 January 0:00), between the middles of the months. */
static double monthly_at(const double *v, double x)
{
	double mid[DCG_MONTHS], start = 0.0;
	for (int k = 0; k < DCG_MONTHS; k++) {
		mid[k] = start + 0.5 * month_days[k];
		start += month_days[k];
	}
	x = fmod(x, 365.0);
	if (x < 0)
		x += 365.0;
	if (x < mid[0] || x >= mid[DCG_MONTHS - 1]) {
		/* Between mid December and mid January, across new year. */
		double a = mid[DCG_MONTHS - 1], span = 365.0 - a + mid[0];
		double u = (x >= a ? x - a : x + 365.0 - a) / span;
		return (1.0 - u) * v[DCG_MONTHS - 1] + u * v[0];
	}
	int k = 0;
	while (x >= mid[k + 1])
		k++;
	double u = (x - mid[k]) / (mid[k + 1] - mid[k]);
	return (1.0 - u) * v[k] + u * v[k + 1];
}

/* Middle of day d's span, days after 1 January 0:00. */
static double day_date(const struct dcg_model *m, size_t d)
{
	double start = 0.0;
	for (size_t e = 0; e < d; e++)
		start += m->day_weight[e];
	return start + 0.5 * m->day_weight[d];
}

double dcg__profile_mean(const struct dcg_model *m, const double *x)
{
	double sum = 0.0, wsum = 0.0;
	for (size_t d = 0; d < m->D; d++) {
		double day = 0.0;
		for (size_t h = 0; h < H; h++)
			day += x[d * H + h];
		sum += m->day_weight[d] * day;
		wsum += m->day_weight[d];
	}
	return sum / (H * wsum);
}

/* ---- solar geometry -------------------------------------------------------- */

double dcg__solar_declination_deg(double n)
{
	return 23.45 * sin(2.0 * PI * (284.0 + n) / 365.0);
}

double dcg__equation_of_time_min(double n)
{
	double b = 2.0 * PI * (n - 1.0) / 365.0;
	return 229.2 * (0.000075 + 0.001868 * cos(b) - 0.032077 * sin(b) -
			0.014615 * cos(2.0 * b) - 0.04089 * sin(2.0 * b));
}

double dcg__solar_noon_clock_h(double lon_deg, double tz_h, double n)
{
	return 12.0 - (lon_deg - 15.0 * tz_h) / 15.0 -
	       dcg__equation_of_time_min(n) / 60.0;
}

/* Share of diffuse in global irradiance at clearness kt (Erbs, Klein and
 * Duffie 1982). */
static double diffuse_share(double kt)
{
	if (kt <= 0.22)
		return 1.0 - 0.09 * kt;
	if (kt <= 0.80)
		return 0.9511 - 0.1604 * kt + 4.388 * kt * kt -
		       16.638 * kt * kt * kt + 12.336 * kt * kt * kt * kt;
	return 0.165;
}

double dcg__solar_poa(double lat_deg, double n, double t_sol, double kt)
{
	double phi = lat_deg * DEG, delta = dcg__solar_declination_deg(n) * DEG;
	double omega = 15.0 * (t_sol - 12.0) * DEG;
	double cz = sin(phi) * sin(delta) + cos(phi) * cos(delta) * cos(omega);
	if (cz <= 0.0)
		return 0.0;
	double gon = SOLAR_CONSTANT * (1.0 + 0.033 * cos(2.0 * PI * n / 365.0));
	double kd = diffuse_share(kt), cb = cos(fabs(phi));
	/* Tilted at |phi| toward the equator, the plane sees the sun as a
	 * horizontal plane at the equator would. */
	double ct = fmax(cos(delta) * cos(omega), 0.0);
	return kt * gon *
	       ((1.0 - kd) * ct + kd * cz * 0.5 * (1.0 + cb) +
		GROUND_ALBEDO * cz * 0.5 * (1.0 - cb));
}

/* ---- scaling ------------------------------------------------------------- */

/* Mean of min(1, s x). */
static double clipped_mean(const struct dcg_model *m, const double *x,
			   double s, double *tmp)
{
	for (size_t i = 0; i < m->D * H; i++)
		tmp[i] = fmin(1.0, s * x[i]);
	return dcg__profile_mean(m, tmp);
}

/* cf = min(1, s x) with mean(cf) = c. Returns -1 when even s -> infinity
 * cannot reach c (the series is zero in too many hours). */
static int scale_to_mean(const struct dcg_model *m, const double *x,
			 double c, double *cf)
{
	size_t n = m->D * H;
	double mx = dcg__profile_mean(m, x);
	if (c <= 0.0 || !(mx > 0.0)) {
		for (size_t i = 0; i < n; i++)
			cf[i] = 0.0;
		return c <= 0.0 ? 0 : -1;
	}
	double lo = c / mx, hi = lo;
	if (clipped_mean(m, x, lo, cf) < c) {
		/* The most any scale gives: every hour with output at 1. */
		double xmin = INFINITY;
		for (size_t i = 0; i < n; i++)
			if (x[i] > 0.0)
				xmin = fmin(xmin, x[i]);
		hi = 1.0 / xmin;
		if (clipped_mean(m, x, hi, cf) < c * (1.0 - 1e-12))
			return -1;
		for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
			double mid = 0.5 * (lo + hi);
			if (clipped_mean(m, x, mid, cf) < c)
				lo = mid;
			else
				hi = mid;
		}
	}
	/* Hours at 1 stay there; the others are rescaled so that the mean is
	 * c to round-off. */
	double clipped = 0.0, free_sum = 0.0, wsum = 0.0;
	for (size_t d = 0; d < m->D; d++) {
		wsum += m->day_weight[d];
		for (size_t h = 0; h < H; h++) {
			double v = hi * x[d * H + h];
			if (v >= 1.0)
				clipped += m->day_weight[d];
			else
				free_sum += m->day_weight[d] * v;
		}
	}
	double f = free_sum > 0.0 ? (c * H * wsum - clipped) / free_sum : 0.0;
	for (size_t i = 0; i < n; i++) {
		double v = hi * x[i];
		cf[i] = v >= 1.0 ? 1.0 : fmin(1.0, f * v);
	}
	return 0;
}

/* b = 1 + (peak - 1)(x / mean(x) - 1)/(max - 1): mean 1, highest hour
 * peak. Returns the largest peak that keeps every hour >= 0 when peak is
 * larger (and leaves b unset), else 0. */
static double scale_to_peak(const struct dcg_model *m, const double *x,
			    double peak, double *b)
{
	size_t n = m->D * H;
	double mean = dcg__profile_mean(m, x), mx = -INFINITY, mn = INFINITY;
	for (size_t i = 0; i < n; i++) {
		mx = fmax(mx, x[i] / mean);
		mn = fmin(mn, x[i] / mean);
	}
	if (mx - 1.0 < 1e-12 || peak == 1.0) {
		for (size_t i = 0; i < n; i++)
			b[i] = 1.0;
		return 0.0;
	}
	double a = (peak - 1.0) / (mx - 1.0);
	if (1.0 + a * (mn - 1.0) < 0.0)
		return 1.0 + (mx - 1.0) / (1.0 - mn);
	for (size_t i = 0; i < n; i++)
		b[i] = 1.0 + a * (x[i] / mean - 1.0);
	return 0.0;
}

/* ---- technologies -------------------------------------------------------- */

static int name_has(const char *name, const char *word)
{
	size_t lw = strlen(word);
	for (const char *p = name; *p; p++) {
		size_t i = 0;
		while (i < lw && p[i] &&
		       (p[i] | 0x20) == word[i])
			i++;
		if (i == lw)
			return 1;
	}
	return 0;
}

enum dcg__series dcg__tech_series(const struct dcg_tech *t)
{
	switch (t->kind) {
	case DCG_TECH_VARIABLE:
		return name_has(t->name, "solar") || name_has(t->name, "pv")
			       ? DCG__SERIES_SOLAR
			       : DCG__SERIES_WIND;
	case DCG_TECH_HYDRO:
		return DCG__SERIES_HYDRO;
	case DCG_TECH_MUST_RUN:
		return name_has(t->name, "hydro") ? DCG__SERIES_HYDRO
						  : DCG__SERIES_FLAT;
	default:
		return DCG__SERIES_FLAT;
	}
}

int dcg__tech_has_profile(const struct dcg_tech *t)
{
	return t->kind == DCG_TECH_VARIABLE || t->kind == DCG_TECH_MUST_RUN ||
	       t->kind == DCG_TECH_HYDRO;
}

double dcg__profile_target_cf(const struct dcg_model *m, size_t r, size_t j)
{
	const struct dcg_region_profile *p = &m->regions[r].profile;
	switch (dcg__tech_series(&m->techs[j])) {
	case DCG__SERIES_SOLAR:
		if (p->solar_full_load_h >= 0.0)
			return p->solar_full_load_h / 8760.0;
		break;
	case DCG__SERIES_WIND:
		if (p->wind_full_load_h >= 0.0)
			return p->wind_full_load_h / 8760.0;
		break;
	default:
		break;
	}
	return m->techs[j].capacity_factor;
}

/* ---- one region ------------------------------------------------------------ */

static void solar_shape(const struct dcg_model *m,
			const struct dcg_region_profile *p, double *x)
{
	double tz = m->hours.time_zone_h;
	for (size_t d = 0; d < m->D; d++) {
		double date = day_date(m, d), n = date + 1.0;
		double kt = monthly_at(p->clearness, date);
		double shift = (p->longitude_deg - 15.0 * tz) / 15.0 +
			       dcg__equation_of_time_min(n) / 60.0;
		for (size_t h = 0; h < H; h++) {
			double sum = 0.0;
			for (int k = 0; k < SAMPLES; k++) {
				double t = (double)h + (k + 0.5) / SAMPLES;
				sum += dcg__solar_poa(p->latitude_deg, n,
						      t + shift, kt);
			}
			x[d * H + h] = sum / SAMPLES;
		}
	}
}

static void wind_shape(const struct dcg_model *m,
		       const struct dcg_region_profile *p, double *x)
{
	for (size_t d = 0; d < m->D; d++) {
		double level = monthly_at(p->wind_monthly, day_date(m, d));
		for (size_t h = 0; h < H; h++)
			x[d * H + h] =
				level *
				(1.0 + p->wind_diurnal_amplitude *
					       cos(2.0 * PI *
						   ((double)h + 0.5 -
						    p->wind_peak_hour) /
						   24.0));
	}
}

static void hydro_shape(const struct dcg_model *m,
			const struct dcg_region_profile *p, double *x)
{
	for (size_t d = 0; d < m->D; d++) {
		double level = monthly_at(p->hydro_monthly, day_date(m, d));
		for (size_t h = 0; h < H; h++)
			x[d * H + h] = level;
	}
}

static void load_shape(const struct dcg_model *m,
		       const struct dcg_region_profile *p, double *x)
{
	double ms = 0.0, mw = 0.0;
	for (size_t h = 0; h < H; h++) {
		ms += load_summer[h] / H;
		mw += load_winter[h] / H;
	}
	for (size_t d = 0; d < m->D; d++) {
		double date = day_date(m, d);
		double level = monthly_at(load_monthly[p->load_shape], date);
		double a = 0.5 * (1.0 + cos(2.0 * PI * (date - HOTTEST_DAY) /
					   365.0));
		for (size_t h = 0; h < H; h++)
			x[d * H + h] = level * (a * load_summer[h] / ms +
						(1.0 - a) * load_winter[h] / mw);
	}
}

static void dc_shape(const struct dcg_model *m, double *x)
{
	for (size_t d = 0; d < m->D; d++) {
		double season = cos(2.0 * PI * (day_date(m, d) - HOTTEST_DAY) /
				    365.0);
		for (size_t h = 0; h < H; h++)
			x[d * H + h] = 1.0 + 0.6 * season +
				       0.4 * cos(2.0 * PI *
						 ((double)h + 0.5 - 15.0) / 24.0);
	}
}

static int region_profiles(struct dcg_model *m, size_t r, double *x,
			   char *ret_setting, size_t size,
			   struct dcg_error *err)
{
	struct dcg_region *rg = &m->regions[r];
	const struct dcg_region_profile *p = &rg->profile;
	size_t n = m->D * H;

	load_shape(m, p, x);
	double most = scale_to_peak(m, x, rg->peak_factor, rg->load_shape);
	if (most > 0.0) {
		snprintf(ret_setting, size, "regions.[%zu].grid.peak_factor", r);
		return dcg_error_set(err, DCG_ECONFIG,
				     "regions.[%zu].grid.peak_factor = %g "
				     "stretches the %s load curve below zero "
				     "in its lowest hour (expected at most "
				     "%.3g for this curve)",
				     r, rg->peak_factor,
				     p->load_shape == DCG_LOAD_DUAL_PEAK
					     ? "dual_peak"
				     : p->load_shape == DCG_LOAD_SUMMER_PEAK
					     ? "summer_peak"
					     : "winter_peak",
				     floor(most * 1000.0) / 1000.0);
	}
	dc_shape(m, x);
	most = scale_to_peak(m, x, m->grid.dc_peak_factor, rg->dc_shape);
	if (most > 0.0) {
		snprintf(ret_setting, size, "grid.dc_peak_factor");
		return dcg_error_set(err, DCG_ECONFIG,
				     "grid.dc_peak_factor = %g stretches the "
				     "data-center load curve below zero in its "
				     "lowest hour (expected at most %.3g)",
				     m->grid.dc_peak_factor,
				     floor(most * 1000.0) / 1000.0);
	}
	for (size_t j = 0; j < m->J; j++) {
		double *cf = rg->cf_shape + j * n;
		double c = dcg__profile_target_cf(m, r, j);
		enum dcg__series s = dcg__tech_series(&m->techs[j]);
		switch (s) {
		case DCG__SERIES_SOLAR:
			solar_shape(m, p, x);
			break;
		case DCG__SERIES_WIND:
			wind_shape(m, p, x);
			break;
		case DCG__SERIES_HYDRO:
			hydro_shape(m, p, x);
			break;
		case DCG__SERIES_FLAT:
			for (size_t i = 0; i < n; i++)
				cf[i] = c;
			continue;
		}
		if (scale_to_mean(m, x, c, cf) == 0)
			continue;
		/* Only a series that is zero in many hours (solar) can fail. */
		const char *key = s == DCG__SERIES_SOLAR ? "solar_full_load_h"
				  : s == DCG__SERIES_WIND ? "wind_full_load_h"
							  : NULL;
		bool regional = key && (s == DCG__SERIES_SOLAR
						? p->solar_full_load_h >= 0.0
						: p->wind_full_load_h >= 0.0);
		if (regional)
			snprintf(ret_setting, size,
				 "regions.[%zu].grid.profile.%s", r, key);
		else
			snprintf(ret_setting, size,
				 "technologies.[%zu].capacity_factor", j);
		return dcg_error_set(
			err, DCG_ECONFIG,
			"technology %s cannot average %g of its capacity in "
			"region %s (%s): its hours with sun or water are too "
			"few even at full output (expected a lower capacity "
			"factor)",
			m->techs[j].name, c, rg->name,
			regional ? key : "capacity_factor");
	}
	return 0;
}

/* Whether regions a and b make the same profiles (big synthetic scenarios
 * repeat settings; copying saves the solar geometry). Every setting that
 * region_profiles reads is compared. */
static bool same_months(const double *a, const double *b)
{
	for (int k = 0; k < DCG_MONTHS; k++)
		if (a[k] != b[k])
			return false;
	return true;
}

static bool same_settings(const struct dcg_region *a,
			  const struct dcg_region *b)
{
	const struct dcg_region_profile *p = &a->profile, *q = &b->profile;
	return a->peak_factor == b->peak_factor &&
	       p->latitude_deg == q->latitude_deg &&
	       p->longitude_deg == q->longitude_deg &&
	       p->load_shape == q->load_shape &&
	       p->solar_full_load_h == q->solar_full_load_h &&
	       p->wind_diurnal_amplitude == q->wind_diurnal_amplitude &&
	       p->wind_peak_hour == q->wind_peak_hour &&
	       p->wind_full_load_h == q->wind_full_load_h &&
	       same_months(p->clearness, q->clearness) &&
	       same_months(p->wind_monthly, q->wind_monthly) &&
	       same_months(p->hydro_monthly, q->hydro_monthly);
}

int dcg__profiles_build(struct dcg_model *m, const char *dir,
			char *ret_setting, size_t size, struct dcg_error *err)
{
	struct dcg_hours *hr = &m->hours;
	size_t D = hr->days;
	double *x = NULL;
	char *path = NULL;
	int rc;

	ret_setting[0] = '\0';
	if (!m->grid_enabled)
		return 0;
	/* The default rule of hours.day_weights. */
	if (!(hr->day_weights[0] > 0.0))
		for (size_t d = 0; d < D; d++)
			hr->day_weights[d] =
				D == DCG_MONTHS ? month_days[d] : 365.0 / (double)D;
	rc = dcg_model_set_days(m, D, err);
	if (rc)
		return rc;
	memcpy(m->day_weight, hr->day_weights, D * sizeof *m->day_weight);

	size_t n = D * H;
	/* D >= 1 (hours.days has minimum 1); the 1 keeps the analyser sure. */
	x = malloc((n ? n : 1) * sizeof *x);
	if (!x) {
		rc = dcg_error_set(err, DCG_ENOMEM,
				   "out of memory for the hourly profiles");
		goto finish;
	}
	for (size_t r = 0; r < m->R; r++) {
		struct dcg_region *rg = &m->regions[r];
		if (r > 0 && same_settings(rg, &m->regions[r - 1])) {
			const struct dcg_region *q = &m->regions[r - 1];
			memcpy(rg->load_shape, q->load_shape, n * sizeof(double));
			memcpy(rg->dc_shape, q->dc_shape, n * sizeof(double));
			memcpy(rg->cf_shape, q->cf_shape,
			       m->J * n * sizeof(double));
			continue;
		}
		rc = region_profiles(m, r, x, ret_setting, size, err);
		if (rc)
			goto finish;
	}
	if (hr->profiles[0]) {
		const char *f = hr->profiles;
		bool rel = f[0] != '/' && dir && strcmp(dir, ".") != 0;
		size_t len = strlen(f) + (rel ? strlen(dir) + 2 : 1);
		path = malloc(len);
		if (!path) {
			rc = dcg_error_set(err, DCG_ENOMEM, "out of memory");
			goto finish;
		}
		if (rel)
			snprintf(path, len, "%s%s%s", dir,
				 dir[strlen(dir) - 1] == '/' ? "" : "/", f);
		else
			snprintf(path, len, "%s", f);
		FILE *fp = fopen(path, "r");
		if (!fp) {
			snprintf(ret_setting, size, "hours.profiles");
			rc = dcg_error_set(err, DCG_ECONFIG,
					   "hours.profiles = \"%s\" cannot be "
					   "opened: %s (a profile file is read "
					   "relative to the scenario's folder, "
					   "here %s)",
					   f, strerror(errno), path);
			goto finish;
		}
		fclose(fp);
		rc = dcg__profiles_read_csv(m, path, path, err);
	}
finish:
	free(x);
	free(path);
	return rc;
}
