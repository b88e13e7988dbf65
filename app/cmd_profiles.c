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
	struct dcg_model *m = NULL;
	const char *path = NULL;
	int exit_status = dcg__config_mode(argc, argv, "profiles", 'p',
					   dcg__help_profiles, &m, &path);
	if (exit_status >= 0)
		return exit_status;
	struct dcg_error err = { 0 };
	int rc = 0;
	if (!m->grid_enabled)
		rc = dcg_error_set(&err, DCG_ECONFIG,
				   "%s has no grid, so no hourly profiles (add "
				   "grid = { ... } to model the grid)",
				   path ? path : "the scenario");
	if (rc == 0)
		rc = dcg_config_write_profiles(m, stdout, &err);
	exit_status = rc < 0 ? dcg__report(rc, &err) : DCG_EXIT_OK;
	dcg_model_free(m);
	return exit_status;
}
