/* dcgrid study STUDY.cfg [-o OUT.h5] [--threads N] [--force] [--quiet]
 *                         [--verbose]
 *
 * Load the study -> run its members on all cores (and, when built with MPI
 * and started by mpirun, over ranks) -> analyse (quantiles, Sobol or
 * Morris) -> write one HDF5 file -> print the ranked table.
 *
 * Finished members are appended to OUT.h5.ckpt (one file per rank under
 * MPI: OUT.h5.ckpt.<rank>) as they finish; running the same command again
 * after a kill reads them back and runs only the rest. The checkpoint is
 * removed once the study file is written.
 *
 * Under MPI, rank r runs members r, r + n, r + 2n, ...; the other ranks
 * send their records to rank 0, which analyses and writes the file, so the
 * result is the same as a serial run with the same seed.
 *
 * --verbose prints the wall time of each phase (load, members, analysis,
 * HDF5 write) on stderr, so that the writer's share of a study can be
 * measured (bench/run does).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef DCG_HAVE_MPI
#include <mpi.h>
#endif

#include "cli.h"
#include "dcgrid/study.h"
#include "signals.h"

struct study_args {
	const char *study;
	const char *output;
	size_t threads;
	bool force, quiet, verbose;
};

void dcg__help_study(FILE *f)
{
	fputs("Usage: dcgrid study STUDY.cfg [-o OUT.h5] [--threads N] [--force] [--quiet]\n"
	      "                    [--verbose]\n"
	      "\n"
	      "Runs every member of the study's design (a base scenario with\n"
	      "uncertain parameters; docs/studies.md), writes the ensemble with\n"
	      "quantile bands and Sobol or Morris sensitivity measures to one HDF5\n"
	      "file and prints the ranked table.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output FILE  output file (default: <study name>.h5)\n"
	      "  -j, --threads N    members run at once (default: the study's\n"
	      "                     threads, else all cores)\n"
	      "  -f, --force        replace an existing output file\n"
	      "  -q, --quiet        print nothing but errors\n"
	      "  -v, --verbose      print the wall time of each phase on standard\n"
	      "                     error (also with --quiet)\n"
	      "  -h, --help         show this help and exit\n"
	      "\n"
	      "A killed study resumes where it stopped when run again with the same\n"
	      "arguments: finished members are kept in OUT.h5.ckpt. Under MPI\n"
	      "(mpirun -n N dcgrid study ...) members are split over the ranks and\n"
	      "rank 0 writes the file.\n",
	      f);
}

static int parse_args(int argc, char **argv, struct study_args *a)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "threads", required_argument, NULL, 'j' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:j:fqvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (optarg[0] == '\0')
				return dcg__usage_error("study", "--output needs a file name");
			a->output = optarg;
			break;
		case 'j': {
			char *end;
			errno = 0;
			long v = strtol(optarg, &end, 10);
			if (*end || errno || v < 1 || v > 4096)
				return dcg__usage_error("study",
							"--threads '%s': expected a whole number 1 to 4096",
							optarg);
			a->threads = (size_t)v;
			break;
		}
		case 'f':
			a->force = true;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'v':
			a->verbose = true;
			break;
		case 'h':
			dcg__help_study(stdout);
			return DCG_EXIT_OK;
		default:
			return dcg__option_error("study", c, argv, longopts);
		}
	}
	if (optind >= argc)
		return dcg__usage_error("study", "missing STUDY.cfg");
	a->study = argv[optind++];
	if (optind < argc)
		return dcg__usage_error("study", "unexpected argument '%s'", argv[optind]);
	return -1;
}

/* Members done, rate and ETA, on a terminal only. */
struct bar {
	bool enabled, drawn;
	double t0;
	size_t first; /* done at the start (resumed) */
};

static double wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void bar_cb(size_t done, size_t total, void *ctx)
{
	struct bar *b = ctx;
	if (!b->enabled || total == 0)
		return;
	/* The first call comes before any member runs. */
	if (b->t0 == 0.0) {
		b->t0 = wall();
		b->first = done;
	}
	double el = wall() - b->t0;
	double rate = el > 0 ? (double)(done - b->first) / el : 0.0;
	double eta = rate > 0 ? (double)(total - done) / rate : NAN;
	char bar[33];
	size_t full = done * 32 / total;
	for (size_t i = 0; i < 32; i++)
		bar[i] = i < full ? '#' : '.';
	bar[32] = '\0';
	char etas[32];
	if (isfinite(eta))
		snprintf(etas, sizeof etas, "ETA %dm%02ds", (int)(eta / 60), (int)fmod(eta, 60));
	else
		snprintf(etas, sizeof etas, "ETA --");
	fprintf(stderr, "\rmembers [%s] %zu/%zu  %.1f/s  %s\033[K", bar, done, total,
		rate, etas);
	fflush(stderr);
	b->drawn = true;
}

static void bar_finish(struct bar *b)
{
	if (b->enabled && b->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}

struct rank_item {
	size_t j;
	double key;
};

static int cmp_desc(const void *a, const void *b)
{
	const struct rank_item *x = a, *y = b;
	double kx = isfinite(x->key) ? x->key : -INFINITY;
	double ky = isfinite(y->key) ? y->key : -INFINITY;
	return kx < ky ? 1 : kx > ky ? -1 : (x->j > y->j) - (x->j < y->j);
}

static void print_report(FILE *f, const struct dcg_study *s,
			 const struct dcg_ensemble *e,
			 const struct dcg_study_analysis *a)
{
	size_t failed = e->M - a->ok;
	fprintf(f, "Study %s: %s design, %zu parameters, %zu members (%zu ok, %zu failed",
		s->name, dcg_study_design_name(s->design), s->P, e->M, a->ok, failed);
	if (e->resumed)
		fprintf(f, ", %zu resumed from the checkpoint", e->resumed);
	fprintf(f, "), seed %lu\n", s->seed);
	for (size_t i = 0, shown = 0; i < e->M && shown < 3; i++)
		if (e->status[i] != DCG_MEMBER_OK) {
			fprintf(f, "  member %zu failed: %s\n", i, e->reason[i]);
			shown++;
		}
	fprintf(f, "\n%-24s %-5s %12s %12s %12s %12s %12s\n", "metric", "units",
		"5 %", "25 %", "median", "75 %", "95 %");
	for (size_t k = 0; k < s->nmetrics; k++) {
		const double *q = a->metric_q + k * DCG_STUDY_NQ;
		fprintf(f, "%-24s %-5s %12.5g %12.5g %12.5g %12.5g %12.5g\n",
			s->metrics[k].name, dcg_study_metric_units(s->metrics[k].kind),
			q[0], q[1], q[2], q[3], q[4]);
	}
	struct rank_item *it = malloc((s->P + 1) * sizeof *it);
	if (!it)
		return;
	int pw = 9; /* "parameter" */
	for (size_t j = 0; j < s->P; j++)
		if ((int)strlen(s->params[j].path) > pw)
			pw = (int)strlen(s->params[j].path);
	for (size_t k = 0; k < s->nmetrics && (a->sobol || a->morris); k++) {
		const char *name = s->metrics[k].name;
		if (a->sobol) {
			const struct dcg_sobol_index *x = a->sobol + k * s->P;
			fprintf(f, "\nSobol indices of %s (%zu of %zu base rows; 95 %% bootstrap "
				   "intervals, %zu resamples), ranked by total effect\n",
				name, a->sobol_used[k], s->samples, s->bootstrap);
			fprintf(f, "  %4s  %-*s %7s %17s %7s %17s\n", "rank", pw, "parameter",
				"S1", "95 % CI", "ST", "95 % CI");
			for (size_t j = 0; j < s->P; j++)
				it[j] = (struct rank_item){j, x[j].ST};
			qsort(it, s->P, sizeof *it, cmp_desc);
			for (size_t r = 0; r < s->P; r++) {
				const struct dcg_sobol_index *v = &x[it[r].j];
				fprintf(f, "  %4zu  %-*s %7.3f [%6.3f, %6.3f] %7.3f [%6.3f, %6.3f]\n",
					r + 1, pw, s->params[it[r].j].path, v->S1, v->S1_lo,
					v->S1_hi, v->ST, v->ST_lo, v->ST_hi);
			}
		} else {
			const struct dcg_morris_index *x = a->morris + k * s->P;
			fprintf(f, "\nMorris measures of %s (%s per unit of each parameter's "
				   "range; %zu trajectories, %zu levels), ranked by mu*\n",
				name, dcg_study_metric_units(s->metrics[k].kind), s->samples,
				s->levels);
			fprintf(f, "  %4s  %-*s %12s %12s %12s\n", "rank", pw, "parameter", "mu*",
				"mu", "sigma");
			for (size_t j = 0; j < s->P; j++)
				it[j] = (struct rank_item){j, x[j].mu_star};
			qsort(it, s->P, sizeof *it, cmp_desc);
			for (size_t r = 0; r < s->P; r++) {
				const struct dcg_morris_index *v = &x[it[r].j];
				fprintf(f, "  %4zu  %-*s %12.5g %12.5g %12.5g\n", r + 1, pw,
					s->params[it[r].j].path, v->mu_star, v->mu, v->sigma);
			}
		}
	}
	free(it);
}

#ifdef DCG_HAVE_MPI
/* Sends every record this rank computed to rank 0, which unpacks them. */
static int gather(struct dcg_ensemble *e, int rank, int nranks)
{
	size_t rs = dcg_ensemble_record_size(e);
	unsigned char *buf = malloc(rs);
	if (!buf)
		return DCG_ENOMEM;
	if (rank != 0) {
		for (size_t i = (size_t)rank; i < e->M; i += (size_t)nranks) {
			dcg_ensemble_pack(e, i, buf);
			MPI_Send(buf, (int)rs, MPI_BYTE, 0, 1, MPI_COMM_WORLD);
		}
	} else {
		for (int r = 1; r < nranks; r++)
			for (size_t i = (size_t)r; i < e->M; i += (size_t)nranks) {
				MPI_Recv(buf, (int)rs, MPI_BYTE, r, 1, MPI_COMM_WORLD,
					 MPI_STATUS_IGNORE);
				dcg_ensemble_unpack(e, buf);
			}
	}
	free(buf);
	return 0;
}
#endif

int dcg__cmd_study(int argc, char **argv)
{
	struct study_args a = { 0 };
	struct dcg_error err = { 0 };
	struct dcg_study *s = NULL;
	struct dcg_ensemble *e = NULL;
	struct dcg_study_analysis *an = NULL;
	char *default_output = NULL, *ckpt = NULL;
	int rank = 0, nranks = 1, rc;
	int exit_status = parse_args(argc, argv, &a);
#ifdef DCG_HAVE_MPI
	int mpi_started = 0;
#endif
	if (exit_status >= 0)
		return exit_status;
	/* Phase times for --verbose, from the command's start. */
	double t_start = wall();
#ifdef DCG_HAVE_MPI
	/* Only under mpirun: a plain start stays a serial program. */
	if (getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK")) {
		if (MPI_Init(NULL, NULL) == MPI_SUCCESS) {
			mpi_started = 1;
			MPI_Comm_rank(MPI_COMM_WORLD, &rank);
			MPI_Comm_size(MPI_COMM_WORLD, &nranks);
		}
	}
#else
	/* Every rank of an mpirun would run the whole study and race for the
	 * output file. */
	const char *world = getenv("OMPI_COMM_WORLD_SIZE");
	if (world && strtol(world, NULL, 10) > 1)
		return dcg__usage_error("study",
					"this dcgrid was built without MPI, so it cannot "
					"share a study between %s ranks (rebuild with "
					"meson setup -Dmpi=enabled, or run it without "
					"mpirun)",
					world);
#endif
	rc = dcg_study_load_file(a.study, &s, &err);
	double t_loaded = wall();
	if (rc < 0) {
		exit_status = rank == 0 ? dcg__report(rc, &err) : dcg__exit_status(rc);
		goto finish;
	}
	const char *output = a.output;
	if (!output) {
		size_t len = strlen(s->name) + sizeof ".h5";
		if (!(default_output = malloc(len))) {
			exit_status = dcg__report(DCG_ENOMEM, NULL);
			goto finish;
		}
		snprintf(default_output, len, "%s.h5", s->name);
		output = default_output;
	}
	/* The output (not a folder or device, not the study file or its
	 * scenario) and its folder, before any member runs (the checkpoint
	 * lives there too). */
	{
		const char *inputs[2] = { s->path, s->scenario_path };
		if ((rc = dcg__check_output(output, a.force, inputs, 2, &err)) < 0) {
			exit_status = rank == 0 ? dcg__report(rc, &err) : dcg__exit_status(rc);
			goto finish;
		}
	}
	size_t cl = strlen(output) + 32;
	if (!(ckpt = malloc(cl))) {
		exit_status = dcg__report(DCG_ENOMEM, NULL);
		goto finish;
	}
	if (nranks > 1)
		snprintf(ckpt, cl, "%s.ckpt.%d", output, rank);
	else
		snprintf(ckpt, cl, "%s.ckpt", output);

	/* Ranks sharing a machine share its cores, unless told otherwise. */
	size_t threads = a.threads;
	const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
	long per_node = local ? strtol(local, NULL, 10) : 0;
	if (!threads && !s->threads && nranks > 1 && per_node > 1) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cores > per_node ? (size_t)(cores / per_node) : 1;
	}
	struct bar bar = {.enabled = !a.quiet && rank == 0 && isatty(STDERR_FILENO)};
	struct dcg_ensemble_opts opts = {
		.threads = threads,
		.checkpoint = ckpt,
		.rank = rank,
		.nranks = nranks,
		.progress = bar_cb,
		.progress_ctx = &bar,
		.should_stop = dcg__signals_should_stop,
	};
	/* SIGINT or SIGTERM: finish the checkpoint writes, stop the running
	 * solves and leave; the same command resumes. */
	if (dcg__signals_install() < 0) {
		perror("dcgrid: cannot install signal handlers");
		exit_status = DCG_EXIT_FAILURE;
		goto finish;
	}
	rc = dcg_ensemble_run(s, &opts, &e, &err);
	bar_finish(&bar);
	if (rc == DCG_EINTERRUPTED) {
		int sig = dcg__signals_caught();
		fprintf(stderr, "dcgrid: %s: %s; run the same command again to resume\n",
			sig == SIGTERM ? "SIGTERM" : "SIGINT", err.msg);
		exit_status = 128 + (sig ? sig : SIGINT);
		goto finish;
	}
	if (rc < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}
#ifdef DCG_HAVE_MPI
	if (nranks > 1 && gather(e, rank, nranks)) {
		exit_status = dcg__report(DCG_ENOMEM, NULL);
		goto finish;
	}
#endif
	double t_members = wall();
	if (rank == 0) {
		rc = dcg_study_analyse(s, e, &an, &err);
		double t_analysed = wall();
		if (!rc) {
			/* As in run: the write finishes before a signal acts. */
			sigset_t held;
			bool holding = dcg__signals_hold(&held) == 0;
			rc = dcg_h5_write_study(output, s, e, an, a.force, &err);
			if (holding)
				dcg__signals_release(&held);
		}
		double t_written = wall();
		if (rc) {
			exit_status = dcg__report(rc, &err);
			goto finish;
		}
		if (a.verbose) {
			double total = t_written - t_start;
			fprintf(stderr,
				"dcgrid study: load %.3f s, members %.3f s, "
				"analysis %.3f s, HDF5 write %.3f s (%.2f %% of "
				"%.3f s)\n",
				t_loaded - t_start, t_members - t_loaded,
				t_analysed - t_members, t_written - t_analysed,
				total > 0 ? 100.0 * (t_written - t_analysed) / total
					  : 0.0,
				total);
		}
		if (!a.quiet) {
			print_report(stdout, s, e, an);
			printf("\nWrote %s\n", output);
		}
	}
#ifdef DCG_HAVE_MPI
	if (nranks > 1)
		MPI_Barrier(MPI_COMM_WORLD);
#endif
	/* The file holds everything now. */
	(void)unlink(ckpt);
	exit_status = DCG_EXIT_OK;
finish:
#ifdef DCG_HAVE_MPI
	/* A rank that fails alone would leave the others waiting for it. */
	if (mpi_started && nranks > 1 && exit_status != DCG_EXIT_OK) {
		fflush(stdout);
		MPI_Abort(MPI_COMM_WORLD, exit_status);
	}
	if (mpi_started)
		MPI_Finalize();
#endif
	dcg_study_analysis_free(an, s ? s->nseries : 0);
	dcg_ensemble_free(e);
	dcg_study_free(s);
	free(default_output);
	free(ckpt);
	return exit_status;
}
