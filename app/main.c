/* dcgrid command line: dispatch to the commands, help texts and the mapping
 * from library status codes to exit statuses (see cli.h, docs/cli.md). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dcgrid/version.h"

int dcg__exit_status(int status)
{
	switch (status) {
	case DCG_OK:
		return DCG_EXIT_OK;
	case DCG_ECONFIG:
	case DCG_EUSAGE:
	case DCG_EEXIST:
	case DCG_ELIMIT: /* a request too large for this machine */
	case DCG_EFORMAT: /* a result file that is damaged or not dcgrid's */
		return DCG_EXIT_USAGE;
	default:
		return DCG_EXIT_FAILURE;
	}
}

int dcg__report(int status, const struct dcg_error *err)
{
	if (err && err->msg[0] != '\0') {
		/* Messages quote names and values from files. */
		fputs("dcgrid: ", stderr);
		dcg__fput_safe(err->msg, stderr);
		fputc('\n', stderr);
	} else
		fprintf(stderr, "dcgrid: %s\n", dcg_strerror(status));
	return dcg__exit_status(status);
}

int dcg__usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("dcgrid: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nTry 'dcgrid %s --help'.\n", cmd);
	else
		fputs("\nTry 'dcgrid --help'.\n", stderr);
	return DCG_EXIT_USAGE;
}

/* The long option that argv word names ("--name" or "--name=value"), if
 * its value is val; getopt_long leaves it at argv[optind - 1]. */
static const struct option *long_option(const char *word, int val,
					const struct option *longopts)
{
	if (strncmp(word, "--", 2) != 0)
		return NULL;
	size_t len = strcspn(word + 2, "=");
	for (const struct option *o = longopts; o && o->name; o++)
		if (o->val == val && strncmp(o->name, word + 2, len) == 0)
			return o;
	return NULL;
}

int dcg__option_error(const char *cmd, int c, char **argv,
		      const struct option *longopts)
{
	const char *word = optind > 0 ? argv[optind - 1] : "";
	const struct option *o = optopt ? long_option(word, optopt, longopts) :
					  NULL;

	if (o && c == ':')
		return dcg__usage_error(cmd, "option '--%s' needs a value",
					o->name);
	if (o)
		return dcg__usage_error(cmd, "option '--%s' takes no value",
					o->name);
	if (c == ':')
		return dcg__usage_error(cmd, "option '-%c' needs a value",
					optopt);
	if (optopt)
		return dcg__usage_error(cmd, "unknown option '-%c'", optopt);
	/* An unknown or ambiguous long option. */
	return dcg__usage_error(cmd, "unknown option '%s'", word);
}

void dcg__help_main(FILE *f)
{
	fputs("Usage: dcgrid COMMAND [OPTIONS]\n"
	      "\n"
	      "Projects data-center racks by region and hardware class, and the\n"
	      "regional power grid that feeds them, for a scenario file.\n"
	      "\n"
	      "Commands:\n"
	      "  run [CONFIG]     solve a scenario (the built-in one without CONFIG)\n"
	      "                   and write the result to HDF5\n"
	      "  check CONFIG     validate a scenario file without solving it\n"
	      "  config [--keys]  print the built-in scenario as a config file, or\n"
	      "                   with --keys a reference of every setting\n"
	      "                   (--json [CONFIG]: the resolved model as JSON)\n"
	      "  synth            print a synthetic scenario (--regions N [--seed S])\n"
	      "  calibrate CONFIG fit parameters to published figures (least squares\n"
	      "                   with CVODES sensitivities; see 'dcgrid calibrate --help')\n"
	      "  info FILE.h5     describe a result file: provenance, datasets, figures\n"
	      "  export FILE.h5 --csv DIR\n"
	      "                   write a result as tidy CSV files\n"
	      "  compare A.h5 B.h5\n"
	      "                   key figures of two results side by side\n"
	      "  rerun FILE.h5    re-run the config stored in a result and check\n"
	      "                   that every dataset is reproduced bit for bit\n"
	      "  study STUDY.cfg  run a sensitivity study (sweeps, Monte Carlo, Sobol,\n"
	      "                   Morris) and write the ensemble to HDF5\n"
	      "  serve [CONFIG]   explore a scenario in the browser: sliders for the\n"
	      "                   key assumptions, charts against a baseline\n"
	      "  help [COMMAND]   show help for a command\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help       show this help and exit\n"
	      "  -V, --version    print the version and exit\n"
	      "\n"
	      "Exit status: 0 success, 1 failed run (solver or I/O error),\n"
	      "2 usage or configuration error.\n"
	      "\n"
	      "Examples:\n"
	      "  dcgrid run                          built-in China scenario -> china-baseline.h5\n"
	      "  dcgrid config > my.cfg              start a scenario of your own\n"
	      "  dcgrid run my.cfg -o out/my.h5 --set horizon.end=2036\n"
	      "\n"
	      "See docs/cli.md for the full reference.\n",
	      f);
}

void dcg__help_run(FILE *f)
{
	fputs("Usage: dcgrid run [CONFIG] [-o OUT.h5] [--set KEY=VALUE]... [--force] [--quiet]\n"
	      "\n"
	      "Solves the scenario in CONFIG (the built-in China scenario when CONFIG is\n"
	      "omitted; '-' reads the scenario from standard input), writes the result\n"
	      "and the fully resolved config to an HDF5 file and prints national totals.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output FILE    output file (default: <scenario>.h5 in the current\n"
	      "                       folder, <scenario> from the config)\n"
	      "  -s, --set KEY=VALUE  override a setting, using the dotted paths of the\n"
	      "                       config file and .[i] for list elements; repeatable:\n"
	      "                       --set horizon.end=2036 --set hardware.[1].life_yr=6\n"
	      "  -f, --force          replace an existing output file\n"
	      "  -q, --quiet          print nothing but errors (no progress bar, no table)\n"
	      "      --sensitivity P1,P2,...\n"
	      "                       also store d(output)/d(parameter) and elasticities\n"
	      "                       of the main series (CVODES forward sensitivities)\n"
	      "                       for these parameter paths, e.g.\n"
	      "                       --sensitivity segments.[1].growth.value.[0],hardware.[1].life_yr\n"
	      "      --json           print a machine-readable summary (JSON) instead\n"
	      "                       of the table\n"
	      "  -h, --help           show this help and exit\n"
	      "\n"
	      "If the solver fails part-way, the partial result is still written (root\n"
	      "attribute complete = false) and dcgrid exits with status 1.\n",
	      f);
}

void dcg__help_check(FILE *f)
{
	fputs("Usage: dcgrid check CONFIG [--set KEY=VALUE]...\n"
	      "\n"
	      "Loads and validates CONFIG ('-' for standard input) with the overrides\n"
	      "applied, without solving. Prints 'CONFIG: ok (...)' with the model's\n"
	      "dimensions, or the first problem as file:line: message (exit status 2).\n"
	      "\n"
	      "Options:\n"
	      "  -s, --set KEY=VALUE  override a setting (repeatable)\n"
	      "  -h, --help           show this help and exit\n",
	      f);
}

void dcg__help_config(FILE *f)
{
	fputs("Usage: dcgrid config [--keys]\n"
	      "       dcgrid config --json [CONFIG] [--set KEY=VALUE]...\n"
	      "       dcgrid config --profiles [CONFIG] [--set KEY=VALUE]...\n"
	      "\n"
	      "Prints the built-in scenario as a commented config file, a starting\n"
	      "point for scenarios of your own:  dcgrid config > my.cfg\n"
	      "\n"
	      "Options:\n"
	      "  -k, --keys   print a reference of every setting instead (path, type,\n"
	      "               range, unit, default, description; Markdown)\n"
	      "  --json       print the resolved model of CONFIG (default: the\n"
	      "               built-in scenario) after --set overrides as JSON\n"
	      "  --profiles   print the hourly profiles of CONFIG's representative\n"
	      "               days as CSV (the format of hours.profiles)\n"
	      "  -h, --help   show this help and exit\n",
	      f);
}

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	void (*help)(FILE *f);
};

static const struct command commands[] = {
	{ "run", dcg__cmd_run, dcg__help_run },
	{ "check", dcg__cmd_check, dcg__help_check },
	{ "config", dcg__cmd_config, dcg__help_config },
	{ "study", dcg__cmd_study, dcg__help_study },
	{ "info", dcg__cmd_info, dcg__help_info },
	{ "export", dcg__cmd_export, dcg__help_export },
	{ "compare", dcg__cmd_compare, dcg__help_compare },
	{ "rerun", dcg__cmd_rerun, dcg__help_rerun },
	{ "synth", dcg__cmd_synth, dcg__help_synth },
	{ "calibrate", dcg__cmd_calibrate, dcg__help_calibrate },
	{ "serve", dcg__cmd_serve, dcg__help_serve },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int dispatch(int argc, char **argv)
{
	if (argc < 2) {
		dcg__help_main(stderr);
		return DCG_EXIT_USAGE;
	}
	const char *word = argv[1];

	if (strcmp(word, "-h") == 0 || strcmp(word, "--help") == 0) {
		dcg__help_main(stdout);
		return DCG_EXIT_OK;
	}
	if (strcmp(word, "-V") == 0 || strcmp(word, "--version") == 0) {
		printf("dcgrid %s\n", DCG_VERSION);
		return DCG_EXIT_OK;
	}
	if (strcmp(word, "help") == 0) {
		if (argc < 3) {
			dcg__help_main(stdout);
			return DCG_EXIT_OK;
		}
		if (argc > 3)
			return dcg__usage_error("help",
						"'help' takes one command name");
		const struct command *c = find_command(argv[2]);
		if (!c)
			return dcg__usage_error(NULL, "unknown command '%s'",
						argv[2]);
		c->help(stdout);
		return DCG_EXIT_OK;
	}
	if (word[0] == '-')
		return dcg__usage_error(NULL, "unknown option '%s'", word);

	const struct command *c = find_command(word);
	if (!c)
		return dcg__usage_error(NULL, "unknown command '%s'", word);
	/* The command sees its own name as argv[0]. */
	return c->run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	int rc = dispatch(argc, argv);

	/* A full disk or a closed pipe must not pass for success. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("dcgrid: error writing to standard output\n", stderr);
		if (rc == DCG_EXIT_OK)
			rc = DCG_EXIT_FAILURE;
	}
	return rc;
}
