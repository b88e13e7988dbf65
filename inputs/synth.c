/* Synthetic scenarios of N regions (include/dcgrid/synth.h).
 *
 * National parts are the China default's; per region r (sizes drawn, then
 * normalised so that national totals stay those of China at any N):
 *   initial_share  lognormal weights w_r / sum w (sigma 1), printed with 17
 *                  digits so that they sum to 1 to round-off;
 *   policy_weight  share, drifting by a factor e^U(-0.3, 0.5) by 2030;
 *   PUE            U(1.32, 1.55), target falling by 0.05-0.25 by 2031;
 *   base demand    9,457 TWh/yr x size_r, size_r ~ share_r^0.6 e^(0.4 z);
 *   fleet          wind, solar, hydro, nuclear, gas, other as random
 *                  fractions of the region's peak, coal filling firm
 *                  capacity to a reserve margin U(0.12, 0.21);
 *   corridors      Watts-Strogatz ring (links to r+1 and r+2, one in ten
 *                  rewired to a uniform random region), rated 4-12 % of the
 *                  smaller end's peak, directed from the larger to the
 *                  smaller margin.
 * Every regional schedule has points at 2024.0, 2030.0 or 2031.0 only, so
 * regions add no solver restarts beyond the whole years.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcgrid/synth.h"

/* National figures of the default scenario used to size the regions. */
#define NAT_BASE_TWH 9457.2 /* sum of regions' base_demand_twh */
#define NAT_DC_GW 14.0      /* facility load at 2024.0, GW (~123 TWh/yr) */
#define NAT_PUE 1.48

static const char national_head[] =
	"# Synthetic scenario written by `dcgrid synth` (inputs/synth.c): the\n"
	"# national parts of the China default, regions drawn around its values.\n"
	"horizon = { start = 2024.0; end = 2031.0; output_step_yr = 0.25; };\n"
	"solver = { rtol = 1e-6; atol = 1e-6; method = \"auto\"; "
	"linear_solver = \"auto\"; max_steps = 100000; };\n"
	"datacenter = { pue_time_yr = 2.0; share_time_yr = 3.0; "
	"perception_time_yr = 0.2; };\n"
	"segments = (\n"
	"  { name = \"general\"; initial_demand_pflops = -1.0; growth = 0.10; "
	"saturation_pflops = 1e9; adjust_time_yr = 2.0; },\n"
	"  { name = \"ai\"; initial_demand_pflops = -1.0; growth = { interp = "
	"\"linear\"; year = [2024.0, 2031.0]; value = [0.45, 0.38]; }; "
	"saturation_pflops = 1e8; adjust_time_yr = 2.0; }\n"
	");\n"
	"hardware = (\n"
	"  { name = \"cpu\"; segment = \"general\"; build_time_yr = 1.0; "
	"life_yr = 6.0; utilisation = 0.40; preference = 1.0; cancel_fraction = "
	"0.0;\n"
	"    kw_per_rack = { interp = \"linear\"; year = [2024.0, 2031.0]; "
	"value = [8.0, 10.0]; };\n"
	"    pflops_per_rack = { interp = \"log\"; year = [2024.0, 2031.0]; "
	"value = [0.09, 0.15]; };\n"
	"    availability = 1.0; initial_racks = 2950000.0; initial_kw_per_rack "
	"= 6.0; initial_pflops_per_rack = 0.0542; },\n"
	"  { name = \"gpu-import\"; segment = \"ai\"; build_time_yr = 1.0; "
	"life_yr = 5.0; utilisation = 0.7; preference = 2.0; cancel_fraction = "
	"0.5;\n"
	"    kw_per_rack = { interp = \"linear\"; year = [2024.0, 2031.0]; "
	"value = [40.0, 80.0]; };\n"
	"    pflops_per_rack = { interp = \"log\"; year = [2024.0, 2031.0]; "
	"value = [1.2, 8.0]; };\n"
	"    availability = { interp = \"step\"; year = [2024.0, 2026.05]; "
	"value = [1.0, 0.0]; };\n"
	"    supply_limit_racks_per_yr = 30000.0; initial_racks = 60000.0; "
	"initial_kw_per_rack = 30.0; initial_pflops_per_rack = 0.5; },\n"
	"  { name = \"npu-domestic\"; segment = \"ai\"; build_time_yr = 1.25; "
	"life_yr = 5.0; utilisation = 0.7; preference = 1.0; cancel_fraction = "
	"0.0;\n"
	"    kw_per_rack = { interp = \"linear\"; year = [2024.0, 2031.0]; "
	"value = [22.0, 60.0]; };\n"
	"    pflops_per_rack = { interp = \"log\"; year = [2024.0, 2031.0]; "
	"value = [0.8, 2.4]; };\n"
	"    availability = 1.0;\n"
	"    supply_limit_racks_per_yr = { interp = \"linear\"; year = [2024.0, "
	"2031.0]; value = [40000.0, 250000.0]; };\n"
	"    initial_racks = 80000.0; initial_kw_per_rack = 20.0; "
	"initial_pflops_per_rack = 0.5; }\n"
	");\n";

static const char national_tail[] =
	"grid = { reserve_target = 0.15; invest_time_yr = 1.0; gate_width = "
	"0.02; flow_scale = 0.05; transfer_factor = 0.6; dc_peak_factor = 1.05; "
	"price_alpha = 1.0; price_beta = 0.1; demand_price_elasticity = 0.5; "
	"share_price_elasticity = 2.0; };\n"
	"technologies = (\n"
	"  { name = \"coal\"; kind = \"thermal\"; lead_time_yr = 3.0; life_yr = "
	"60.0; capacity_credit = 0.9; capacity_factor = 0.75; "
	"emission_factor_t_per_mwh = 0.85; },\n"
	"  { name = \"gas\"; kind = \"thermal\"; lead_time_yr = 5.0; life_yr = "
	"50.0; capacity_credit = 0.9; capacity_factor = 0.70; "
	"emission_factor_t_per_mwh = 0.38; },\n"
	"  { name = \"hydro\"; kind = \"must_run\"; lead_time_yr = 6.0; life_yr "
	"= 150.0; capacity_credit = 0.5; capacity_factor = 0.38; "
	"emission_factor_t_per_mwh = 0.0; },\n"
	"  { name = \"nuclear\"; kind = \"must_run\"; lead_time_yr = 6.0; "
	"life_yr = 100.0; capacity_credit = 0.9; capacity_factor = 0.88; "
	"emission_factor_t_per_mwh = 0.0; },\n"
	"  { name = \"wind\"; kind = \"variable\"; lead_time_yr = 1.5; life_yr = "
	"80.0; capacity_credit = 0.15; capacity_factor = 0.24; "
	"emission_factor_t_per_mwh = 0.0; },\n"
	"  { name = \"solar\"; kind = \"variable\"; lead_time_yr = 1.0; life_yr "
	"= 100.0; capacity_credit = 0.05; capacity_factor = 0.14; "
	"emission_factor_t_per_mwh = 0.0; },\n"
	"  { name = \"other\"; kind = \"thermal\"; lead_time_yr = 2.0; life_yr = "
	"40.0; capacity_credit = 0.6; capacity_factor = 0.55; "
	"emission_factor_t_per_mwh = 0.20; }\n"
	");\n"
	"coupling = { gate = true; price_growth = true; price_share = true; };\n";

/* Investment mixes of the default's regions. */
static const char *const mixes[] = {
	"{ coal = 0.5; gas = 0.3; nuclear = 0.2; }",
	"{ coal = 0.3; gas = 0.5; nuclear = 0.2; }",
	"{ coal = 0.5; gas = 0.2; hydro = 0.3; }",
	"{ coal = 1.0; }",
	"{ coal = 0.8; hydro = 0.2; }",
	"{ coal = 0.6; gas = 0.1; hydro = 0.1; nuclear = 0.2; }",
};

/* splitmix64: tiny, fast and the same on every platform. */
struct rng {
	uint64_t s;
};

static uint64_t next_u64(struct rng *g)
{
	uint64_t z = (g->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double uniform(struct rng *g, double a, double b)
{
	return a + (b - a) * (double)(next_u64(g) >> 11) * 0x1.0p-53;
}

static double normal(struct rng *g)
{
	/* Box-Muller; 1 - u keeps the logarithm finite. */
	double u = 1.0 - uniform(g, 0.0, 1.0), v = uniform(g, 0.0, 1.0);
	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static size_t below(struct rng *g, size_t n)
{
	return (size_t)(next_u64(g) % n);
}

struct region_draw {
	double share, size, pue, margin, peak;
	size_t rewired[2]; /* targets of rewired links, (size_t)-1 if none */
};

/* Ring links r -> r+d for d = 1 (from 3 regions) and d = 2 (from 6, where
 * they cannot repeat a d = 1 link); from 10 regions each is rewired with
 * probability 1/10 to a region that is not r, not a ring neighbour within 2,
 * and not already linked to r by a rewired link. */
static size_t link_target(struct region_draw *d, size_t R, size_t r, int k,
			  struct rng *g)
{
	size_t step = (size_t)k + 1, t = (r + step) % R;
	d[r].rewired[k] = (size_t)-1;
	if (R < 10 || uniform(g, 0.0, 1.0) >= 0.1)
		return t;
	for (int attempt = 0; attempt < 16; attempt++) {
		size_t x = below(g, R);
		size_t gap = x > r ? x - r : r - x;
		gap = gap < R - gap ? gap : R - gap;
		if (gap <= 2)
			continue;
		if (d[x].rewired[0] == r || d[x].rewired[1] == r)
			continue;
		if (k == 1 && d[r].rewired[0] == x)
			continue;
		d[r].rewired[k] = x;
		return x;
	}
	return t;
}

int dcg_synth_scenario(size_t R, uint64_t seed, char **ret_text,
		       struct dcg_error *err)
{
	if (R < 1 || R > DCG_SYNTH_MAX_REGIONS)
		return dcg_error_set(err, DCG_ELIMIT,
				     "synthetic scenario of %zu regions: expected "
				     "1 to %d regions",
				     R, DCG_SYNTH_MAX_REGIONS);
	struct region_draw *d = calloc(R, sizeof *d);
	char *text = NULL;
	size_t len = 0;
	FILE *f = d ? open_memstream(&text, &len) : NULL;
	if (!f) {
		free(d);
		return dcg_error_set(err, DCG_ENOMEM,
				     "out of memory for a synthetic scenario of "
				     "%zu regions",
				     R);
	}
	struct rng g = { .s = seed * 0x2545f4914f6cdd1dULL + (uint64_t)R };

	/* Shares and grid sizes, normalised so national totals stay put. */
	double ssum = 0.0, zsum = 0.0;
	for (size_t r = 0; r < R; r++) {
		d[r].share = exp(normal(&g));
		ssum += d[r].share;
	}
	for (size_t r = 0; r < R; r++) {
		d[r].share /= ssum;
		d[r].size = pow(d[r].share, 0.6) * exp(0.4 * normal(&g));
		zsum += d[r].size;
	}
	/* Re-normalise the shares once more so that the printed values sum
	 * to 1 to round-off (the loader wants 1 within 1e-6). */
	ssum = 0.0;
	for (size_t r = 0; r < R; r++)
		ssum += d[r].share;
	for (size_t r = 0; r < R; r++) {
		d[r].share /= ssum;
		d[r].size /= zsum;
	}

	fprintf(f, "scenario = \"synth-%zu-%llu\";\n", R, (unsigned long long)seed);
	fprintf(f, "description = \"synthetic: %zu regions, small-world corridors, "
		   "seed %llu\";\n",
		R, (unsigned long long)seed);
	fputs(national_head, f);
	fputs("regions = (\n", f);
	for (size_t r = 0; r < R; r++) {
		struct region_draw *x = &d[r];
		double pue = uniform(&g, 1.32, 1.55);
		double pt0 = fmax(pue - uniform(&g, 0.05, 0.12), 1.1);
		double pt1 = fmax(pt0 - uniform(&g, 0.05, 0.13), 1.08);
		double drift = exp(uniform(&g, -0.3, 0.5));
		double twh = NAT_BASE_TWH * x->size;
		double B = twh / 8.76;
		double F = x->share * NAT_DC_GW * pue / NAT_PUE;
		double peak = 1.25 * B + 1.05 * F;
		double wind = peak * uniform(&g, 0.05, 0.4);
		double solar = peak * uniform(&g, 0.1, 0.5);
		double hydro = uniform(&g, 0.0, 1.0) < 0.5
				       ? peak * uniform(&g, 0.0, 0.4)
				       : 0.0;
		double nuclear = uniform(&g, 0.0, 1.0) < 0.3
					 ? peak * uniform(&g, 0.02, 0.1)
					 : 0.0;
		double gas = peak * uniform(&g, 0.0, 0.1);
		double other = peak * uniform(&g, 0.01, 0.05);
		double firm = 0.9 * gas + 0.5 * hydro + 0.9 * nuclear +
			      0.15 * wind + 0.05 * solar + 0.6 * other;
		x->margin = uniform(&g, 0.12, 0.21);
		x->peak = peak;
		double coal = fmax(((1.0 + x->margin) * peak - firm) / 0.9, 0.0);
		fprintf(f,
			"  { name = \"r%07zu\"; initial_share = %#.17g;\n"
			"    policy_weight = { interp = \"linear\"; year = "
			"[2024.0, 2030.0]; value = [%#.17g, %#.17g]; };\n"
			"    initial_pue = %#.4f; pue_target = { interp = "
			"\"linear\"; year = [2024.0, 2031.0]; value = [%#.4f, "
			"%#.4f]; };\n"
			"    grid = { base_demand_twh = %#.6g; base_growth = %#.4f; "
			"peak_factor = 1.25; reserve_min = 0.05;\n"
			"      capacity_gw = { coal = %#.6g; gas = %#.6g; hydro = "
			"%#.6g; nuclear = %#.6g; wind = %#.6g; solar = %#.6g; other "
			"= %#.6g; };\n"
			"      planned_gw_per_yr = { wind = %#.6g; solar = %#.6g; };\n"
			"      mix = %s; }; }%s\n",
			r, x->share, x->share, x->share * drift, pue, pt0, pt1,
			twh, uniform(&g, 0.03, 0.075), coal, gas, hydro, nuclear,
			wind, solar, other, peak * uniform(&g, 0.01, 0.04),
			peak * uniform(&g, 0.04, 0.15),
			mixes[below(&g, sizeof mixes / sizeof mixes[0])],
			r + 1 < R ? "," : "");
	}
	fputs(");\n", f);
	fputs(national_tail, f);

	/* Corridors: the ring with rewiring, then the list. */
	fputs("corridors = (\n", f);
	size_t nl = 0;
	for (size_t r = 0; r < R; r++)
		d[r].rewired[0] = d[r].rewired[1] = (size_t)-1;
	for (size_t r = 0; r < R; r++) {
		for (int k = 0; k < 2; k++) {
			if ((k == 0 && R < 3) || (k == 1 && R < 6))
				continue;
			size_t t = link_target(d, R, r, k, &g);
			size_t a = d[r].margin >= d[t].margin ? r : t;
			size_t b = a == r ? t : r;
			double rating = fmin(d[a].peak, d[b].peak) *
					uniform(&g, 0.04, 0.12);
			fprintf(f,
				"%s  { name = \"c%07zu\"; from = \"r%07zu\"; to = "
				"\"r%07zu\"; rating_gw = %#.6g; }",
				nl ? ",\n" : "", nl, a, b, rating);
			nl++;
		}
	}
	if (R == 2) {
		size_t a = d[0].margin >= d[1].margin ? 0 : 1;
		fprintf(f,
			"  { name = \"c0000000\"; from = \"r%07zu\"; to = "
			"\"r%07zu\"; rating_gw = %#.6g; }",
			a, 1 - a, fmin(d[0].peak, d[1].peak) * 0.08);
	}
	fputs("\n);\n", f);
	free(d);
	if (fclose(f) != 0 || !text) {
		free(text);
		return dcg_error_set(err, DCG_ENOMEM,
				     "out of memory writing a synthetic scenario");
	}
	*ret_text = text;
	return 0;
}
