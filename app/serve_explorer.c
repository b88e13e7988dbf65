/* The explorer's key assumptions (`dcgrid serve`): the scenario's top-level
 * `explorer` group, read with libconfig beside the model (which does not
 * read it), each entry checked against the scenario's settings and given
 * its units, description, value and slider range (docs/serve.md).
 */
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "serve.h"

static const json_t *find_setting(const json_t *settings, const char *path)
{
	size_t i;
	json_t *s;
	json_array_foreach(settings, i, s)
	{
		if (strcmp(json_string_value(json_object_get(s, "path")), path) == 0)
			return s;
	}
	return NULL;
}

static double number_of(const config_setting_t *e, const char *key, double dflt)
{
	double d;
	int i;
	if (config_setting_lookup_float(e, key, &d))
		return d;
	if (config_setting_lookup_int(e, key, &i))
		return i;
	return dflt;
}

/* The explorer group of the scenario (the CONFIG file itself, else the
 * built-in scenario's): each entry a numeric setting with a label and the
 * slider's range and step. Entries that do not name a number of this
 * scenario are left out with a warning. */
json_t *dcg__serve_explorer_json(const char *config, const json_t *settings,
				 FILE *warn)
{
	config_t cfg;
	json_t *list = json_array();
	const char *origin = config ? config : "<built-in>";

	config_init(&cfg);
	int ok = config ? config_read_file(&cfg, config) :
			  config_read_string(&cfg, dcg_config_default_text());
	const config_setting_t *ex =
		ok ? config_setting_get_member(config_root_setting(&cfg),
					       DCG_CONFIG_EXPLORER_KEY) :
		     NULL;
	if (ok && !ex && config) {
		/* A scenario without its own list gets the built-in one's, for
		 * the paths it has. */
		config_destroy(&cfg);
		config_init(&cfg);
		origin = "<built-in>";
		ok = config_read_string(&cfg, dcg_config_default_text());
		ex = ok ? config_setting_get_member(config_root_setting(&cfg),
						    DCG_CONFIG_EXPLORER_KEY) :
			  NULL;
	}
	for (int i = 0; ex && list && i < config_setting_length(ex); i++) {
		const config_setting_t *e = config_setting_get_elem(ex, (unsigned)i);
		const char *path = NULL, *label = NULL;
		unsigned line = (unsigned)config_setting_source_line(e);
		if (!config_setting_lookup_string(e, "path", &path) ||
		    !config_setting_lookup_string(e, "label", &label)) {
			if (warn)
				fprintf(warn,
					"dcgrid: %s:%u: explorer entry %d needs "
					"path and label; left out\n",
					origin, line, i);
			continue;
		}
		const json_t *s = find_setting(settings, path);
		if (!s || strcmp(json_string_value(json_object_get(s, "type")),
				 "number") != 0) {
			if (warn)
				fprintf(warn,
					"dcgrid: %s:%u: explorer entry %s is not a "
					"number of this scenario; left out\n",
					origin, line, path);
			continue;
		}
		double value = json_number_value(json_object_get(s, "value"));
		double lo = number_of(e, "min", json_number_value(json_object_get(s, "min")));
		double hi = number_of(e, "max", json_number_value(json_object_get(s, "max")));
		if (!isfinite(lo) || !isfinite(hi) || !(lo < hi)) {
			/* A slider needs finite ends: around the value. */
			lo = value > 0 ? 0 : 2 * value;
			hi = value > 0 ? 2 * value : (value < 0 ? 0 : 1);
		}
		double step = number_of(e, "step", (hi - lo) / 100);
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:O, s:O, s:f, s:f, s:f, s:f}",
					"path", path, "label", label, "units",
					json_object_get(s, "units"), "doc",
					json_object_get(s, "doc"), "value", value,
					"min", lo, "max", hi, "step", step));
	}
	config_destroy(&cfg);
	return list;
}
