/* dcgrid synth --regions N [--seed S]
 *
 * Prints a synthetic scenario of N regions (inputs/synth.c): the national
 * parts of the built-in China scenario, regions drawn around its values and
 * a small-world corridor graph of bounded degree. For benchmarks:
 *   dcgrid synth --regions 10000 > big.cfg && dcgrid run big.cfg
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dcgrid/synth.h"

void dcg__help_synth(FILE *f)
{
	fputs("Usage: dcgrid synth --regions N [--seed S]\n"
	      "\n"
	      "Prints a synthetic scenario of N regions (1 to 1000000) to standard\n"
	      "output: the built-in China scenario's national parameters, regions\n"
	      "drawn around its regional values, corridors on a small-world graph\n"
	      "(mean degree 4). The same N and S always give the same scenario.\n"
	      "\n"
	      "Options:\n"
	      "  -n, --regions N   number of regions (required)\n"
	      "  -S, --seed S      random seed (default 1)\n"
	      "  -h, --help        show this help and exit\n"
	      "\n"
	      "Example:\n"
	      "  dcgrid synth --regions 10000 > big.cfg && dcgrid run big.cfg -o big.h5\n",
	      f);
}

static int parse_count(const char *s, unsigned long long max,
		       unsigned long long *ret)
{
	char *end = NULL;
	errno = 0;
	if (!s[0] || s[0] == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*ret = v;
	return 0;
}

int dcg__cmd_synth(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "regions", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long regions = 0, seed = 1;
	bool have_regions = false;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:S:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_count(optarg, DCG_SYNTH_MAX_REGIONS, &regions) ||
			    regions < 1)
				return dcg__usage_error(
					"synth",
					"--regions '%s': expected a whole number "
					"from 1 to %d",
					optarg, DCG_SYNTH_MAX_REGIONS);
			have_regions = true;
			break;
		case 'S':
			if (parse_count(optarg, UINT64_MAX, &seed))
				return dcg__usage_error(
					"synth",
					"--seed '%s': expected a whole number "
					"from 0",
					optarg);
			break;
		case 'h':
			dcg__help_synth(stdout);
			return DCG_EXIT_OK;
		default:
			return dcg__option_error("synth", c, argv, longopts);
		}
	}
	if (optind < argc)
		return dcg__usage_error("synth", "unexpected argument '%s'",
					argv[optind]);
	if (!have_regions)
		return dcg__usage_error("synth", "missing --regions N");

	struct dcg_error err = { 0 };
	char *text = NULL;
	int rc = dcg_synth_scenario((size_t)regions, (uint64_t)seed, &text, &err);
	if (rc < 0)
		return dcg__report(rc, &err);
	fputs(text, stdout);
	free(text);
	return DCG_EXIT_OK;
}
