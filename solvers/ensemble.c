/* Ensembles: the members of a study's design, run over threads (and, with
 * the MPI front end in app/, over ranks), reduced to metrics and series.
 *
 * Each member is the base scenario loaded from its file (or the built-in
 * text) with the study's fixed overrides and one `--set path=value` per
 * parameter, so it is validated exactly like a run; a member whose values
 * the loader refuses is recorded as invalid with the loader's message.
 * Loading costs about 1 ms against about 30 ms for a solve of the default
 * scenario (docs/studies.md, "Cost of a member"), so no shortcut through
 * pointers into a shared model is needed.
 *
 * Threads take the next member index from a shared counter; results go to
 * fixed slots, so the output does not depend on the thread count or the
 * order in which members finish. Every finished member is appended at once
 * to the checkpoint file (when one is given), as a fixed-size record: a
 * killed study loses at most the members that were running.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dcgrid/config.h"
#include "dcgrid/solver.h"
#include "dcgrid/study.h"

#define CKPT_MAGIC "DCGCKPT2"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void dcg_ensemble_free(struct dcg_ensemble *e)
{
	if (!e)
		return;
	if (e->series)
		for (size_t k = 0; k < e->nseries; k++)
			free(e->series[k]);
	free(e->series);
	free(e->time);
	free(e->width);
	free(e->u);
	free(e->x);
	free(e->metrics);
	free(e->status);
	free(e->reason);
	free(e->member_time_s);
	free(e);
}

/* ---- records: checkpoints and MPI messages ------------------------------ */

size_t dcg_ensemble_record_size(const struct dcg_ensemble *e)
{
	size_t n = sizeof(uint64_t) + sizeof(int32_t) + sizeof e->reason[0] +
		   (e->nmetrics + 1) * sizeof(double);
	for (size_t k = 0; k < e->nseries; k++)
		n += e->T * e->width[k] * sizeof(double);
	return n;
}

void dcg_ensemble_pack(const struct dcg_ensemble *e, size_t i, void *buf)
{
	unsigned char *p = buf;
	uint64_t idx = i;
	int32_t st = e->status[i];
	memcpy(p, &idx, sizeof idx);
	p += sizeof idx;
	memcpy(p, &st, sizeof st);
	p += sizeof st;
	memcpy(p, e->reason[i], sizeof e->reason[i]);
	p += sizeof e->reason[i];
	memcpy(p, &e->metrics[i * e->nmetrics], e->nmetrics * sizeof(double));
	p += e->nmetrics * sizeof(double);
	memcpy(p, &e->member_time_s[i], sizeof(double));
	p += sizeof(double);
	for (size_t k = 0; k < e->nseries; k++) {
		size_t n = e->T * e->width[k];
		memcpy(p, &e->series[k][i * n], n * sizeof(double));
		p += n * sizeof(double);
	}
}

void dcg_ensemble_unpack(struct dcg_ensemble *e, const void *buf)
{
	const unsigned char *p = buf;
	uint64_t idx;
	int32_t st;
	memcpy(&idx, p, sizeof idx);
	p += sizeof idx;
	if (idx >= e->M)
		return;
	size_t i = (size_t)idx;
	memcpy(&st, p, sizeof st);
	p += sizeof st;
	e->status[i] = st;
	memcpy(e->reason[i], p, sizeof e->reason[i]);
	e->reason[i][sizeof e->reason[i] - 1] = '\0';
	p += sizeof e->reason[i];
	memcpy(&e->metrics[i * e->nmetrics], p, e->nmetrics * sizeof(double));
	p += e->nmetrics * sizeof(double);
	memcpy(&e->member_time_s[i], p, sizeof(double));
	p += sizeof(double);
	for (size_t k = 0; k < e->nseries; k++) {
		size_t n = e->T * e->width[k];
		memcpy(&e->series[k][i * n], p, n * sizeof(double));
		p += n * sizeof(double);
	}
}

/* FNV-1a over everything that decides the members' results. */
static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

#define FNV_START 1469598103934665603ULL

/* What a checkpoint is bound to, each part hashed on its own so that a
 * stale checkpoint is refused with what changed: the study file's text,
 * the fully resolved base scenario (a file it includes or its variant
 * base changing shows here, not in the study file), and the design (the
 * sampled points and the record layout). */
struct ckpt_header {
	char magic[8];
	uint64_t study, scenario, design, M, record_size;
};

static void ckpt_hashes(const struct dcg_study *s, const struct dcg_ensemble *e,
			struct ckpt_header *h)
{
	h->study = fnv(FNV_START, s->text, strlen(s->text));
	h->scenario = s->resolved_text
			      ? fnv(FNV_START, s->resolved_text,
				    strlen(s->resolved_text))
			      : fnv(FNV_START, s->base_text, strlen(s->base_text));
	uint64_t d = fnv(FNV_START, e->x, e->M * e->P * sizeof *e->x);
	uint64_t rs = dcg_ensemble_record_size(e);
	h->design = fnv(d, &rs, sizeof rs);
}

/* Opens the checkpoint, reading back finished members. A file from another
 * study is refused; a torn last record (killed mid-write) is cut off. */
static int ckpt_open(const char *path, const struct dcg_study *s,
		     struct dcg_ensemble *e, FILE **ret_f, struct dcg_error *err)
{
	struct ckpt_header h = {.M = e->M, .record_size = dcg_ensemble_record_size(e)};
	memcpy(h.magic, CKPT_MAGIC, 8);
	ckpt_hashes(s, e, &h);
	FILE *f = fopen(path, "r+b");
	if (!f && errno == ENOENT) {
		f = fopen(path, "w+b");
		if (!f || fwrite(&h, sizeof h, 1, f) != 1 || fflush(f)) {
			int en = errno;
			if (f)
				fclose(f);
			return dcg_error_set(err, DCG_EIO, "cannot create %s: %s",
					     path, strerror(en));
		}
		*ret_f = f;
		return 0;
	}
	if (!f)
		return dcg_error_set(err, DCG_EIO, "cannot open %s: %s", path,
				     strerror(errno));
	struct ckpt_header got;
	const char *what = NULL;
	if (fread(&got, sizeof got, 1, f) != 1 || memcmp(got.magic, CKPT_MAGIC, 8) != 0)
		what = "it is not a checkpoint of this dcgrid";
	else if (got.study != h.study)
		what = "the study file changed since it was written";
	else if (got.scenario != h.scenario)
		what = "the scenario changed since it was written (the "
		       "resolved scenario: its file, a file it @includes or "
		       "its variant base)";
	else if (got.design != h.design || got.M != h.M ||
		 got.record_size != h.record_size)
		what = "the study's design changed since it was written";
	if (what) {
		fclose(f);
		return dcg_error_set(err, DCG_EUSAGE,
				     "%s is a stale checkpoint: %s; delete it to "
				     "start afresh", path, what);
	}
	size_t rs = (size_t)h.record_size;
	unsigned char *buf = malloc(rs);
	if (!buf) {
		fclose(f);
		return dcg_error_set(err, DCG_ENOMEM, "out of memory");
	}
	long good = (long)sizeof h;
	while (fread(buf, rs, 1, f) == 1) {
		uint64_t idx;
		memcpy(&idx, buf, sizeof idx);
		if (idx < e->M && e->status[idx] == DCG_MEMBER_PENDING) {
			dcg_ensemble_unpack(e, buf);
			e->resumed++;
		}
		good += (long)rs;
	}
	free(buf);
	if (fflush(f) || ftruncate(fileno(f), good) || fseek(f, good, SEEK_SET)) {
		int en = errno;
		fclose(f);
		return dcg_error_set(err, DCG_EIO, "cannot resume %s: %s", path,
				     strerror(en));
	}
	*ret_f = f;
	return 0;
}

/* ---- one member --------------------------------------------------------- */

/* Linear interpolation in the output rows of a series summed over its
 * width; NaN beyond the rows computed. */
static double series_sum_at(const struct dcg_model *m,
			    const struct dcg_result *res, enum dcg_series_id id,
			    double t)
{
	const double *v = res->series[id];
	size_t w = dcg_series_width(m, id);
	if (!v || res->T == 0 || t < res->time[0] - 1e-9 ||
	    t > res->time[res->T - 1] + 1e-9)
		return NAN;
	size_t i = 0;
	while (i + 1 < res->T && res->time[i + 1] < t - 1e-9)
		i++;
	double a = 0.0, b = 0.0;
	size_t i1 = i + 1 < res->T ? i + 1 : i;
	for (size_t k = 0; k < w; k++) {
		a += v[i * w + k];
		b += v[i1 * w + k];
	}
	double ta = res->time[i], tb = res->time[i1];
	if (tb <= ta || t <= ta)
		return a;
	if (t >= tb)
		return b;
	return a + (b - a) * (t - ta) / (tb - ta);
}

static double metric_of(const struct dcg_model *m, const struct dcg_result *res,
			const struct dcg_study_metric *mt)
{
	double t = isfinite(mt->time) ? mt->time : m->t1;
	switch (mt->kind) {
	case DCG_METRIC_DC_ENERGY_TWH:
		if (!res->complete)
			return NAN;
		for (size_t i = 0; i < res->Y; i++)
			if (res->year[i] == mt->time) {
				double s = 0.0;
				for (size_t r = 0; r < m->R; r++)
					s += res->annual_dc_energy[i * m->R + r];
				return s;
			}
		return NAN;
	case DCG_METRIC_STANDARD_RACKS:
		return series_sum_at(m, res, DCG_SER_STANDARD_RACKS, t);
	case DCG_METRIC_UNSERVED_TWH:
		return series_sum_at(m, res, DCG_SER_CUM_UNSERVED, t);
	case DCG_METRIC_EMISSIONS_MT:
		return series_sum_at(m, res, DCG_SER_CUM_EMISSIONS, t);
	case DCG_METRIC_PEAK_DEMAND_GW:
		return series_sum_at(m, res, DCG_SER_PEAK_DEMAND, t);
	case DCG_METRIC_FIRST_BREACH: {
		double first = INFINITY;
		for (size_t i = 0; i < res->n_events; i++)
			if (res->events[i].kind == DCG_EVENT_BELOW)
				first = fmin(first, res->events[i].time);
		if (isfinite(first))
			return first;
		return res->complete ? m->t1 + 1.0 : NAN;
	}
	case DCG_METRIC_COUNT:
		break;
	}
	return NAN;
}

struct pool {
	const struct dcg_study *s;
	struct dcg_ensemble *e;
	const struct dcg_ensemble_opts *o;
	pthread_mutex_t lock;
	size_t next, done, total;
	FILE *ckpt;
	unsigned char *rec; /* one record, under lock */
	int io_rc;
	struct dcg_error io_err;
};

static void run_member(struct pool *pl, size_t i)
{
	const struct dcg_study *s = pl->s;
	struct dcg_ensemble *e = pl->e;
	size_t n = s->nsets + s->P;
	char **sets = calloc(n + 1, sizeof *sets);
	char *vals = malloc((s->P + 1) * 320);
	struct dcg_model *m = NULL;
	struct dcg_result *res = NULL;
	struct dcg_error err = {0};
	double t0 = now_s();
	int rc;

	for (size_t k = 0; k < s->nmetrics; k++)
		e->metrics[i * s->nmetrics + k] = NAN;
	if (!sets || !vals) {
		e->status[i] = DCG_MEMBER_INVALID;
		snprintf(e->reason[i], sizeof e->reason[i], "out of memory");
		goto finish;
	}
	for (size_t k = 0; k < s->nsets; k++)
		sets[k] = s->sets[k];
	for (size_t j = 0; j < s->P; j++) {
		char *v = vals + j * 320;
		snprintf(v, 320, "%s=%.17g", s->params[j].path, e->x[i * s->P + j]);
		sets[s->nsets + j] = v;
	}
	if (s->scenario_path)
		rc = dcg_config_load_file(s->scenario_path, (const char *const *)sets,
					  n, &m, &err);
	else
		rc = dcg_config_load_default((const char *const *)sets, n, &m, &err);
	if (rc) {
		e->status[i] = DCG_MEMBER_INVALID;
		snprintf(e->reason[i], sizeof e->reason[i], "%.255s", err.msg);
		goto finish;
	}
	struct dcg_solve_opts so = {0};
	if (pl->o && pl->o->should_stop) {
		so.should_stop = pl->o->should_stop;
		so.should_stop_ctx = pl->o->should_stop_ctx;
	}
	rc = dcg_solve(m, &so, &res, &err);
	if (rc == DCG_EINTERRUPTED) {
		/* Not a result: the member stays pending and is not recorded. */
		e->status[i] = DCG_MEMBER_PENDING;
		goto finish;
	}
	if (rc && !(rc == DCG_ESOLVER && res)) {
		e->status[i] = DCG_MEMBER_SOLVER_FAILED;
		snprintf(e->reason[i], sizeof e->reason[i], "%.255s", err.msg);
		goto finish;
	}
	e->status[i] = rc ? DCG_MEMBER_SOLVER_FAILED : DCG_MEMBER_OK;
	if (rc)
		snprintf(e->reason[i], sizeof e->reason[i], "%.255s", res->failure);
	for (size_t k = 0; k < s->nmetrics; k++)
		e->metrics[i * s->nmetrics + k] = metric_of(m, res, &s->metrics[k]);
	for (size_t k = 0; k < s->nseries; k++) {
		enum dcg_series_id id = (enum dcg_series_id)s->series[k];
		size_t w = e->width[k];
		double *dst = &e->series[k][i * e->T * w];
		if (!res->series[id] || dcg_series_width(m, id) != w)
			continue;
		/* Rows at the same times as the study's time axis. */
		for (size_t r = 0; r < e->T && r < res->T; r++)
			if (fabs(res->time[r] - e->time[r]) < 1e-9)
				memcpy(&dst[r * w], &res->series[id][r * w], w * sizeof *dst);
	}
finish:
	e->member_time_s[i] = now_s() - t0;
	dcg_result_free(res);
	dcg_model_free(m);
	free(sets);
	free(vals);
}

static void *worker(void *arg)
{
	struct pool *pl = arg;
	for (;;) {
		pthread_mutex_lock(&pl->lock);
		size_t i = pl->next;
		int stride = pl->o && pl->o->nranks > 1 ? pl->o->nranks : 1;
		int rank = pl->o && pl->o->nranks > 1 ? pl->o->rank : 0;
		while (i < pl->e->M &&
		       (pl->e->status[i] != DCG_MEMBER_PENDING ||
			(int)(i % (size_t)stride) != rank))
			i++;
		pl->next = i + 1;
		bool stop = i >= pl->e->M || pl->io_rc ||
			    (pl->o && pl->o->should_stop &&
			     pl->o->should_stop(pl->o->should_stop_ctx));
		pthread_mutex_unlock(&pl->lock);
		if (stop)
			return NULL;
		run_member(pl, i);
		pthread_mutex_lock(&pl->lock);
		if (pl->e->status[i] == DCG_MEMBER_PENDING) {
			/* Stopped on request. */
			pthread_mutex_unlock(&pl->lock);
			return NULL;
		}
		pl->done++;
		if (pl->ckpt && !pl->io_rc) {
			dcg_ensemble_pack(pl->e, i, pl->rec);
			if (fwrite(pl->rec, dcg_ensemble_record_size(pl->e), 1,
				   pl->ckpt) != 1 ||
			    fflush(pl->ckpt))
				pl->io_rc = dcg_error_set(&pl->io_err, DCG_EIO,
							  "cannot write the checkpoint %s: %s",
							  pl->o->checkpoint, strerror(errno));
		}
		if (pl->o && pl->o->progress)
			pl->o->progress(pl->done, pl->total, pl->o->progress_ctx);
		pthread_mutex_unlock(&pl->lock);
	}
}

static size_t cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (size_t)n : 1;
}

/* The time axis of every member: the output times of the base model. */
static int time_axis(const struct dcg_study *s, struct dcg_ensemble *e,
		     struct dcg_error *err)
{
	struct dcg_model *m = NULL;
	struct dcg_error le = {0};
	const char *const *sets = (const char *const *)s->sets;
	int rc = s->scenario_path
			 ? dcg_config_load_file(s->scenario_path, sets, s->nsets, &m, &le)
			 : dcg_config_load_default(sets, s->nsets, &m, &le);
	if (rc)
		return dcg_error_set(err, rc, "%s", le.msg);
	double t0 = m->t0, t1 = m->t1, step = m->output_step_yr;
	size_t T = (size_t)floor((t1 - t0) / step + 1e-9) + 1;
	if (t0 + (double)(T - 1) * step < t1 - 1e-9)
		T++;
	e->T = T;
	e->time = calloc(T, sizeof *e->time);
	e->width = calloc(s->nseries + 1, sizeof *e->width);
	if (!e->time || !e->width) {
		dcg_model_free(m);
		return dcg_error_set(err, DCG_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < T; i++)
		e->time[i] = i == T - 1 ? t1 : t0 + (double)i * step;
	for (size_t k = 0; k < s->nseries; k++)
		e->width[k] = dcg_series_width(m, (enum dcg_series_id)s->series[k]);
	dcg_model_free(m);
	return 0;
}

int dcg_ensemble_run(const struct dcg_study *s,
		     const struct dcg_ensemble_opts *opts,
		     struct dcg_ensemble **ret, struct dcg_error *err)
{
	struct dcg_ensemble *e = calloc(1, sizeof *e);
	struct pool pl = {.s = s, .o = opts};
	pthread_t *th = NULL;
	size_t nth = 0;
	int rc = 0;
	bool locked = false;

	if (!e)
		return dcg_error_set(err, DCG_ENOMEM, "out of memory");
	e->P = s->P;
	e->nmetrics = s->nmetrics;
	e->nseries = s->nseries;
	if ((rc = dcg_study_design(s, &e->M, &e->u, &e->x, err)) ||
	    (rc = time_axis(s, e, err)))
		goto finish;
	size_t M = e->M;
	/* Before anything per member is allocated: every member's record
	 * (metrics, status, stored series) is held, and held again by the
	 * analysis and the study file's in-memory image; the design's u and
	 * x are allocated already. */
	{
		char what[160];
		snprintf(what, sizeof what, "%s: %zu members (%zu bytes each)",
			 s->path ? s->path : s->name, M,
			 dcg_ensemble_record_size(e));
		double need = 2.0 * (double)M *
			      ((double)dcg_ensemble_record_size(e) +
			       16.0 * (double)s->P);
		if ((rc = dcg_memory_refuse(what, need, err)))
			goto finish;
	}
	e->metrics = malloc((M * s->nmetrics + 1) * sizeof *e->metrics);
	e->status = calloc(M + 1, sizeof *e->status);
	e->reason = calloc(M + 1, sizeof *e->reason);
	e->member_time_s = calloc(M + 1, sizeof *e->member_time_s);
	e->series = calloc(s->nseries + 1, sizeof *e->series);
	if (!e->metrics || !e->status || !e->reason || !e->member_time_s || !e->series) {
		rc = dcg_error_set(err, DCG_ENOMEM, "out of memory for %zu members", M);
		goto finish;
	}
	for (size_t i = 0; i < M * s->nmetrics; i++)
		e->metrics[i] = NAN;
	for (size_t k = 0; k < s->nseries; k++) {
		size_t n = M * e->T * e->width[k];
		if (!(e->series[k] = malloc((n + 1) * sizeof(double)))) {
			rc = dcg_error_set(err, DCG_ENOMEM,
					   "out of memory for the series of %zu members", M);
			goto finish;
		}
		for (size_t j = 0; j < n; j++)
			e->series[k][j] = NAN;
	}
	pl.e = e;
	if (opts && opts->checkpoint &&
	    (rc = ckpt_open(opts->checkpoint, s, e, &pl.ckpt, err)))
		goto finish;
	if (!(pl.rec = malloc(dcg_ensemble_record_size(e)))) {
		rc = dcg_error_set(err, DCG_ENOMEM, "out of memory");
		goto finish;
	}
	int stride = opts && opts->nranks > 1 ? opts->nranks : 1;
	int rank = opts && opts->nranks > 1 ? opts->rank : 0;
	for (size_t i = 0; i < M; i++)
		if ((int)(i % (size_t)stride) == rank) {
			pl.total++;
			if (e->status[i] != DCG_MEMBER_PENDING)
				pl.done++;
		}
	/* Once before any member runs (done = members read back), so that
	 * rates can be timed from the start. */
	if (opts && opts->progress)
		opts->progress(pl.done, pl.total, opts->progress_ctx);
	nth = opts && opts->threads ? opts->threads : s->threads ? s->threads : cores();
	if (nth > pl.total - pl.done)
		nth = pl.total - pl.done;
	if (pthread_mutex_init(&pl.lock, NULL)) {
		rc = dcg_error_set(err, DCG_ENOMEM, "cannot create a mutex");
		goto finish;
	}
	locked = true;
	if (nth > 0 && !(th = calloc(nth, sizeof *th))) {
		rc = dcg_error_set(err, DCG_ENOMEM, "out of memory");
		goto finish;
	}
	size_t started = 0;
	for (; started < nth; started++)
		if (pthread_create(&th[started], NULL, worker, &pl))
			break;
	if (started == 0 && nth > 0)
		worker(&pl); /* no thread could start: run here */
	for (size_t t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	if (pl.io_rc) {
		rc = dcg_error_set(err, pl.io_rc, "%s", pl.io_err.msg);
		goto finish;
	}
	if (pl.done < pl.total) {
		rc = dcg_error_set(err, DCG_EINTERRUPTED,
				   "stopped with %zu of %zu members done%s%s", pl.done,
				   pl.total, opts && opts->checkpoint ? "; they are kept in " : "",
				   opts && opts->checkpoint ? opts->checkpoint : "");
		goto finish;
	}
	*ret = e;
	e = NULL;
finish:
	if (locked)
		pthread_mutex_destroy(&pl.lock);
	if (pl.ckpt)
		fclose(pl.ckpt);
	free(pl.rec);
	free(th);
	dcg_ensemble_free(e);
	return rc;
}
