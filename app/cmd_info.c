/* dcgrid info FILE.h5 [--year YEAR]
 *
 * What a result file holds, for a planner who received it: the scenario
 * and its provenance, the solver statistics, every dataset with its shape
 * and units, a summary of key figures (dcg_h5_key_figures) and the
 * reserve-margin events. Reads the file only. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "dcgrid/h5read.h"

void dcg__help_info(FILE *f)
{
	fputs("Usage: dcgrid info FILE.h5 [--year YEAR]\n"
	      "\n"
	      "Describes a result file: scenario, provenance (version, creation time,\n"
	      "history), whether the run completed, the solver statistics, every\n"
	      "dataset with its shape and units, key figures for planners (as\n"
	      "'dcgrid compare' prints them) and the reserve-margin events.\n"
	      "\n"
	      "Options:\n"
	      "  -y, --year YEAR   the year of the key figures (default 2030)\n"
	      "  -h, --help        show this help and exit\n",
	      f);
}

/* Prints root attribute name as "label  value" when present. */
static void print_attr(struct dcg_h5_file *h, const char *label,
		       const char *name)
{
	char *text = NULL;
	if (dcg_h5_attr_text(h, "/", name, &text, NULL) == 0) {
		printf("%-12s%s\n", label, dcg__term_safe(text));
		free(text);
	}
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void print_solver(struct dcg_h5_file *h)
{
	struct dcg_h5_attr *a = NULL;
	size_t n = 0;
	if (dcg_h5_attrs(h, "/solver", &a, &n, NULL) < 0)
		return;
	printf("\nSolver statistics (/solver)\n");
	for (size_t i = 0; i < n; i++) {
		printf("  %-20s ", dcg__term_safe(a[i].name));
		if (a[i].kind == DCG_H5_STRING)
			printf("%s\n", dcg__term_safe(a[i].text));
		else if (a[i].kind == DCG_H5_NUMBER && a[i].is_integer)
			printf("%.0f\n", a[i].number);
		else if (a[i].kind == DCG_H5_NUMBER)
			printf("%g\n", a[i].number);
		else
			printf("(%zu values)\n", a[i].n);
	}
	free(a);
}

static void print_datasets(const struct dcg_h5_var *v, size_t n)
{
	printf("\nDatasets (%zu)\n", n);
	printf("  %-34s %-38s %-10s %s\n", "path", "shape", "units",
	       "long_name");
	for (size_t i = 0; i < n; i++) {
		char shape[128] = "()";
		size_t len = 0;
		if (v[i].rank > 0) {
			shape[len++] = '(';
			for (int d = 0; d < v[i].rank && len < sizeof shape; d++) {
				int k = snprintf(shape + len, sizeof shape - len,
						 "%s%s%s%zu", d ? ", " : "",
						 v[i].dim_name[d],
						 v[i].dim_name[d][0] ? "=" : "",
						 v[i].dims[d]);
				if (k < 0)
					break;
				len += (size_t)k;
			}
			if (len < sizeof shape - 1) {
				shape[len++] = ')';
				shape[len] = '\0';
			}
		}
		const char *kind = v[i].kind == DCG_H5_STRING   ? " [labels]" :
				   v[i].kind == DCG_H5_COMPOUND ? " [table]" :
								  "";
		printf("  %-34s %-38s %-10s %s%s\n", v[i].path, shape,
		       v[i].units[0] ? v[i].units : "-", v[i].long_name, kind);
	}
}

static void print_events(struct dcg_h5_file *h)
{
	struct dcg_h5_event *ev = NULL;
	size_t n = 0;
	if (!dcg_h5_exists(h, "/events") ||
	    dcg_h5_read_events(h, &ev, &n, NULL) < 0)
		return;
	printf("\nReserve-margin events (%zu)\n", n);
	if (n == 0)
		printf("  none: every region stays above its minimum\n");
	for (size_t i = 0; i < n; i++)
		printf("  %9.3f  %-24s %s\n", ev[i].time,
		       dcg__term_safe(ev[i].region_name),
		       ev[i].kind == 0 ? "falls below its minimum" :
					 "recovers above its minimum");
	free(ev);
}

int dcg__cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "year", required_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dcg_h5_file *h = NULL;
	struct dcg_h5_var *vars = NULL;
	struct dcg_h5_figures fig;
	struct dcg_error err = { 0 };
	size_t nvars = 0;
	double year = 2030.0;
	char *text = NULL;
	int c, rc, exit_status = DCG_EXIT_OK;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":y:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'y':
			if (dcg__parse_year("info", optarg, &year))
				return DCG_EXIT_USAGE;
			break;
		case 'h':
			dcg__help_info(stdout);
			return DCG_EXIT_OK;
		default:
			return dcg__option_error("info", c, argv, longopts);
		}
	}
	if (argc - optind != 1)
		return dcg__usage_error("info", "expected one result file");
	const char *path = argv[optind];

	if ((rc = dcg_h5_open(path, &h, &err)) < 0 ||
	    (rc = dcg_h5_list(h, &vars, &nvars, &err)) < 0 ||
	    (rc = dcg_h5_key_figures(h, year, &fig, &err)) < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}

	dcg__figures_safe(&fig);
	for (size_t i = 0; i < nvars; i++)
		dcg__var_safe(&vars[i]);
	struct stat st;
	if (stat(path, &st) == 0)
		printf("%-12s%s (%lld bytes)\n", "File", path,
		       (long long)st.st_size);
	print_attr(h, "Schema", "schema");
	print_attr(h, "Scenario", "scenario");
	print_attr(h, "Description", "comment");
	print_attr(h, "Title", "title");
	print_attr(h, "Written by", "source");
	print_attr(h, "Created", "created");
	print_attr(h, "History", "history");
	print_attr(h, "Conventions", "Conventions");
	if (fig.complete) {
		printf("%-12scomplete: %.2f to %.2f\n", "Status", fig.t_start,
		       fig.t_end);
	} else {
		double t = NAN;
		dcg_h5_attr_number(h, "/", "t_reached", &t, NULL);
		printf("%-12sINCOMPLETE: the solver stopped at t = %.4f; rows "
		       "after it are not valid\n",
		       "Status", t);
		print_attr(h, "Failure", "failure");
	}
	const char *dims[] = { "/regions", "/hardware", "/segments",
			       "/technologies", "/corridors", "/event" };
	printf("%-12s", "Dimensions");
	for (size_t i = 0; i < nvars; i++)
		if (strcmp(vars[i].path, "/time") == 0)
			printf("time %zu", vars[i].dims[0]);
	for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++)
		for (size_t i = 0; i < nvars; i++)
			if (strcmp(vars[i].path, dims[d]) == 0)
				printf(", %s %zu", dims[d] + 1, vars[i].dims[0]);
	printf("%s\n", fig.grid ? " (grid on)" : " (no grid)");
	if (dcg_h5_attr_text(h, "/", "config", &text, NULL) == 0)
		printf("%-12sstored, %zu lines (root attribute config); "
		       "'dcgrid rerun %s' repeats the run\n",
		       "Config", count_lines(text), path);

	print_solver(h);
	print_datasets(vars, nvars);

	printf("\nKey figures (stocks and loads at the output time nearest "
	       "%.2f, energy and\nemissions as calendar-year %d totals, all "
	       "regions)\n",
	       year, (int)floor(year));
	const char *names[1] = { "value" };
	dcg__figures_print(stdout, &fig, 1, names);
	print_events(h);

finish:
	free(text);
	free(vars);
	dcg_h5_close(h);
	return exit_status;
}
