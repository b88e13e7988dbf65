/* Loading a scenario for a command: a file, standard input ("-") or the
 * built-in scenario, with the --set overrides of the command line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int dcg__sets_add(struct dcg__sets *s, const char *kv)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		const char **v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return DCG_ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = kv;
	return DCG_OK;
}

int dcg__sets_option(struct dcg__sets *s, const char *cmd, const char *kv)
{
	if (!strchr(kv, '='))
		return dcg__usage_error(cmd, "--set '%s': expected KEY=VALUE", kv);
	if (dcg__sets_add(s, kv) < 0)
		return dcg__report(DCG_ENOMEM, NULL);
	return -1;
}

void dcg__sets_free(struct dcg__sets *s)
{
	if (!s)
		return;
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

int dcg__load_model(const char *path, const struct dcg__sets *sets,
		    struct dcg_model **ret_model, struct dcg_error *err)
{
	const char *const *v = sets->n ? sets->v : NULL;

	if (!path)
		return dcg_config_load_default(v, sets->n, ret_model, err);
	if (strcmp(path, "-") != 0) {
		/* A CONFIG that cannot be opened is the caller's mistake (exit
		 * status 2), not an I/O failure of a run. */
		if (access(path, R_OK) != 0)
			return dcg_error_set(err, DCG_EUSAGE, "%s: %s", path,
					     strerror(errno));
		return dcg_config_load_file(path, v, sets->n, ret_model, err);
	}

	/* Standard input is read bounded by the memory limit. */
	char *text = NULL;
	size_t len = 0;
	int rc = dcg_config_read_text("-", &text, &len, err);
	if (rc < 0)
		return rc;
	rc = dcg_config_load_string(text, "<stdin>", v, sets->n, ret_model,
				    err);
	free(text);
	return rc;
}

int dcg__config_mode(int argc, char **argv, const char *mode, char flag,
		     void (*help)(FILE *), struct dcg_model **ret_model,
		     const char **ret_path)
{
	const struct option longopts[] = {
		{ mode, no_argument, NULL, flag },
		{ "set", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char shortopts[8];
	snprintf(shortopts, sizeof shortopts, ":%cs:h", flag);
	struct dcg__sets sets = { 0 };
	struct dcg_error err = { 0 };
	const char *path = NULL;
	int exit_status = -1, c;

	optind = 1;
	opterr = 0;
	while (exit_status < 0 &&
	       (c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == flag)
			continue;
		switch (c) {
		case 's':
			exit_status = dcg__sets_option(&sets, "config", optarg);
			break;
		case 'h':
			help(stdout);
			exit_status = DCG_EXIT_OK;
			break;
		default:
			exit_status = dcg__option_error("config", c, argv, longopts);
			break;
		}
	}
	if (exit_status < 0 && optind < argc)
		path = argv[optind++];
	if (exit_status < 0 && optind < argc)
		exit_status = dcg__usage_error(
			"config", "unexpected argument '%s' (config --%s takes one CONFIG)",
			argv[optind], mode);
	if (exit_status < 0) {
		int rc = dcg__load_model(path, &sets, ret_model, &err);
		exit_status = rc < 0 ? dcg__report(rc, &err) : -1;
		if (ret_path)
			*ret_path = path;
	}
	dcg__sets_free(&sets);
	return exit_status;
}
