/* dcgrid calibrate CONFIG --targets FIGURES.csv --fit PATH=LO:HI ...
 *
 * Fits parameters of a scenario to published figures by least squares with
 * CVODES sensitivities for the gradient (solvers/calibrate.c), prints the
 * fitted values with standard errors and the figures before and after, and
 * can write the fit as a variant file (base + overrides). */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dcgrid/calibrate.h"

void dcg__help_calibrate(FILE *f)
{
	fputs("Usage: dcgrid calibrate CONFIG --targets FIGURES.csv --fit PATH=LO:HI...\n"
	      "                        [--use ID,ID...] [--set KEY=VALUE]...\n"
	      "                        [--write-variant OUT.cfg] [--force]\n"
	      "\n"
	      "Fits the parameters named by --fit (any real-valued --set path, within\n"
	      "the bounds LO:HI, starting from CONFIG's values) to the figures of a\n"
	      "figures table (the CSV format of inputs/validation/) by least squares,\n"
	      "with the gradient from CVODES forward sensitivities. Each residual is\n"
	      "(model - published) in units of the figure's tolerance. Prints the\n"
	      "fitted values with standard errors and every figure before and after.\n"
	      "\n"
	      "Options:\n"
	      "  -t, --targets FILE       figures table (required)\n"
	      "  -f, --fit PATH=LO:HI     a parameter to fit, with bounds (repeatable)\n"
	      "  -u, --use ID,ID...       fit only these figures (default: all)\n"
	      "  -s, --set KEY=VALUE      override a setting of CONFIG first (repeatable)\n"
	      "  -w, --write-variant OUT  write the fit as a variant file of CONFIG\n"
	      "      --force              replace OUT if it exists\n"
	      "  -h, --help               show this help and exit\n"
	      "\n"
	      "Example (docs/validation.md):\n"
	      "  dcgrid calibrate inputs/scenarios/china-backcast-2021.cfg \\\n"
	      "    --targets inputs/validation/china-2022-2024.csv \\\n"
	      "    --use racks-2023e,racks-2024e,compute-2023,compute-2024,dc-energy-iea-2024 \\\n"
	      "    --fit 'segments.[1].growth=0.1:1.0' --fit 'hardware.[0].initial_racks=1e6:4e6'\n",
	      f);
}

static int parse_fit(const char *arg, struct dcg_calib_param *p)
{
	const char *eq = strrchr(arg, '=');
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof p->path)
		return -1;
	memcpy(p->path, arg, (size_t)(eq - arg));
	p->path[eq - arg] = '\0';
	char *end;
	errno = 0;
	p->lo = strtod(eq + 1, &end);
	if (end == eq + 1 || *end != ':')
		return -1;
	const char *hi = end + 1;
	p->hi = strtod(hi, &end);
	if (end == hi || *end || errno || !isfinite(p->lo) || !isfinite(p->hi) || !(p->lo < p->hi))
		return -1;
	return 0;
}

/* Keeps the targets whose ids are in the comma-separated list. */
static int select_targets(struct dcg_target *t, size_t *n, const char *list)
{
	size_t k = 0;
	char *copy = strdup(list), *save = NULL;
	if (!copy)
		return -1;
	for (char *id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
		size_t i = 0;
		while (i < *n && strcmp(t[i].id, id) != 0)
			i++;
		if (i == *n) {
			dcg__usage_error("calibrate", "--use: no figure has the id '%s'", id);
			free(copy);
			return -1;
		}
		struct dcg_target keep = t[i];
		memmove(&t[k + 1], &t[k], (i - k) * sizeof *t);
		t[k++] = keep;
	}
	free(copy);
	*n = k;
	return 0;
}

/* The path of `target` relative to the folder of `from`, for the base of
 * a variant file; the absolute path when that fails. */
static void relative_path(const char *target, const char *from, char *buf, size_t size)
{
	char a[PATH_MAX], d[PATH_MAX];
	char *fdir = strdup(from);
	if (!fdir || !realpath(target, a)) {
		snprintf(buf, size, "%s", target);
		free(fdir);
		return;
	}
	char *slash = strrchr(fdir, '/');
	if (slash)
		*slash = '\0';
	if (!realpath(slash ? (fdir[0] ? fdir : "/") : ".", d)) {
		snprintf(buf, size, "%s", a);
		free(fdir);
		return;
	}
	free(fdir);
	/* common: the length of the shared leading folders of a and d. */
	size_t common = 0, nd = strlen(d);
	if (strncmp(a, d, nd) == 0 && a[nd] == '/')
		common = nd;
	else
		for (size_t i = 0; a[i] && a[i] == d[i]; i++)
			if (a[i] == '/')
				common = i;
	buf[0] = '\0';
	for (const char *q = d + common; *q; q++)
		if (*q == '/')
			strncat(buf, "../", size - strlen(buf) - 1);
	strncat(buf, a + common + 1, size - strlen(buf) - 1);
}

static int write_variant(const char *out, const char *config, const struct dcg_model *m,
			 const struct dcg_calib_param *p, const struct dcg_calib_result *r,
			 bool force)
{
	if (!force && access(out, F_OK) == 0)
		return dcg__usage_error("calibrate", "%s exists; use --force to replace it", out);
	char base[PATH_MAX], tmp[PATH_MAX + 16];
	relative_path(config, out, base, sizeof base);
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "dcgrid: cannot create %s: %s\n", tmp, strerror(errno));
		return DCG_EXIT_FAILURE;
	}
	fprintf(f, "# Written by dcgrid calibrate: %s with fitted parameters.\n", m->scenario);
	fprintf(f, "base = \"%s\";\noverrides = (\n", base);
	for (size_t j = 0; j < r->np; j++)
		fprintf(f, "  \"%s = %.10g\"%s  # +- %.3g (standard error)\n", p[j].path,
			r->value[j], j + 1 < r->np ? "," : "", r->std_error[j]);
	fprintf(f, ");\n");
	if (fclose(f) != 0 || rename(tmp, out) != 0) {
		fprintf(stderr, "dcgrid: cannot write %s: %s\n", out, strerror(errno));
		remove(tmp);
		return DCG_EXIT_FAILURE;
	}
	printf("Wrote %s\n", out);
	return DCG_EXIT_OK;
}

int dcg__cmd_calibrate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "targets", required_argument, NULL, 't' },
		{ "fit", required_argument, NULL, 'f' },
		{ "use", required_argument, NULL, 'u' },
		{ "set", required_argument, NULL, 's' },
		{ "write-variant", required_argument, NULL, 'w' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *targets = NULL, *use = NULL, *variant = NULL;
	struct dcg_calib_param fit[32];
	size_t nfit = 0;
	bool force = false;
	struct dcg__sets sets = { 0 };
	struct dcg_model *m = NULL;
	struct dcg_target *t = NULL;
	struct dcg_calib_result *r = NULL;
	struct dcg_error err = { 0 };
	size_t nt = 0;
	int rc = DCG_EXIT_OK, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:f:u:s:w:h", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			targets = optarg;
			break;
		case 'f':
			if (nfit == sizeof fit / sizeof *fit) {
				rc = dcg__usage_error("calibrate", "at most %zu --fit parameters",
						      sizeof fit / sizeof *fit);
				goto finish;
			}
			if (parse_fit(optarg, &fit[nfit])) {
				rc = dcg__usage_error("calibrate",
						      "--fit '%s': expected PATH=LO:HI with LO < HI, "
						      "e.g. 'segments.[1].growth=0.1:1.0'",
						      optarg);
				goto finish;
			}
			nfit++;
			break;
		case 'u':
			use = optarg;
			break;
		case 's':
			if (dcg__sets_add(&sets, optarg)) {
				rc = dcg__report(DCG_ENOMEM, NULL);
				goto finish;
			}
			break;
		case 'w':
			variant = optarg;
			break;
		case 'F':
			force = true;
			break;
		case 'h':
			dcg__help_calibrate(stdout);
			goto finish;
		default:
			rc = dcg__option_error("calibrate", c, argv, longopts);
			goto finish;
		}
	}
	if (optind + 1 != argc) {
		rc = dcg__usage_error("calibrate", optind < argc ? "expected one CONFIG"
								  : "missing CONFIG");
		goto finish;
	}
	if (!targets || nfit == 0) {
		rc = dcg__usage_error("calibrate", "missing %s",
				      !targets ? "--targets FIGURES.csv" : "--fit PATH=LO:HI");
		goto finish;
	}
	const char *config = argv[optind];
	int st;
	if ((st = dcg__load_model(config, &sets, &m, &err)) ||
	    (st = dcg_targets_load_csv(targets, &t, &nt, &err))) {
		rc = dcg__report(st, &err);
		goto finish;
	}
	if (use && select_targets(t, &nt, use)) {
		rc = DCG_EXIT_USAGE;
		goto finish;
	}
	printf("Calibrating %s to %zu figures of %s: %zu parameters\n\n", m->scenario, nt, targets,
	       nfit);
	if ((st = dcg_calibrate(m, t, nt, fit, nfit, &r, &err))) {
		rc = dcg__report(st, &err);
		goto finish;
	}
	printf("%-40s %12s %12s %12s   %s\n", "parameter", "initial", "fitted", "std. error",
	       "bounds");
	for (size_t j = 0; j < nfit; j++)
		printf("%-40s %12.6g %12.6g %12.3g   [%g, %g]\n", fit[j].path, r->initial[j],
		       r->value[j], r->std_error[j], fit[j].lo, fit[j].hi);
	printf("\n%-22s %12s %12s %12s %10s\n", "figure", "published", "before", "after",
	       "residual");
	for (size_t i = 0; i < nt; i++)
		printf("%-22s %12.6g %12.6g %12.6g %+10.2f\n", t[i].id, t[i].value,
		       r->model_before[i], r->model_after[i],
		       (r->model_after[i] - t[i].value) / t[i].scale);
	printf("\nchi^2 %.4g before, %.4g after; %zu iterations, %zu sensitivity solves; %s\n",
	       r->chi2_before, r->chi2_after, r->iterations, r->solves,
	       r->converged ? "converged" : "NOT converged (iteration limit)");
	printf("(residuals in units of each figure's tolerance)\n");
	if (variant)
		rc = write_variant(variant, config, m, fit, r, force);
finish:
	dcg_calib_free(r);
	free(t);
	dcg_model_free(m);
	dcg__sets_free(&sets);
	return rc;
}
