/* dcgrid config [--keys] (--json and --profiles: their own files)   and   dcgrid check CONFIG [--set key=value]...
 *
 * `config` prints the built-in scenario (the shipped, commented config file)
 * or, with --keys, the reference of every setting. `check` loads and
 * validates a scenario without solving it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int dcg__cmd_config(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "keys", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool keys = false;
	int c;

	/* `config --json [CONFIG] [--set ...]` prints the resolved model as
	 * JSON (app/cmd_dump_json.c). */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0)
			return dcg__cmd_dump_json(argc, argv);
		else if (strcmp(argv[i], "--profiles") == 0)
			return dcg__cmd_profiles(argc, argv);

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":kh", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keys = true;
			break;
		case 'h':
			dcg__help_config(stdout);
			return DCG_EXIT_OK;
		default:
			return dcg__option_error("config", c, argv, longopts);
		}
	}
	if (optind < argc)
		return dcg__usage_error("config",
					"unexpected argument '%s' (config takes no file)",
					argv[optind]);

	if (!keys) {
		fputs(dcg_config_default_text(), stdout);
		return DCG_EXIT_OK;
	}

	struct dcg_error err = { 0 };
	char *text = NULL;
	int rc = dcg_config_reference(&text, &err);
	if (rc < 0)
		return dcg__report(rc, &err);
	fputs(text, stdout);
	free(text);
	return DCG_EXIT_OK;
}

int dcg__cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
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

	opterr = 0;
	while (exit_status < 0 &&
	       (c = getopt_long(argc, argv, ":s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			exit_status = dcg__sets_option(&sets, "check", optarg);
			break;
		case 'h':
			dcg__help_check(stdout);
			exit_status = DCG_EXIT_OK;
			break;
		default:
			exit_status = dcg__option_error("check", c, argv, longopts);
			break;
		}
	}
	if (exit_status >= 0)
		goto finish;
	if (optind >= argc) {
		exit_status = dcg__usage_error("check", "missing CONFIG");
		goto finish;
	}
	path = argv[optind++];
	if (optind < argc) {
		exit_status = dcg__usage_error(
			"check", "unexpected argument '%s' (check takes one CONFIG)",
			argv[optind]);
		goto finish;
	}

	int rc = dcg__load_model(path, &sets, &m, &err);
	if (rc < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}
	printf("%s: ok (%zu regions, %zu hardware classes, %zu segments, "
	       "%zu technologies, %zu corridors, grid %s; scenario %s, "
	       "%.2f to %.2f)\n",
	       path, m->R, m->K, m->S, m->J, m->L,
	       m->grid_enabled ? "on" : "off", m->scenario, m->t0, m->t1);
	if (m->grid_enabled && m->hours.enabled)
		printf("%s: the grid is judged hour by hour on %zu "
		       "representative days\n", path, m->D);
	else if (m->grid_enabled)
		printf("%s: the grid is judged on one peak-hour day (no hours "
		       "group: the first model's peak arithmetic)\n", path);
	exit_status = DCG_EXIT_OK;

finish:
	dcg_model_free(m);
	dcg__sets_free(&sets);
	return exit_status;
}
