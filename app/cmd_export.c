/* dcgrid export FILE.h5 --csv DIR [--force]
 *
 * Tidy CSV for spreadsheet users: one file per group of the result
 * (datacenter.csv, grid.csv, cumulative.csv, annual.csv) with one row per
 * time (or calendar year) x labels x variable, and events.csv. The columns
 * of a group's file are its axes, found through the dimension scales of its
 * datasets, then variable, value, units:
 *
 *   time,region,hardware,segment,variable,value,units
 *   2024,beijing-tianjin-hebei,cpu,,racks,634250,1
 *
 * A cell is empty where an axis does not apply to that variable (segment
 * for racks). Numbers are written with the fewest digits that read back as
 * the same double, so the CSV holds exactly the values of the HDF5 file.
 * docs/output-format.md describes the files. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "dcgrid/h5read.h"
#include "signals.h"
#include "fmt_double.h"

#define MAX_COLS 16
#define MAX_GROUPS 16

void dcg__help_export(FILE *f)
{
	fputs("Usage: dcgrid export FILE.h5 --csv DIR [--force]\n"
	      "\n"
	      "Writes the result as tidy CSV files into DIR (created if missing): one\n"
	      "file per group (datacenter.csv, grid.csv, cumulative.csv, annual.csv)\n"
	      "with one row per time x labels x variable and the columns\n"
	      "time (or year), region, hardware, segment, technology, corridor (those\n"
	      "the group uses), variable, value, units; and events.csv (time, region,\n"
	      "kind) when the file has a grid. Values are exact (they read back as the\n"
	      "same doubles).\n"
	      "\n"
	      "Options:\n"
	      "  -c, --csv DIR   the folder to write into (required)\n"
	      "  -f, --force     replace existing CSV files in DIR\n"
	      "  -h, --help      show this help and exit\n",
	      f);
}

/* The column heading of an axis: the singular of the dimension name. */
static const char *column_name(const char *dim)
{
	static const char *const map[][2] = {
		{ "regions", "region" },	   { "hardware", "hardware" },
		{ "segments", "segment" },	   { "technologies", "technology" },
		{ "corridors", "corridor" },	   { "time", "time" },
		{ "year", "year" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], dim) == 0)
			return map[i][1];
	return dim;
}

/* Rank of a dimension in the column order; unknown ones go last. */
static int column_rank(const char *dim)
{
	static const char *const order[] = { "time",	 "year",
					     "regions",	 "hardware",
					     "segments", "technologies",
					     "corridors" };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (strcmp(order[i], dim) == 0)
			return (int)i;
	return 100;
}

/* True for text that a spreadsheet would run as a formula: it starts with
 * = + - @ (or a tab or carriage return, which some strip first) and is
 * not simply a number such as -1.5 (OWASP, "CSV Injection"). */
static bool formula_like(const char *s)
{
	if (!strchr("=+-@\t\r", s[0]) || s[0] == '\0')
		return false;
	char *end = NULL;
	(void)strtod(s, &end);
	return end == s || *end != '\0';
}

/* Writes s as one CSV cell, quoted when it holds a comma, quote or line
 * break (RFC 4180); a formula-like label (a file from elsewhere may hold
 * one) gets a leading apostrophe, quoted, so it shows as text. */
static void put_cell(FILE *f, const char *s)
{
	bool formula = formula_like(s);
	if (!formula && strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* The labels of one axis, as text: the strings of a label coordinate or
 * the formatted numbers of a numeric one (time, year). */
struct axis {
	char path[128];
	char **text;
	size_t n;
};

struct cache {
	struct axis v[MAX_COLS * MAX_GROUPS];
	size_t n;
};

static void cache_free(struct cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		dcg_h5_labels_free(c->v[i].text, c->v[i].n);
	c->n = 0;
}

static int axis_labels(struct dcg_h5_file *h, struct cache *c,
		       const char *path, const struct axis **ret,
		       struct dcg_error *err)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].path, path) == 0) {
			*ret = &c->v[i];
			return 0;
		}
	if (c->n == sizeof c->v / sizeof c->v[0])
		return dcg_error_set(err, DCG_ELIMIT, "too many axes");
	struct axis *a = &c->v[c->n];
	struct dcg_h5_var v;
	int rc = dcg_h5_describe(h, path, &v, err);
	if (rc)
		return rc;
	if (v.kind == DCG_H5_STRING) {
		rc = dcg_h5_read_labels(h, path, &a->text, &a->n, err);
	} else {
		double *d = NULL;
		rc = dcg_h5_read_doubles(h, path, &d, &v, err);
		if (rc)
			return rc;
		a->text = calloc(v.npoints ? v.npoints : 1, sizeof *a->text);
		a->n = v.npoints;
		for (size_t i = 0; a->text && i < v.npoints; i++) {
			char buf[40];
			dcg__format_double(buf, sizeof buf, d[i]);
			if (!(a->text[i] = strdup(buf)))
				rc = DCG_ENOMEM;
		}
		free(d);
		if (!a->text || rc)
			rc = dcg_error_set(err, DCG_ENOMEM, "out of memory");
	}
	if (rc)
		return rc;
	snprintf(a->path, sizeof a->path, "%s", path);
	c->n++;
	*ret = a;
	return 0;
}

/* A dataset that belongs in a group's CSV: numeric, a series over time or
 * calendar years, directly inside a group. */
static bool exportable(const struct dcg_h5_var *v, char *group, size_t size)
{
	if (v->kind != DCG_H5_NUMBER || v->is_scale || v->rank < 1 ||
	    v->path[0] != '/')
		return false;
	if (strcmp(v->dim_name[0], "time") != 0 &&
	    strcmp(v->dim_name[0], "year") != 0)
		return false;
	const char *slash = strchr(v->path + 1, '/');
	if (!slash || strchr(slash + 1, '/'))
		return false;
	for (int i = 0; i < v->rank; i++)
		if (!v->dim_name[i][0])
			return false;
	snprintf(group, size, "%.*s", (int)(slash - v->path - 1), v->path + 1);
	return true;
}

struct out_file {
	char group[64];
	char path[4096]; /* the final name, DIR/<group>.csv */
	char tmp[4200];  /* where it is written first, TMPDIR/<group>.csv */
	size_t rows;
};

/* A series the export cannot label: numeric, in a group of series, along
 * time or years, but with an axis that has no dimension scale. Refused
 * rather than skipped, so that no export is silently incomplete. */
static bool unlabelled_series(const struct dcg_h5_var *v)
{
	if (v->kind != DCG_H5_NUMBER || v->is_scale || v->rank < 1 ||
	    (strcmp(v->dim_name[0], "time") != 0 &&
	     strcmp(v->dim_name[0], "year") != 0))
		return false;
	for (int i = 0; i < v->rank; i++)
		if (!v->dim_name[i][0])
			return true;
	return false;
}

static int write_group(struct dcg_h5_file *h, const char *group,
		       const struct dcg_h5_var *vars, size_t nvars,
		       struct cache *cache, struct out_file *out,
		       struct dcg_error *err)
{
	char cols[MAX_COLS][64];
	size_t ncols = 0;
	int rc = 0;
	char g[64];

	/* The union of the axes of the group's datasets, in column order. */
	for (size_t i = 0; i < nvars; i++) {
		if (!exportable(&vars[i], g, sizeof g) || strcmp(g, group) != 0)
			continue;
		for (int d = 0; d < vars[i].rank; d++) {
			size_t c = 0;
			while (c < ncols &&
			       strcmp(cols[c], vars[i].dim_name[d]) != 0)
				c++;
			if (c < ncols)
				continue;
			if (ncols == MAX_COLS)
				return dcg_error_set(err, DCG_ELIMIT,
						     "%s: too many axes in /%s",
						     dcg_h5_path(h), group);
			snprintf(cols[ncols++], sizeof cols[0], "%s",
				 vars[i].dim_name[d]);
		}
	}
	for (size_t a = 1; a < ncols; a++)
		for (size_t b = a; b > 0 && column_rank(cols[b]) <
						    column_rank(cols[b - 1]);
		     b--) {
			char tmp[64];
			memcpy(tmp, cols[b], sizeof tmp);
			memcpy(cols[b], cols[b - 1], sizeof tmp);
			memcpy(cols[b - 1], tmp, sizeof tmp);
		}

	FILE *f = fopen(out->tmp, "wx");
	if (!f)
		return dcg_error_set(err, DCG_EIO, "cannot create %s: %s",
				     out->path, strerror(errno));
	/* Axis and dataset names come from the file: cells like the rest. */
	for (size_t c = 0; c < ncols; c++) {
		put_cell(f, column_name(cols[c]));
		fputc(',', f);
	}
	fputs("variable,value,units\n", f);

	for (size_t i = 0; i < nvars && rc == 0; i++) {
		const struct dcg_h5_var *v = &vars[i];
		if (!exportable(v, g, sizeof g) || strcmp(g, group) != 0)
			continue;
		const struct axis *ax[DCG_H5_MAX_RANK] = { NULL };
		int col_of[MAX_COLS];
		for (size_t c = 0; c < ncols; c++)
			col_of[c] = -1;
		for (int d = 0; d < v->rank && rc == 0; d++) {
			rc = axis_labels(h, cache, v->scale_path[d], &ax[d], err);
			for (size_t c = 0; c < ncols; c++)
				if (strcmp(cols[c], v->dim_name[d]) == 0)
					col_of[c] = d;
		}
		for (int d = 0; d < v->rank && rc == 0; d++)
			if (!ax[d] || ax[d]->n != v->dims[d])
				rc = dcg_error_set(err, DCG_EHDF5,
						   "%s: %s has %zu entries on "
						   "axis %s, which has %zu",
						   dcg_h5_path(h), v->path,
						   v->dims[d], v->dim_name[d],
						   ax[d] ? ax[d]->n : (size_t)0);
		double *data = NULL;
		if (rc || (rc = dcg_h5_read_doubles(h, v->path, &data, NULL,
						    err)))
			break;
		const char *name = strrchr(v->path, '/') + 1;
		size_t idx[DCG_H5_MAX_RANK] = { 0 };
		for (size_t p = 0; p < v->npoints; p++) {
			/* idx is the multi-index of point p, row-major. */
			size_t rest = p;
			for (int d = v->rank - 1; d >= 0; d--) {
				idx[d] = rest % v->dims[d];
				rest /= v->dims[d];
			}
			for (size_t c = 0; c < ncols; c++) {
				if (col_of[c] >= 0)
					put_cell(f, ax[col_of[c]]->text
							    [idx[col_of[c]]]);
				fputc(',', f);
			}
			char num[40];
			dcg__format_double(num, sizeof num, data[p]);
			put_cell(f, name);
			fprintf(f, ",%s,", num);
			put_cell(f, v->units);
			fputc('\n', f);
			/* A signal stops the export between rows. */
			if (++out->rows % 4096 == 0 && dcg__signals_caught())
				break;
		}
		free(data);
		if (dcg__signals_caught() && rc == 0)
			rc = dcg_error_set(err, DCG_EINTERRUPTED, "interrupted");
	}
	if (ferror(f) && rc == 0)
		rc = dcg_error_set(err, DCG_EIO, "cannot write %s: %s",
				   out->path, strerror(errno));
	if (fclose(f) != 0 && rc == 0)
		rc = dcg_error_set(err, DCG_EIO, "cannot write %s: %s",
				   out->path, strerror(errno));
	return rc;
}

static int write_events(struct dcg_h5_file *h, struct out_file *out,
			struct dcg_error *err)
{
	struct dcg_h5_event *ev = NULL;
	size_t n = 0;
	int rc = dcg_h5_read_events(h, &ev, &n, err);
	if (rc)
		return rc;
	FILE *f = fopen(out->tmp, "wx");
	if (!f) {
		free(ev);
		return dcg_error_set(err, DCG_EIO, "cannot create %s: %s",
				     out->path, strerror(errno));
	}
	fputs("time,region,kind\n", f);
	for (size_t i = 0; i < n; i++) {
		char num[40];
		dcg__format_double(num, sizeof num, ev[i].time);
		fprintf(f, "%s,", num);
		put_cell(f, ev[i].region_name);
		fprintf(f, ",%s\n", ev[i].kind == 0 ? "below" : "recover");
		out->rows++;
	}
	free(ev);
	if (ferror(f) && rc == 0)
		rc = dcg_error_set(err, DCG_EIO, "cannot write %s: %s",
				   out->path, strerror(errno));
	if (fclose(f) != 0 && rc == 0)
		rc = dcg_error_set(err, DCG_EIO, "cannot write %s: %s",
				   out->path, strerror(errno));
	return rc;
}

int dcg__cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "csv", required_argument, NULL, 'c' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dcg_h5_file *h = NULL;
	struct dcg_h5_var *vars = NULL;
	struct dcg_error err = { 0 };
	struct out_file out[MAX_GROUPS + 1];
	struct cache *cache = NULL;
	size_t nvars = 0, nout = 0;
	const char *dir = NULL;
	char tmpdir[4096] = "";
	bool force = false;
	int c, rc, exit_status = DCG_EXIT_OK;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (optarg[0] == '\0')
				return dcg__usage_error("export",
							"--csv needs a folder");
			dir = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			dcg__help_export(stdout);
			return DCG_EXIT_OK;
		default:
			return dcg__option_error("export", c, argv, longopts);
		}
	}
	if (argc - optind != 1)
		return dcg__usage_error("export", "expected one result file");
	if (!dir)
		return dcg__usage_error("export",
					"--csv DIR is required (the folder for "
					"the CSV files)");

	cache = calloc(1, sizeof *cache);
	if (!cache) {
		exit_status = dcg__report(DCG_ENOMEM, NULL);
		goto finish;
	}
	if ((rc = dcg_h5_open(argv[optind], &h, &err)) < 0 ||
	    (rc = dcg_h5_list(h, &vars, &nvars, &err)) < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}

	/* The groups, in file order, then the events. */
	for (size_t i = 0; i < nvars; i++) {
		char g[64];
		if (unlabelled_series(&vars[i])) {
			dcg_error_set(&err, DCG_EFORMAT,
				      "%s: %s has an axis without a dimension "
				      "scale (the CSV could not label its rows)",
				      argv[optind], vars[i].path);
			exit_status = dcg__report(DCG_EFORMAT, &err);
			goto finish;
		}
		if (!exportable(&vars[i], g, sizeof g))
			continue;
		size_t k = 0;
		while (k < nout && strcmp(out[k].group, g) != 0)
			k++;
		if (k < nout)
			continue;
		if (nout == MAX_GROUPS) {
			dcg_error_set(&err, DCG_EFORMAT,
				      "%s: more than %d groups of series",
				      argv[optind], MAX_GROUPS);
			exit_status = dcg__report(DCG_EFORMAT, &err);
			goto finish;
		}
		memset(&out[nout], 0, sizeof out[nout]);
		snprintf(out[nout].group, sizeof out[nout].group, "%s", g);
		nout++;
	}
	if (dcg_h5_exists(h, "/events")) {
		memset(&out[nout], 0, sizeof out[nout]);
		snprintf(out[nout].group, sizeof out[nout].group, "events");
		nout++;
	}
	for (size_t k = 0; k < nout; k++)
		snprintf(out[k].path, sizeof out[k].path, "%s/%s.csv", dir,
			 out[k].group);

	/* Refuse before writing anything, as `run` does. */
	struct stat st;
	bool dir_exists = stat(dir, &st) == 0;
	if (dir_exists && !S_ISDIR(st.st_mode)) {
		dcg_error_set(&err, DCG_EUSAGE,
			      "cannot write into %s: not a folder", dir);
		exit_status = dcg__report(DCG_EUSAGE, &err);
		goto finish;
	}
	for (size_t k = 0; k < nout && !force && dir_exists; k++)
		if (access(out[k].path, F_OK) == 0) {
			dcg_error_set(&err, DCG_EEXIST,
				      "%s exists; use --force to replace it",
				      out[k].path);
			exit_status = dcg__report(DCG_EEXIST, &err);
			goto finish;
		}

	/* All or nothing: every CSV is written into a temporary folder beside
	 * DIR and moved into place only when all are complete; a new DIR is
	 * the temporary folder renamed. A failure, a full disk or a signal
	 * leaves DIR as it was. */
	if (dcg__signals_install() < 0) {
		perror("dcgrid: cannot install signal handlers");
		exit_status = DCG_EXIT_FAILURE;
		goto finish;
	}
	{
		size_t len = strlen(dir);
		while (len > 1 && dir[len - 1] == '/')
			len--;
		size_t cut = len;
		while (cut > 0 && dir[cut - 1] != '/')
			cut--;
		int dlen = (int)cut;
		int n = snprintf(tmpdir, sizeof tmpdir, "%.*s.%.*s.tmp.XXXXXX",
				 dlen, dir, (int)(len - (size_t)dlen),
				 dir + dlen);
		if (n < 0 || (size_t)n >= sizeof tmpdir || !mkdtemp(tmpdir)) {
			dcg_error_set(&err, DCG_EIO,
				      "cannot create a temporary folder beside "
				      "%s: %s",
				      dir, n < 0 || (size_t)n >= sizeof tmpdir
						   ? "name too long"
						   : strerror(errno));
			tmpdir[0] = '\0';
			exit_status = dcg__report(DCG_EIO, &err);
			goto finish;
		}
		(void)dcg__signals_add_temp(tmpdir);
	}
	for (size_t k = 0; k < nout; k++) {
		snprintf(out[k].tmp, sizeof out[k].tmp, "%s/%s.csv", tmpdir,
			 out[k].group);
		(void)dcg__signals_add_temp(out[k].tmp);
	}

	for (size_t k = 0; k < nout; k++) {
		if (dcg__signals_caught())
			rc = DCG_EINTERRUPTED;
		else if (strcmp(out[k].group, "events") == 0)
			rc = write_events(h, &out[k], &err);
		else
			rc = write_group(h, out[k].group, vars, nvars, cache,
					 &out[k], &err);
		if (rc == DCG_EINTERRUPTED || dcg__signals_caught()) {
			exit_status = dcg__interrupted(dcg__signals_caught(),
						       NULL, dir);
			goto finish;
		}
		if (rc < 0) {
			exit_status = dcg__report(rc, &err);
			goto finish;
		}
	}
	/* Into place, with signals held: a new folder in one rename, an
	 * existing one file by file (each rename atomic). */
	sigset_t held;
	bool holding = dcg__signals_hold(&held) == 0;
	if (!dir_exists && rename(tmpdir, dir) == 0) {
		tmpdir[0] = '\0';
	} else {
		for (size_t k = 0; k < nout && rc == 0; k++)
			if (rename(out[k].tmp, out[k].path) != 0)
				rc = dcg_error_set(&err, DCG_EIO,
						   "cannot move %s into place: %s",
						   out[k].path, strerror(errno));
	}
	if (holding)
		dcg__signals_release(&held);
	if (rc < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}
	for (size_t k = 0; k < nout; k++)
		printf("Wrote %s (%zu rows)\n", out[k].path, out[k].rows);

finish:
	if (tmpdir[0]) {
		for (size_t k = 0; k < nout; k++)
			(void)unlink(out[k].tmp);
		(void)rmdir(tmpdir);
	}
	dcg__signals_forget_temps();
	if (cache)
		cache_free(cache);
	free(cache);
	free(vars);
	dcg_h5_close(h);
	return exit_status;
}
