/* Least-squares calibration with GSL's trust-region Levenberg-Marquardt
 * (gsl_multifit_nlinear); every evaluation is one CVODES forward-sensitivity
 * solve, which gives the residuals and their exact Jacobian together.
 *
 * Bounded parameters are fitted as z with p = lo + (hi - lo) logistic(z),
 * so dp/dz = (p - lo)(hi - p)/(hi - lo) enters the Jacobian by the chain
 * rule. See include/dcgrid/calibrate.h for the residuals and errors. */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcgrid/calibrate.h"
#include "dcgrid/config.h"
#include "dcgrid/sensitivity.h"

struct fit {
	const struct dcg_target *t;
	size_t nt, np;
	const struct dcg_calib_param *p;
	struct dcg_model *m;          /* private clone whose parameters move */
	double **ptr, *scale;         /* each parameter's field and unit factor */
	const char **paths;
	double *model, *jac;          /* last evaluation: nt and nt x np */
	double *zlast;                /* z of the last evaluation */
	int have;
	size_t solves;
	struct dcg_error *err;
	int rc;
};

static double to_p(const struct dcg_calib_param *p, double z)
{
	return p->lo + (p->hi - p->lo) / (1.0 + exp(-z));
}

static double to_z(const struct dcg_calib_param *p, double v)
{
	double u = (v - p->lo) / (p->hi - p->lo);
	u = fmin(fmax(u, 1e-9), 1.0 - 1e-9);
	return log(u / (1.0 - u));
}

/* Index of the sensitivity series named by a figures-table dataset. */
static long series_of(const struct dcg_sensitivity *s, const char *dataset)
{
	for (size_t k = 0; k < s->nseries; k++) {
		const struct dcg_series_info *i = dcg_series_info(s->ids[k]);
		char name[96];
		snprintf(name, sizeof name, "%s/%s", i->group, i->name);
		if (strcmp(name, dataset) == 0)
			return (long)k;
	}
	return -1;
}

static long time_index(const struct dcg_sensitivity *s, double t)
{
	for (size_t i = 0; i < s->T; i++)
		if (fabs(s->time[i] - t) < 1e-9)
			return (long)i;
	return -1;
}

/* National sum of series k at time row i, and of its derivative in j. */
static double nat(const struct dcg_sensitivity *s, size_t k, size_t i, long j)
{
	const double *a = j < 0 ? s->series[k] : s->deriv[k * s->np + (size_t)j];
	double sum = 0.0;
	for (size_t c = 0; c < s->width[k]; c++)
		sum += a[i * s->width[k] + c];
	return sum;
}

/* Value (j < 0) or derivative (j >= 0) of target t from a sensitivity run.
 * Returns 0, or an error naming the target. */
static int target_value(const struct dcg_sensitivity *s, const struct dcg_target *t,
			long j, double *out, struct dcg_error *err)
{
	if (t->kind == DCG_TARGET_STOCK) {
		long k = series_of(s, t->dataset), i = time_index(s, t->time);
		if (k < 0 || i < 0)
			goto unusable;
		*out = nat(s, (size_t)k, (size_t)i, j);
		return 0;
	}
	if (t->kind == DCG_TARGET_ANNUAL) {
		/* A calendar-year total is the difference of the cumulative
		 * series at the year's boundaries. */
		char cum[96];
		const char *slash = strchr(t->dataset, '/');
		snprintf(cum, sizeof cum, "cumulative/%s", slash ? slash + 1 : t->dataset);
		long k = series_of(s, cum), a = time_index(s, t->time),
		     b = time_index(s, t->time + 1.0);
		if (k < 0 || a < 0 || b < 0)
			goto unusable;
		*out = nat(s, (size_t)k, (size_t)b, j) - nat(s, (size_t)k, (size_t)a, j);
		return 0;
	}
	/* Facility over IT energy over the year, by the trapezoid rule on
	 * the output times (as scripts/validate computes it). */
	long kf = series_of(s, "datacenter/facility_load"), ki = series_of(s, "datacenter/it_load");
	if (kf < 0 || ki < 0 || time_index(s, t->time) < 0 || time_index(s, t->time + 1.0) < 0)
		goto unusable;
	double F = 0, I = 0, dF = 0, dI = 0;
	for (size_t i = 0; i + 1 < s->T; i++) {
		if (s->time[i] < t->time - 1e-9 || s->time[i + 1] > t->time + 1.0 + 1e-9)
			continue;
		double h = 0.5 * (s->time[i + 1] - s->time[i]);
		F += h * (nat(s, (size_t)kf, i, -1) + nat(s, (size_t)kf, i + 1, -1));
		I += h * (nat(s, (size_t)ki, i, -1) + nat(s, (size_t)ki, i + 1, -1));
		if (j >= 0) {
			dF += h * (nat(s, (size_t)kf, i, j) + nat(s, (size_t)kf, i + 1, j));
			dI += h * (nat(s, (size_t)ki, i, j) + nat(s, (size_t)ki, i + 1, j));
		}
	}
	*out = j < 0 ? F / I : (dF * I - F * dI) / (I * I);
	return 0;
unusable:
	return dcg_error_set(err, DCG_EUSAGE,
			     "target %s: %s has no derivative in a sensitivity run "
			     "(usable: stocks of the main series at output times, "
			     "annual/dc_energy, annual_ratio of datacenter/pue) or its "
			     "time is not an output time",
			     t->id, t->dataset);
}

/* One sensitivity solve at z: model values and Jacobian in z. */
static int evaluate(struct fit *f, const gsl_vector *z)
{
	if (f->have) {
		int same = 1;
		for (size_t j = 0; j < f->np; j++)
			same &= gsl_vector_get(z, j) == f->zlast[j];
		if (same)
			return 0;
	}
	for (size_t j = 0; j < f->np; j++)
		*f->ptr[j] = to_p(&f->p[j], gsl_vector_get(z, j)) / f->scale[j];
	struct dcg_sensitivity *s = NULL;
	f->solves++;
	int rc = dcg_sensitivity_solve(f->m, f->paths, f->np, &s, f->err);
	for (size_t i = 0; rc == 0 && i < f->nt; i++) {
		rc = target_value(s, &f->t[i], -1, &f->model[i], f->err);
		for (size_t j = 0; rc == 0 && j < f->np; j++) {
			double d = 0.0, v = to_p(&f->p[j], gsl_vector_get(z, j));
			rc = target_value(s, &f->t[i], (long)j, &d, f->err);
			double dpdz = (v - f->p[j].lo) * (f->p[j].hi - v) / (f->p[j].hi - f->p[j].lo);
			f->jac[i * f->np + j] = d * dpdz;
		}
	}
	dcg_sensitivity_free(s);
	if (rc) {
		f->rc = rc;
		f->have = 0;
		return GSL_EBADFUNC;
	}
	for (size_t j = 0; j < f->np; j++)
		f->zlast[j] = gsl_vector_get(z, j);
	f->have = 1;
	return 0;
}

static int fn_f(const gsl_vector *z, void *data, gsl_vector *r)
{
	struct fit *f = data;
	int rc = evaluate(f, z);
	if (rc)
		return rc;
	for (size_t i = 0; i < f->nt; i++)
		gsl_vector_set(r, i, (f->model[i] - f->t[i].value) / f->t[i].scale);
	return GSL_SUCCESS;
}

static int fn_df(const gsl_vector *z, void *data, gsl_matrix *J)
{
	struct fit *f = data;
	int rc = evaluate(f, z);
	if (rc)
		return rc;
	for (size_t i = 0; i < f->nt; i++)
		for (size_t j = 0; j < f->np; j++)
			gsl_matrix_set(J, i, j, f->jac[i * f->np + j] / f->t[i].scale);
	return GSL_SUCCESS;
}

void dcg_calib_free(struct dcg_calib_result *r)
{
	if (!r)
		return;
	free(r->initial);
	free(r->value);
	free(r->std_error);
	free(r->model_before);
	free(r->model_after);
	free(r);
}

static double chi2_of(const struct fit *f)
{
	double c = 0.0;
	for (size_t i = 0; i < f->nt; i++) {
		double r = (f->model[i] - f->t[i].value) / f->t[i].scale;
		c += r * r;
	}
	return c;
}

int dcg_calibrate(const struct dcg_model *m, const struct dcg_target *t,
		  size_t nt, const struct dcg_calib_param *p, size_t np,
		  struct dcg_calib_result **ret, struct dcg_error *err)
{
	struct fit f = {.t = t, .nt = nt, .np = np, .p = p, .err = err};
	struct dcg_calib_result *res = NULL;
	gsl_multifit_nlinear_workspace *w = NULL;
	gsl_vector *z = NULL;
	gsl_matrix *covar = NULL;
	int rc = 0;

	if (np == 0 || nt < np)
		return dcg_error_set(err, DCG_EUSAGE,
				     "calibration needs at least one parameter and no "
				     "fewer figures than parameters (%zu figures, %zu "
				     "parameters)",
				     nt, np);
	gsl_error_handler_t *old = gsl_set_error_handler_off();
	f.m = dcg_model_clone(m);
	f.ptr = calloc(np, sizeof *f.ptr);
	f.scale = calloc(np, sizeof *f.scale);
	f.paths = calloc(np, sizeof *f.paths);
	f.model = calloc(nt, sizeof *f.model);
	f.jac = calloc(nt * np, sizeof *f.jac);
	f.zlast = calloc(np, sizeof *f.zlast);
	res = calloc(1, sizeof *res);
	z = gsl_vector_alloc(np);
	covar = gsl_matrix_alloc(np, np);
	if (!f.m || !f.ptr || !f.scale || !f.paths || !f.model || !f.jac || !f.zlast || !res ||
	    !z || !covar) {
		rc = dcg_error_set(err, DCG_ENOMEM, "out of memory for the calibration");
		goto finish;
	}
	res->np = np;
	res->nt = nt;
	res->initial = calloc(np, sizeof(double));
	res->value = calloc(np, sizeof(double));
	res->std_error = calloc(np, sizeof(double));
	res->model_before = calloc(nt, sizeof(double));
	res->model_after = calloc(nt, sizeof(double));
	if (!res->initial || !res->value || !res->std_error || !res->model_before ||
	    !res->model_after) {
		rc = dcg_error_set(err, DCG_ENOMEM, "out of memory for the calibration");
		goto finish;
	}
	if ((rc = dcg_model_finalize(f.m, err)))
		goto finish;
	for (size_t j = 0; j < np; j++) {
		if (!(p[j].lo < p[j].hi)) {
			rc = dcg_error_set(err, DCG_EUSAGE, "parameter %s: bounds %g:%g are empty",
					   p[j].path, p[j].lo, p[j].hi);
			goto finish;
		}
		if ((rc = dcg_config_param_ptr(f.m, p[j].path, &f.ptr[j], &f.scale[j], err)))
			goto finish;
		f.paths[j] = p[j].path;
		res->initial[j] = *f.ptr[j] * f.scale[j];
		if (res->initial[j] <= p[j].lo || res->initial[j] >= p[j].hi) {
			rc = dcg_error_set(err, DCG_EUSAGE,
					   "parameter %s = %g lies outside its bounds %g:%g",
					   p[j].path, res->initial[j], p[j].lo, p[j].hi);
			goto finish;
		}
		gsl_vector_set(z, j, to_z(&p[j], res->initial[j]));
	}
	if (evaluate(&f, z)) {
		rc = f.rc;
		goto finish;
	}
	memcpy(res->model_before, f.model, nt * sizeof *f.model);
	res->chi2_before = chi2_of(&f);

	gsl_multifit_nlinear_fdf fdf = {.f = fn_f, .df = fn_df, .fvv = NULL, .n = nt,
					.p = np, .params = &f};
	gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
	w = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, nt, np);
	if (!w) {
		rc = dcg_error_set(err, DCG_ENOMEM, "out of memory for the calibration");
		goto finish;
	}
	gsl_multifit_nlinear_init(z, &fdf, w);
	int info = 0;
	int status = gsl_multifit_nlinear_driver(100, 1e-8, 1e-10, 1e-10, NULL, NULL, &info, w);
	if (f.rc) {
		rc = f.rc;
		goto finish;
	}
	res->converged = status == GSL_SUCCESS;
	res->iterations = gsl_multifit_nlinear_niter(w);
	const gsl_vector *zf = gsl_multifit_nlinear_position(w);
	if (evaluate(&f, zf)) {
		rc = f.rc;
		goto finish;
	}
	memcpy(res->model_after, f.model, nt * sizeof *f.model);
	res->chi2_after = chi2_of(&f);
	/* Standard errors: covariance in z, mapped to p by dp/dz; scaled
	 * by the residual variance when there are spare degrees of freedom. */
	gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 0.0, covar);
	double s2 = nt > np ? res->chi2_after / (double)(nt - np) : 1.0;
	for (size_t j = 0; j < np; j++) {
		double v = to_p(&p[j], gsl_vector_get(zf, j));
		double dpdz = (v - p[j].lo) * (p[j].hi - v) / (p[j].hi - p[j].lo);
		res->value[j] = v;
		res->std_error[j] = fabs(dpdz) * sqrt(fmax(gsl_matrix_get(covar, j, j) * s2, 0.0));
	}
	res->solves = f.solves;
	*ret = res;
	res = NULL;
finish:
	gsl_set_error_handler(old);
	gsl_multifit_nlinear_free(w);
	gsl_vector_free(z);
	gsl_matrix_free(covar);
	dcg_calib_free(res);
	dcg_model_free(f.m);
	free(f.ptr);
	free(f.scale);
	free(f.paths);
	free(f.model);
	free(f.jac);
	free(f.zlast);
	return rc;
}
