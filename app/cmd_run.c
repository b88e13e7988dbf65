/* dcgrid run [CONFIG] [-o OUT.h5] [--set key=value]... [--force] [--quiet]
 *
 * Load -> resolve (dump the config) -> solve -> write HDF5 -> summarise.
 * A solver failure still writes what was computed (complete = false) and
 * exits with status 1; the HDF5 writer refuses to replace an existing file
 * unless --force (status 2). SIGINT or SIGTERM stops the solve at its next
 * step and nothing is written (status 130 or 143). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "dcgrid/sensitivity.h"
#include "signals.h"

struct run_args {
	const char *config;  /* NULL: built-in scenario */
	const char *output;  /* NULL: <scenario>.h5 */
	bool force, quiet;
	struct dcg__sets sets;
	const char *sensitivity; /* --sensitivity p1,p2,...: CVODES forward */
	bool json;               /* --json: machine-readable summary */
};

/* Returns -1 to go on, or the exit status to leave with. */
static int parse_args(int argc, char **argv, struct run_args *a)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "set", required_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "sensitivity", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:s:fqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (optarg[0] == '\0')
				return dcg__usage_error("run",
							"--output needs a file name");
			a->output = optarg;
			break;
		case 's': {
			int st = dcg__sets_option(&a->sets, "run", optarg);
			if (st >= 0)
				return st;
			break;
		}
		case 'f':
			a->force = true;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'h':
			dcg__help_run(stdout);
			return DCG_EXIT_OK;
		case 'S':
			a->sensitivity = optarg;
			break;
		case 'J':
			/* JSON replaces the table and the progress bar. */
			a->json = true;
			a->quiet = true;
			break;
		default:
			return dcg__option_error("run", c, argv, longopts);
		}
	}
	if (optind < argc)
		a->config = argv[optind++];
	if (optind < argc)
		return dcg__usage_error("run",
					"unexpected argument '%s' (run takes one CONFIG)",
					argv[optind]);
	return -1;
}

int dcg__cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	struct dcg_error err = { 0 };
	struct dcg_model *m = NULL;
	struct dcg_result *res = NULL;
	struct dcg_error solve_err = { 0 };
	struct dcg__progress progress;
	struct dcg_sensitivity *sens = NULL;
	char *config_text = NULL, *default_output = NULL;
	const char *output = NULL;
	int exit_status = parse_args(argc, argv, &a);
	int rc, solve_rc;

	if (exit_status >= 0)
		goto finish;
	/* From here on SIGINT and SIGTERM only set a flag: the solve stops at
	 * its next step and nothing is written (app/signals.h). */
	if (dcg__signals_install() < 0) {
		perror("dcgrid: cannot install signal handlers");
		exit_status = DCG_EXIT_FAILURE;
		goto finish;
	}

	rc = dcg__load_model(a.config, &a.sets, &m, &err);
	if (rc < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}

	output = a.output;
	if (!output) {
		size_t len = strlen(m->scenario) + sizeof ".h5";
		default_output = malloc(len);
		if (!default_output) {
			exit_status = dcg__report(DCG_ENOMEM, NULL);
			goto finish;
		}
		snprintf(default_output, len, "%s.h5", m->scenario);
		output = default_output;
	}
	/* The writer refuses too; checking first saves a solve that could not
	 * be written anyway. */
	const char *inputs[1] = { a.config };
	if ((rc = dcg__check_output(output, a.force, inputs, 1, &err)) < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}

	/* Parameter paths are checked before the solve, not after it. */
	if (a.sensitivity &&
	    (rc = dcg__check_sensitivity(a.sensitivity, m, &err)) < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}

	rc = dcg_config_dump(m, &config_text, &err);
	if (rc < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}

	dcg__progress_init(&progress, a.quiet);
	struct dcg_solve_opts opts = {
		.progress = dcg__progress_cb,
		.progress_ctx = &progress,
		.should_stop = dcg__signals_should_stop,
	};
	solve_rc = dcg_solve(m, &opts, &res, &solve_err);
	dcg__progress_finish(&progress);
	if (solve_rc == DCG_EINTERRUPTED || dcg__signals_caught()) {
		/* Stopped on request: a partial result would pass for an
		 * answer, so nothing is written. */
		exit_status = dcg__interrupted(dcg__signals_caught(), &solve_err,
					  output);
		goto finish;
	}
	if (solve_rc < 0 && !(solve_rc == DCG_ESOLVER && res)) {
		exit_status = dcg__report(solve_rc, &solve_err);
		goto finish;
	}

	/* The sensitivities come before the write: they go into the same
	 * file, published by one rename (all or nothing). */
	if (a.sensitivity && solve_rc == 0) {
		rc = dcg__run_sensitivity(a.sensitivity, m, &opts, &sens, &err);
		if (rc == DCG_EINTERRUPTED || dcg__signals_caught()) {
			exit_status = dcg__interrupted(dcg__signals_caught(), &err,
						  output);
			goto finish;
		}
		if (rc < 0) {
			exit_status = dcg__report(rc, &err);
			goto finish;
		}
	}

	/* A signal during the write waits for it (a moment): the writer
	 * removes its own temporary file on failure, and a process killed
	 * half-way would leave it. */
	sigset_t held;
	bool holding = dcg__signals_hold(&held) == 0;
	rc = dcg_h5_write_run_sens(output, m, res, sens, config_text, a.force,
				   &err);
	if (holding)
		dcg__signals_release(&held);
	if (rc < 0) {
		if (solve_rc < 0)
			dcg__report(solve_rc, &solve_err);
		exit_status = dcg__report(rc, &err);
		goto finish;
	}
	if (dcg__signals_caught()) {
		/* It came while the file was written: the file is complete. */
		int sig = dcg__signals_caught();
		fprintf(stderr, "dcgrid: %s: arrived while writing; %s is "
				"complete\n",
			sig == SIGINT ? "SIGINT" : "SIGTERM", output);
		exit_status = 128 + sig;
		goto finish;
	}
	if (a.json)
		dcg__json_run(stdout, m, res, output, sens);

	if (!a.quiet)
		dcg__summary_print(stdout, m, res);
	if (!a.quiet && sens)
		dcg__sensitivity_print(stdout, sens);

	if (solve_rc < 0) {
		fflush(stdout);
		dcg__report(solve_rc, &solve_err);
		fprintf(stderr,
			"dcgrid: partial result up to t = %.4f written to %s\n",
			res->t_reached, output);
		exit_status = DCG_EXIT_FAILURE;
		goto finish;
	}
	if (!a.quiet)
		printf("\nWrote %s (%zu output times, %ld solver steps, %.2f s)\n",
		       output, res->T, res->stats.steps,
		       res->stats.wall_time_s);
	exit_status = DCG_EXIT_OK;

finish:
	dcg_sensitivity_free(sens);
	dcg_result_free(res);
	free(config_text);
	free(default_output);
	dcg_model_free(m);
	dcg__sets_free(&a.sets);
	return exit_status;
}
