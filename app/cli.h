/* Internal interface of the dcgrid command line.
 *
 * app/ is the only part of dcgrid that prints to the terminal or exits. The
 * commands (run, check, config) each take the argument vector that follows
 * the command name and return the process exit status:
 *
 *   0  success
 *   1  a run failed (solver or I/O); a partial result may have been written
 *   2  usage or configuration error (bad option, missing argument, invalid
 *      scenario, output file exists without --force)
 */
#ifndef DCGRID_APP_CLI_H
#define DCGRID_APP_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dcgrid/dcgrid.h"
#include "dcgrid/h5read.h"

enum {
	DCG_EXIT_OK = 0,
	DCG_EXIT_FAILURE = 1,
	DCG_EXIT_USAGE = 2,
};

/* Maps a negative enum dcg_status to the exit status above. */
int dcg__exit_status(int status);

/* Prints "dcgrid: <message>" to stderr for a library failure (the message
 * of err, or dcg_strerror(status) when err carries none) and returns the
 * exit status for status. */
int dcg__report(int status, const struct dcg_error *err);

/* Checks output before any work (app/output.c): an existing path must be
 * a regular file that is none of inputs[0..n) (same inode; NULL entries
 * are skipped) and, without force, must not exist; its folder must exist
 * and be writable and its name leave room for the temporary name.
 * DCG_EUSAGE or DCG_EEXIST with the message. */
int dcg__check_output(const char *output, bool force,
		      const char *const *inputs, size_t ninputs,
		      struct dcg_error *err);

/* Terminal-safe text (app/text.c): control characters become '?'.
 * dcg__term_safe rewrites s in place and returns it (NULL stays NULL);
 * dcg__fput_safe writes s to f that way. */
char *dcg__term_safe(char *s);
void dcg__fput_safe(const char *s, FILE *f);

/* Prints "dcgrid: <message>" and a pointer to the command's help to stderr
 * and returns DCG_EXIT_USAGE. cmd may be NULL for the top level. */
int dcg__usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reports a getopt_long failure (opterr = 0, optstring starting with ':')
 * for command cmd: c is the value getopt_long returned ('?' or ':'),
 * longopts the table it was given. */
int dcg__option_error(const char *cmd, int c, char **argv,
		      const struct option *longopts);

/* The --set overrides of one command line: borrowed pointers into argv. */
struct dcg__sets {
	const char **v;
	size_t n, cap;
};

int dcg__sets_add(struct dcg__sets *s, const char *kv);
/* The --set KV option of command cmd: -1 once added, else the exit status
 * after reporting a value without '=' or running out of memory. */
int dcg__sets_option(struct dcg__sets *s, const char *cmd, const char *kv);
void dcg__sets_free(struct dcg__sets *s);

/* Loads a scenario: path NULL gives the built-in scenario, "-" reads
 * standard input; sets are applied by the loader. */
int dcg__load_model(const char *path, const struct dcg__sets *sets,
		    struct dcg_model **ret_model, struct dcg_error *err);

/* The option parsing and loading shared by config's output modes
 * (`config --json`, `config --profiles`): --MODE (short flag), --set,
 * --help (printed by help) and one CONFIG. Returns -1 with *ret_model
 * loaded (caller frees) and *ret_path (ret_path may be NULL) the CONFIG
 * (borrowed from argv; NULL for the built-in scenario), or the exit status to return (help, a usage or
 * load error, already reported). */
int dcg__config_mode(int argc, char **argv, const char *mode, char flag,
		     void (*help)(FILE *), struct dcg_model **ret_model,
		     const char **ret_path);

/* Progress bar on stderr, drawn only when enabled (stderr is a terminal
 * and the run is not --quiet). */
struct dcg__progress {
	bool enabled;
	bool drawn;
	int last_permille;
};

void dcg__progress_init(struct dcg__progress *p, bool quiet);
void dcg__progress_cb(double t, double t0, double t1, void *ctx);
void dcg__progress_finish(struct dcg__progress *p);

/* Prints the planners' summary of a result (national totals at the start,
 * each whole year and the end; calendar-year totals; reserve-margin
 * events) to f. Reads only the result and the series table. */
void dcg__summary_print(FILE *f, const struct dcg_model *m,
			const struct dcg_result *res);

/* Help texts (to f) and the commands. */
void dcg__help_main(FILE *f);
void dcg__help_run(FILE *f);
void dcg__help_check(FILE *f);
void dcg__help_config(FILE *f);

int dcg__cmd_run(int argc, char **argv);
int dcg__cmd_check(int argc, char **argv);
int dcg__cmd_config(int argc, char **argv);

/* dcgrid synth (app/cmd_synth.c) and dcgrid config --json
 * (app/cmd_dump_json.c). */
void dcg__help_synth(FILE *f);
void dcg__help_dump_json(FILE *f);
int dcg__cmd_synth(int argc, char **argv);
int dcg__cmd_dump_json(int argc, char **argv);

/* dcgrid config --profiles (app/cmd_profiles.c). */
void dcg__help_profiles(FILE *f);
int dcg__cmd_profiles(int argc, char **argv);

/* Reading result files (app/cmd_info.c, cmd_export.c, cmd_compare.c,
 * cmd_rerun.c), on top of dcgrid/h5read.h. */
void dcg__help_info(FILE *f);
void dcg__help_export(FILE *f);
void dcg__help_compare(FILE *f);
void dcg__help_rerun(FILE *f);
int dcg__cmd_info(int argc, char **argv);
int dcg__cmd_export(int argc, char **argv);
int dcg__cmd_compare(int argc, char **argv);
int dcg__cmd_rerun(int argc, char **argv);

struct dcg_h5_figures;
/* Prints the key figures of n files (1 or 2; with 2 also B - A and the
 * relative change) under column headings names[i]. */
/* Makes the strings of key figures and of a dataset description
 * terminal-safe in place (dcg__term_safe). */
void dcg__figures_safe(struct dcg_h5_figures *fig);
void dcg__var_safe(struct dcg_h5_var *v);

void dcg__figures_print(FILE *f, const struct dcg_h5_figures *fig, size_t n,
			const char *const *names);

/* Parses a --year value for command cmd into *ret_year; returns 0 or,
 * after printing the usage error, DCG_EXIT_USAGE. */
int dcg__parse_year(const char *cmd, const char *arg, double *ret_year);

/* dcgrid calibrate (app/cmd_calibrate.c). */
void dcg__help_calibrate(FILE *f);
int dcg__cmd_calibrate(int argc, char **argv);
/* dcgrid study (app/cmd_study.c). */
void dcg__help_study(FILE *f);
int dcg__cmd_study(int argc, char **argv);

/* dcgrid serve (app/cmd_serve.c; the explorer over HTTP). */
void dcg__help_serve(FILE *f);
int dcg__cmd_serve(int argc, char **argv);

/* dcgrid run --json and --sensitivity (app/json.c). */
struct dcg_sensitivity;
void dcg__json_run(FILE *f, const struct dcg_model *m,
		   const struct dcg_result *res, const char *output,
		   const struct dcg_sensitivity *sens);
/* Checks "p1,p2,..." against m before the solve. */
int dcg__check_sensitivity(const char *list, const struct dcg_model *m,
			   struct dcg_error *err);
/* Solves with forward sensitivities to the parameters of list (p1,p2,...),
 * stopping when opts->should_stop asks (opts may be NULL). The caller
 * writes them with the run (dcg_h5_write_run_sens). */
int dcg__run_sensitivity(const char *list, const struct dcg_model *m,
			 const struct dcg_solve_opts *opts,
			 struct dcg_sensitivity **ret, struct dcg_error *err);
void dcg__sensitivity_print(FILE *f, const struct dcg_sensitivity *s);

#endif
