/* Calibration: fitting parameters to published figures by least squares,
 * with the gradient from CVODES forward sensitivities (sensitivity.h).
 *
 * Targets are rows of a figures table (the CSV files of inputs/validation/, the format
 * scripts/validate reads): a national stock at a time, a calendar-year
 * total, or a year's facility-to-IT energy ratio (PUE). The residual of a
 * target is (model - published) / (published * tolerance), or
 * (model - published) / tolerance for absolute tolerances, so figures of
 * different units weigh by how well they are known. Parameters are fitted
 * inside bounds through a logistic transform; their standard errors come
 * from the covariance s^2 (J^T J)^-1 at the optimum (s^2 = chi^2 / (n - p)).
 */
#ifndef DCGRID_CALIBRATE_H
#define DCGRID_CALIBRATE_H

#include <stddef.h>

#include "dcgrid/model.h"
#include "dcgrid/status.h"

enum dcg_target_kind {
	DCG_TARGET_STOCK,        /* national sum of a series at a time */
	DCG_TARGET_ANNUAL,       /* calendar-year total of a cumulative series */
	DCG_TARGET_ANNUAL_RATIO, /* facility over IT energy in a year (PUE) */
};

struct dcg_target {
	char id[64];
	char dataset[64];         /* as in the table, e.g. datacenter/compute */
	enum dcg_target_kind kind;
	double time;              /* decimal year (stock) or calendar year */
	double value;             /* published */
	double scale;             /* residual divisor: published*tol or tol */
	char source[128];
};

/* Reads a figures table (CSV with a header; columns id, dataset, kind,
 * time, published, comparison, tolerance, source). Caller frees *ret. */
int dcg_targets_load_csv(const char *path, struct dcg_target **ret,
			 size_t *ret_n, struct dcg_error *err);

struct dcg_calib_param {
	char path[256];           /* a --set path of a real-valued parameter */
	double lo, hi;            /* bounds, config units (lo < hi) */
};

struct dcg_calib_result {
	size_t np, nt;
	double *initial, *value, *std_error; /* np each, config units */
	double *model_before, *model_after;  /* nt each */
	double chi2_before, chi2_after;
	size_t iterations, solves;
	int converged;
};

/* Fits the parameters of m (copied; m is not modified) to the targets.
 * Initial values are m's. Caller frees *ret with dcg_calib_free. */
int dcg_calibrate(const struct dcg_model *m, const struct dcg_target *t,
		  size_t nt, const struct dcg_calib_param *p, size_t np,
		  struct dcg_calib_result **ret, struct dcg_error *err);
void dcg_calib_free(struct dcg_calib_result *r); /* accepts NULL */

#endif
