/* libFuzzer harness: scenario text -> dcg_config_load_string.
 *
 * Whatever the bytes, loading must return 0 or a negative status with a
 * non-empty message, never crash, leak, read out of bounds or hang. The
 * input is the file text; leading lines `#set path=value` add one --set
 * override each (up to 8) and are not part of the text, so that the fuzzer also reaches the override
 * walk with a scenario it controls. Built and run by tests/fuzz/run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcgrid/config.h"
#include "dcgrid/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Keep runs short: a scenario is small; larger inputs only slow the
	 * fuzzer down. */
	if (size > 1 << 16)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	const char *sets[8];
	size_t nsets = 0;
	char *p = text;
	while (nsets < 8 && strncmp(p, "#set ", 5) == 0) {
		char *nl = strchr(p, '\n');
		sets[nsets++] = p + 5;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}

	struct dcg_model *m = NULL;
	struct dcg_error err = {0};
	int rc = dcg_config_load_string(p, "<fuzz>", nsets ? sets : NULL,
					nsets, &m, &err);
	if (rc == 0) {
		/* A model that loads must dump and load again. */
		char *dump = NULL;
		if (dcg_config_dump(m, &dump, &err) == 0) {
			struct dcg_model *m2 = NULL;
			if (dcg_config_load_string(dump, "<dump>", NULL, 0, &m2,
						   &err) != 0)
				abort();
			dcg_model_free(m2);
		}
		free(dump);
	} else if (err.msg[0] == '\0' || strlen(err.msg) >= sizeof err.msg) {
		abort();
	}
	dcg_model_free(m);
	free(text);
	return 0;
}
