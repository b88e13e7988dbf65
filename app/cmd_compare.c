/* dcgrid compare A.h5 B.h5 [--year YEAR]
 *
 * Side-by-side key figures of two result files (dcg_h5_key_figures) with
 * the difference B - A and the relative change B / A - 1. Also the printer
 * of key figures that `dcgrid info` uses for one file. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dcgrid/h5read.h"

#define LABEL_W 40
#define VALUE_W 21

enum row_fmt {
	ROW_NUMBER, /* value times scale, fixed decimals */
	ROW_PERCENT, /* value times 100, with a % sign */
	ROW_PLAIN    /* like ROW_NUMBER, without a relative change */
};

static void print_value(FILE *f, double v, int decimals, enum row_fmt fmt)
{
	if (isnan(v)) {
		fprintf(f, "%*s", VALUE_W, "n/a");
		return;
	}
	if (fmt == ROW_PERCENT)
		fprintf(f, "%*.*f %%", VALUE_W - 2, decimals, v * 100.0);
	else
		fprintf(f, "%*.*f", VALUE_W, decimals, v);
}

/* One row: label, the value of each file (times scale), and for two files
 * the difference and relative change. */
static void row(FILE *f, const char *label, const double *v, size_t n,
		double scale, int decimals, enum row_fmt fmt)
{
	fprintf(f, "%-*s", LABEL_W, label);
	for (size_t i = 0; i < n; i++)
		print_value(f, v[i] * scale, decimals, fmt);
	if (n == 2) {
		double d = (v[1] - v[0]) * scale;
		if (fmt == ROW_PERCENT) {
			/* Percentage points for margins. */
			if (isnan(d))
				fprintf(f, "%*s", VALUE_W, "n/a");
			else
				fprintf(f, "%+*.*f pt", VALUE_W - 3, decimals,
					d * 100.0);
		} else {
			if (isnan(d))
				fprintf(f, "%*s", VALUE_W, "n/a");
			else
				fprintf(f, "%+*.*f", VALUE_W, decimals, d);
			if (isnan(d) || v[0] == 0.0 || fmt == ROW_PLAIN)
				fprintf(f, "%*s", 10, "");
			else
				fprintf(f, "%+9.1f%%", 100.0 * (v[1] / v[0] - 1.0));
		}
	}
	fputc('\n', f);
}

static void text_row(FILE *f, const char *label, const char *const *t,
		     size_t n)
{
	fprintf(f, "%-*s", LABEL_W, label);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%*.*s", VALUE_W, VALUE_W - 1, t[i][0] ? t[i] : "-");
	fputc('\n', f);
}

void dcg__figures_print(FILE *f, const struct dcg_h5_figures *fig, size_t n,
			const char *const *names)
{
	double v[2] = { NAN, NAN };
	char label[128];
	const char *t[2] = { "", "" };
	int y = (int)floor(fig[0].year);

#define ROW(lbl, field, scale, dec, fmt)                                  \
	do {                                                               \
		for (size_t i_ = 0; i_ < n; i_++)                          \
			v[i_] = fig[i_].field;                             \
		row(f, lbl, v, n, scale, dec, fmt);                         \
	} while (0)

	fprintf(f, "%-*s", LABEL_W, "");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%*.*s", VALUE_W, VALUE_W - 1, names[i]);
	if (n == 2)
		fprintf(f, "%*s%*s", VALUE_W, "B - A", 10, "B/A - 1");
	fputc('\n', f);
	for (size_t i = 0; i < n; i++)
		t[i] = fig[i].scenario;
	text_row(f, "scenario", t, n);

	fprintf(f, "%-*s", LABEL_W, "output time used (yr)");
	for (size_t i = 0; i < n; i++)
		print_value(f, fig[i].t_at, 2, ROW_PLAIN);
	fputc('\n', f);

	snprintf(label, sizeof label, "racks in service %d (thousand)", y);
	ROW(label, racks, 1e-3, 1, ROW_NUMBER);
	/* Per hardware class, matched by name to the first file's classes. */
	for (size_t k = 0; k < fig[0].K && k < DCG_H5_FIG_CLASSES; k++) {
		for (size_t i = 0; i < n; i++) {
			v[i] = NAN;
			for (size_t j = 0; j < fig[i].K && j < DCG_H5_FIG_CLASSES;
			     j++)
				if (strcmp(fig[i].hardware[j],
					   fig[0].hardware[k]) == 0)
					v[i] = fig[i].racks_by_class[j];
		}
		snprintf(label, sizeof label, "  %s", fig[0].hardware[k]);
		row(f, label, v, n, 1e-3, 1, ROW_NUMBER);
	}
	snprintf(label, sizeof label, "MIIT standard racks %d (million)", y);
	ROW(label, standard_racks, 1e-6, 2, ROW_NUMBER);
	snprintf(label, sizeof label, "IT load %d (GW)", y);
	ROW(label, it_load_gw, 1.0, 2, ROW_NUMBER);
	snprintf(label, sizeof label, "facility load %d (GW)", y);
	ROW(label, facility_load_gw, 1.0, 2, ROW_NUMBER);
	snprintf(label, sizeof label, "DC electricity in %d (TWh)", y);
	ROW(label, dc_energy_twh, 1.0, 1, ROW_NUMBER);
	snprintf(label, sizeof label, "DC electricity rate %d (TWh/year)", y);
	ROW(label, dc_energy_rate, 1.0, 1, ROW_NUMBER);

	bool grid = false;
	for (size_t i = 0; i < n; i++)
		grid = grid || fig[i].grid;
	if (grid) {
		snprintf(label, sizeof label, "consumption in %d (TWh)", y);
		ROW(label, consumption_twh, 1.0, 0, ROW_NUMBER);
		snprintf(label, sizeof label, "peak demand %d (GW)", y);
		ROW(label, peak_demand_gw, 1.0, 1, ROW_NUMBER);
		snprintf(label, sizeof label, "firm capacity %d (GW)", y);
		ROW(label, firm_capacity_gw, 1.0, 1, ROW_NUMBER);
		snprintf(label, sizeof label, "lowest reserve margin %d", y);
		ROW(label, rm_at_min, 1.0, 1, ROW_PERCENT);
		for (size_t i = 0; i < n; i++)
			t[i] = fig[i].rm_at_region;
		text_row(f, "  in region", t, n);
		ROW("lowest reserve margin, whole horizon", rm_min, 1.0, 1,
		    ROW_PERCENT);
		for (size_t i = 0; i < n; i++)
			t[i] = fig[i].rm_min_region;
		text_row(f, "  in region", t, n);
		ROW("  at time (yr)", rm_min_time, 1.0, 2, ROW_PLAIN);
		snprintf(label, sizeof label, "unserved energy in %d (TWh)", y);
		ROW(label, unserved_twh, 1.0, 3, ROW_NUMBER);
		ROW("unserved energy, whole horizon (TWh)", unserved_total_twh,
		    1.0, 3, ROW_NUMBER);
		snprintf(label, sizeof label, "emissions in %d (Mt CO2)", y);
		ROW(label, emissions_mt, 1.0, 0, ROW_NUMBER);
		ROW("emissions, whole horizon (Mt CO2)", emissions_total_mt,
		    1.0, 0, ROW_NUMBER);
		for (size_t i = 0; i < n; i++)
			v[i] = (double)fig[i].n_below;
		row(f, "reserve-margin shortfalls (events)", v, n, 1.0, 0,
		    ROW_PLAIN);
	}
#undef ROW
}

void dcg__help_compare(FILE *f)
{
	fputs("Usage: dcgrid compare A.h5 B.h5 [--year YEAR]\n"
	      "\n"
	      "Prints the key figures of two result files side by side, with the\n"
	      "difference B - A and the relative change: racks in service, standard\n"
	      "racks, loads, data-center electricity, and with a grid consumption,\n"
	      "peak demand, firm capacity, the lowest reserve margin, unserved\n"
	      "energy, emissions and reserve-margin events. Stock figures are taken\n"
	      "at the output time nearest YEAR, energy and emissions are totals of\n"
	      "the calendar year YEAR (n/a when it is outside a file's horizon).\n"
	      "\n"
	      "Options:\n"
	      "  -y, --year YEAR   the year of the figures (default 2030)\n"
	      "  -h, --help        show this help and exit\n",
	      f);
}

int dcg__parse_year(const char *cmd, const char *arg, double *ret_year)
{
	char *end;
	double y = strtod(arg, &end);
	if (end == arg || *end != '\0' || !isfinite(y) || y < 1000.0 ||
	    y > 10000.0)
		return dcg__usage_error(cmd, "--year '%s': expected a year such "
					"as 2030",
					arg);
	*ret_year = y;
	return 0;
}

int dcg__cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "year", required_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dcg_h5_file *file[2] = { NULL, NULL };
	struct dcg_h5_figures fig[2];
	struct dcg_error err = { 0 };

	memset(fig, 0, sizeof fig);
	double year = 2030.0;
	int c, rc, exit_status = DCG_EXIT_OK;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":y:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'y':
			if (dcg__parse_year("compare", optarg, &year))
				return DCG_EXIT_USAGE;
			break;
		case 'h':
			dcg__help_compare(stdout);
			return DCG_EXIT_OK;
		default:
			return dcg__option_error("compare", c, argv, longopts);
		}
	}
	if (argc - optind != 2)
		return dcg__usage_error("compare",
					"expected two result files, A.h5 and B.h5");
	for (int i = 0; i < 2; i++) {
		rc = dcg_h5_open(argv[optind + i], &file[i], &err);
		if (rc == 0)
			rc = dcg_h5_key_figures(file[i], year, &fig[i], &err);
		if (rc == 0)
			dcg__figures_safe(&fig[i]);
		if (rc < 0) {
			exit_status = dcg__report(rc, &err);
			goto finish;
		}
	}
	printf("A: %s (%s, %.2f to %.2f%s)\n", argv[optind], fig[0].scenario,
	       fig[0].t_start, fig[0].t_end,
	       fig[0].complete ? "" : ", INCOMPLETE");
	printf("B: %s (%s, %.2f to %.2f%s)\n", argv[optind + 1],
	       fig[1].scenario, fig[1].t_start, fig[1].t_end,
	       fig[1].complete ? "" : ", INCOMPLETE");
	printf("Stocks and loads at the output time nearest %.2f; energy, "
	       "emissions and unserved\nenergy are calendar-year %d totals "
	       "over all regions.\n\n",
	       year, (int)floor(year));
	for (int i = 0; i < 2; i++)
		if (!(fabs(fig[i].t_at - year) <= 0.5))
			printf("Note: %s has no output time near %.2f; its stocks "
			       "and loads are those at %.2f.\n",
			       i ? "B" : "A", year, fig[i].t_at);
	const char *names[2] = { "A", "B" };
	dcg__figures_print(stdout, fig, 2, names);
finish:
	dcg_h5_close(file[0]);
	dcg_h5_close(file[1]);
	return exit_status;
}
