/* dcgrid rerun FILE.h5 [-o OUT.h5] [--force] [--quiet]
 *
 * Repeats a run from the file alone: loads the fully resolved config stored
 * in the root attribute `config`, solves it, writes the result (to OUT.h5,
 * or to a temporary file that is removed afterwards) and compares every
 * dataset of the two files bit for bit (dcg_h5_compare). With the same
 * input, build and machine the results are identical; any difference is
 * listed and the exit status is 1. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dcgrid/h5read.h"
#include "dcgrid/sensitivity.h"
#include "signals.h"

/* The --sensitivity list of a file with a /sensitivity group ("p1,p2"),
 * or NULL without one (caller frees). */
static int sensitivity_list(struct dcg_h5_file *f, char **ret_list,
			    struct dcg_error *err)
{
	char **p = NULL;
	size_t n = 0, len = 1;
	*ret_list = NULL;
	if (!dcg_h5_exists(f, "/sensitivity"))
		return 0;
	int rc = dcg_h5_attr_texts(f, "/sensitivity", "parameters", &p, &n,
				   err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		len += strlen(p[i]) + 1;
	char *list = calloc(len, 1);
	if (!list) {
		dcg_h5_labels_free(p, n);
		return dcg_error_set(err, DCG_ENOMEM, "out of memory");
	}
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(p[i]);
		if (i)
			list[at++] = ',';
		memcpy(list + at, p[i], k);
		at += k;
	}
	list[at] = '\0';
	dcg_h5_labels_free(p, n);
	*ret_list = list;
	return 0;
}

void dcg__help_rerun(FILE *f)
{
	fputs("Usage: dcgrid rerun FILE.h5 [-o OUT.h5] [--force] [--quiet]\n"
	      "\n"
	      "Runs again the scenario stored in FILE.h5 (its root attribute config,\n"
	      "the fully resolved config) and checks that every dataset of the new\n"
	      "result is bit-identical to FILE.h5's. Prints the datasets that differ;\n"
	      "exit status 0 when everything matches, 1 when something differs or\n"
	      "the run fails, 2 for usage errors. A file with forward sensitivities\n"
	      "(run --sensitivity) gets them again for the same parameters.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output FILE    keep the new result in FILE (default: a temporary\n"
	      "                       file, removed afterwards)\n"
	      "  -f, --force          replace an existing output file\n"
	      "  -q, --quiet          print only differences and errors\n"
	      "  -h, --help           show this help and exit\n",
	      f);
}

int dcg__cmd_rerun(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dcg_h5_file *orig = NULL, *again = NULL;
	struct dcg_h5_diff *diffs = NULL;
	struct dcg_model *m = NULL;
	struct dcg_result *res = NULL;
	struct dcg_error err = { 0 }, solve_err = { 0 };
	struct dcg__progress progress;
	char *stored = NULL, *dumped = NULL, *version = NULL, *sens_list = NULL;
	struct dcg_sensitivity *sens = NULL;
	char tmpdir[4096] = "", tmpfile[4200] = "", origin[4200];
	const char *output = NULL;
	bool force = false, quiet = false;
	size_t ndiff = 0, ncompared = 0;
	int c, rc, solve_rc, exit_status = DCG_EXIT_OK;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:fqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (optarg[0] == '\0')
				return dcg__usage_error("rerun",
							"--output needs a file name");
			output = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			dcg__help_rerun(stdout);
			return DCG_EXIT_OK;
		default:
			return dcg__option_error("rerun", c, argv, longopts);
		}
	}
	if (argc - optind != 1)
		return dcg__usage_error("rerun", "expected one result file");
	const char *path = argv[optind];

	if ((rc = dcg_h5_open(path, &orig, &err)) < 0 ||
	    (rc = dcg_h5_attr_text(orig, "/", "config", &stored, &err)) < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}
	if (dcg_h5_attr_text(orig, "/", "dcgrid_version", &version, NULL) ==
		    0 &&
	    strcmp(dcg__term_safe(version), DCG_VERSION) != 0)
		fprintf(stderr,
			"dcgrid: warning: %s was written by dcgrid %s, this is "
			"%s; results may differ for that reason\n",
			path, version, DCG_VERSION);
	if ((rc = sensitivity_list(orig, &sens_list, &err)) < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}
	snprintf(origin, sizeof origin, "%s (attribute config)", path);
	/* The stored config is input from whoever wrote the file: parsed
	 * with @include refused. */
	if ((rc = dcg_config_load_stored(stored, origin, &m, &err)) < 0 ||
	    (rc = dcg_config_dump(m, &dumped, &err)) < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}
	/* SIGINT and SIGTERM as in run; the temporary folder goes too. */
	if (dcg__signals_install() < 0) {
		perror("dcgrid: cannot install signal handlers");
		exit_status = DCG_EXIT_FAILURE;
		goto finish;
	}
	if (!output) {
		const char *base = getenv("TMPDIR");
		snprintf(tmpdir, sizeof tmpdir, "%s/dcgrid-rerun.XXXXXX",
			 base && *base ? base : "/tmp");
		if (!mkdtemp(tmpdir)) {
			dcg_error_set(&err, DCG_EIO,
				      "cannot create a temporary folder %s: %s",
				      tmpdir, strerror(errno));
			tmpdir[0] = '\0';
			exit_status = dcg__report(DCG_EIO, &err);
			goto finish;
		}
		snprintf(tmpfile, sizeof tmpfile, "%s/rerun.h5", tmpdir);
		output = tmpfile;
		(void)dcg__signals_add_temp(tmpdir);
		(void)dcg__signals_add_temp(tmpfile);
	} else {
		const char *inputs[1] = { path };
		if ((rc = dcg__check_output(output, force, inputs, 1, &err)) <
		    0) {
			exit_status = dcg__report(rc, &err);
			goto finish;
		}
	}

	dcg__progress_init(&progress, quiet);
	struct dcg_solve_opts opts = {
		.progress = dcg__progress_cb,
		.progress_ctx = &progress,
		.should_stop = dcg__signals_should_stop,
	};
	solve_rc = dcg_solve(m, &opts, &res, &solve_err);
	dcg__progress_finish(&progress);
	if (solve_rc == DCG_EINTERRUPTED || dcg__signals_caught()) {
		exit_status = dcg__interrupted(dcg__signals_caught(),
					       &solve_err, output);
		goto finish;
	}
	if (solve_rc < 0 && !(solve_rc == DCG_ESOLVER && res)) {
		exit_status = dcg__report(solve_rc, &solve_err);
		goto finish;
	}
	/* A file with forward sensitivities gets them again, for the same
	 * parameters, as `dcgrid run --sensitivity` adds them. */
	if (sens_list && solve_rc == 0) {
		rc = dcg__run_sensitivity(sens_list, m, &opts, &sens, &err);
		if (rc == DCG_EINTERRUPTED || dcg__signals_caught()) {
			exit_status = dcg__interrupted(dcg__signals_caught(),
						       &err, output);
			goto finish;
		}
		if (rc < 0) {
			exit_status = dcg__report(rc, &err);
			goto finish;
		}
	}
	sigset_t held;
	bool holding = dcg__signals_hold(&held) == 0;
	rc = dcg_h5_write_run_sens(output, m, res, sens, dumped, force, &err);
	if (holding)
		dcg__signals_release(&held);
	if (rc < 0 || (rc = dcg_h5_open(output, &again, &err)) < 0 ||
	    (rc = dcg_h5_compare(orig, again, &diffs, &ndiff, &ncompared,
				 &err)) < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}

	if (!quiet) {
		printf("Re-ran scenario %s from the config stored in %s "
		       "(%zu output times, %ld solver steps, %.2f s)%s\n",
		       m->scenario, path, res->T, res->stats.steps,
		       res->stats.wall_time_s,
		       res->complete ? "" : "; the solver stopped part-way");
		if (sens_list)
			printf("With forward sensitivities to %s.\n", sens_list);
		if (strcmp(stored, dumped) != 0)
			printf("Note: the stored config and the re-resolved one "
			       "differ in their text (formatting or a newer "
			       "dcgrid).\n");
	}
	if (ndiff == 0) {
		if (!quiet)
			printf("All %zu datasets match bit for bit.\n",
			       ncompared);
	} else {
		printf("%zu of %zu datasets differ (A = %s, B = the re-run):\n",
		       ndiff, ncompared, path);
		for (size_t i = 0; i < ndiff; i++) {
			printf("  %-36s %s", dcg__term_safe(diffs[i].path),
			       diffs[i].what);
			if (strcmp(diffs[i].what, "values") == 0)
				printf(": %zu element%s differ%s", diffs[i].n_differ,
				       diffs[i].n_differ == 1 ? "" : "s",
				       diffs[i].n_differ == 1 ? "s" : "");
			if (!isnan(diffs[i].max_abs))
				printf(" (largest |A - B| %.6g)", diffs[i].max_abs);
			putchar('\n');
		}
		fflush(stdout);
		fprintf(stderr, "dcgrid: %s: the re-run does not reproduce the "
				"stored result\n",
			path);
		exit_status = DCG_EXIT_FAILURE;
	}
	if (!quiet && !tmpfile[0])
		printf("Wrote %s\n", output);

finish:
	dcg_h5_close(again);
	dcg_h5_close(orig);
	if (tmpfile[0])
		(void)unlink(tmpfile);
	if (tmpdir[0])
		(void)rmdir(tmpdir);
	dcg__signals_forget_temps();
	free(diffs);
	free(sens_list);
	dcg_sensitivity_free(sens);
	free(stored);
	free(dumped);
	free(version);
	dcg_result_free(res);
	dcg_model_free(m);
	return exit_status;
}
