/* CUnit suite "config": loading, validation messages, --set overrides,
 * defaults, the dump round trip, dcg_config_visit and the generated key
 * reference in docs/config.md.
 *
 * Runs from tests/ (meson sets the working directory) so that fixtures are
 * data/cfg_*.cfg. Error messages are compared in full: they are the user
 * interface of a planner who mistyped a scenario, so a changed message is a
 * changed interface.
 */
#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcgrid/config.h"
#include "dcgrid/model.h"
#include "dcgrid/schedule.h"

#define SMALL "data/cfg_small.cfg"
#define GRID "data/cfg_grid.cfg"

static char *small_text, *grid_text;
static char msg[DCG_ERROR_MSG_MAX];

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	do {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 65536;
			char *b = realloc(buf, cap);
			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
	} while (got > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* text with the first occurrence of from replaced by to (caller frees). */
static char *replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	if (!at) {
		fprintf(stderr, "\nfixture has no \"%s\"\n", from);
		return NULL;
	}
	size_t head = (size_t)(at - text), fl = strlen(from), tl = strlen(to);
	char *out = malloc(strlen(text) - fl + tl + 1);
	if (!out)
		return NULL;
	memcpy(out, text, head);
	memcpy(out + head, to, tl);
	strcpy(out + head + tl, at + fl);
	return out;
}

/* Loads text as "scenario.cfg" and returns the error message, or "OK". */
static const char *load_msg(const char *text, const char *const *sets,
			    size_t nsets)
{
	struct dcg_model *m = NULL;
	struct dcg_error err = {0};
	if (!text)
		return "(no text)";
	int rc = dcg_config_load_string(text, "scenario.cfg", sets, nsets, &m,
					&err);
	dcg_model_free(m);
	if (rc == 0)
		return "OK";
	if (rc != DCG_ECONFIG)
		snprintf(msg, sizeof msg, "status %d: %.1000s", rc, err.msg);
	else
		snprintf(msg, sizeof msg, "%s", err.msg);
	return msg;
}

/* The message of base with one substring replaced. */
static const char *edit_msg(const char *base, const char *from, const char *to)
{
	char *t = replace(base, from, to);
	const char *r = load_msg(t, NULL, 0);
	free(t);
	return r;
}

static const char *set_msg(const char *base, const char *set)
{
	const char *sets[] = {set};
	return load_msg(base, sets, 1);
}

#define EXPECT(got, want)                                                  \
	do {                                                               \
		const char *g_ = (got), *w_ = (want);                      \
		CU_ASSERT_STRING_EQUAL(g_, w_);                            \
		if (strcmp(g_, w_) != 0)                                   \
			fprintf(stderr, "\n%s:%d\n  got:  %s\n  want: %s\n", \
				__FILE__, __LINE__, g_, w_);               \
	} while (0)

static struct dcg_model *load_file(const char *path, const char *const *sets,
				   size_t nsets)
{
	struct dcg_model *m = NULL;
	struct dcg_error err = {0};
	int rc = dcg_config_load_file(path, sets, nsets, &m, &err);
	if (rc)
		fprintf(stderr, "\nloading %s: %s\n", path, err.msg);
	CU_ASSERT_EQUAL(rc, 0);
	return m;
}

static bool is_constant(const struct dcg_schedule *s, double v)
{
	return s->n == 1 && s->year[0] == 0.0 && s->value[0] == v &&
	       s->interp == DCG_INTERP_LINEAR;
}

/* ---- model equality, field by field ------------------------------------- */

static bool same_sched(const struct dcg_schedule *a,
		       const struct dcg_schedule *b)
{
	if (a->n != b->n || a->interp != b->interp)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->year[i] != b->year[i] || a->value[i] != b->value[i])
			return false;
	return true;
}

#define SAME(x)                                                            \
	do {                                                               \
		if (!(a->x == b->x)) {                                     \
			fprintf(stderr, "\nfield %s differs\n", #x);       \
			return false;                                      \
		}                                                          \
	} while (0)
#define SAME_STR(x)                                                        \
	do {                                                               \
		if (strcmp(a->x, b->x) != 0) {                             \
			fprintf(stderr, "\nfield %s differs\n", #x);       \
			return false;                                      \
		}                                                          \
	} while (0)
#define SAME_SCHED(x)                                                      \
	do {                                                               \
		if (!same_sched(&a->x, &b->x)) {                           \
			fprintf(stderr, "\nschedule %s differs\n", #x);    \
			return false;                                      \
		}                                                          \
	} while (0)

static bool same_model(const struct dcg_model *a, const struct dcg_model *b)
{
	SAME_STR(scenario);
	SAME_STR(description);
	SAME(t0);
	SAME(t1);
	SAME(output_step_yr);
	SAME(rtol);
	SAME(atol);
	SAME(method);
	SAME(linsol);
	SAME(max_steps);
	SAME(R);
	SAME(K);
	SAME(S);
	SAME(J);
	SAME(L);
	SAME(grid_enabled);
	SAME(grid.reserve_target);
	SAME(grid.invest_time_yr);
	SAME(grid.gate_width);
	SAME(grid.flow_scale);
	SAME(grid.transfer_factor);
	SAME(grid.dc_peak_factor);
	SAME(grid.price_alpha);
	SAME(grid.price_beta);
	SAME(grid.demand_price_elasticity);
	SAME(grid.share_price_elasticity);
	SAME(grid.share_time_yr);
	SAME(grid.perception_time_yr);
	SAME(grid.pue_time_yr);
	SAME(grid.gate_enabled);
	SAME(grid.price_growth_enabled);
	SAME(grid.price_share_enabled);
	SAME(grid.peak_smoothing);
	SAME(grid.standard);
	SAME(grid.gate_reads);
	SAME(grid.lole_standard_h);
	SAME(grid.lole_gate_width);
	for (size_t s = 0; s < a->S; s++) {
		SAME_STR(segments[s].name);
		SAME(segments[s].initial_demand_pflops);
		SAME_SCHED(segments[s].growth);
		SAME(segments[s].saturation_pflops);
		SAME(segments[s].adjust_time_yr);
	}
	for (size_t k = 0; k < a->K; k++) {
		SAME_STR(classes[k].name);
		SAME(classes[k].segment);
		SAME(classes[k].build_time_yr);
		SAME(classes[k].life_yr);
		SAME(classes[k].utilisation);
		SAME(classes[k].preference);
		SAME(classes[k].cancel_fraction);
		SAME_SCHED(classes[k].kw_per_rack);
		SAME_SCHED(classes[k].pflops_per_rack);
		SAME_SCHED(classes[k].availability);
		SAME(classes[k].has_supply_limit);
		SAME_SCHED(classes[k].supply_limit);
		SAME(classes[k].initial_racks);
		SAME(classes[k].initial_kw_per_rack);
		SAME(classes[k].initial_pflops_per_rack);
		SAME(classes[k].initial_pipeline_racks);
	}
	for (size_t j = 0; j < a->J; j++) {
		SAME_STR(techs[j].name);
		SAME(techs[j].kind);
		SAME(techs[j].lead_time_yr);
		SAME(techs[j].life_yr);
		SAME(techs[j].capacity_credit);
		SAME(techs[j].capacity_factor);
		SAME(techs[j].emission_factor);
		SAME(techs[j].forced_outage_rate);
		SAME(techs[j].unit_size_gw);
		SAME_SCHED(techs[j].variable_cost);
		SAME(techs[j].duration_h);
		SAME(techs[j].efficiency);
		SAME(techs[j].min_output);
	}
	for (size_t r = 0; r < a->R; r++) {
		SAME_STR(regions[r].name);
		SAME(regions[r].initial_share);
		SAME_SCHED(regions[r].policy_weight);
		SAME(regions[r].initial_pue);
		SAME_SCHED(regions[r].pue_target);
		if (!a->grid_enabled)
			continue;
		SAME(regions[r].base_demand_gw);
		SAME_SCHED(regions[r].base_growth);
		SAME(regions[r].peak_factor);
		SAME(regions[r].reserve_min);
		for (size_t j = 0; j < a->J; j++) {
			SAME(regions[r].capacity_gw[j]);
			SAME(regions[r].pipeline_gw[j]);
			SAME(regions[r].capacity_credit[j]);
			SAME_SCHED(regions[r].planned_gw_per_yr[j]);
			SAME_SCHED(regions[r].mix[j]);
		}
	}
	for (size_t l = 0; l < a->L; l++) {
		SAME_STR(corridors[l].name);
		SAME(corridors[l].from);
		SAME(corridors[l].to);
		SAME_SCHED(corridors[l].rating_gw);
		SAME(corridors[l].availability);
		SAME(corridors[l].length_km);
		SAME(corridors[l].loss_per_1000km);
	}
	return true;
}

/* ---- loading and defaults ----------------------------------------------- */

/* A schedule of DCG_SCHEDULE_POINTS_MAX points loads; one more is refused
 * with the limit in the message (a million points used to load and make
 * the run take minutes). */
static int schedule_of(size_t n, struct dcg_model **m, struct dcg_error *err)
{
	size_t size = 1024 + n * 48;
	char *text = malloc(size);
	CU_ASSERT_FATAL(text != NULL);
	size_t at = (size_t)snprintf(text, size,
		"scenario = \"long\";\n"
		"horizon = { start = 2024.0; end = 2030.0; };\n"
		"segments = ( { name = \"general\"; growth = 0.1; } );\n"
		"hardware = ( { name = \"cpu\"; segment = \"general\"; "
		"build_time_yr = 1.0; life_yr = 6.0; pflops_per_rack = 0.1; "
		"initial_racks = 1000.0;\n  kw_per_rack = { year = [");
	for (size_t i = 0; i < n; i++)
		at += (size_t)snprintf(text + at, size - at, "%s%.6f", i ? "," : "",
				       2024.0 + 6.0 * (double)i / (double)n);
	at += (size_t)snprintf(text + at, size - at, "]; value = [");
	for (size_t i = 0; i < n; i++)
		at += (size_t)snprintf(text + at, size - at, "%s8.0", i ? "," : "");
	snprintf(text + at, size - at,
		 "]; }; } );\nregions = ( { name = \"only\"; initial_share = 1.0; "
		 "initial_pue = 1.3; } );\n");
	int rc = dcg_config_load_string(text, "long.cfg", NULL, 0, m, err);
	free(text);
	return rc;
}

static void test_schedule_length(void)
{
	struct dcg_model *m = NULL;
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL(schedule_of(DCG_SCHEDULE_POINTS_MAX, &m, &err), 0);
	dcg_model_free(m);
	m = NULL;
	CU_ASSERT_EQUAL(schedule_of(DCG_SCHEDULE_POINTS_MAX + 1, &m, &err),
			DCG_ECONFIG);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_STRING_EQUAL(err.msg,
			       "long.cfg:5: hardware.[0].kw_per_rack has "
			       "10001 points (at most 10000: a schedule is "
			       "interpolated at every step, so keep it to the "
			       "points that matter)");
}

static void test_small_defaults(void)
{
	struct dcg_model *m = load_file(SMALL, NULL, 0);
	if (!m)
		return;
	CU_ASSERT_STRING_EQUAL(m->scenario, "small");
	CU_ASSERT_STRING_EQUAL(m->description, "");
	CU_ASSERT_EQUAL(m->t0, 2024.0);
	CU_ASSERT_EQUAL(m->t1, 2030.0);
	CU_ASSERT_EQUAL(m->output_step_yr, 0.25);
	CU_ASSERT_EQUAL(m->rtol, 1e-6);
	CU_ASSERT_EQUAL(m->atol, 1e-6);
	CU_ASSERT_EQUAL(m->method, DCG_METHOD_AUTO);
	CU_ASSERT_EQUAL(m->linsol, DCG_LINSOL_AUTO);
	CU_ASSERT_EQUAL(m->max_steps, 100000);
	CU_ASSERT_EQUAL(m->grid.pue_time_yr, 2.0);
	CU_ASSERT_EQUAL(m->grid.share_time_yr, 3.0);
	CU_ASSERT_EQUAL(m->grid.perception_time_yr, 0.2);
	CU_ASSERT_TRUE(m->grid.gate_enabled && m->grid.price_growth_enabled &&
		       m->grid.price_share_enabled);
	/* Without a grid group: no grid, no technologies, no corridors. */
	CU_ASSERT_FALSE(m->grid_enabled);
	CU_ASSERT_EQUAL(m->J, 0);
	CU_ASSERT_EQUAL(m->L, 0);
	CU_ASSERT_PTR_NULL(m->techs);
	CU_ASSERT_PTR_NULL(m->corridors);
	CU_ASSERT_EQUAL(m->R, 2);
	CU_ASSERT_EQUAL(m->K, 2);
	CU_ASSERT_EQUAL(m->S, 2);

	CU_ASSERT_STRING_EQUAL(m->segments[1].name, "ai");
	CU_ASSERT_EQUAL(m->segments[0].initial_demand_pflops, -1.0);
	CU_ASSERT_EQUAL(m->segments[1].initial_demand_pflops, 5000.0);
	CU_ASSERT_TRUE(is_constant(&m->segments[0].growth, 0.1));
	CU_ASSERT_EQUAL(m->segments[1].growth.n, 2);
	CU_ASSERT_EQUAL(m->segments[0].saturation_pflops, 1e12);
	CU_ASSERT_EQUAL(m->segments[0].adjust_time_yr, 2.0);

	const struct dcg_class *cpu = &m->classes[0], *gpu = &m->classes[1];
	CU_ASSERT_EQUAL(cpu->segment, 0);
	CU_ASSERT_EQUAL(gpu->segment, 1);
	CU_ASSERT_EQUAL(cpu->life_yr, 6.0); /* an integer for a float key */
	CU_ASSERT_EQUAL(cpu->utilisation, 0.6);
	CU_ASSERT_EQUAL(cpu->preference, 1.0);
	CU_ASSERT_EQUAL(cpu->cancel_fraction, 0.0);
	CU_ASSERT_TRUE(is_constant(&cpu->kw_per_rack, 8.0));
	CU_ASSERT_EQUAL(cpu->pflops_per_rack.interp, DCG_INTERP_LOG);
	CU_ASSERT_EQUAL(cpu->pflops_per_rack.year[1], 2030.0);
	CU_ASSERT_TRUE(is_constant(&cpu->availability, 1.0));
	CU_ASSERT_FALSE(cpu->has_supply_limit);
	CU_ASSERT_EQUAL(cpu->supply_limit.n, 0);
	CU_ASSERT_TRUE(gpu->has_supply_limit);
	CU_ASSERT_TRUE(is_constant(&gpu->supply_limit, 30000.0));
	CU_ASSERT_EQUAL(gpu->kw_per_rack.interp, DCG_INTERP_LINEAR);
	CU_ASSERT_EQUAL(gpu->availability.interp, DCG_INTERP_STEP);
	CU_ASSERT_EQUAL(gpu->initial_racks, 50000.0);
	/* Sentinels stay as they are; the model resolves them. */
	CU_ASSERT_EQUAL(cpu->initial_kw_per_rack, -1.0);
	CU_ASSERT_EQUAL(cpu->initial_pflops_per_rack, -1.0);
	CU_ASSERT_EQUAL(cpu->initial_pipeline_racks, -1.0);
	CU_ASSERT_EQUAL(gpu->initial_pipeline_racks, 10000.0);

	CU_ASSERT_TRUE(is_constant(&m->regions[0].policy_weight, 0.6));
	CU_ASSERT_TRUE(is_constant(&m->regions[0].pue_target, 1.5));
	CU_ASSERT_TRUE(is_constant(&m->regions[1].policy_weight, 0.5));
	CU_ASSERT_EQUAL(m->regions[1].pue_target.n, 2);
	CU_ASSERT_PTR_NULL(m->regions[0].capacity_gw);
	/* finalize ran: the layout is there. */
	CU_ASSERT_TRUE(m->layout.n > 0);
	dcg_model_free(m);
}

static void test_grid_defaults(void)
{
	struct dcg_model *m = load_file(GRID, NULL, 0);
	if (!m)
		return;
	CU_ASSERT_TRUE(m->grid_enabled);
	CU_ASSERT_EQUAL(m->J, 3);
	CU_ASSERT_EQUAL(m->L, 1);
	CU_ASSERT_STRING_EQUAL(m->description,
			       "two regions joined by one corridor");
	CU_ASSERT_EQUAL(m->output_step_yr, 0.5);
	CU_ASSERT_EQUAL(m->rtol, 1e-8);
	CU_ASSERT_EQUAL(m->method, DCG_METHOD_ADAMS);
	CU_ASSERT_EQUAL(m->linsol, DCG_LINSOL_DENSE);
	CU_ASSERT_EQUAL(m->max_steps, 5000);
	CU_ASSERT_EQUAL(m->grid.pue_time_yr, 1.5);
	CU_ASSERT_EQUAL(m->grid.share_time_yr, 3.0);
	CU_ASSERT_EQUAL(m->grid.reserve_target, 0.2);
	CU_ASSERT_EQUAL(m->grid.price_alpha, 1.0);
	CU_ASSERT_EQUAL(m->grid.gate_width, 0.02);
	CU_ASSERT_EQUAL(m->grid.share_price_elasticity, 2.0);
	CU_ASSERT_TRUE(m->grid.gate_enabled);
	CU_ASSERT_FALSE(m->grid.price_share_enabled);

	CU_ASSERT_EQUAL(m->techs[0].kind, DCG_TECH_THERMAL);
	CU_ASSERT_EQUAL(m->techs[1].kind, DCG_TECH_VARIABLE);
	CU_ASSERT_EQUAL(m->techs[2].kind, DCG_TECH_MUST_RUN);
	CU_ASSERT_EQUAL(m->techs[0].emission_factor, 0.85);
	CU_ASSERT_EQUAL(m->techs[1].emission_factor, 0.0);

	const struct dcg_region *n = &m->regions[0], *s = &m->regions[1];
	CU_ASSERT_EQUAL(n->base_demand_gw, 700.0 / 8.76);
	CU_ASSERT_TRUE(is_constant(&n->base_growth, 0.03));
	CU_ASSERT_TRUE(is_constant(&s->base_growth, 0.0));
	CU_ASSERT_EQUAL(s->peak_factor, 1.3);
	CU_ASSERT_EQUAL(s->reserve_min, 0.05);
	CU_ASSERT_EQUAL(n->capacity_gw[1], 40.0);
	CU_ASSERT_EQUAL(s->capacity_gw[1], 0.0);       /* missing: 0 */
	CU_ASSERT_EQUAL(n->pipeline_gw[1], 5.0);
	CU_ASSERT_EQUAL(n->pipeline_gw[0], -1.0);      /* missing: steady */
	CU_ASSERT_EQUAL(n->capacity_credit[1], 0.1);
	CU_ASSERT_EQUAL(n->capacity_credit[0], 0.9);   /* the technology's */
	CU_ASSERT_EQUAL(s->capacity_credit[2], 0.5);
	CU_ASSERT_EQUAL(n->planned_gw_per_yr[1].n, 2);
	CU_ASSERT_TRUE(is_constant(&n->planned_gw_per_yr[0], 0.0));
	CU_ASSERT_TRUE(is_constant(&n->mix[0], 0.6));
	CU_ASSERT_TRUE(is_constant(&s->mix[0], 0.0));

	CU_ASSERT_STRING_EQUAL(m->corridors[0].name, "north-south");
	CU_ASSERT_EQUAL(m->corridors[0].from, 0);
	CU_ASSERT_EQUAL(m->corridors[0].to, 1);
	CU_ASSERT_EQUAL(m->corridors[0].rating_gw.interp, DCG_INTERP_STEP);

	CU_ASSERT_EQUAL(m->classes[0].initial_kw_per_rack, 6.0);
	CU_ASSERT_EQUAL(m->classes[1].cancel_fraction, 0.5);

	/* The hourly grid's keys, all at their defaults in this fixture. */
	CU_ASSERT_EQUAL(m->grid.peak_smoothing, 0.005);
	CU_ASSERT_EQUAL(m->grid.standard, DCG_STD_RESERVE_MARGIN);
	CU_ASSERT_EQUAL(m->grid.gate_reads, DCG_STD_RESERVE_MARGIN);
	CU_ASSERT_EQUAL(m->grid.lole_standard_h, 3.0);
	CU_ASSERT_EQUAL(m->grid.lole_gate_width, 0.5);
	for (size_t j = 0; j < m->J; j++) {
		CU_ASSERT_EQUAL(m->techs[j].forced_outage_rate, 0.05);
		CU_ASSERT_EQUAL(m->techs[j].unit_size_gw, 0.5);
		CU_ASSERT_TRUE(is_constant(&m->techs[j].variable_cost, 0.0));
		CU_ASSERT_EQUAL(m->techs[j].duration_h, 4.0);
		CU_ASSERT_EQUAL(m->techs[j].efficiency, 0.85);
		CU_ASSERT_EQUAL(m->techs[j].min_output, 0.0);
	}
	CU_ASSERT_EQUAL(m->corridors[0].availability, 0.95);
	CU_ASSERT_EQUAL(m->corridors[0].length_km, 0.0);
	CU_ASSERT_EQUAL(m->corridors[0].loss_per_1000km, 0.03);
	/* No hours section: one peak-hour day (model/model.c). */
	CU_ASSERT_EQUAL(m->D, 1);
	CU_ASSERT_EQUAL(m->day_weight[0], 365.0);
	CU_ASSERT_EQUAL(n->load_shape[0], 1.25);
	CU_ASSERT_EQUAL(s->dc_shape[0], 1.05);
	CU_ASSERT_EQUAL(n->cf_shape[1 * DCG_HOURS], 0.1);
	dcg_model_free(m);
}

static void test_builtin(void)
{
	struct dcg_model *m = NULL;
	struct dcg_error err = {0};
	int rc = dcg_config_load_default(NULL, 0, &m, &err);
	if (rc)
		fprintf(stderr, "\n%s\n", err.msg);
	CU_ASSERT_EQUAL(rc, 0);
	if (m)
		CU_ASSERT_TRUE(m->grid_enabled && m->R > 1 && m->J > 0);
	dcg_model_free(m);

	/* The built-in text is the shipped file, byte for byte. */
	char *file = read_text("../inputs/scenarios/china-baseline.cfg");
	CU_ASSERT_PTR_NOT_NULL(file);
	if (file)
		CU_ASSERT_STRING_EQUAL(dcg_config_default_text(), file);
	free(file);
}

static void test_file_errors(void)
{
	struct dcg_model *m = NULL;
	struct dcg_error err = {0};
	int rc = dcg_config_load_file("data/no-such.cfg", NULL, 0, &m, &err);
	CU_ASSERT_EQUAL(rc, DCG_EIO);
	EXPECT(err.msg, "data/no-such.cfg: cannot open: No such file or "
			"directory");
	CU_ASSERT_PTR_NULL(m);

	/* A syntax error keeps libconfig's own line and text, shows the
	 * line, and an error in the file names the file as given. */
	char dir[] = "/tmp/dcg-test-config-XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	char path[128], part[128];
	snprintf(path, sizeof path, "%s/main.cfg", dir);
	snprintf(part, sizeof part, "%s/part.cfg", dir);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("scenario = \"x\";\n\nhorizon = { start = 2024.0; end = ; };\n",
	      f);
	fclose(f);
	rc = dcg_config_load_file(path, NULL, 0, &m, &err);
	CU_ASSERT_EQUAL(rc, DCG_ECONFIG);
	char want[256];
	snprintf(want, sizeof want,
		 "%s:3: syntax error (the line reads: horizon = { start = "
		 "2024.0; end = ; };)",
		 path);
	EXPECT(err.msg, want);

	/* @include is relative to the scenario's folder, not the working
	 * directory, and messages name the included file. */
	char *text = replace(small_text, "hardware = (",
			     "@include \"part.cfg\"\nhardware = (");
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	free(text);
	f = fopen(part, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("# included\ndescription = \"from part\";\n", f);
	fclose(f);
	rc = dcg_config_load_file(path, NULL, 0, &m, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (m)
		CU_ASSERT_STRING_EQUAL(m->description, "from part");
	dcg_model_free(m);
	m = NULL;
	f = fopen(part, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("# included\ndescription = 5;\n", f);
	fclose(f);
	rc = dcg_config_load_file(path, NULL, 0, &m, &err);
	snprintf(want, sizeof want,
		 "%s:2: description = 5 has the wrong type (expected a string "
		 "in double quotes)",
		 part);
	EXPECT(err.msg, want);
	remove(part);
	remove(path);
	rmdir(dir);
}

/* ---- validation messages ------------------------------------------------ */

static void test_range_errors(void)
{
	EXPECT(edit_msg(small_text, "initial_pue = 1.3", "initial_pue = 0.9"),
	       "scenario.cfg:38: regions.[1].initial_pue = 0.9 is below the "
	       "minimum 1 (PUE cannot be under 1)");
	EXPECT(edit_msg(small_text, "life_yr = 6;", "life_yr = 0.05;"),
	       "scenario.cfg:17: hardware.[0].life_yr = 0.05 is at or below "
	       "the lower limit 0.1 (expected 0.1 < life_yr <= 50 years)");
	EXPECT(edit_msg(small_text, "life_yr = 6;", "life_yr = 51;"),
	       "scenario.cfg:17: hardware.[0].life_yr = 51 is above the "
	       "maximum 50 (expected 0.1 < life_yr <= 50 years)");
	EXPECT(edit_msg(small_text, "initial_racks = 50000;",
			"initial_racks = 50000; utilisation = 1.5;"),
	       "scenario.cfg:30: hardware.[1].utilisation = 1.5 is above the "
	       "maximum 1 (expected 0 < utilisation <= 1)");
	EXPECT(edit_msg(small_text, "initial_pipeline_racks = 10000.0",
			"initial_pipeline_racks = -5.0"),
	       "scenario.cfg:31: hardware.[1].initial_pipeline_racks = -5.0 is "
	       "below the minimum 0 (expected 0 <= initial_pipeline_racks <= "
	       "1e9 racks, or -1 for the steady-state pipeline)");
	EXPECT(edit_msg(small_text, "initial_demand_pflops = 5000.0",
			"saturation_pflops = 0"),
	       "scenario.cfg:10: segments.[1].saturation_pflops = 0 is at or "
	       "below the lower limit 0 (expected saturation_pflops > 0 "
	       "PFLOPS)");
	/* Schedules check every value against the key's range. */
	EXPECT(edit_msg(small_text, "value = [40.0, 80.0]",
			"value = [40.0, 2500.0]"),
	       "scenario.cfg:26: hardware.[1].kw_per_rack.value.[1] = 2500.0 "
	       "is above the maximum 2000 (expected 0 < kw_per_rack <= 2000 "
	       "kW/rack)");
	EXPECT(edit_msg(small_text, "policy_weight = 0.5",
			"policy_weight = -0.5"),
	       "scenario.cfg:40: regions.[1].policy_weight = -0.5 is below "
	       "the minimum 0 (expected 0 <= policy_weight <= 1000000)");
	/* Not a number at all: numbers that overflow read as infinity. */
	EXPECT(edit_msg(small_text, "life_yr = 6;", "life_yr = 1e999;"),
	       "scenario.cfg:17: hardware.[0].life_yr = inf is not a finite "
	       "number (expected 0.1 < life_yr <= 50 years)");
	EXPECT(edit_msg(grid_text, "capacity_factor = 0.24;",
			"capacity_factor = 0.24; forced_outage_rate = 0.95;"),
	       "scenario.cfg:54: technologies.[1].forced_outage_rate = 0.95 is "
	       "above the maximum 0.9 (expected 0 <= forced_outage_rate <= 0.9)");
	EXPECT(edit_msg(grid_text, "capacity_factor = 0.24;",
			"capacity_factor = 0.24; efficiency = 0.0;"),
	       "scenario.cfg:54: technologies.[1].efficiency = 0.0 is at or "
	       "below the lower limit 0 (expected 0 < efficiency <= 1)");
	EXPECT(edit_msg(grid_text, "value = [5.0, 10.0]; };",
			"value = [5.0, 10.0]; }; availability = 1.5;"),
	       "scenario.cfg:60: corridors.[0].availability = 1.5 is above the "
	       "maximum 1 (expected 0 <= availability <= 1)");
	EXPECT(edit_msg(small_text, "start = 2024.0;", "start = 1800.0;"),
	       "scenario.cfg:5: horizon.start = 1800.0 is below the minimum "
	       "1900 (expected 1900 <= start <= 2200 years)");
}

static void test_type_errors(void)
{
	EXPECT(edit_msg(small_text, "life_yr = 6;", "life_yr = \"six\";"),
	       "scenario.cfg:17: hardware.[0].life_yr = \"six\" has the wrong "
	       "type (expected a number in years)");
	/* Integers are fine for float keys, not the other way round. */
	EXPECT(edit_msg(small_text, "scenario = \"small\";",
			"scenario = \"small\";\nsolver = { max_steps = 5e4; };"),
	       "scenario.cfg:5: solver.max_steps = 50000.0 has the wrong type "
	       "(expected an integer, without a decimal point)");
	EXPECT(edit_msg(small_text, "scenario = \"small\";",
			"scenario = \"small\"; coupling = { gate = 1; };"),
	       "scenario.cfg:4: coupling.gate = 1 has the wrong type "
	       "(expected true or false)");
	EXPECT(edit_msg(small_text, "scenario = \"small\";",
			"scenario = \"small\"; solver = { method = \"rk4\"; };"),
	       "scenario.cfg:4: solver.method = \"rk4\" is not a valid choice "
	       "(expected one of \"bdf\", \"adams\", \"auto\")");
	EXPECT(edit_msg(small_text, "kw_per_rack = 8.0;",
			"kw_per_rack = \"8\";"),
	       "scenario.cfg:18: hardware.[0].kw_per_rack = \"8\" has the "
	       "wrong type (expected a number or a schedule { year = [...]; "
	       "value = [...]; } in kW/rack)");
	EXPECT(edit_msg(small_text, "horizon = { start = 2024.0; end = 2030.0; };",
			"horizon = 2024;"),
	       "scenario.cfg:5: horizon = 2024 has the wrong type (expected a "
	       "group { ... })");
	EXPECT(edit_msg(small_text, "segments = (", "segments = 1; y = ("),
	       "scenario.cfg:6: unknown key y (valid keys: scenario, "
	       "description, horizon, solver, datacenter, segments, hardware, "
	       "regions, grid, technologies, corridors, hours, coupling)");
	EXPECT(edit_msg(small_text, "\"small\"", "\"my small\""),
	       "scenario.cfg:4: scenario = \"my small\" contains the character "
	       "' ' (expected 1 to 63 characters of A-Z a-z 0-9 . _ -)");
	EXPECT(edit_msg(small_text, "{ name = \"cpu\";", "5, { name = \"cpu\";"),
	       "scenario.cfg:14: hardware.[0] = 5 has the wrong type (expected "
	       "a group { name = ...; } describing a hardware class)");
}

static void test_key_errors(void)
{
	EXPECT(edit_msg(small_text, "life_yr = 6;", "lif_yr = 6;"),
	       "scenario.cfg:17: unknown key hardware.[0].lif_yr (did you mean "
	       "life_yr?)");
	EXPECT(edit_msg(small_text, "initial_racks = 50000;",
			"initial_racks = 50000; saturation = 1.0;"),
	       "scenario.cfg:30: unknown key hardware.[1].saturation (valid "
	       "keys: name, segment, build_time_yr, life_yr, utilisation, "
	       "preference, cancel_fraction, kw_per_rack, pflops_per_rack, "
	       "availability, supply_limit_racks_per_yr, initial_racks, "
	       "initial_kw_per_rack, initial_pflops_per_rack, "
	       "initial_pipeline_racks)");
	/* A prefix is a suggestion too. */
	EXPECT(edit_msg(small_text, "end = 2030.0;", "end = 2030.0; output = 1.0;"),
	       "scenario.cfg:5: unknown key horizon.output (did you mean "
	       "output_step_yr?)");
	EXPECT(edit_msg(small_text, "    life_yr = 5.0;\n", ""),
	       "scenario.cfg:22: hardware.[1] is missing required key life_yr "
	       "(service life of a rack, years)");
	EXPECT(edit_msg(small_text, "horizon = { start = 2024.0; end = 2030.0; };",
			""),
	       "scenario.cfg: the scenario is missing required key horizon "
	       "(projection horizon)");
	EXPECT(edit_msg(small_text, "{ name = \"east\"; ", "{ "),
	       "scenario.cfg:35: regions.[0] is missing required key name "
	       "(region name)");
	EXPECT(edit_msg(small_text, "pflops_per_rack = 2.0;",
			"pflops_per_rack = { interp = \"log\"; years = [2024.0]; "
			"value = [2.0]; };"),
	       "scenario.cfg:27: unknown key hardware.[1].pflops_per_rack.years "
	       "(did you mean year?)");
}

static void test_schedule_errors(void)
{
	EXPECT(edit_msg(small_text, "value = [40.0, 80.0]",
			"value = [40.0, 80.0, 90.0]"),
	       "scenario.cfg:26: hardware.[1].kw_per_rack has 2 years but 3 "
	       "values (year and value need the same length)");
	EXPECT(edit_msg(small_text, "year = [2024.0, 2030.0]; value = [40.0",
			"year = [2030.0, 2024.0]; value = [40.0"),
	       "scenario.cfg:26: hardware.[1].kw_per_rack.year.[1] = 2024.0 is "
	       "before the previous year 2030 (years must be strictly "
	       "increasing)");
	EXPECT(edit_msg(small_text, "year = [2024.0, 2030.0]; value = [40.0",
			"year = [2024.0, 2024.0]; value = [40.0"),
	       "scenario.cfg:26: hardware.[1].kw_per_rack.year.[1] = 2024.0 "
	       "repeats the previous year (years must be strictly "
	       "increasing)");
	EXPECT(edit_msg(small_text,
			"{ year = [2024.0, 2030.0]; value = [40.0, 80.0]; }",
			"{ year = []; value = []; }"),
	       "scenario.cfg:26: hardware.[1].kw_per_rack.year is empty (a "
	       "schedule needs at least one point)");
	EXPECT(edit_msg(small_text,
			"{ year = [2024.0, 2030.0]; value = [40.0, 80.0]; }",
			"{ value = [40.0]; }"),
	       "scenario.cfg:26: hardware.[1].kw_per_rack is missing required "
	       "key year (the years of the schedule's points, strictly "
	       "increasing)");
	EXPECT(edit_msg(small_text, "value = [0.1, 0.2]", "value = [0.1, 0.0]"),
	       "scenario.cfg:19: hardware.[0].pflops_per_rack.value.[1] = 0.0 "
	       "is at or below the lower limit 0 (expected 0 < pflops_per_rack "
	       "<= 1000000 PFLOPS/rack)");
	EXPECT(edit_msg(small_text, "value = [0.4, 0.3]", "value = [0.4, -0.3]"),
	       "OK");
	EXPECT(edit_msg(small_text, "interp = \"log\"", "interp = \"cubic\""),
	       "scenario.cfg:19: hardware.[0].pflops_per_rack.interp = "
	       "\"cubic\" is not a valid choice (expected one of \"linear\", "
	       "\"step\", \"log\")");
	EXPECT(edit_msg(small_text, "growth = 0.1;",
			"growth = { interp = \"log\"; year = [2024.0, 2030.0]; "
			"value = [0.1, -0.1]; };"),
	       "scenario.cfg:7: segments.[0].growth.value.[1] = -0.1 is not "
	       "positive (interp \"log\" needs positive values)");
	EXPECT(edit_msg(small_text, "year = [2024, 2030]", "year = 2024"),
	       "scenario.cfg:19: hardware.[0].pflops_per_rack.year = 2024 has "
	       "the wrong type (expected an array of numbers, e.g. [2024.0, "
	       "2030.0])");
}

static void test_consistency_errors(void)
{
	EXPECT(edit_msg(small_text, "initial_share = 0.4;",
			"initial_share = 0.3;"),
	       "scenario.cfg:34: the regions' initial_share values sum to 0.9, "
	       "not 1 (they must sum to 1 within 1e-6)");
	EXPECT(edit_msg(small_text, "initial_share = 0.4;",
			"initial_share = 0.4000001;"),
	       "OK");
	EXPECT(edit_msg(small_text, "{ name = \"gpu\";", "{ name = \"cpu\";"),
	       "scenario.cfg:22: hardware.[1].name = \"cpu\" repeats the name "
	       "of hardware.[0] (names must be unique)");
	EXPECT(edit_msg(small_text, "segment = \"general\"",
			"segment = \"genral\""),
	       "scenario.cfg:15: hardware.[0].segment = \"genral\" is not a "
	       "segment name (did you mean general?)");
	EXPECT(edit_msg(small_text, "segment = \"general\"",
			"segment = \"storage\""),
	       "scenario.cfg:15: hardware.[0].segment = \"storage\" is not a "
	       "segment name (segments: general, ai)");
	EXPECT(edit_msg(small_text, "end = 2030.0", "end = 2024.0"),
	       "scenario.cfg:5: horizon.end = 2024 is not after horizon.start "
	       "= 2024 (the horizon needs end > start)");
	EXPECT(edit_msg(small_text, "end = 2030.0", "end = 2600.0"),
	       "scenario.cfg:5: horizon.end = 2600 is more than 500 years "
	       "after horizon.start = 2024 (a horizon spans at most 500 years)");
	EXPECT(edit_msg(small_text, "end = 2030.0;",
			"end = 2030.0; output_step_yr = 1e-6;"),
	       "scenario.cfg:5: horizon.output_step_yr = 1e-6 gives 6000001 "
	       "output points (at most 1000000; use a larger step or a shorter "
	       "horizon)");
	EXPECT(edit_msg(small_text,
			"  { name = \"general\"; growth = 0.1; },\n"
			"  { name = \"ai\";\n"
			"    growth = { interp = \"linear\"; year = [2024.0, "
			"2030.0]; value = [0.4, 0.3]; };\n"
			"    initial_demand_pflops = 5000.0;\n"
			"  }\n",
			""),
	       "scenario.cfg:6: segments is empty (at least one segment is "
	       "required)");
	char name[80];
	memset(name, 'a', 64);
	name[64] = '\0';
	char with[100];
	snprintf(with, sizeof with, "{ name = \"%s\";", name);
	char want[300];
	snprintf(want, sizeof want,
		 "scenario.cfg:14: hardware.[0].name = \"%.60s...\" is too long "
		 "(expected at most 63 characters)",
		 name);
	EXPECT(edit_msg(small_text, "{ name = \"cpu\";", with), want);
}

static void test_grid_errors(void)
{
	EXPECT(edit_msg(grid_text, "to = \"south\"", "to = \"north\""),
	       "scenario.cfg:59: corridors.[0].to = \"north\" is the same region "
	       "as from (a corridor joins two different regions)");
	EXPECT(edit_msg(grid_text, "to = \"south\"", "to = \"sout\""),
	       "scenario.cfg:59: corridors.[0].to = \"sout\" is not a region "
	       "name (did you mean south?)");
	EXPECT(edit_msg(grid_text, "coal = 30.0", "cola = 30.0"),
	       "scenario.cfg:41: unknown technology "
	       "regions.[1].grid.capacity_gw.cola (did you mean coal?)");
	EXPECT(edit_msg(grid_text, "coal = 30.0", "gas = 30.0"),
	       "scenario.cfg:41: unknown technology "
	       "regions.[1].grid.capacity_gw.gas (technologies: coal, wind, "
	       "hydro)");
	EXPECT(edit_msg(grid_text, "mix = { hydro = 1.0; };",
			"mix = { hydro = 0.0; };"),
	       "scenario.cfg:42: regions.[1].grid.mix sums to 0 at "
	       "horizon.start = 2024 (at least one technology needs a positive "
	       "investment share)");
	EXPECT(edit_msg(grid_text, "reserve_min = 0.04;", "reserve_min = 3.0;"),
	       "scenario.cfg:28: regions.[0].grid.reserve_min = 3.0 is above "
	       "the maximum 2 (expected -1 <= reserve_min <= 2)");
	EXPECT(edit_msg(grid_text, "pipeline_gw = { wind = 5.0; };",
			"pipeline_gw = { wind = -2.0; };"),
	       "scenario.cfg:30: regions.[0].grid.pipeline_gw.wind = -2.0 is "
	       "below the minimum 0 (expected 0 <= pipeline_gw <= 100000 GW, or "
	       "-1 for the steady-state pipeline)");
	EXPECT(edit_msg(grid_text, "pipeline_gw = { wind = 5.0; };",
			"pipeline_gw = { wind = -1.0; };"),
	       "OK");
	/* The grid group switches the grid on; then every region needs one. */
	EXPECT(edit_msg(grid_text,
			"    grid = {\n      base_demand_twh = 300.0;\n"
			"      capacity_gw = { coal = 30.0; hydro = 20.0; };\n"
			"      mix = { hydro = 1.0; };\n    };\n",
			""),
	       "scenario.cfg:36: regions.[1] is missing required key grid (the "
	       "region's power grid; required because the top-level grid "
	       "group is present)");
	EXPECT(edit_msg(grid_text, "technologies = (", "technologie = ("),
	       "scenario.cfg:50: unknown key technologie (did you mean "
	       "technologies?)");
	/* Without the grid group, grid keys are errors, not silently unused. */
	EXPECT(edit_msg(grid_text, "grid = {\n  reserve_target",
			"grd = {\n  reserve_target"),
	       "scenario.cfg:46: unknown key grd (did you mean grid?)");
	char *nogrid = replace(small_text, "{ name = \"east\"; initial_share = 0.6;",
			       "{ name = \"east\"; initial_share = 0.6; grid = { "
			       "base_demand_twh = 1.0; };");
	EXPECT(load_msg(nogrid, NULL, 0),
	       "scenario.cfg:35: regions.[0].grid is given but there is no "
	       "top-level grid group (add grid = { ... } to model the grid, or "
	       "remove regions.[0].grid)");
	free(nogrid);
	nogrid = replace(small_text, "scenario = \"small\";",
			 "scenario = \"small\"; corridors = ();");
	EXPECT(load_msg(nogrid, NULL, 0),
	       "scenario.cfg:4: corridors is given but there is no top-level "
	       "grid group (add grid = { ... } to model the grid, or remove "
	       "corridors)");
	free(nogrid);
	nogrid = replace(small_text, "scenario = \"small\";",
			 "scenario = \"small\"; grid = {};");
	EXPECT(load_msg(nogrid, NULL, 0),
	       "scenario.cfg:4: grid is present but the required key "
	       "technologies is missing (generation technologies)");
	free(nogrid);
	EXPECT(edit_msg(grid_text, "kind = \"variable\"", "kind = \"wind\""),
	       "scenario.cfg:53: technologies.[1].kind = \"wind\" is not a "
	       "valid choice (expected one of \"must_run\", \"variable\", "
	       "\"thermal\", \"hydro\", \"storage\")");
	EXPECT(edit_msg(grid_text, "name = \"hydro\"", "name = \"2hydro\""),
	       "scenario.cfg:55: technologies.[2].name = \"2hydro\" is not a "
	       "valid technology name (it is a key in the regions' grid maps: a "
	       "letter, then letters, digits, - or _)");
	/* Corridors are optional with a grid, and may be an empty list. */
	const char *cor =
		"corridors = (\n  { name = \"north-south\"; from = \"north\"; "
		"to = \"south\";\n    rating_gw = { interp = \"step\"; year = "
		"[2024.0, 2027.0]; value = [5.0, 10.0]; }; }\n);\n";
	EXPECT(edit_msg(grid_text, cor, "corridors = ();\n"), "OK");
	EXPECT(edit_msg(grid_text, cor, ""), "OK");
}

/* ---- --set -------------------------------------------------------------- */

static void test_set_values(void)
{
	const char *sets[] = {
		"hardware.[1].life_yr=6",
		"horizon.end=2036",
		("hardware.[1].availability={interp=\"step\";"
		 "year=[2024.0,2026.1];value=[1.0,0.0];}"),
		"hardware.[1].kw_per_rack.value.[1]=90.0",
		"hardware.[0].supply_limit_racks_per_yr=1000.0",
		"solver.rtol=1e-8",
		"regions.[0]={name=\"east\";initial_share=0.6;initial_pue=1.4;}",
		"description=\"overridden\"",
	};
	struct dcg_model *m = load_file(SMALL, sets, sizeof sets / sizeof *sets);
	if (!m)
		return;
	CU_ASSERT_EQUAL(m->classes[1].life_yr, 6.0);
	CU_ASSERT_EQUAL(m->t1, 2036.0);
	CU_ASSERT_EQUAL(m->classes[1].availability.year[1], 2026.1);
	CU_ASSERT_EQUAL(m->classes[1].kw_per_rack.value[1], 90.0);
	CU_ASSERT_EQUAL(m->classes[1].kw_per_rack.value[0], 40.0);
	CU_ASSERT_TRUE(m->classes[0].has_supply_limit);
	CU_ASSERT_TRUE(is_constant(&m->classes[0].supply_limit, 1000.0));
	CU_ASSERT_EQUAL(m->rtol, 1e-8);
	/* A replaced list element keeps its place. */
	CU_ASSERT_STRING_EQUAL(m->regions[0].name, "east");
	CU_ASSERT_STRING_EQUAL(m->regions[1].name, "west");
	CU_ASSERT_EQUAL(m->regions[0].initial_pue, 1.4);
	CU_ASSERT_STRING_EQUAL(m->description, "overridden");
	dcg_model_free(m);

	const char *gsets[] = {
		"regions.[0].grid.capacity_gw.coal=120",
		"regions.[1].grid.pipeline_gw.wind=2.5",
		("regions.[1].grid.planned_gw_per_yr.hydro={year=[2025.0];"
		 "value=[1.0];}"),
		"grid.gate_width=0.05",
		"coupling.gate=false",
		"corridors.[0].rating_gw=7.5",
	};
	m = load_file(GRID, gsets, sizeof gsets / sizeof *gsets);
	if (!m)
		return;
	CU_ASSERT_EQUAL(m->regions[0].capacity_gw[0], 120.0);
	CU_ASSERT_EQUAL(m->regions[1].pipeline_gw[1], 2.5);
	CU_ASSERT_EQUAL(m->regions[1].planned_gw_per_yr[2].year[0], 2025.0);
	CU_ASSERT_EQUAL(m->grid.gate_width, 0.05);
	CU_ASSERT_FALSE(m->grid.gate_enabled);
	CU_ASSERT_TRUE(is_constant(&m->corridors[0].rating_gw, 7.5));
	dcg_model_free(m);

	/* Overrides apply in order; the last one wins. */
	const char *twice[] = {"horizon.end=2040", "horizon.end=2035.5"};
	m = load_file(SMALL, twice, 2);
	if (m)
		CU_ASSERT_EQUAL(m->t1, 2035.5);
	dcg_model_free(m);
}

/* Blanks around the path and the '=' are allowed: once they made
 * "scenario " an unknown key with the suggestion "did you mean scenario?". */
static void test_set_blanks(void)
{
	const char *sets[] = {" horizon.end = 2033.0 ", "scenario =\t\"spaced\"",
			      "hardware.[1].life_yr= 6"};
	struct dcg_model *m = load_file(SMALL, sets, 3);
	if (!m)
		return;
	CU_ASSERT_EQUAL(m->t1, 2033.0);
	CU_ASSERT_STRING_EQUAL(m->scenario, "spaced");
	CU_ASSERT_EQUAL(m->classes[1].life_yr, 6.0);
	dcg_model_free(m);
}

/* A variant file is its base with overrides, then the command line's. */
static void test_variants(void)
{
	const char *cli[] = {"horizon.end=2029.5"};
	struct dcg_model *v = load_file("data/cfg_variant.cfg", NULL, 0);
	struct dcg_model *b = load_file(SMALL, NULL, 0);
	if (!v || !b)
		goto done;
	CU_ASSERT_STRING_EQUAL(v->scenario, "small-variant");
	CU_ASSERT_EQUAL(v->classes[1].life_yr, 7.0);
	CU_ASSERT_EQUAL(v->t1, 2030.0);
	CU_ASSERT_EQUAL(v->classes[0].life_yr, b->classes[0].life_yr);
	dcg_model_free(v);
	v = load_file("data/cfg_variant.cfg", cli, 1);
	if (v)
		CU_ASSERT_EQUAL(v->t1, 2029.5);
	struct dcg_model *x = NULL;
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL(dcg_config_load_file("data/cfg_variant_loop.cfg", NULL, 0, &x, &err),
			DCG_ECONFIG);
	CU_ASSERT(strstr(err.msg, "data/cfg_variant_loop.cfg:2: base chain is deeper than 8 "
				  "files (does a file name itself?)") != NULL);
	CU_ASSERT_EQUAL(dcg_config_load_file("data/cfg_variant_bad.cfg", NULL, 0, &x, &err),
			DCG_ECONFIG);
	EXPECT(err.msg, "data/cfg_variant_bad.cfg:4: unknown key horizon (a file with base "
			"holds only base and overrides; put changes in overrides)");
	const char *bad[] = {"hardware.[9].life_yr=1"};
	CU_ASSERT_EQUAL(dcg_config_load_file("data/cfg_variant.cfg", bad, 1, &x, &err),
			DCG_ECONFIG);
	CU_ASSERT(strstr(err.msg, "--set hardware.[9].life_yr=1: hardware has 2 entries") ==
		  err.msg);
	CU_ASSERT(strstr(err.msg, "(loading base cfg_small.cfg of data/cfg_variant.cfg)") !=
		  NULL);
	CU_ASSERT_PTR_NULL(x);
done:
	dcg_model_free(v);
	dcg_model_free(b);
}

static void test_set_errors(void)
{
	EXPECT(set_msg(small_text, "hardware.[7].life_yr=6"),
	       "--set hardware.[7].life_yr=6: hardware has 2 entries (indices "
	       "0 to 1)");
	EXPECT(set_msg(small_text, "hardware.[0].lif_yr=6"),
	       "--set hardware.[0].lif_yr=6: unknown key hardware.[0].lif_yr "
	       "(did you mean life_yr?)");
	EXPECT(set_msg(small_text, "horizon.end=20x6"),
	       "--set horizon.end=20x6: cannot read the value 20x6 (expected a "
	       "number, \"text\" in double quotes, true, false, a group { ... } "
	       "or a list ( ... ))");
	EXPECT(set_msg(small_text, "scenario=big"),
	       "--set scenario=big: cannot read the value big (a string needs "
	       "double quotes: --set 'scenario=\"big\"')");
	EXPECT(set_msg(small_text, "horizon.end=1; x=2"),
	       "--set horizon.end=1; x=2: cannot read the value 1; x=2 "
	       "(expected a number, \"text\" in double quotes, true, false, a "
	       "group { ... } or a list ( ... ))");
	EXPECT(set_msg(small_text, "horizon.end="),
	       "--set horizon.end=: the value is empty (expected a number, "
	       "\"text\" in double quotes, true, false, a group { ... } or a "
	       "list ( ... ))");
	EXPECT(set_msg(small_text, "horizon.end"),
	       "--set horizon.end: expected path=value, e.g. horizon.end=2036");
	EXPECT(set_msg(small_text, "horizon..end=1"),
	       "--set horizon..end=1: the path horizon..end has an empty key");
	EXPECT(set_msg(small_text, "horizon.[0]=1"),
	       "--set horizon.[0]=1: horizon is not a list (select a key with "
	       ".name)");
	EXPECT(set_msg(small_text, "hardware.life_yr=1"),
	       "--set hardware.life_yr=1: hardware is a list (select an entry "
	       "with .[i], e.g. hardware.[0])");
	EXPECT(set_msg(small_text, "horizon.end.x=1"),
	       "--set horizon.end.x=1: horizon.end is a single value and has "
	       "no key x");
	EXPECT(set_msg(small_text, "hardware.[0].kw_per_rack.value.[0]=5.0"),
	       "--set hardware.[0].kw_per_rack.value.[0]=5.0: "
	       "hardware.[0].kw_per_rack is a constant (set the whole schedule, "
	       "e.g. hardware.[0].kw_per_rack={year=[2024.0,2030.0];value=[1.0,"
	       "2.0];})");
	EXPECT(set_msg(small_text, "hardware.[1].kw_per_rack.value.[2]=5.0"),
	       "--set hardware.[1].kw_per_rack.value.[2]=5.0: "
	       "hardware.[1].kw_per_rack.value has 2 entries (indices 0 to 1)");
	EXPECT(set_msg(small_text, "hardware.[1].kw_per_rack.valu.[0]=5.0"),
	       "--set hardware.[1].kw_per_rack.valu.[0]=5.0: unknown key "
	       "hardware.[1].kw_per_rack.valu (did you mean value?)");
	EXPECT(set_msg(small_text, "hardware.[x].life_yr=1"),
	       "--set hardware.[x].life_yr=1: [x] is not a list index "
	       "(expected .[0], .[1], ...)");
	/* Values from --set are validated like the file's. */
	EXPECT(set_msg(small_text, "hardware.[0].life_yr=0"),
	       "--set hardware.[0].life_yr=0: hardware.[0].life_yr = 0 is at or "
	       "below the lower limit 0.1 (expected 0.1 < life_yr <= 50 years)");
	EXPECT(set_msg(small_text, "hardware.[0].life_yr=\"six\""),
	       "--set hardware.[0].life_yr=\"six\": hardware.[0].life_yr = "
	       "\"six\" has the wrong type (expected a number in years)");
	EXPECT(set_msg(small_text, "hardware.[1].availability={year=[2024.0];}"),
	       "--set hardware.[1].availability={year=[2024.0];}: "
	       "hardware.[1].availability is missing required key value (the "
	       "values at those years)");
	EXPECT(set_msg(small_text, "regions.[1].initial_share=0.5"),
	       "scenario.cfg:34: the regions' initial_share values sum to 1.1, "
	       "not 1 (they must sum to 1 within 1e-6)");
	EXPECT(set_msg(grid_text, "regions.[0].grid.capacity_gw.cole=1.0"),
	       "--set regions.[0].grid.capacity_gw.cole=1.0: unknown technology "
	       "regions.[0].grid.capacity_gw.cole (did you mean coal?)");
	EXPECT(set_msg(small_text, "corridors.[0].name=\"x\""),
	       "--set corridors.[0].name=\"x\": corridors has no entries");
	/* Creating a missing group switches the grid on, with its rules. */
	EXPECT(set_msg(small_text, "grid.reserve_target=0.2"),
	       "--set grid.reserve_target=0.2: grid is present but the required "
	       "key technologies is missing (generation technologies)");
}

/* ---- dump, visit, reference --------------------------------------------- */

static void round_trip(struct dcg_model *m, const char *what)
{
	char *text = NULL, *again = NULL;
	struct dcg_model *m2 = NULL;
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL_FATAL(dcg_config_dump(m, &text, &err), 0);
	int rc = dcg_config_load_string(text, "<dump>", NULL, 0, &m2, &err);
	if (rc)
		fprintf(stderr, "\nreloading the dump of %s: %s\n", what,
			err.msg);
	CU_ASSERT_EQUAL(rc, 0);
	if (m2) {
		bool same = same_model(m, m2);
		if (!same)
			fprintf(stderr, "\nthe dump of %s differs\n", what);
		CU_ASSERT_TRUE(same);
		CU_ASSERT_EQUAL(dcg_config_dump(m2, &again, &err), 0);
		if (again)
			CU_ASSERT_STRING_EQUAL(text, again);
	}
	free(again);
	free(text);
	dcg_model_free(m2);
}

static void test_dump_round_trip(void)
{
	struct dcg_model *m = load_file(SMALL, NULL, 0);
	if (m)
		round_trip(m, SMALL);
	dcg_model_free(m);
	m = load_file(GRID, NULL, 0);
	if (m)
		round_trip(m, GRID);
	dcg_model_free(m);
	struct dcg_error err = {0};
	m = NULL;
	CU_ASSERT_EQUAL(dcg_config_load_default(NULL, 0, &m, &err), 0);
	if (m)
		round_trip(m, "the built-in scenario");
	dcg_model_free(m);

	/* Awkward numbers: values that %g would shorten, a converted unit
	 * (TWh -> GW), integers past 1e7, escapes in strings. */
	const char *sets[] = {
		"regions.[0].grid.base_demand_twh=703.6",
		"regions.[1].grid.base_demand_twh=0.1",
		"hardware.[0].initial_racks=123456789.0",
		"hardware.[0].utilisation=0.30000000000000004",
		"segments.[0].saturation_pflops=1e11",
		"description=\"tab\\there \\\"quoted\\\" back\\\\slash\"",
	};
	m = load_file(GRID, sets, sizeof sets / sizeof *sets);
	if (m) {
		CU_ASSERT_STRING_EQUAL(m->description,
				       "tab\there \"quoted\" back\\slash");
		round_trip(m, "the edited grid fixture");
	}
	dcg_model_free(m);
}

static void test_dump_format(void)
{
	struct dcg_model *m = load_file(SMALL, NULL, 0);
	char *text = NULL;
	struct dcg_error err = {0};
	if (!m)
		return;
	CU_ASSERT_EQUAL(dcg_config_dump(m, &text, &err), 0);
	if (text) {
		/* Defaults and sentinels are written, with unit comments. */
		CU_ASSERT_PTR_NOT_NULL(strstr(
			text, "    # yr; first year of the projection (decimal "
			      "year)\n    start = 2024.0;\n"));
		CU_ASSERT_PTR_NOT_NULL(strstr(text, "initial_pipeline_racks = "
						    "-1.0;\n"));
		CU_ASSERT_PTR_NOT_NULL(strstr(text, "life_yr = 6.0;\n"));
		CU_ASSERT_PTR_NOT_NULL(strstr(text, "max_steps = 100000;\n"));
		CU_ASSERT_PTR_NOT_NULL(strstr(text, "saturation_pflops = "
						    "1e12;\n"));
		CU_ASSERT_PTR_NOT_NULL(strstr(
			text, "pflops_per_rack = { interp = \"log\"; year = "
			      "[2024.0, 2030.0]; value = [0.1, 0.2]; };\n"));
		CU_ASSERT_PTR_NOT_NULL(strstr(
			text, "# supply_limit_racks_per_yr is not given: "
			      "unlimited\n"));
		CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n# grid is not given: no "
						    "grid model\n"));
		CU_ASSERT_PTR_NULL(strstr(text, "technologies = "));
	}
	free(text);
	dcg_model_free(m);
}

struct visit_log {
	size_t n;
	bool saw_supply_0, saw_supply_1, saw_coal, saw_twh;
	char first[64], last[64];
};

static int log_param(void *ctx, const struct dcg_param_value *pv)
{
	struct visit_log *v = ctx;
	if (v->n == 0)
		snprintf(v->first, sizeof v->first, "%s", pv->path);
	snprintf(v->last, sizeof v->last, "%s", pv->path);
	v->n++;
	if (strcmp(pv->path, "hardware.[0].supply_limit_racks_per_yr") == 0)
		v->saw_supply_0 = true;
	if (strcmp(pv->path, "hardware.[1].supply_limit_racks_per_yr") == 0)
		v->saw_supply_1 = pv->type == DCG_PT_SCHEDULE &&
				  pv->schedule->value[0] == 30000.0 &&
				  strcmp(pv->units, "racks/yr") == 0;
	if (strcmp(pv->path, "regions.[1].grid.capacity_gw.coal") == 0)
		v->saw_coal = pv->type == DCG_PT_DOUBLE && pv->number == 30.0 &&
			      strcmp(pv->units, "GW") == 0;
	if (strcmp(pv->path, "regions.[0].grid.base_demand_twh") == 0)
		v->saw_twh = pv->number == 700.0;
	return 0;
}

static int stop_at_third(void *ctx, const struct dcg_param_value *pv)
{
	(void)pv;
	return ++*(int *)ctx == 3 ? 42 : 0;
}

static void test_visit(void)
{
	struct dcg_model *m = load_file(SMALL, NULL, 0);
	if (!m)
		return;
	struct visit_log v = {0};
	CU_ASSERT_EQUAL(dcg_config_visit(m, log_param, &v), 0);
	/* top 2 + horizon 3 + solver 7 + datacenter 3 + segments 2 x 5 +
	 * hardware 14 + 15 (one supply limit unset) + regions 2 x 5 +
	 * coupling 3. */
	CU_ASSERT_EQUAL(v.n, 67);
	CU_ASSERT_STRING_EQUAL(v.first, "scenario");
	CU_ASSERT_STRING_EQUAL(v.last, "coupling.price_share");
	CU_ASSERT_FALSE(v.saw_supply_0);
	CU_ASSERT_TRUE(v.saw_supply_1);
	int calls = 0;
	CU_ASSERT_EQUAL(dcg_config_visit(m, stop_at_third, &calls), 42);
	CU_ASSERT_EQUAL(calls, 3);
	dcg_model_free(m);

	m = load_file(GRID, NULL, 0);
	if (!m)
		return;
	struct visit_log g = {0};
	CU_ASSERT_EQUAL(dcg_config_visit(m, log_param, &g), 0);
	/* small's 67 - 1 segment (5) + 1 supply limit unset (-1), plus
	 * regions.grid 2 x (4 + 7 maps x 3 technologies: build limits and
	 * life extensions added), grid 10 + 6
	 * (peak_smoothing, standard, gate_reads, lole_standard_h,
	 * load_uncertainty, lole_gate_width), technologies 3 x (7 + 7 + 2:
	 * heat_rate_gj_per_mwh, forced_outage_rate, unit_size_gw, variable_cost, duration_h,
	 * efficiency, min_output; initial_age_yr, approval_time_yr; build
	 * limits unset), corridor 4 + 3 (availability, length_km,
	 * loss_per_1000km), regions.grid.profile 2 x 10 (three arrays of 12
	 * months, one call each); no hours group (one peak-hour day), so none
	 * of its keys. */
	CU_ASSERT_EQUAL(g.n, 61 + 50 + 16 + 48 + 7 + 2 * 10);
	CU_ASSERT_TRUE(g.saw_coal);
	CU_ASSERT_TRUE(g.saw_twh);
	dcg_model_free(m);
}

/* The table's range, default, sentinel and choices, as dcg_config_visit
 * hands them to the explorer (dcgrid serve's GET /api/settings). */
struct range_log {
	int found;
};

static int check_range(void *ctx, const struct dcg_param_value *pv)
{
	struct range_log *l = ctx;
	if (strcmp(pv->path, "hardware.[1].life_yr") == 0) {
		l->found++;
		CU_ASSERT_DOUBLE_EQUAL(pv->min, 0.1, 0);
		CU_ASSERT_DOUBLE_EQUAL(pv->max, 50, 0);
		CU_ASSERT_TRUE(pv->min_open);
		CU_ASSERT_FALSE(pv->max_open);
		CU_ASSERT_STRING_EQUAL(pv->range, "(0.1, 50]");
		CU_ASSERT_TRUE(isnan(pv->default_number)); /* required */
		CU_ASSERT_PTR_NULL(pv->sentinel);
		CU_ASSERT_PTR_NULL(pv->choices);
	} else if (strcmp(pv->path, "horizon.output_step_yr") == 0) {
		l->found++;
		CU_ASSERT_DOUBLE_EQUAL(pv->default_number, 0.25, 0);
		CU_ASSERT_STRING_EQUAL(pv->range, "(0, 500]");
	} else if (strcmp(pv->path, "solver.method") == 0) {
		l->found++;
		CU_ASSERT_TRUE(isnan(pv->min) && isnan(pv->max));
		CU_ASSERT_PTR_NOT_NULL_FATAL(pv->choices);
		CU_ASSERT_STRING_EQUAL(pv->choices[0], "bdf");
		CU_ASSERT_STRING_EQUAL(pv->choices[1], "adams");
		CU_ASSERT_STRING_EQUAL(pv->choices[2], "auto");
		CU_ASSERT_PTR_NULL(pv->choices[3]);
	} else if (strcmp(pv->path, "hardware.[0].initial_kw_per_rack") == 0) {
		l->found++;
		CU_ASSERT_PTR_NOT_NULL(pv->sentinel);
		CU_ASSERT_PTR_NOT_NULL(strstr(pv->range, " or -1"));
	} else if (strcmp(pv->path, "segments.[1].growth") == 0) {
		l->found++;
		CU_ASSERT_EQUAL(pv->type, DCG_PT_SCHEDULE);
		CU_ASSERT_DOUBLE_EQUAL(pv->min, -1, 0);
		CU_ASSERT_DOUBLE_EQUAL(pv->max, 5, 0);
	}
	return 0;
}

static int no_range(void *ctx, const struct dcg_param_value *pv)
{
	(void)ctx;
	CU_ASSERT_PTR_NULL(pv->range);
	return 0;
}

static void test_visit_ranges(void)
{
	struct dcg_model *m = NULL;
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL_FATAL(dcg_config_load_default(NULL, 0, &m, &err), 0);
	struct range_log l = {0};
	CU_ASSERT_EQUAL(dcg_config_visit_ranges(m, check_range, &l), 0);
	CU_ASSERT_EQUAL(l.found, 5);
	/* The plain visit leaves the text out. */
	CU_ASSERT_EQUAL(dcg_config_visit(m, no_range, &l), 0);
	dcg_model_free(m);
}

/* The explorer group (dcgrid serve's sliders) is accepted at the top level
 * of a scenario and of a variant, and left out of the model and its dump;
 * a misspelt name is still an unknown key. */
static void test_explorer_group(void)
{
	const char *ex = "explorer = ( { path = \"hardware.[0].life_yr\"; "
			 "label = \"life\"; min = 1.0; max = 9.0; } );\n";
	size_t n = strlen(small_text) + strlen(ex) + 1;
	char *t = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	snprintf(t, n, "%s%s", small_text, ex);
	CU_ASSERT_STRING_EQUAL(load_msg(t, NULL, 0), "OK");
	struct dcg_model *m = NULL;
	struct dcg_error err = {0};
	char *dump = NULL;
	CU_ASSERT_EQUAL_FATAL(dcg_config_load_string(t, "s.cfg", NULL, 0, &m, &err), 0);
	CU_ASSERT_EQUAL(dcg_config_dump(m, &dump, &err), 0);
	CU_ASSERT_PTR_NULL(dump ? strstr(dump, "explorer") : "no dump");
	free(dump);
	dcg_model_free(m);
	free(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(edit_msg(small_text, "scenario =",
					       "explorers = 1;\nscenario ="),
				      "unknown key explorers"));
	/* The built-in scenario has one. */
	CU_ASSERT_PTR_NOT_NULL(strstr(dcg_config_default_text(), "\nexplorer = ("));
}

static void test_reference(void)
{
	char *ref = NULL;
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL_FATAL(dcg_config_reference(&ref, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		ref, "| `hardware.[i].life_yr` | number | (0.1, 50] | yr | "
		     "required | Service life of a rack. |\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		ref, "| `regions.[i].grid.capacity_credit.<tech>` | number per "
		     "technology | [0, 1] |  | the technology's "
		     "`capacity_credit` |"));

	/* docs/config.md ends with exactly this text, after the marker line
	 * under "## Reference", so the page cannot drift from the table. */
	char *doc = read_text("../docs/config.md");
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	const char *head = strstr(doc, "\n## Reference\n");
	CU_ASSERT_PTR_NOT_NULL(head);
	const char *marker = head ? strstr(head, "-->\n\n") : NULL;
	CU_ASSERT_PTR_NOT_NULL(marker);
	if (marker) {
		bool same = strcmp(marker + 5, ref) == 0;
		if (!same)
			fprintf(stderr,
				"\ndocs/config.md is out of date: regenerate "
				"its reference with `dcgrid config --keys`\n");
		CU_ASSERT_TRUE(same);
	}
	free(doc);
	free(ref);
}

static int suite_init(void)
{
	small_text = read_text(SMALL);
	grid_text = read_text(GRID);
	return small_text && grid_text ? 0 : -1;
}

static int suite_clean(void)
{
	free(small_text);
	free(grid_text);
	return 0;
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("config", suite_init, suite_clean);
	if (!s)
		goto fail;
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{"small fixture and defaults", test_small_defaults},
		{"grid fixture and defaults", test_grid_defaults},
		{"built-in scenario", test_builtin},
		{"file and syntax errors", test_file_errors},
		{"range errors", test_range_errors},
		{"type errors", test_type_errors},
		{"unknown and missing keys", test_key_errors},
		{"schedule errors", test_schedule_errors},
		{"consistency errors", test_consistency_errors},
		{"schedule length limit", test_schedule_length},
		{"grid errors", test_grid_errors},
		{"--set values", test_set_values},
		{"--set errors", test_set_errors},
		{"--set with blanks", test_set_blanks},
		{"variant files", test_variants},
		{"dump round trip", test_dump_round_trip},
		{"dump format", test_dump_format},
		{"visit", test_visit},
		{"visit: ranges, defaults, choices", test_visit_ranges},
		{"explorer group", test_explorer_group},
		{"reference in docs/config.md", test_reference},
	};
	for (size_t i = 0; i < sizeof tests / sizeof *tests; i++)
		if (!CU_add_test(s, tests[i].name, tests[i].fn))
			goto fail;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() +
			  CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
fail:
	CU_cleanup_registry();
	return 2;
}
