/* Loading a scenario for a command: a file, standard input ("-") or the
 * built-in scenario, with the --set overrides of the command line. */
#include <errno.h>
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
