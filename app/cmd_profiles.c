/* dcgrid config --profiles [CONFIG] [--set key=value]...
 *
 * Prints the hourly profiles of the representative days that a scenario
 * uses (computed from its settings, or read from its hours.profiles file)
 * as CSV in the format hours.profiles reads: a starting point for profiles
 * of one's own, and the figures docs/model.md quotes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void dcg__help_profiles(FILE *f)
{
	fputs("Usage: dcgrid config --profiles [CONFIG] [--set KEY=VALUE]...\n"
	      "\n"
	      "Prints the hourly profiles of CONFIG's representative days (the\n"
	      "built-in scenario without it) as CSV: region, series (load,\n"
	      "datacenter or a technology), day and 24 hourly values, the format\n"
	      "that hours.profiles reads. Scenarios without a grid have none.\n"
	      "\n"
	      "Options:\n"
	      "  -s, --set KEY=VALUE  override a setting (repeatable)\n"
	      "  -h, --help           show this help and exit\n",
	      f);
}

int dcg__cmd_profiles(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profiles", no_argument, NULL, 'p' },
		{ "set", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dcg__sets sets = { 0 };
	struct dcg_error err = { 0 };
	struct dcg_model *m = NULL;
	const char *path = NULL;
	int exit_status = -1;
	int c;

	optind = 1;
	opterr = 0;
	while (exit_status < 0 &&
	       (c = getopt_long(argc, argv, ":ps:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			break;
		case 's':
			exit_status = dcg__sets_option(&sets, "config", optarg);
			break;
		case 'h':
			dcg__help_profiles(stdout);
			exit_status = DCG_EXIT_OK;
			break;
		default:
			exit_status = dcg__option_error("config", c, argv, longopts);
			break;
		}
	}
	if (exit_status >= 0)
		goto finish;
	if (optind < argc)
		path = argv[optind++];
	if (optind < argc) {
		exit_status = dcg__usage_error(
			"config",
			"unexpected argument '%s' (config --profiles takes one CONFIG)",
			argv[optind]);
		goto finish;
	}
	int rc = dcg__load_model(path, &sets, &m, &err);
	if (rc == 0 && !m->grid_enabled)
		rc = dcg_error_set(&err, DCG_ECONFIG,
				   "%s has no grid, so no hourly profiles (add "
				   "grid = { ... } to model the grid)",
				   path ? path : "the scenario");
	if (rc == 0)
		rc = dcg_config_write_profiles(m, stdout, &err);
	if (rc < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}
	exit_status = DCG_EXIT_OK;
finish:
	dcg_model_free(m);
	dcg__sets_free(&sets);
	return exit_status;
}
