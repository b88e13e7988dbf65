/* Internal: the hourly profiles of the representative days, made from the
 * settings of a loaded scenario (inputs/profiles.c; method and sources in
 * docs/model.md, "Hourly profiles") or read from a CSV file
 * (inputs/profiles_csv.c; format in docs/config.md).
 */
#ifndef DCG_INPUTS_PROFILES_H
#define DCG_INPUTS_PROFILES_H

#include <stdio.h>

#include "dcgrid/model.h"
#include "dcgrid/status.h"

/* Relative tolerance of a given profile's day-weighted annual mean. */
#define DCG_PROFILE_MEAN_TOL 1e-3

/* Sizes m's representative days (dcg_model_set_days with m->hours.days),
 * sets the day weights (hours.day_weights, or their default rule, which is
 * written back into m->hours), computes every region's profiles and then,
 * if hours.profiles names a file, reads it (relative to dir) over them.
 * The technologies and regions must be loaded. Returns 0 or a negative
 * status; on an error in a setting, ret_setting (size bytes) holds its
 * config path (e.g. "regions.[2].grid.peak_factor") so that the caller can
 * put its file and line in front of the message; it is "" when the
 * message names its place itself (a CSV file and line). */
int dcg__profiles_build(struct dcg_model *m, const char *dir,
			char *ret_setting, size_t size, struct dcg_error *err);

/* Which computed profile a technology follows. */
enum dcg__series {
	DCG__SERIES_FLAT = 0, /* its capacity factor every hour */
	DCG__SERIES_SOLAR,    /* variable, name with "solar" or "pv" */
	DCG__SERIES_WIND,     /* other variable technologies */
	DCG__SERIES_HYDRO,    /* hydro kind, or must-run named "hydro..." */
};
enum dcg__series dcg__tech_series(const struct dcg_tech *t);

/* Whether a technology's hourly profile is used by the dispatch (variable,
 * must-run and hydro kinds), so that a CSV may give it. */
int dcg__tech_has_profile(const struct dcg_tech *t);

/* The annual capacity factor region r's profile of technology j has: the
 * region's full-load hours / 8760 for solar and wind when given, else the
 * technology's capacity_factor. */
double dcg__profile_target_cf(const struct dcg_model *m, size_t r, size_t j);

/* Day-weighted annual mean of a D x 24 series. */
double dcg__profile_mean(const struct dcg_model *m, const double *x);

/* Solar geometry (Duffie & Beckman, "Solar Engineering of Thermal
 * Processes", ch. 1-2), exposed for the tests. day_of_year n is 1 at 1
 * January 0:00 and may be fractional. */
double dcg__solar_declination_deg(double n);
double dcg__equation_of_time_min(double n);
/* Clock hour of solar noon at longitude lon_deg in time zone tz_h. */
double dcg__solar_noon_clock_h(double lon_deg, double tz_h, double n);
/* Irradiance (W/m2) on a plane tilted at the latitude toward the equator,
 * at solar hour t_sol (12 = solar noon), with clearness index kt; 0 when
 * the sun is below the horizon. */
double dcg__solar_poa(double lat_deg, double n, double t_sol, double kt);

/* Reads a CSV file of profiles over m's (format in docs/config.md); name
 * is the file as messages name it. Each (region, series) given must have
 * every day, values in range and the annual mean its target. */
int dcg__profiles_read_csv(struct dcg_model *m, const char *path,
			   const char *name, struct dcg_error *err);

/* Writes every profile of m that a CSV may give, in that format, with
 * numbers that read back to the same doubles. */
int dcg__profiles_write_csv(const struct dcg_model *m, FILE *f,
			    struct dcg_error *err);

#endif
