/* HDF5 writer, schema "dcgrid/1" (docs/output-format.md).
 *
 * One run becomes one file: coordinate datasets that are HDF5 dimension
 * scales (/time, /regions, /hardware, /segments, with a grid /technologies
 * and /corridors, and /annual/year), one double dataset per entry of the
 * series table (model/series.c) with `units` and `long_name`, calendar-year
 * totals under /annual, the reserve-margin events as a compound table, the
 * solver statistics as attributes of /solver and every resolved parameter
 * as an attribute of /parameters. The root carries the provenance: schema,
 * version, scenario, creation time and the resolved config text.
 *
 * Choices that keep the file readable by netCDF-4 (and so xarray):
 * - libver bounds earliest..v18: nothing newer than the HDF5 1.8 formats,
 *   so HDF5 >= 1.8 reads the file. The low bound stays "earliest" (a
 *   version-0 superblock) because HDF5 1.10.8's H5Fget_file_image() leaves
 *   a stale checksum in a version-2 superblock, which makes the image
 *   unreadable;
 * - links and attributes track creation order, as netCDF-4 expects; this
 *   also gives every object a version-2 header, so attributes over 64 KiB
 *   (the config text) and many attributes (/parameters) use dense storage;
 * - attributes are scalar or 1-D (netCDF fails on a group holding a 2-D
 *   attribute), so a schedule parameter is "<path>" (values) plus
 *   "<path>.year" and "<path>.interp";
 * - /events is a compound dataset with a transient (uncommitted) type,
 *   which netCDF-C skips; a committed one would break netCDF readers (an
 *   enum inside a compound fails the whole file). So the events are also
 *   written as plain variables along the dimension `event` (/event, the
 *   times, a dimension scale also attached to /events; /event_region;
 *   /event_kind with CF flags), and every axis of every dataset has a
 *   dimension scale, which h5netcdf requires;
 * - /time has the CF standard_name "time";
 * - string attributes are scalar fixed-length strings (netCDF NC_CHAR);
 *   string coordinates (/regions, ...) are variable-length UTF-8 strings
 *   (netCDF NC_STRING), because netCDF-C before 4.9.1 reads only the first
 *   element of an array of fixed-length strings;
 * - object modification times are not recorded, so that two writes of the
 *   same run at the same `created` time give byte-identical files.
 *
 * Cost: datasets are contiguous and unfiltered. Shuffle and deflate saved
 * a quarter of a 1,000-region run file (14.4 MB against 19.6 MB) but made
 * writing it six times slower (0.79 s against 0.13 s, a third of the
 * solve), and saved 15 % of a 1,000-member study file with stored series
 * for twelve times the writing time; `h5repack -m 1024 -f SHUF -f GZIP=4`
 * compresses a file when space matters more. The dimension scales are
 * attached in bulk (outputs/h5_internal.h), and variable-length strings
 * are converted through a buffer sized to them.
 *
 * Safety: HDF5 builds the file in memory (core driver, no backing store);
 * the image is then written under a temporary name in the target folder,
 * fsync()ed and renamed into place, so a reader never sees a partial file
 * under the final name, a failed write leaves nothing, and a full disk is
 * an ordinary write() error rather than an HDF5 file that cannot be closed.
 */
/* realpath() is an XSI function: glibc declares it only with _XOPEN_SOURCE
 * (the build defines _POSIX_C_SOURCE alone). */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "dcgrid/config.h"
#include "dcgrid/h5.h"
#include "dcgrid/sensitivity.h"
#include "dcgrid/version.h"
#include "h5_internal.h"

struct writer {
	const char *path; /* the final name, used in every message */
	const struct dcg_model *m;
	const struct dcg_result *res;
	const struct dcg_sensitivity *sens; /* NULL: no /sensitivity */
	struct dcg_error *err;
	hid_t file;
	hid_t gcpl;     /* group creation: creation order, no times */
	hid_t dcpl;     /* contiguous dataset: attribute order, no times */
	hid_t str_vlen; /* variable-length UTF-8 string */
	hid_t str_attr; /* fixed-length UTF-8 string; its size is set per use */
	hid_t scalar;   /* scalar dataspace */
	/* Dimension scales, opened for the whole write, and their
	 * attachments, written in bulk (outputs/h5_internal.h). */
	hid_t d_time, d_regions, d_hardware, d_segments, d_techs, d_corridors;
	hid_t d_year;
	hid_t d_hyear, d_day, d_hour; /* /hourly's scales */
	struct dcg__h5_dims dims;
};

/* --- Error reporting ---------------------------------------------------- */

struct h5_reason {
	char text[512];
	int found;
};

/* Keeps the innermost (first visited walking upward) message. */
static herr_t walk_cb(unsigned n, const H5E_error2_t *e, void *ctx)
{
	struct h5_reason *r = ctx;
	(void)n;
	if (!r->found && e && e->desc) {
		snprintf(r->text, sizeof r->text, "%s", e->desc);
		r->found = 1;
	}
	return 0;
}

/* Turns the HDF5 error stack into a short reason. The file drivers report
 * system errors as "... errno = 28, error message = 'No space left on
 * device', ..."; the quoted part is all a planner needs. Returns 1 when the
 * reason is a system error. */
static int h5_reason(char *buf, size_t size)
{
	struct h5_reason r = {.found = 0};
	r.text[0] = '\0';
	H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk_cb, &r);
	H5Eclear2(H5E_DEFAULT);
	const char *key = "error message = '";
	const char *p = strstr(r.text, key);
	if (p) {
		p += strlen(key);
		const char *q = strchr(p, '\'');
		int len = q ? (int)(q - p) : (int)strlen(p);
		snprintf(buf, size, "%.*s", len, p);
		return 1;
	}
	snprintf(buf, size, "%s", r.found ? r.text : "unknown HDF5 error");
	return 0;
}

/* Reports a failed HDF5 call `op` on object `what` (may be NULL). */
static int h5_fail(struct writer *w, const char *op, const char *what)
{
	char reason[512];
	int sys = h5_reason(reason, sizeof reason);
	return dcg_error_set(w->err, sys ? DCG_EIO : DCG_EHDF5,
			     "cannot write %s: %s(%s) failed: %s", w->path, op,
			     what ? what : "", reason);
}

/* Reports a failed HDF5 call `op` on attribute `name` of `objname`. */
static int attr_fail(struct writer *w, const char *op, const char *objname,
		     const char *name)
{
	char what[512];
	snprintf(what, sizeof what, "%s@%s", objname, name);
	return h5_fail(w, op, what);
}

/* Reports a failed dcg__h5_dims_* call on dataset `name`. */
static int dims_fail(struct writer *w, const char *op, const char *name)
{
	return op ? h5_fail(w, op, name)
		  : dcg_error_set(w->err, DCG_ENOMEM,
				  "cannot write %s: out of memory", w->path);
}

/* --- Attributes --------------------------------------------------------- */

/* Writes attribute `name` of object `obj` (called `objname` in messages). */
static int attr_write(struct writer *w, hid_t obj, const char *objname,
		      const char *name, hid_t file_type, hid_t mem_type,
		      hid_t space, const void *buf)
{
	hid_t a = H5Acreate2(obj, name, file_type, space, H5P_DEFAULT,
			     H5P_DEFAULT);
	if (a < 0)
		return attr_fail(w, "H5Acreate2", objname, name);
	int rc = 0;
	if (buf && H5Awrite(a, mem_type, buf) < 0)
		rc = attr_fail(w, "H5Awrite", objname, name);
	if (H5Aclose(a) < 0 && rc == 0)
		rc = attr_fail(w, "H5Aclose", objname, name);
	return rc;
}

static int attr_scalar(struct writer *w, hid_t obj, const char *objname,
		       const char *name, hid_t file_type, hid_t mem_type,
		       const void *value)
{
	return attr_write(w, obj, objname, name, file_type, mem_type,
			  w->scalar, value);
}

static int attr_double(struct writer *w, hid_t obj, const char *objname,
		       const char *name, double v)
{
	return attr_scalar(w, obj, objname, name, H5T_IEEE_F64LE,
			   H5T_NATIVE_DOUBLE, &v);
}

static int attr_int64(struct writer *w, hid_t obj, const char *objname,
		      const char *name, long long v)
{
	int64_t x = (int64_t)v;
	return attr_scalar(w, obj, objname, name, H5T_STD_I64LE,
			   H5T_NATIVE_INT64, &x);
}

static int attr_int32(struct writer *w, hid_t obj, const char *objname,
		      const char *name, int v)
{
	int32_t x = (int32_t)v;
	return attr_scalar(w, obj, objname, name, H5T_STD_I32LE,
			   H5T_NATIVE_INT32, &x);
}

/* A scalar fixed-length, null-padded UTF-8 string (netCDF NC_CHAR). An
 * empty string is stored as one NUL byte, as HDF5 has no zero-size
 * strings. */
static int attr_string_n(struct writer *w, hid_t obj, const char *objname,
			 const char *name, const char *value, size_t len)
{
	static const char empty[1] = {'\0'};
	if (len == 0)
		value = empty;
	/* The attribute keeps its own copy of the type, so one type serves
	 * every string attribute of the file. */
	hid_t t = w->str_attr;
	if (H5Tset_size(t, len ? len : 1) < 0)
		return attr_fail(w, "H5Tset_size", objname, name);
	return attr_scalar(w, obj, objname, name, t, t, value);
}

static int attr_string(struct writer *w, hid_t obj, const char *objname,
		       const char *name, const char *value)
{
	if (!value)
		value = "";
	return attr_string_n(w, obj, objname, name, value, strlen(value));
}

/* --- Datasets ----------------------------------------------------------- */

/* Creates dataset `name` (a full path) of doubles with the given shape,
 * writes data (row-major; may be NULL only when the shape is empty), adds
 * units/long_name/standard_name and attaches scales[i] (when > 0) to
 * axis i. The dataset stays open in *ret_ds when ret_ds is non-NULL. */
static int write_doubles(struct writer *w, const char *name, int rank,
			 const hsize_t *dims, const double *data,
			 const char *units, const char *long_name,
			 const char *standard_name, const hid_t *scales,
			 hid_t *ret_ds)
{
	hid_t space = -1, ds = -1;
	int rc = 0;
	hsize_t npoints = 1;
	for (int i = 0; i < rank; i++)
		npoints *= dims[i];
	if (npoints > 0 && !data) {
		rc = dcg_error_set(w->err, DCG_EINTERNAL,
				   "cannot write %s: the result has no data for "
				   "%s",
				   w->path, name);
		goto finish;
	}
	space = H5Screate_simple(rank, dims, NULL);
	if (space < 0) {
		rc = h5_fail(w, "H5Screate_simple", name);
		goto finish;
	}
	ds = H5Dcreate2(w->file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT,
			w->dcpl, H5P_DEFAULT);
	if (ds < 0) {
		rc = h5_fail(w, "H5Dcreate2", name);
		goto finish;
	}
	if (npoints > 0 && H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
				    H5P_DEFAULT, data) < 0) {
		rc = h5_fail(w, "H5Dwrite", name);
		goto finish;
	}
	if ((rc = attr_string(w, ds, name, "units", units)) ||
	    (rc = attr_string(w, ds, name, "long_name", long_name)))
		goto finish;
	if (standard_name && (rc = attr_string(w, ds, name, "standard_name",
					       standard_name)))
		goto finish;
	const char *op;
	if (scales && dcg__h5_dims_attach(&w->dims, ds, rank, scales, &op)) {
		rc = dims_fail(w, op, name);
		goto finish;
	}
	if (ret_ds) {
		*ret_ds = ds;
		ds = -1;
	}
finish:
	if (ds >= 0 && H5Dclose(ds) < 0 && rc == 0)
		rc = h5_fail(w, "H5Dclose", name);
	if (space >= 0)
		H5Sclose(space);
	return rc;
}

/* A numeric coordinate: a 1-D double dataset made a dimension scale. */
static int write_numeric_scale(struct writer *w, const char *name,
			       const char *dimname, size_t n,
			       const double *values, const char *units,
			       const char *long_name, hid_t *ret_ds)
{
	hsize_t dims[1] = {n};
	hid_t ds = -1;
	int rc = write_doubles(w, name, 1, dims, values, units, long_name,
			       NULL, NULL, &ds);
	if (rc)
		return rc;
	if (H5DSset_scale(ds, dimname) < 0) {
		rc = h5_fail(w, "H5DSset_scale", name);
		H5Dclose(ds);
		return rc;
	}
	*ret_ds = ds;
	return 0;
}

/* All of ds from n strings (outputs/h5_internal.h, dcg__h5_write_vlen). */
static herr_t write_vlen_strings(struct writer *w, hid_t ds, size_t n,
				 const char *const *strings)
{
	return dcg__h5_write_vlen(ds, w->str_vlen, n, strings);
}

/* A label coordinate: a 1-D variable-length UTF-8 string dataset made a
 * dimension scale. names[i] points at n entries spaced stride bytes apart
 * (the name field of a struct array). */
static int write_label_scale(struct writer *w, const char *name,
			     const char *long_name, size_t n,
			     const char *first, size_t stride, hid_t *ret_ds)
{
	const char **names = NULL;
	hid_t space = -1, ds = -1;
	int rc = 0;
	names = malloc((n ? n : 1) * sizeof *names);
	if (!names) {
		rc = dcg_error_set(w->err, DCG_ENOMEM,
				   "cannot write %s: out of memory", w->path);
		goto finish;
	}
	for (size_t i = 0; i < n; i++)
		names[i] = first + i * stride;
	hsize_t dims[1] = {n};
	space = H5Screate_simple(1, dims, NULL);
	if (space < 0) {
		rc = h5_fail(w, "H5Screate_simple", name);
		goto finish;
	}
	ds = H5Dcreate2(w->file, name, w->str_vlen, space, H5P_DEFAULT,
			w->dcpl, H5P_DEFAULT);
	if (ds < 0) {
		rc = h5_fail(w, "H5Dcreate2", name);
		goto finish;
	}
	if (write_vlen_strings(w, ds, n, names) < 0) {
		rc = h5_fail(w, "H5Dwrite", name);
		goto finish;
	}
	if ((rc = attr_string(w, ds, name, "long_name", long_name)))
		goto finish;
	if (H5DSset_scale(ds, name + 1) < 0) {
		rc = h5_fail(w, "H5DSset_scale", name);
		goto finish;
	}
	*ret_ds = ds;
	ds = -1;
finish:
	if (ds >= 0)
		H5Dclose(ds);
	if (space >= 0)
		H5Sclose(space);
	free(names);
	return rc;
}

static int create_group(struct writer *w, const char *name, hid_t *ret_g)
{
	hid_t g = H5Gcreate2(w->file, name, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
	if (g < 0)
		return h5_fail(w, "H5Gcreate2", name);
	if (ret_g)
		*ret_g = g;
	else if (H5Gclose(g) < 0)
		return h5_fail(w, "H5Gclose", name);
	return 0;
}

/* Creates group `name` unless it exists. */
static int ensure_group(struct writer *w, const char *name)
{
	htri_t e = H5Lexists(w->file, name, H5P_DEFAULT);
	if (e < 0)
		return h5_fail(w, "H5Lexists", name);
	return e ? 0 : create_group(w, name, NULL);
}

/* --- The parts of the file ---------------------------------------------- */

static int write_root_attributes(struct writer *w, const char *config_text)
{
	const struct dcg_model *m = w->m;
	const struct dcg_result *res = w->res;
	char created[32], text[512];
	int rc;

	/* SOURCE_DATE_EPOCH (reproducible-builds.org) pins the creation time
	 * so that reference files can be compared byte for byte. */
	time_t now = time(NULL);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);
		if (*end == '\0' && v >= 0)
			now = (time_t)v;
	}
	struct tm tm;
	if (!gmtime_r(&now, &tm) ||
	    !strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(created, sizeof created, "unknown");

	hid_t f = w->file;
	if ((rc = attr_string(w, f, "/", "schema", DCG_H5_SCHEMA)) ||
	    (rc = attr_string(w, f, "/", "dcgrid_version", DCG_VERSION)) ||
	    (rc = attr_string(w, f, "/", "scenario", m->scenario)) ||
	    (rc = attr_string(w, f, "/", "created", created)) ||
	    (rc = attr_int32(w, f, "/", "complete", res->complete ? 1 : 0)))
		return rc;
	if (!res->complete) {
		size_t len = strnlen(res->failure, sizeof res->failure);
		if ((rc = attr_string_n(w, f, "/", "failure", res->failure,
					len)) ||
		    (rc = attr_double(w, f, "/", "t_reached", res->t_reached)))
			return rc;
	}
	snprintf(text, sizeof text, "dcgrid projection: %s", m->scenario);
	if ((rc = attr_string(w, f, "/", "title", text)) ||
	    (rc = attr_string(w, f, "/", "Conventions", "CF-1.8")) ||
	    (rc = attr_string(w, f, "/", "source", "dcgrid " DCG_VERSION)))
		return rc;
	snprintf(text, sizeof text, "%s: created by dcgrid %s", created,
		 DCG_VERSION);
	if ((rc = attr_string(w, f, "/", "history", text)))
		return rc;
	size_t dlen = strnlen(m->description, sizeof m->description);
	if (dlen &&
	    (rc = attr_string_n(w, f, "/", "comment", m->description, dlen)))
		return rc;
	/* Last: the config text is the largest attribute. */
	return attr_string(w, f, "/", "config", config_text);
}

static int write_coordinates(struct writer *w)
{
	const struct dcg_model *m = w->m;
	const struct dcg_result *res = w->res;
	int rc;
	if ((rc = write_numeric_scale(w, "/time", "time", res->T, res->time,
				      "year", "time, decimal years",
				      &w->d_time)) ||
	    (rc = write_label_scale(w, "/regions", "region", m->R,
				    m->R ? m->regions[0].name : NULL,
				    sizeof m->regions[0], &w->d_regions)) ||
	    (rc = write_label_scale(w, "/hardware", "hardware class", m->K,
				    m->K ? m->classes[0].name : NULL,
				    sizeof m->classes[0], &w->d_hardware)) ||
	    (rc = write_label_scale(w, "/segments", "demand segment", m->S,
				    m->S ? m->segments[0].name : NULL,
				    sizeof m->segments[0], &w->d_segments)))
		return rc;
	if (m->grid_enabled &&
	    ((rc = write_label_scale(w, "/technologies",
				     "generation technology", m->J,
				     m->J ? m->techs[0].name : NULL,
				     sizeof m->techs[0], &w->d_techs)) ||
	     (rc = write_label_scale(w, "/corridors", "transmission corridor",
				     m->L, m->L ? m->corridors[0].name : NULL,
				     sizeof m->corridors[0], &w->d_corridors))))
		return rc;
	/* Axis attributes help CF readers find the time axis. */
	if ((rc = attr_string(w, w->d_time, "/time", "standard_name", "time")))
		return rc;
	return attr_string(w, w->d_time, "/time", "axis", "T");
}

static int write_series(struct writer *w)
{
	const struct dcg_model *m = w->m;
	const struct dcg_result *res = w->res;
	char name[256];
	for (int id = 0; id < DCG_SER_COUNT; id++) {
		const struct dcg_series_info *si =
			dcg_series_info((enum dcg_series_id)id);
		if (!si)
			return dcg_error_set(w->err, DCG_EINTERNAL,
					     "cannot write %s: series %d has "
					     "no table entry",
					     w->path, id);
		if (si->grid_only && !m->grid_enabled)
			continue;
		hsize_t dims[3];
		hid_t scales[3];
		int rank = 0;
		dims[rank] = res->T;
		scales[rank++] = w->d_time;
		switch (si->dims) {
		case DCG_DIMS_T:
			break;
		case DCG_DIMS_TS:
			dims[rank] = m->S;
			scales[rank++] = w->d_segments;
			break;
		case DCG_DIMS_TR:
			dims[rank] = m->R;
			scales[rank++] = w->d_regions;
			break;
		case DCG_DIMS_TRK:
			dims[rank] = m->R;
			scales[rank++] = w->d_regions;
			dims[rank] = m->K;
			scales[rank++] = w->d_hardware;
			break;
		case DCG_DIMS_TK:
			dims[rank] = m->K;
			scales[rank++] = w->d_hardware;
			break;
		case DCG_DIMS_TRJ:
			dims[rank] = m->R;
			scales[rank++] = w->d_regions;
			dims[rank] = m->J;
			scales[rank++] = w->d_techs;
			break;
		case DCG_DIMS_TL:
			dims[rank] = m->L;
			scales[rank++] = w->d_corridors;
			break;
		}
		snprintf(name, sizeof name, "/%s/%s", si->group, si->name);
		size_t width = 1;
		for (int i = 1; i < rank; i++)
			width *= (size_t)dims[i];
		if (width != dcg_series_width(m, (enum dcg_series_id)id))
			return dcg_error_set(
				w->err, DCG_EINTERNAL,
				"cannot write %s: %s has width %zu but its "
				"dimensions give %zu",
				w->path, name,
				dcg_series_width(m, (enum dcg_series_id)id),
				width);
		char group[128];
		snprintf(group, sizeof group, "/%s", si->group);
		int rc = ensure_group(w, group);
		if (rc)
			return rc;
		rc = write_doubles(w, name, rank, dims, res->series[id],
				   si->units, si->long_name, si->standard_name,
				   scales, NULL);
		if (rc)
			return rc;
	}
	return 0;
}

static int write_annual(struct writer *w)
{
	const struct dcg_model *m = w->m;
	const struct dcg_result *res = w->res;
	int rc;
	if ((rc = create_group(w, "/annual", NULL)) ||
	    (rc = write_numeric_scale(w, "/annual/year", "year", res->Y,
				      res->year, "year",
				      "calendar year (totals run from 1 "
				      "January of this year to 1 January of "
				      "the next)",
				      &w->d_year)))
		return rc;
	hsize_t yr[2] = {res->Y, m->R};
	hid_t yr_scales[2] = {w->d_year, w->d_regions};
	if ((rc = write_doubles(w, "/annual/dc_energy", 2, yr,
				res->annual_dc_energy, "TWh",
				"data-center electricity in the calendar year",
				NULL, yr_scales, NULL)))
		return rc;
	if (!m->grid_enabled)
		return 0;
	hsize_t yrj[3] = {res->Y, m->R, m->J};
	hid_t yrj_scales[3] = {w->d_year, w->d_regions, w->d_techs};
	if ((rc = write_doubles(w, "/annual/consumption", 2, yr,
				res->annual_consumption, "TWh",
				"electricity consumption including data "
				"centers in the calendar year",
				NULL, yr_scales, NULL)) ||
	    (rc = write_doubles(w, "/annual/unserved_energy", 2, yr,
				res->annual_unserved, "TWh",
				"unserved energy in the calendar year", NULL,
				yr_scales, NULL)) ||
	    (rc = write_doubles(w, "/annual/emissions", 2, yr,
				res->annual_emissions, "Mt",
				"CO2 emissions of generation in the calendar "
				"year",
				NULL, yr_scales, NULL)) ||
	    (rc = write_doubles(w, "/annual/generation", 3, yrj,
				res->annual_generation, "TWh",
				"generation in the calendar year", NULL,
				yrj_scales, NULL)))
		return rc;
	return 0;
}

/* The hourly view at chosen years:
 *
 *   /hourly/year (year), /hourly/day (day), /hourly/hour (hour)   scales
 *   /hourly/day_weight (day)         days of the year each day stands for
 *   /hourly/<series> (year, region, day, hour); generation (year, region,
 *   technology, day, hour); flow (year, corridor, day, hour)
 */
static int write_hourly(struct writer *w)
{
	const struct dcg_model *m = w->m;
	const struct dcg_result *res = w->res;
	if (!m->grid_enabled || res->hY == 0)
		return 0;
	size_t D = m->D;
	double *days = malloc((D + DCG_HOURS) * sizeof *days);
	if (!days)
		return dcg_error_set(w->err, DCG_ENOMEM, "out of memory writing %s",
				     w->path);
	double *hours = days + D;
	for (size_t d = 0; d < D; d++)
		days[d] = (double)(d + 1);
	for (size_t h = 0; h < DCG_HOURS; h++)
		hours[h] = (double)h;
	int rc;
	if ((rc = create_group(w, "/hourly", NULL)) ||
	    (rc = write_numeric_scale(w, "/hourly/year", "year", res->hY,
				      res->hourly_year, "year",
				      "year of the hourly view (calendar year)",
				      &w->d_hyear)) ||
	    (rc = write_numeric_scale(w, "/hourly/day", "day", D, days, "1",
				      "representative day (1 = the first; "
				      "with 12 days, January to December)",
				      &w->d_day)) ||
	    (rc = write_numeric_scale(w, "/hourly/hour", "hour", DCG_HOURS,
				      hours, "h",
				      "hour of the day (local clock, "
				      "hours.time_zone_h)",
				      &w->d_hour)))
		goto finish;
	{
		hsize_t d1[1] = {D}, d2[1] = {res->hY};
		hid_t sc1[1] = {w->d_day}, sc2[1] = {w->d_hyear};
		if ((rc = write_doubles(w, "/hourly/day_weight", 1, d1, m->day_weight,
					"d", "days of the year the representative "
					"day stands for", NULL, sc1, NULL)) ||
		    (rc = write_doubles(w, "/hourly/time", 1, d2, res->hourly_time,
					"year", "output time the year's hourly "
					"view was evaluated at (decimal year)",
					NULL, sc2, NULL)))
			goto finish;
	}
	for (int id = 0; id < DCG_HR_COUNT; id++) {
		const struct dcg_hourly_info *hi = dcg_hourly_info((enum dcg_hourly_id)id);
		char name[128];
		snprintf(name, sizeof name, "/hourly/%s", hi->name);
		hsize_t dims[5];
		hid_t scales[5];
		int rank = 0;
		dims[rank] = res->hY;
		scales[rank++] = w->d_hyear;
		if (hi->over == 'l') {
			dims[rank] = m->L;
			scales[rank++] = w->d_corridors;
		} else {
			dims[rank] = m->R;
			scales[rank++] = w->d_regions;
		}
		if (hi->over == 'j') {
			dims[rank] = m->J;
			scales[rank++] = w->d_techs;
		}
		dims[rank] = D;
		scales[rank++] = w->d_day;
		dims[rank] = DCG_HOURS;
		scales[rank++] = w->d_hour;
		if ((rc = write_doubles(w, name, rank, dims, res->hourly[id],
					hi->units, hi->long_name, NULL, scales,
					NULL)))
			goto finish;
	}
finish:
	free(days);
	return rc;
}

/* The events again as plain netCDF variables along a dimension `event`,
 * because netCDF readers (ncdump, xarray) skip the compound /events:
 *
 *   /event         (event)  double  event times (a coordinate; years)
 *   /event_region  (event)  string  the region's name
 *   /event_kind    (event)  int8    0 = below, 1 = recover (CF flags)
 *
 * /event is also attached to axis 0 of /events, so that every dataset of
 * the file has a dimension scale on every axis (h5netcdf requires it). */
static int write_event_columns(struct writer *w, hid_t events)
{
	const struct dcg_model *m = w->m;
	const struct dcg_result *res = w->res;
	size_t n = res->n_events;
	double *times = NULL;
	const char **names = NULL;
	int8_t *kinds = NULL;
	hid_t d_event = -1, space = -1, ds = -1, fv = -1;
	const char *op = NULL;
	int rc = 0;

	times = malloc((n ? n : 1) * sizeof *times);
	names = malloc((n ? n : 1) * sizeof *names);
	kinds = malloc(n ? n : 1);
	if (!times || !names || !kinds) {
		rc = dcg_error_set(w->err, DCG_ENOMEM,
				   "cannot write %s: out of memory", w->path);
		goto finish;
	}
	for (size_t i = 0; i < n; i++) {
		times[i] = res->events[i].time;
		names[i] = m->regions[res->events[i].region].name;
		kinds[i] = (int8_t)res->events[i].kind;
	}
	if ((rc = write_numeric_scale(w, "/event", "event", n, times, "year",
				      "time of the reserve-margin event, "
				      "decimal years",
				      &d_event)))
		goto finish;
	if (dcg__h5_dims_attach(&w->dims, events, 1, &d_event, &op)) {
		rc = dims_fail(w, op, "/events");
		goto finish;
	}

	hsize_t dims[1] = {n};
	space = H5Screate_simple(1, dims, NULL);
	if (space < 0) {
		rc = h5_fail(w, "H5Screate_simple", "/event_region");
		goto finish;
	}
	ds = H5Dcreate2(w->file, "/event_region", w->str_vlen, space,
			H5P_DEFAULT, w->dcpl, H5P_DEFAULT);
	if (ds < 0 || write_vlen_strings(w, ds, n, names) < 0) {
		rc = h5_fail(w, "H5Dwrite", "/event_region");
		goto finish;
	}
	if (dcg__h5_dims_attach(&w->dims, ds, 1, &d_event, &op)) {
		rc = dims_fail(w, op, "/event_region");
		goto finish;
	}
	if ((rc = attr_string(w, ds, "/event_region", "long_name",
			      "region of the reserve-margin event")))
		goto finish;
	H5Dclose(ds);
	ds = H5Dcreate2(w->file, "/event_kind", H5T_STD_I8LE, space,
			H5P_DEFAULT, w->dcpl, H5P_DEFAULT);
	if (ds < 0 ||
	    (n > 0 && H5Dwrite(ds, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL,
			       H5P_DEFAULT, kinds) < 0)) {
		rc = h5_fail(w, "H5Dwrite", "/event_kind");
		goto finish;
	}
	if (dcg__h5_dims_attach(&w->dims, ds, 1, &d_event, &op)) {
		rc = dims_fail(w, op, "/event_kind");
		goto finish;
	}
	/* CF flags: the attribute has the variable's type. */
	const int8_t flags[2] = {DCG_EVENT_BELOW, DCG_EVENT_RECOVER};
	hsize_t two[1] = {2};
	fv = H5Screate_simple(1, two, NULL);
	if (fv < 0) {
		rc = h5_fail(w, "H5Screate_simple", "/event_kind");
		goto finish;
	}
	if ((rc = attr_string(w, ds, "/event_kind", "units", "1")) ||
	    (rc = attr_string(w, ds, "/event_kind", "long_name",
			      "kind of the reserve-margin event: the margin "
			      "falls below the region's minimum or recovers")) ||
	    (rc = attr_write(w, ds, "/event_kind", "flag_values",
			     H5T_STD_I8LE, H5T_NATIVE_INT8, fv, flags)) ||
	    (rc = attr_string(w, ds, "/event_kind", "flag_meanings",
			      "below recover")))
		goto finish;
	/* /event is closed here, so its REFERENCE_LIST is written now. */
	if (dcg__h5_dims_write(&w->dims, d_event, &op))
		rc = dims_fail(w, op, "/event");
finish:
	if (fv >= 0)
		H5Sclose(fv);
	if (ds >= 0)
		H5Dclose(ds);
	if (space >= 0)
		H5Sclose(space);
	if (d_event >= 0)
		H5Dclose(d_event);
	free(kinds);
	free(names);
	free(times);
	return rc;
}

/* /events: one row per reserve-margin crossing, packed as
 * (region int32, region_name string[W], kind enum int8, time double). */
static int write_events(struct writer *w)
{
	const struct dcg_model *m = w->m;
	const struct dcg_result *res = w->res;
	const char *name = "/events";
	hid_t ftype = -1, mtype = -1, fkind = -1, mkind = -1, str = -1;
	hid_t space = -1, ds = -1;
	unsigned char *buf = NULL;
	int rc = 0;

	size_t W = 1;
	for (size_t r = 0; r < m->R; r++) {
		size_t len = strnlen(m->regions[r].name, DCG_NAME_MAX);
		if (len > W)
			W = len;
	}
	const size_t off_region = 0, off_name = 4, off_kind = 4 + W;
	const size_t off_time = 5 + W, row = 13 + W;
	size_t n = res->n_events;
	buf = calloc(n ? n : 1, row);
	if (!buf) {
		rc = dcg_error_set(w->err, DCG_ENOMEM,
				   "cannot write %s: out of memory", w->path);
		goto finish;
	}
	for (size_t i = 0; i < n; i++) {
		const struct dcg_event *e = &res->events[i];
		if (e->region >= m->R ||
		    (e->kind != DCG_EVENT_BELOW && e->kind != DCG_EVENT_RECOVER)) {
			rc = dcg_error_set(w->err, DCG_EINTERNAL,
					   "cannot write %s: event %zu has "
					   "region %zu of %zu, kind %d",
					   w->path, i, e->region, m->R,
					   (int)e->kind);
			goto finish;
		}
		unsigned char *p = buf + i * row;
		int32_t region = (int32_t)e->region;
		int8_t kind = (int8_t)e->kind;
		memcpy(p + off_region, &region, sizeof region);
		memcpy(p + off_name, m->regions[e->region].name,
		       strnlen(m->regions[e->region].name, W));
		memcpy(p + off_kind, &kind, sizeof kind);
		memcpy(p + off_time, &e->time, sizeof e->time);
	}

	/* The memory type has the same packed offsets as the file type, with
	 * native byte order, so HDF5 converts only where the host differs. */
	const int8_t below = DCG_EVENT_BELOW, recover = DCG_EVENT_RECOVER;
	fkind = H5Tenum_create(H5T_STD_I8LE);
	mkind = H5Tenum_create(H5T_NATIVE_INT8);
	str = H5Tcopy(H5T_C_S1);
	ftype = H5Tcreate(H5T_COMPOUND, row);
	mtype = H5Tcreate(H5T_COMPOUND, row);
	if (fkind < 0 || mkind < 0 || str < 0 || ftype < 0 || mtype < 0 ||
	    H5Tenum_insert(fkind, "below", &below) < 0 ||
	    H5Tenum_insert(fkind, "recover", &recover) < 0 ||
	    H5Tenum_insert(mkind, "below", &below) < 0 ||
	    H5Tenum_insert(mkind, "recover", &recover) < 0 ||
	    H5Tset_size(str, W) < 0 || H5Tset_strpad(str, H5T_STR_NULLPAD) < 0 ||
	    H5Tset_cset(str, H5T_CSET_UTF8) < 0 ||
	    H5Tinsert(ftype, "region", off_region, H5T_STD_I32LE) < 0 ||
	    H5Tinsert(ftype, "region_name", off_name, str) < 0 ||
	    H5Tinsert(ftype, "kind", off_kind, fkind) < 0 ||
	    H5Tinsert(ftype, "time", off_time, H5T_IEEE_F64LE) < 0 ||
	    H5Tinsert(mtype, "region", off_region, H5T_NATIVE_INT32) < 0 ||
	    H5Tinsert(mtype, "region_name", off_name, str) < 0 ||
	    H5Tinsert(mtype, "kind", off_kind, mkind) < 0 ||
	    H5Tinsert(mtype, "time", off_time, H5T_NATIVE_DOUBLE) < 0) {
		rc = h5_fail(w, "H5Tinsert", name);
		goto finish;
	}
	hsize_t dims[1] = {n};
	space = H5Screate_simple(1, dims, NULL);
	if (space < 0) {
		rc = h5_fail(w, "H5Screate_simple", name);
		goto finish;
	}
	ds = H5Dcreate2(w->file, name, ftype, space, H5P_DEFAULT, w->dcpl,
			H5P_DEFAULT);
	if (ds < 0) {
		rc = h5_fail(w, "H5Dcreate2", name);
		goto finish;
	}
	if (n > 0 &&
	    H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
		rc = h5_fail(w, "H5Dwrite", name);
		goto finish;
	}
	if ((rc = attr_string(w, ds, name, "long_name",
			      "reserve-margin events: the margin of a region "
			      "falls below its minimum or recovers")) ||
	    (rc = attr_string(w, ds, name, "time_units", "year")))
		goto finish;
	if ((rc = write_event_columns(w, ds)))
		goto finish;
finish:
	if (ds >= 0 && H5Dclose(ds) < 0 && rc == 0)
		rc = h5_fail(w, "H5Dclose", name);
	if (space >= 0)
		H5Sclose(space);
	if (mtype >= 0)
		H5Tclose(mtype);
	if (ftype >= 0)
		H5Tclose(ftype);
	if (str >= 0)
		H5Tclose(str);
	if (mkind >= 0)
		H5Tclose(mkind);
	if (fkind >= 0)
		H5Tclose(fkind);
	free(buf);
	return rc;
}

static int write_solver(struct writer *w)
{
	const struct dcg_solver_stats *s = &w->res->stats;
	const char *o = "/solver";
	hid_t g = -1;
	int rc = create_group(w, o, &g);
	if (rc)
		return rc;
	if ((rc = attr_int64(w, g, o, "steps", s->steps)) ||
	    (rc = attr_int64(w, g, o, "rhs_evals", s->rhs_evals)) ||
	    (rc = attr_int64(w, g, o, "jac_evals", s->jac_evals)) ||
	    (rc = attr_int64(w, g, o, "lin_setups", s->lin_setups)) ||
	    (rc = attr_int64(w, g, o, "err_test_fails", s->err_test_fails)) ||
	    (rc = attr_int64(w, g, o, "nonlin_iters", s->nonlin_iters)) ||
	    (rc = attr_int64(w, g, o, "nonlin_conv_fails",
			     s->nonlin_conv_fails)) ||
	    (rc = attr_int64(w, g, o, "root_evals", s->root_evals)) ||
	    (rc = attr_int64(w, g, o, "restarts", s->restarts)) ||
	    (rc = attr_int64(w, g, o, "lin_iters", s->lin_iters)) ||
	    (rc = attr_int64(w, g, o, "prec_solves", s->prec_solves)) ||
	    (rc = attr_int64(w, g, o, "jac_rhs_evals", s->jac_rhs_evals)) ||
	    (rc = attr_double(w, g, o, "wall_time_s", s->wall_time_s)) ||
	    (rc = attr_double(w, g, o, "last_step_yr", s->last_step_yr)) ||
	    (rc = attr_string_n(w, g, o, "method", s->method,
				strnlen(s->method, sizeof s->method))) ||
	    (rc = attr_string_n(w, g, o, "method_setting", s->method_setting,
				strnlen(s->method_setting, sizeof s->method_setting))) ||
	    (rc = attr_double(w, g, o, "method_switch_time", s->method_switch_time)) ||
	    (rc = attr_string_n(w, g, o, "nonlinear_solver", s->nonlinear_solver,
				strnlen(s->nonlinear_solver,
					sizeof s->nonlinear_solver))) ||
	    (rc = attr_string_n(w, g, o, "linear_solver", s->linear_solver,
				strnlen(s->linear_solver,
					sizeof s->linear_solver))) ||
	    (s->preconditioner[0] &&
	     ((rc = attr_string_n(w, g, o, "preconditioner", s->preconditioner,
				  strnlen(s->preconditioner,
					  sizeof s->preconditioner))) ||
	      (rc = attr_double(w, g, o, "prec_switch_time",
				s->prec_switch_time)))) ||
	    (rc = attr_double(w, g, o, "rtol", w->m->rtol)) ||
	    (rc = attr_double(w, g, o, "atol", w->m->atol)))
		goto finish;
finish:
	if (H5Gclose(g) < 0 && rc == 0)
		rc = h5_fail(w, "H5Gclose", o);
	return rc;
}

/* The parameter table (outputs/h5_params.c). */
static int write_parameters(struct writer *w)
{
	return dcg__h5_write_parameters(w->file, w->m, w->path, w->err);
}

/* --- The file and its temporary name ------------------------------------ */

/* Creates an empty temporary file next to target, named .<base>.tmp.XXXXXX,
 * and returns its descriptor; messages name path, the caller's name. mkstemp() is not used because it creates mode
 * 0600; opening with O_EXCL and 0666 lets the umask decide, as for any other
 * output file. */
static int create_temp(const char *target, const char *path, char **ret_tmp,
		       int *ret_fd, struct dcg_error *err)
{
	const char *slash = strrchr(target, '/');
	const char *base = slash ? slash + 1 : target;
	size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
	if (*base == '\0')
		return dcg_error_set(err, DCG_EUSAGE,
				     "cannot create %s: not a file name", path);
	size_t size = dirlen + strlen(base) + 32;
	char *tmp = malloc(size);
	if (!tmp)
		return dcg_error_set(err, DCG_ENOMEM,
				     "cannot create %s: out of memory", path);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	unsigned long seed = (unsigned long)ts.tv_nsec ^
			     ((unsigned long)getpid() << 16) ^
			     (unsigned long)(uintptr_t)tmp;
	for (int attempt = 0; attempt < 100; attempt++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		snprintf(tmp, size, "%.*s.%s.tmp.%06lx", (int)dirlen, target,
			 base, (seed >> 20) & 0xffffffUL);
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			      0666);
		if (fd >= 0) {
			*ret_tmp = tmp;
			*ret_fd = fd;
			return 0;
		}
		if (errno != EEXIST) {
			int e = errno;
			free(tmp);
			return dcg_error_set(err, DCG_EIO, "cannot create %s: %s",
					     path, strerror(e));
		}
	}
	free(tmp);
	return dcg_error_set(err, DCG_EIO,
			     "cannot create %s: no free temporary name", path);
}

/* Writes the whole image and makes it durable. A full disk shows up here
 * as ENOSPC (or EFBIG, EDQUOT), from write() or, on network file systems,
 * from fsync(). */
static int write_image(int fd, const unsigned char *buf, size_t n,
		       const char *path, struct dcg_error *err)
{
	size_t done = 0;
	while (done < n) {
		ssize_t k = write(fd, buf + done, n - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return dcg_error_set(err, DCG_EIO, "cannot write %s: %s",
					     path,
					     strerror(k < 0 ? errno : ENOSPC));
		done += (size_t)k;
	}
	if (fsync(fd) < 0)
		return dcg_error_set(err, DCG_EIO, "cannot write %s: fsync: %s",
				     path, strerror(errno));
	return 0;
}

/* Best effort: makes the rename durable. Some file systems refuse fsync on
 * a directory; the data itself is already on disk then. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

static int exists_error(const char *path, struct dcg_error *err)
{
	return dcg_error_set(err, DCG_EEXIST,
			     "%s exists; use --force to replace it", path);
}

/* Moves the finished temporary file to target (messages name path).
 * Without force, link() makes the no-clobber check and the move one atomic
 * step; file systems without hard links fall back to a check and
 * rename(). */
static int publish(const char *tmp, const char *target, const char *path,
		   bool force, struct dcg_error *err)
{
	if (!force) {
		if (link(tmp, target) == 0) {
			(void)unlink(tmp);
			return 0;
		}
		int e = errno;
		if (e == EEXIST)
			return exists_error(path, err);
		if (e != EPERM && e != ENOTSUP && e != EOPNOTSUPP &&
		    e != EMLINK && e != ENOSYS && e != EXDEV)
			return dcg_error_set(err, DCG_EIO,
					     "cannot create %s: %s", path,
					     strerror(e));
		struct stat st;
		if (lstat(target, &st) == 0)
			return exists_error(path, err);
	}
	if (rename(tmp, target) < 0)
		return dcg_error_set(err, DCG_EIO, "cannot replace %s: %s", path,
				     strerror(errno));
	return 0;
}

static int write_contents(struct writer *w, const char *config_text)
{
	int rc;
	if ((rc = write_root_attributes(w, config_text)) ||
	    (rc = write_coordinates(w)) || (rc = write_series(w)) ||
	    (rc = write_annual(w)) || (rc = write_hourly(w)))
		return rc;
	if ((w->m->grid_enabled || w->res->n_events > 0) &&
	    (rc = write_events(w)))
		return rc;
	if ((rc = write_solver(w)) || (rc = write_parameters(w)))
		return rc;
	return 0;
}

static void close_id(hid_t *id, herr_t (*close_fn)(hid_t))
{
	if (*id >= 0)
		close_fn(*id);
	*id = -1;
}

static void close_scales(struct writer *w)
{
	close_id(&w->d_hour, H5Dclose);
	close_id(&w->d_day, H5Dclose);
	close_id(&w->d_hyear, H5Dclose);
	close_id(&w->d_year, H5Dclose);
	close_id(&w->d_corridors, H5Dclose);
	close_id(&w->d_techs, H5Dclose);
	close_id(&w->d_segments, H5Dclose);
	close_id(&w->d_hardware, H5Dclose);
	close_id(&w->d_regions, H5Dclose);
	close_id(&w->d_time, H5Dclose);
}

/* Builds the whole file in memory (HDF5's core driver without a backing
 * store) and returns its image (caller frees). Building in memory means
 * that no HDF5 call touches the disk: a full disk cannot leave HDF5 with a
 * file it failed to flush and cannot close, and the one place that writes
 * is write_image() with plain errno reporting. Output files are a few MB;
 * the image costs that much memory once. */
static int build_image(struct writer *w, const char *name,
		       const char *config_text, unsigned char **ret_buf,
		       size_t *ret_size)
{
	hid_t fcpl = -1, fapl = -1;
	int rc = 0;

	fcpl = H5Pcreate(H5P_FILE_CREATE);
	fapl = dcg__h5_image_fapl();
	w->gcpl = H5Pcreate(H5P_GROUP_CREATE);
	w->dcpl = H5Pcreate(H5P_DATASET_CREATE);
	w->scalar = H5Screate(H5S_SCALAR);
	if (fcpl < 0 || fapl < 0 || w->gcpl < 0 || w->dcpl < 0 ||
	    w->scalar < 0) {
		rc = h5_fail(w, "H5Pcreate", NULL);
		goto finish;
	}
	if (dcg__h5_set_order(fcpl, true) < 0 || dcg__h5_set_order(w->gcpl, true) < 0 ||
	    dcg__h5_set_order(w->dcpl, false) < 0) {
		rc = h5_fail(w, "H5Pset_link_creation_order", NULL);
		goto finish;
	}
	if ((w->str_vlen = dcg__h5_utf8_vlen()) < 0) {
		rc = h5_fail(w, "H5Tset_size", "variable-length string");
		goto finish;
	}
	w->str_attr = H5Tcopy(H5T_C_S1);
	if (w->str_attr < 0 || H5Tset_strpad(w->str_attr, H5T_STR_NULLPAD) < 0 ||
	    H5Tset_cset(w->str_attr, H5T_CSET_UTF8) < 0) {
		rc = h5_fail(w, "H5Tset_strpad", "fixed-length string");
		goto finish;
	}
	w->file = H5Fcreate(name, H5F_ACC_TRUNC, fcpl, fapl);
	if (w->file < 0) {
		rc = h5_fail(w, "H5Fcreate", NULL);
		goto finish;
	}
	if ((rc = write_contents(w, config_text)))
		goto finish;
	const char *op = NULL;
	if (dcg__h5_dims_write(&w->dims, -1, &op)) {
		rc = dims_fail(w, op, "REFERENCE_LIST");
		goto finish;
	}
	close_scales(w);
	/* Sensitivities go into the same image: one file, one rename. */
	if (w->sens &&
	    (rc = dcg__h5_sens_write(w->file, w->path, w->sens, w->err)))
		goto finish;
	if (dcg__h5_take_image(&w->file, ret_buf, ret_size, &op)) {
		rc = op ? h5_fail(w, op, NULL)
			: dcg_error_set(w->err, DCG_ENOMEM,
					"cannot write %s: out of memory", w->path);
		goto finish;
	}
finish:
	dcg__h5_dims_free(&w->dims);
	close_scales(w);
	close_id(&w->file, H5Fclose);
	close_id(&w->str_attr, H5Tclose);
	close_id(&w->str_vlen, H5Tclose);
	close_id(&w->scalar, H5Sclose);
	close_id(&w->dcpl, H5Pclose);
	close_id(&w->gcpl, H5Pclose);
	close_id(&fapl, H5Pclose);
	close_id(&fcpl, H5Pclose);
	return rc;
}

/* The run writer's image builder, for dcg__h5_save. */
struct run_build {
	struct writer *w;
	const char *config_text;
};

static int run_build_image(void *ctx, const char *tmp, unsigned char **ret_buf,
			   size_t *ret_size)
{
	struct run_build *b = ctx;
	return build_image(b->w, tmp, b->config_text, ret_buf, ret_size);
}

int dcg_h5_write_run(const char *path, const struct dcg_model *m,
		     const struct dcg_result *res, const char *config_text,
		     bool force, struct dcg_error *err)
{
	return dcg_h5_write_run_sens(path, m, res, NULL, config_text, force,
				     err);
}

int dcg_h5_write_run_sens(const char *path, const struct dcg_model *m,
			  const struct dcg_result *res,
			  const struct dcg_sensitivity *sens,
			  const char *config_text, bool force,
			  struct dcg_error *err)
{
	struct writer w = {
		.path = path, .m = m, .res = res, .sens = sens, .err = err,
		.file = -1, .gcpl = -1, .dcpl = -1, .str_vlen = -1,
		.str_attr = -1, .scalar = -1,
		.d_time = -1, .d_regions = -1, .d_hardware = -1,
		.d_segments = -1, .d_techs = -1, .d_corridors = -1,
		.d_year = -1,
		.d_hyear = -1,
		.d_day = -1,
		.d_hour = -1,
	};
	if (!path || !*path || !m || !res)
		return dcg_error_set(err, DCG_EUSAGE,
				     "dcg_h5_write_run: path, model and result "
				     "are required");
	struct run_build b = {.w = &w, .config_text = config_text};
	return dcg__h5_save(path, force, run_build_image, &b, err);
}

int dcg__h5_save(const char *path, bool force, dcg__h5_build_fn build,
		 void *ctx, struct dcg_error *err)
{
	char *tmp = NULL, *resolved = NULL;
	int fd = -1;
	unsigned char *image = NULL;
	size_t image_size = 0;
	H5E_auto2_t old_func = NULL;
	void *old_data = NULL;
	int silenced = 0;
	int rc = 0;

	/* Fail early, before the work; publish() checks again atomically. A
	 * replaced file must be a regular file: renaming over a device such
	 * as /dev/full or a directory would replace the node itself. With a
	 * symbolic link the file it points to is replaced, not the link. */
	struct stat st, target_st;
	if (lstat(path, &st) == 0) {
		if (!force)
			return exists_error(path, err);
		if (stat(path, &target_st) == 0 && !S_ISREG(target_st.st_mode))
			return dcg_error_set(err, DCG_EUSAGE,
					     "cannot replace %s: not a regular "
					     "file",
					     path);
		if (S_ISLNK(st.st_mode))
			resolved = realpath(path, NULL);
	}
	const char *target = resolved ? resolved : path;

	/* Claim the temporary name first, so that an unwritable folder is
	 * reported before anything is computed. */
	if ((rc = create_temp(target, path, &tmp, &fd, err)))
		goto finish;
	if (!tmp) {
		rc = dcg_error_set(err, DCG_EINTERNAL,
				   "cannot write %s: no temporary name", path);
		goto finish;
	}

	if (H5open() < 0) {
		rc = dcg_error_set(err, DCG_EHDF5,
				   "cannot write %s: the HDF5 library failed "
				   "to initialise",
				   path);
		goto finish;
	}
	if (H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data) >= 0 &&
	    H5Eset_auto2(H5E_DEFAULT, NULL, NULL) >= 0)
		silenced = 1;
	rc = build(ctx, tmp, &image, &image_size);
	if (silenced) {
		H5Eclear2(H5E_DEFAULT);
		H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
	}
	if (rc)
		goto finish;
	unsigned char trailer[DCG__H5_TRAILER];
	dcg__h5_stamp(image, image_size, trailer);
	if ((rc = write_image(fd, image, image_size, path, err)) ||
	    (rc = write_image(fd, trailer, sizeof trailer, path, err)))
		goto finish;
	int cfd = fd;
	fd = -1;
	if (close(cfd) < 0) {
		rc = dcg_error_set(err, DCG_EIO, "cannot write %s: close: %s",
				   path, strerror(errno));
		goto finish;
	}
	if ((rc = publish(tmp, target, path, force, err)))
		goto finish;
	sync_dir(target);
	free(tmp);
	tmp = NULL;

finish:
	free(image);
	if (fd >= 0)
		close(fd);
	if (tmp) {
		(void)unlink(tmp);
		free(tmp);
	}
	free(resolved);
	return rc;
}

/* --- Shared with the other writers (outputs/h5_internal.h) -------------- */

int dcg__h5_set_order(hid_t plist, bool links)
{
	unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
	if ((links && H5Pset_link_creation_order(plist, order) < 0) ||
	    H5Pset_attr_creation_order(plist, order) < 0 ||
	    H5Pset_obj_track_times(plist, 0) < 0)
		return -1;
	return 0;
}

hid_t dcg__h5_image_fapl(void)
{
	hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
	if (fapl >= 0 &&
	    (H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) < 0 ||
	     H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) < 0 ||
	     H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0)) {
		H5Pclose(fapl);
		return -1;
	}
	return fapl;
}

hid_t dcg__h5_utf8_vlen(void)
{
	hid_t t = H5Tcopy(H5T_C_S1);
	if (t >= 0 && (H5Tset_size(t, H5T_VARIABLE) < 0 ||
		       H5Tset_cset(t, H5T_CSET_UTF8) < 0)) {
		H5Tclose(t);
		return -1;
	}
	return t;
}

int dcg__h5_take_image(hid_t *file, unsigned char **ret_buf,
		       size_t *ret_size, const char **ret_op)
{
	hid_t f = *file;
	unsigned char *buf = NULL;
	*ret_op = "H5Fflush";
	if (H5Fflush(f, H5F_SCOPE_GLOBAL) < 0)
		return -1;
	*ret_op = "H5Fget_file_image";
	ssize_t size = H5Fget_file_image(f, NULL, 0);
	if (size <= 0)
		return -1;
	if (!(buf = malloc((size_t)size))) {
		*ret_op = NULL;
		return -1;
	}
	if (H5Fget_file_image(f, buf, (size_t)size) != size)
		goto fail;
	*ret_op = "H5Fclose";
	*file = -1;
	if (H5Fclose(f) < 0)
		goto fail;
	*ret_buf = buf;
	*ret_size = (size_t)size;
	return 0;
fail:
	free(buf);
	return -1;
}

int dcg__h5_reason(char *buf, size_t size)
{
	return h5_reason(buf, size);
}


/* --- Variable-length writes (outputs/h5_internal.h) -------------------- */

herr_t dcg__h5_write_vlen(hid_t ds, hid_t mem_type, size_t n, const void *buf)
{
	if (n == 0)
		return 0;
	hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
	if (dxpl < 0)
		return -1;
	/* Per element: a pointer or hvl_t in memory, a 16-byte global heap
	 * reference in the file. */
	size_t size = n * 16 < 256 ? 256 : n * 16;
	herr_t rc = H5Pset_buffer(dxpl, size, NULL, NULL);
	if (rc >= 0)
		rc = H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, dxpl, buf);
	H5Pclose(dxpl);
	return rc;
}

/* --- Dimension scales in bulk (outputs/h5_internal.h) ------------------- */

static struct dcg__h5_scale_refs *scale_refs(struct dcg__h5_dims *d,
					     hid_t scale, const char **ret_op)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->s[i].scale == scale)
			return &d->s[i];
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 8;
		struct dcg__h5_scale_refs *s = realloc(d->s, cap * sizeof *s);
		if (!s) {
			*ret_op = NULL;
			return NULL;
		}
		d->s = s;
		d->cap = cap;
	}
	struct dcg__h5_scale_refs *s = &d->s[d->n];
	*s = (struct dcg__h5_scale_refs){.scale = scale};
	if (H5Rcreate(&s->ref, scale, ".", H5R_OBJECT, (hid_t)-1) < 0) {
		*ret_op = "H5Rcreate";
		return NULL;
	}
	d->n++;
	return s;
}

/* Writes attribute `name` of obj: n elements of `type` (the caller's) from
 * buf. On failure *ret_op names the HDF5 call. */
static int put_list_attr(hid_t obj, const char *name, hid_t type, hsize_t n,
			 const void *buf, const char **ret_op)
{
	hid_t space = -1, attr = -1;
	int rc = -1;
	*ret_op = "H5Acreate2";
	if ((space = H5Screate_simple(1, &n, NULL)) < 0 ||
	    (attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT,
			       H5P_DEFAULT)) < 0)
		goto finish;
	*ret_op = "H5Awrite";
	if (H5Awrite(attr, type, buf) < 0)
		goto finish;
	*ret_op = "H5Aclose";
	rc = H5Aclose(attr) < 0 ? -1 : 0;
	attr = -1;
finish:
	if (attr >= 0)
		H5Aclose(attr);
	if (space >= 0)
		H5Sclose(space);
	return rc;
}

int dcg__h5_dims_attach(struct dcg__h5_dims *d, hid_t ds, int rank,
			const hid_t *scales, const char **ret_op)
{
	hvl_t buf[H5S_MAX_RANK];
	/* Copies: registering a scale may move d->s. */
	hobj_ref_t refs[H5S_MAX_RANK];
	hobj_ref_t self;
	hid_t type = -1;
	int rc = -1, any = 0;
	if (rank < 1 || rank > H5S_MAX_RANK) {
		*ret_op = "H5DSattach_scale";
		return -1;
	}
	*ret_op = "H5Rcreate";
	if (H5Rcreate(&self, ds, ".", H5R_OBJECT, (hid_t)-1) < 0)
		return -1;
	for (int i = 0; i < rank; i++) {
		buf[i].len = 0;
		buf[i].p = NULL;
		if (scales[i] <= 0)
			continue;
		struct dcg__h5_scale_refs *s = scale_refs(d, scales[i], ret_op);
		if (!s)
			return -1;
		if (s->n == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 16;
			struct dcg__h5_dim_ref *l =
				realloc(s->list, cap * sizeof *l);
			if (!l) {
				*ret_op = NULL;
				return -1;
			}
			s->list = l;
			s->cap = cap;
		}
		s->list[s->n++] =
			(struct dcg__h5_dim_ref){.ref = self, .dim = (unsigned)i};
		refs[i] = s->ref;
		buf[i].len = 1;
		buf[i].p = &refs[i];
		any = 1;
	}
	if (!any)
		return 0;
	*ret_op = "H5Tvlen_create";
	if ((type = H5Tvlen_create(H5T_STD_REF_OBJ)) < 0)
		return -1;
	rc = put_list_attr(ds, DIMENSION_LIST, type, (hsize_t)rank, buf, ret_op);
	H5Tclose(type);
	return rc;
}

/* Frees scale i's list and moves the last scale into its place. */
static void forget_scale(struct dcg__h5_dims *d, size_t i)
{
	free(d->s[i].list);
	d->n--;
	if (i != d->n)
		d->s[i] = d->s[d->n];
	d->s[d->n] = (struct dcg__h5_scale_refs){.scale = -1};
}

/* The REFERENCE_LIST of one scale: the type H5DSattach_scale() gives it
 * (a compound of HDF5's ds_list_t, native int for the axis). */
static int write_reflist(const struct dcg__h5_scale_refs *s,
			 const char **ret_op)
{
	hid_t type = -1;
	int rc = -1;
	*ret_op = "H5Tcreate";
	if ((type = H5Tcreate(H5T_COMPOUND, sizeof(struct dcg__h5_dim_ref))) >= 0 &&
	    H5Tinsert(type, "dataset", offsetof(struct dcg__h5_dim_ref, ref),
		      H5T_STD_REF_OBJ) >= 0 &&
	    H5Tinsert(type, "dimension", offsetof(struct dcg__h5_dim_ref, dim),
		      H5T_NATIVE_INT) >= 0)
		rc = put_list_attr(s->scale, REFERENCE_LIST, type, s->n, s->list,
				   ret_op);
	if (type >= 0)
		H5Tclose(type);
	return rc;
}

int dcg__h5_dims_write(struct dcg__h5_dims *d, hid_t scale,
		       const char **ret_op)
{
	for (size_t i = 0; i < d->n;) {
		if (scale >= 0 && d->s[i].scale != scale) {
			i++;
			continue;
		}
		if (d->s[i].n > 0 && write_reflist(&d->s[i], ret_op))
			return -1;
		forget_scale(d, i);
	}
	return 0;
}

void dcg__h5_dims_free(struct dcg__h5_dims *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->s[i].list);
	free(d->s);
	*d = (struct dcg__h5_dims){0};
}
