/* Synthetic scenarios of any number of regions, for benchmarks and scale
 * tests.
 *
 * The national parts (segments, hardware classes, technologies, grid and
 * coupling parameters, horizon 2024.0-2031.0) are those of the built-in China
 * scenario; the regions are drawn around its regional values (shares,
 * policy drift, PUE, base demand and growth, generation fleet sized to a
 * reserve margin near the target, planned additions, investment mix), and
 * the corridor graph is a Watts-Strogatz small world: a ring in which every
 * region links to its next two neighbours, one link in ten rewired to a
 * random region, so the degree stays bounded (mean 4) at any size. The same
 * (regions, seed) always gives the same text, on every platform.
 */
#ifndef DCGRID_SYNTH_H
#define DCGRID_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "dcgrid/status.h"

/* Largest number of regions dcg_synth_scenario accepts. */
#define DCG_SYNTH_MAX_REGIONS 1000000

/* Writes a complete scenario (libconfig text that dcg_config_load_string
 * accepts) of `regions` regions (1 to DCG_SYNTH_MAX_REGIONS) drawn with
 * `seed`. Caller frees *ret_text; untouched on failure. */
int dcg_synth_scenario(size_t regions, uint64_t seed, char **ret_text,
		       struct dcg_error *err);

#endif
