/* dcgrid config --json [CONFIG] [--set key=value]...
 *
 * Prints the resolved model as JSON: every number the equations use, in
 * model units (base demand in GW average, not TWh/yr), with the sentinels of
 * the config already resolved where the loader resolves them. The Python
 * peer of bench/peer/ reads this, so that it solves exactly the model that
 * `dcgrid run` solves with the same CONFIG and --set overrides. Numbers are
 * printed with 17 significant digits, so they round-trip exactly.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void put_num(FILE *f, double v)
{
	fprintf(f, "%.17g", v);
}

static void put_key(FILE *f, const char *key, bool *first)
{
	if (!*first)
		fputc(',', f);
	*first = false;
	put_string(f, key);
	fputc(':', f);
}

static void put_knum(FILE *f, const char *key, double v, bool *first)
{
	put_key(f, key, first);
	put_num(f, v);
}

static void put_kbool(FILE *f, const char *key, bool v, bool *first)
{
	put_key(f, key, first);
	fputs(v ? "true" : "false", f);
}

static void put_kstr(FILE *f, const char *key, const char *v, bool *first)
{
	put_key(f, key, first);
	put_string(f, v);
}

static void put_array(FILE *f, const double *v, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		put_num(f, v[i]);
	}
	fputc(']', f);
}

static void put_sched(FILE *f, const struct dcg_schedule *s)
{
	static const char *const names[] = { "linear", "step", "log" };
	fputs("{\"interp\":", f);
	put_string(f, (unsigned)s->interp < 3 ? names[s->interp] : "linear");
	fputs(",\"year\":", f);
	put_array(f, s->year, s->n);
	fputs(",\"value\":", f);
	put_array(f, s->value, s->n);
	fputc('}', f);
}

static void put_ksched(FILE *f, const char *key, const struct dcg_schedule *s,
		       bool *first)
{
	put_key(f, key, first);
	put_sched(f, s);
}

static void put_model(FILE *f, const struct dcg_model *m)
{
	static const char *const kinds[] = { "must_run", "variable", "thermal",
					     "hydro", "storage" };
	static const char *const stds[] = { "reserve_margin", "lole" };
	static const char *const linsols[] = { "auto", "dense", "klu", "gmres" };
	static const char *const preconds[] = { "auto", "none", "block" };
	static const char *const methods[] = { "bdf", "adams", "auto" };
	const struct dcg_grid_params *g = &m->grid;
	bool first = true;

	fputc('{', f);
	put_kstr(f, "scenario", m->scenario, &first);
	put_kstr(f, "description", m->description, &first);
	put_knum(f, "t0", m->t0, &first);
	put_knum(f, "t1", m->t1, &first);
	put_knum(f, "output_step_yr", m->output_step_yr, &first);
	put_knum(f, "rtol", m->rtol, &first);
	put_knum(f, "atol", m->atol, &first);
	put_kstr(f, "method",
		 (unsigned)m->method < 3 ? methods[m->method] : "auto", &first);
	put_kstr(f, "linear_solver",
		 (unsigned)m->linsol < 4 ? linsols[m->linsol] : "auto", &first);
	put_kstr(f, "preconditioner",
		 (unsigned)m->precond < 3 ? preconds[m->precond] : "auto", &first);
	put_knum(f, "max_steps", (double)m->max_steps, &first);
	put_kbool(f, "grid_enabled", m->grid_enabled, &first);

	put_key(f, "grid", &first);
	bool gf = true;
	fputc('{', f);
	put_knum(f, "reserve_target", g->reserve_target, &gf);
	put_knum(f, "invest_time_yr", g->invest_time_yr, &gf);
	put_knum(f, "gate_width", g->gate_width, &gf);
	put_knum(f, "flow_scale", g->flow_scale, &gf);
	put_knum(f, "transfer_factor", g->transfer_factor, &gf);
	put_knum(f, "dc_peak_factor", g->dc_peak_factor, &gf);
	put_knum(f, "price_alpha", g->price_alpha, &gf);
	put_knum(f, "price_beta", g->price_beta, &gf);
	put_knum(f, "demand_price_elasticity", g->demand_price_elasticity, &gf);
	put_knum(f, "share_price_elasticity", g->share_price_elasticity, &gf);
	put_knum(f, "share_time_yr", g->share_time_yr, &gf);
	put_knum(f, "perception_time_yr", g->perception_time_yr, &gf);
	put_knum(f, "pue_time_yr", g->pue_time_yr, &gf);
	put_knum(f, "peak_smoothing", g->peak_smoothing, &gf);
	put_kstr(f, "standard", (unsigned)g->standard < 2 ? stds[g->standard]
							   : "reserve_margin", &gf);
	put_kstr(f, "gate_reads", (unsigned)g->gate_reads < 2 ? stds[g->gate_reads]
							      : "reserve_margin", &gf);
	put_knum(f, "lole_standard_h", g->lole_standard_h, &gf);
	put_knum(f, "load_uncertainty", g->load_uncertainty, &gf);
	put_knum(f, "lole_gate_width", g->lole_gate_width, &gf);
	put_kbool(f, "gate_enabled", g->gate_enabled, &gf);
	put_kbool(f, "price_growth_enabled", g->price_growth_enabled, &gf);
	put_kbool(f, "price_share_enabled", g->price_share_enabled, &gf);
	fputc('}', f);

	put_key(f, "segments", &first);
	fputc('[', f);
	for (size_t s = 0; s < m->S; s++) {
		const struct dcg_segment *sg = &m->segments[s];
		bool ef = true;
		fputs(s ? ",{" : "{", f);
		put_kstr(f, "name", sg->name, &ef);
		put_knum(f, "initial_demand_pflops", sg->initial_demand_pflops, &ef);
		put_ksched(f, "growth", &sg->growth, &ef);
		put_knum(f, "saturation_pflops", sg->saturation_pflops, &ef);
		put_knum(f, "adjust_time_yr", sg->adjust_time_yr, &ef);
		fputc('}', f);
	}
	fputc(']', f);

	put_key(f, "classes", &first);
	fputc('[', f);
	for (size_t k = 0; k < m->K; k++) {
		const struct dcg_class *c = &m->classes[k];
		bool ef = true;
		fputs(k ? ",{" : "{", f);
		put_kstr(f, "name", c->name, &ef);
		put_knum(f, "segment", (double)c->segment, &ef);
		put_knum(f, "build_time_yr", c->build_time_yr, &ef);
		put_knum(f, "life_yr", c->life_yr, &ef);
		put_knum(f, "utilisation", c->utilisation, &ef);
		put_knum(f, "preference", c->preference, &ef);
		put_knum(f, "cancel_fraction", c->cancel_fraction, &ef);
		put_ksched(f, "kw_per_rack", &c->kw_per_rack, &ef);
		put_ksched(f, "pflops_per_rack", &c->pflops_per_rack, &ef);
		put_ksched(f, "availability", &c->availability, &ef);
		put_kbool(f, "has_supply_limit", c->has_supply_limit, &ef);
		if (c->has_supply_limit)
			put_ksched(f, "supply_limit", &c->supply_limit, &ef);
		put_knum(f, "initial_racks", c->initial_racks, &ef);
		put_knum(f, "initial_kw_per_rack", c->initial_kw_per_rack, &ef);
		put_knum(f, "initial_pflops_per_rack", c->initial_pflops_per_rack,
			 &ef);
		put_knum(f, "initial_pipeline_racks", c->initial_pipeline_racks,
			 &ef);
		fputc('}', f);
	}
	fputc(']', f);

	size_t J = m->grid_enabled ? m->J : 0;
	put_key(f, "techs", &first);
	fputc('[', f);
	for (size_t j = 0; j < J; j++) {
		const struct dcg_tech *t = &m->techs[j];
		bool ef = true;
		fputs(j ? ",{" : "{", f);
		put_kstr(f, "name", t->name, &ef);
		put_kstr(f, "kind", (unsigned)t->kind < 5 ? kinds[t->kind] : "thermal",
			 &ef);
		put_knum(f, "lead_time_yr", t->lead_time_yr, &ef);
		put_knum(f, "life_yr", t->life_yr, &ef);
		put_knum(f, "capacity_credit", t->capacity_credit, &ef);
		put_knum(f, "capacity_factor", t->capacity_factor, &ef);
		put_knum(f, "emission_factor", t->emission_factor, &ef);
		put_knum(f, "forced_outage_rate", t->forced_outage_rate, &ef);
		put_knum(f, "unit_size_gw", t->unit_size_gw, &ef);
		put_ksched(f, "variable_cost", &t->variable_cost, &ef);
		put_knum(f, "duration_h", t->duration_h, &ef);
		put_knum(f, "efficiency", t->efficiency, &ef);
		put_knum(f, "min_output", t->min_output, &ef);
		put_knum(f, "initial_age_yr", t->initial_age_yr, &ef);
		put_knum(f, "approval_time_yr", t->approval_time_yr, &ef);
		put_kbool(f, "has_build_limit", t->has_build_limit, &ef);
		if (t->has_build_limit)
			put_ksched(f, "build_limit", &t->build_limit, &ef);
		fputc('}', f);
	}
	fputc(']', f);

	/* Representative days (grid only): the days of a year each stands
	 * for, and below each region's hourly profiles (D x 24 values each;
	 * cf_shape technology by technology). */
	put_key(f, "day_weight", &first);
	put_array(f, m->day_weight, J ? m->D : 0);

	put_key(f, "regions", &first);
	fputs("[\n", f);
	for (size_t r = 0; r < m->R; r++) {
		const struct dcg_region *rg = &m->regions[r];
		bool ef = true;
		fputs(r ? ",\n{" : "{", f);
		put_kstr(f, "name", rg->name, &ef);
		put_knum(f, "initial_share", rg->initial_share, &ef);
		put_ksched(f, "policy_weight", &rg->policy_weight, &ef);
		put_knum(f, "initial_pue", rg->initial_pue, &ef);
		put_ksched(f, "pue_target", &rg->pue_target, &ef);
		if (m->grid_enabled) {
			put_knum(f, "base_demand_gw", rg->base_demand_gw, &ef);
			put_ksched(f, "base_growth", &rg->base_growth, &ef);
			put_knum(f, "peak_factor", rg->peak_factor, &ef);
			put_knum(f, "reserve_min", rg->reserve_min, &ef);
			put_key(f, "capacity_gw", &ef);
			put_array(f, rg->capacity_gw, J);
			put_key(f, "pipeline_gw", &ef);
			put_array(f, rg->pipeline_gw, J);
			put_key(f, "capacity_credit", &ef);
			put_array(f, rg->capacity_credit, J);
			put_key(f, "planned_gw_per_yr", &ef);
			fputc('[', f);
			for (size_t j = 0; j < J; j++) {
				if (j)
					fputc(',', f);
				put_sched(f, &rg->planned_gw_per_yr[j]);
			}
			fputc(']', f);
			put_key(f, "mix", &ef);
			fputc('[', f);
			for (size_t j = 0; j < J; j++) {
				if (j)
					fputc(',', f);
				put_sched(f, &rg->mix[j]);
			}
			fputc(']', f);
			size_t H = m->D * DCG_HOURS;
			put_key(f, "load_shape", &ef);
			put_array(f, rg->load_shape, rg->load_shape ? H : 0);
			put_key(f, "dc_shape", &ef);
			put_array(f, rg->dc_shape, rg->dc_shape ? H : 0);
			put_key(f, "cf_shape", &ef);
			put_array(f, rg->cf_shape, rg->cf_shape ? J * H : 0);
			put_key(f, "build_limit_gw_per_yr", &ef);
			fputc('[', f);
			for (size_t j = 0; j < J; j++) {
				if (j)
					fputc(',', f);
				put_sched(f, &rg->build_limit_gw_per_yr[j]);
			}
			fputc(']', f);
			put_key(f, "life_extension_gw_per_yr", &ef);
			fputc('[', f);
			for (size_t j = 0; j < J; j++) {
				if (j)
					fputc(',', f);
				put_sched(f, &rg->life_extension_gw_per_yr[j]);
			}
			fputc(']', f);
		}
		fputc('}', f);
	}
	fputs("]", f);

	put_key(f, "corridors", &first);
	fputs("[\n", f);
	for (size_t l = 0; l < m->L; l++) {
		const struct dcg_corridor *c = &m->corridors[l];
		bool ef = true;
		fputs(l ? ",\n{" : "{", f);
		put_kstr(f, "name", c->name, &ef);
		put_knum(f, "from", (double)c->from, &ef);
		put_knum(f, "to", (double)c->to, &ef);
		put_ksched(f, "rating_gw", &c->rating_gw, &ef);
		put_knum(f, "availability", c->availability, &ef);
		put_knum(f, "length_km", c->length_km, &ef);
		put_knum(f, "loss_per_1000km", c->loss_per_1000km, &ef);
		fputc('}', f);
	}
	fputs("]}\n", f);
}

void dcg__help_dump_json(FILE *f)
{
	fputs("Usage: dcgrid config --json [CONFIG] [--set KEY=VALUE]...\n"
	      "\n"
	      "Prints the resolved model of CONFIG (the built-in scenario without\n"
	      "it, '-' for standard input) as JSON, in model units, after the\n"
	      "overrides: the input of the Python peer in bench/peer/.\n"
	      "\n"
	      "Options:\n"
	      "  -s, --set KEY=VALUE  override a setting (repeatable)\n"
	      "  -h, --help           show this help and exit\n",
	      f);
}

int dcg__cmd_dump_json(int argc, char **argv)
{
	struct dcg_model *m = NULL;
	int exit_status = dcg__config_mode(argc, argv, "json", 'j',
					   dcg__help_dump_json, &m, NULL);
	if (exit_status >= 0)
		return exit_status;
	put_model(stdout, m);
	exit_status = DCG_EXIT_OK;
	dcg_model_free(m);
	return exit_status;
}
