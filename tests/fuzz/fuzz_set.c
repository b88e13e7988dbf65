/* libFuzzer harness: one `--set` argument applied to the built-in scenario
 * (dcg_config_load_default). The input bytes are the argument, e.g.
 * `hardware.[1].life_yr=6`. Loading must return 0 or a negative status
 * with a message, never crash, leak or read out of bounds. Built and run
 * by tests/fuzz/run.
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
	if (size > 4096)
		return 0;
	char *arg = malloc(size + 1);
	if (!arg)
		return 0;
	memcpy(arg, data, size);
	arg[size] = '\0';
	const char *sets[] = {arg};
	struct dcg_model *m = NULL;
	struct dcg_error err = {0};
	int rc = dcg_config_load_default(sets, 1, &m, &err);
	if (rc != 0 && err.msg[0] == '\0')
		abort();
	dcg_model_free(m);
	free(arg);
	return 0;
}
