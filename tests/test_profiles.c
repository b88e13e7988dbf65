/* CUnit suite "profiles": the hourly profiles of the representative days
 * (inputs/profiles.c, inputs/profiles_csv.c). Annual means and peaks as
 * configured to round-off, solar geometry (night, solar noon, day length
 * by latitude and season), the CSV round trip, and every message of the
 * checks in full.
 *
 * Each test writes its scenario (and CSV) into a fresh temporary folder,
 * so that messages name known files and lines.
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
#include "profiles.h"

#define H DCG_HOURS
#define M_PI 3.14159265358979323846

static char dir[64], cfg_path[128], csv_path[128];
static char msg[DCG_ERROR_MSG_MAX];

/* The scenario; line 21 is the hours group, which tests replace. */
static const char *const scenario_head =
	"scenario = \"profiles\";\n"
	"horizon = { start = 2024.0; end = 2026.0; };\n"
	"segments = ( { name = \"all\"; growth = 0.1; } );\n"
	"hardware = ( { name = \"cpu\"; segment = \"all\"; build_time_yr = 1.0; "
	"life_yr = 6.0; kw_per_rack = 8.0; pflops_per_rack = 0.1; "
	"initial_racks = 1000.0; } );\n"
	"regions = (\n"
	"  { name = \"north\"; initial_share = 0.5; initial_pue = 1.4;\n"
	"    grid = { base_demand_twh = 100.0; peak_factor = 1.3; capacity_gw "
	"= { coal = 20.0; solar = 10.0; wind = 10.0; }; mix = { coal = 1.0; };\n"
	"      profile = { latitude_deg = 45.0; longitude_deg = 105.0; "
	"load_shape = \"winter_peak\"; }; }; },\n"
	"  { name = \"south\"; initial_share = 0.5; initial_pue = 1.4;\n"
	"    grid = { base_demand_twh = 100.0; peak_factor = 1.2; capacity_gw "
	"= { coal = 20.0; solar = 10.0; hydro = 5.0; }; mix = { coal = 1.0; };\n"
	"      profile = { latitude_deg = 25.0; load_shape = \"summer_peak\"; "
	"wind_full_load_h = 1800.0; }; }; }\n"
	");\n"
	"grid = { dc_peak_factor = 1.05; };\n"
	"technologies = (\n"
	"  { name = \"coal\"; kind = \"thermal\"; lead_time_yr = 3.0; life_yr = "
	"60.0; capacity_credit = 0.9; capacity_factor = 0.75; },\n"
	"  { name = \"solar\"; kind = \"variable\"; lead_time_yr = 1.0; life_yr = "
	"30.0; capacity_credit = 0.05; capacity_factor = 0.14; },\n"
	"  { name = \"wind\"; kind = \"variable\"; lead_time_yr = 1.5; life_yr = "
	"25.0; capacity_credit = 0.15; capacity_factor = 0.24; },\n"
	"  { name = \"hydro\"; kind = \"must_run\"; lead_time_yr = 6.0; life_yr = "
	"100.0; capacity_credit = 0.5; capacity_factor = 0.38; },\n"
	"  { name = \"nuclear\"; kind = \"must_run\"; lead_time_yr = 6.0; "
	"life_yr = 60.0; capacity_credit = 0.9; capacity_factor = 0.88; }\n"
	");\n";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

/* Writes the scenario with hours (line 21) and the given edit of its head
 * (from -> to, or NULL), loads it; NULL and msg on failure. */
static struct dcg_model *load_edit(const char *hours, const char *from,
				   const char *to)
{
	char text[8192];
	const char *at = from ? strstr(scenario_head, from) : NULL;
	if (from && !at) {
		fprintf(stderr, "\nscenario has no \"%s\"\n", from);
		return NULL;
	}
	if (at)
		snprintf(text, sizeof text, "%.*s%s%s%s\n",
			 (int)(at - scenario_head), scenario_head, to,
			 at + strlen(from), hours);
	else
		snprintf(text, sizeof text, "%s%s\n", scenario_head, hours);
	write_file(cfg_path, text);
	struct dcg_model *m = NULL;
	struct dcg_error err = {0};
	msg[0] = '\0';
	if (dcg_config_load_file(cfg_path, NULL, 0, &m, &err)) {
		snprintf(msg, sizeof msg, "%s", err.msg);
		return NULL;
	}
	return m;
}

static struct dcg_model *load(const char *hours)
{
	return load_edit(hours, NULL, NULL);
}

static size_t tech(const struct dcg_model *m, const char *name)
{
	for (size_t j = 0; j < m->J; j++)
		if (strcmp(m->techs[j].name, name) == 0)
			return j;
	CU_FAIL_FATAL("no such technology");
	return 0;
}

static const double *cf(const struct dcg_model *m, size_t r, const char *name)
{
	return m->regions[r].cf_shape + tech(m, name) * m->D * H;
}

static double max_of(const double *x, size_t n)
{
	double v = -INFINITY;
	for (size_t i = 0; i < n; i++)
		v = fmax(v, x[i]);
	return v;
}

static double min_of(const double *x, size_t n)
{
	double v = INFINITY;
	for (size_t i = 0; i < n; i++)
		v = fmin(v, x[i]);
	return v;
}

/* ---- means and peaks ------------------------------------------------------ */

static void check_means(const struct dcg_model *m)
{
	size_t n = m->D * H;
	double wsum = 0.0;
	for (size_t d = 0; d < m->D; d++)
		wsum += m->day_weight[d];
	CU_ASSERT_DOUBLE_EQUAL(wsum, 365.0, 1e-12);
	for (size_t r = 0; r < m->R; r++) {
		const struct dcg_region *rg = &m->regions[r];
		CU_ASSERT_DOUBLE_EQUAL(dcg__profile_mean(m, rg->load_shape), 1.0,
				       1e-14);
		CU_ASSERT_DOUBLE_EQUAL(dcg__profile_mean(m, rg->dc_shape), 1.0,
				       1e-14);
		CU_ASSERT_DOUBLE_EQUAL(max_of(rg->load_shape, n),
				       rg->peak_factor, 1e-14);
		CU_ASSERT_DOUBLE_EQUAL(max_of(rg->dc_shape, n),
				       m->grid.dc_peak_factor, 1e-14);
		CU_ASSERT(min_of(rg->load_shape, n) > 0.5);
		for (size_t j = 0; j < m->J; j++) {
			const double *x = rg->cf_shape + j * n;
			double c = dcg__profile_target_cf(m, r, j);
			CU_ASSERT_DOUBLE_EQUAL(dcg__profile_mean(m, x), c,
					       1e-14);
			CU_ASSERT(min_of(x, n) >= 0.0);
			CU_ASSERT(max_of(x, n) <= 1.0);
		}
	}
}

static void test_means(void)
{
	struct dcg_model *m = load("hours = { };");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->D, 12);
	static const double month[12] = {31, 28, 31, 30, 31, 30,
					 31, 31, 30, 31, 30, 31};
	for (size_t d = 0; d < 12; d++)
		CU_ASSERT_EQUAL(m->day_weight[d], month[d]);
	check_means(m);
	/* The region's full-load hours replace the technology's CF. */
	CU_ASSERT_DOUBLE_EQUAL(dcg__profile_mean(m, cf(m, 1, "wind")),
			       1800.0 / 8760.0, 1e-14);
	CU_ASSERT_DOUBLE_EQUAL(dcg__profile_mean(m, cf(m, 0, "wind")), 0.24,
			       1e-14);
	/* Nuclear is flat; hydro is highest in the wet season. */
	const double *nu = cf(m, 0, "nuclear"), *hy = cf(m, 0, "hydro");
	CU_ASSERT_DOUBLE_EQUAL(min_of(nu, 12 * H), 0.88, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(max_of(nu, 12 * H), 0.88, 1e-15);
	CU_ASSERT(hy[7 * H] > hy[1 * H] * 2.0);
	/* Winter-peaking north: its highest hour is in winter; the summer
	 * peaking south's in summer. */
	size_t at_n = 0, at_s = 0;
	for (size_t i = 0; i < 12 * H; i++) {
		if (m->regions[0].load_shape[i] > m->regions[0].load_shape[at_n])
			at_n = i;
		if (m->regions[1].load_shape[i] > m->regions[1].load_shape[at_s])
			at_s = i;
	}
	CU_ASSERT(at_n / H == 0 || at_n / H == 11);
	CU_ASSERT(at_s / H == 6 || at_s / H == 7);
	dcg_model_free(m);

	/* Other day counts: equal weights, same means. */
	m = load("hours = { days = 5; };");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->D, 5);
	CU_ASSERT_EQUAL(m->day_weight[3], 73.0);
	check_means(m);
	dcg_model_free(m);
	m = load("hours = { days = 3; day_weights = [100.0, 165.0, 100.0]; };");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->day_weight[1], 165.0);
	check_means(m);
	dcg_model_free(m);

	/* A region with the settings of the one before gets its profiles
	 * copied: the same numbers as computing them. */
	m = load_edit("hours = { };",
		      "peak_factor = 1.2; capacity_gw = { coal = 20.0; solar = "
		      "10.0; hydro = 5.0; }; mix = { coal = 1.0; };\n      "
		      "profile = { latitude_deg = 25.0; load_shape = "
		      "\"summer_peak\"; wind_full_load_h = 1800.0; };",
		      "peak_factor = 1.3; capacity_gw = { coal = 20.0; solar = "
		      "10.0; hydro = 5.0; }; mix = { coal = 1.0; };\n      "
		      "profile = { latitude_deg = 45.0; longitude_deg = 105.0; "
		      "load_shape = \"winter_peak\"; };");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	struct dcg_model *n = load("hours = { };");
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	size_t h = m->D * H;
	CU_ASSERT(memcmp(m->regions[1].load_shape, n->regions[0].load_shape,
			 h * sizeof(double)) == 0);
	CU_ASSERT(memcmp(m->regions[1].cf_shape, n->regions[0].cf_shape,
			 m->J * h * sizeof(double)) == 0);
	check_means(m);
	dcg_model_free(n);
	dcg_model_free(m);
}

/* ---- solar geometry ------------------------------------------------------- */

static void test_solar_night_and_noon(void)
{
	struct dcg_model *m = load("hours = { };");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (size_t r = 0; r < 2; r++) {
		const double *x = cf(m, r, "solar");
		double lat = m->regions[r].profile.latitude_deg * M_PI / 180.0;
		double lon = m->regions[r].profile.longitude_deg;
		double start = 0.0;
		for (size_t d = 0; d < 12; d++) {
			double n = start + 0.5 * m->day_weight[d] + 1.0;
			start += m->day_weight[d];
			double noon = dcg__solar_noon_clock_h(lon, 8.0, n);
			double dec = dcg__solar_declination_deg(n) * M_PI / 180.0;
			double half = acos(-tan(lat) * tan(dec)) * 12.0 / M_PI;
			size_t best = 0;
			for (size_t h = 0; h < H; h++) {
				double v = x[d * H + h];
				if (v > x[d * H + best])
					best = h;
				/* Hours wholly before sunrise or after sunset
				 * are zero; hours wholly in daylight are not. */
				if (h + 1.0 <= noon - half || h >= noon + half)
					CU_ASSERT_EQUAL(v, 0.0);
				if (h >= noon - half && h + 1.0 <= noon + half)
					CU_ASSERT(v > 0.0);
			}
			/* The highest hour holds solar noon. */
			CU_ASSERT(best <= noon && noon <= best + 1.0);
		}
	}
	/* Longitude 105 deg E on Beijing time: noon after 12:30 all year;
	 * at 120 deg E within the equation of time (16.5 min) of 12:00. */
	for (double n = 1; n <= 365; n += 7) {
		CU_ASSERT(dcg__solar_noon_clock_h(105.0, 8.0, n) > 12.7);
		CU_ASSERT(fabs(dcg__solar_noon_clock_h(120.0, 8.0, n) - 12.0) <
			  16.5 / 60.0);
	}
	/* The irradiance is symmetric about solar noon and zero at night. */
	CU_ASSERT_DOUBLE_EQUAL(dcg__solar_poa(40.0, 172.0, 9.3, 0.5),
			       dcg__solar_poa(40.0, 172.0, 14.7, 0.5), 1e-9);
	CU_ASSERT_EQUAL(dcg__solar_poa(40.0, 172.0, 2.0, 0.5), 0.0);
	CU_ASSERT(dcg__solar_poa(40.0, 172.0, 12.0, 0.5) >
		  dcg__solar_poa(40.0, 172.0, 11.0, 0.5));
	dcg_model_free(m);
}

static size_t sun_hours(const double *x)
{
	size_t k = 0;
	for (size_t h = 0; h < H; h++)
		k += x[h] > 0.0;
	return k;
}

static void test_day_length(void)
{
	struct dcg_model *m = load("hours = { };");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	const double *north = cf(m, 0, "solar"), *south = cf(m, 1, "solar");
	/* June (day 6): longer days at 45 deg N than at 25 deg N; December
	 * (day 12): shorter. */
	CU_ASSERT(sun_hours(north + 5 * H) > sun_hours(south + 5 * H));
	CU_ASSERT(sun_hours(north + 11 * H) < sun_hours(south + 11 * H));
	/* At 45 deg N, June has more sun hours than December. */
	CU_ASSERT(sun_hours(north + 5 * H) >= sun_hours(north + 11 * H) + 5);
	dcg_model_free(m);
}

/* ---- CSV -------------------------------------------------------------------- */

static void test_csv_round_trip(void)
{
	struct dcg_model *m = load("hours = { };");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	FILE *f = fopen(csv_path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	struct dcg_error err = {0};
	CU_ASSERT_EQUAL(dcg__profiles_write_csv(m, f, &err), 0);
	fclose(f);
	struct dcg_model *c = load("hours = { profiles = \"p.csv\"; };");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	size_t n = m->D * H;
	for (size_t r = 0; r < m->R; r++) {
		const struct dcg_region *a = &m->regions[r], *b = &c->regions[r];
		CU_ASSERT(memcmp(a->load_shape, b->load_shape,
				 n * sizeof(double)) == 0);
		CU_ASSERT(memcmp(a->dc_shape, b->dc_shape, n * sizeof(double)) ==
			  0);
		CU_ASSERT(memcmp(a->cf_shape, b->cf_shape,
				 m->J * n * sizeof(double)) == 0);
	}
	dcg_model_free(c);

	/* A file with one series replaces that series only: the north's
	 * nuclear at 0.88 except a refuelling dip in April made up in May. */
	char text[8192];
	size_t len = (size_t)snprintf(text, sizeof text,
				      "# refuelling\nregion,series,day");
	for (int h = 0; h < H; h++)
		len += (size_t)snprintf(text + len, sizeof text - len, ",%d", h);
	len += (size_t)snprintf(text + len, sizeof text - len, "\n");
	for (int d = 1; d <= 12; d++) {
		double v = d == 4 ? 0.88 - 0.1 : d == 5 ? 0.88 + 0.1 * 30 / 31
							: 0.88;
		len += (size_t)snprintf(text + len, sizeof text - len,
					"\"north\", nuclear ,%d", d);
		for (int h = 0; h < H; h++)
			len += (size_t)snprintf(text + len, sizeof text - len,
						",%.17g", v);
		len += (size_t)snprintf(text + len, sizeof text - len, "\n");
	}
	write_file(csv_path, text);
	c = load("hours = { profiles = \"p.csv\"; };");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_DOUBLE_EQUAL(cf(c, 0, "nuclear")[3 * H], 0.78, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(cf(c, 0, "nuclear")[4 * H], 0.88 + 3.0 / 31.0,
			       1e-15);
	CU_ASSERT_DOUBLE_EQUAL(cf(c, 1, "nuclear")[3 * H], 0.88, 1e-15);
	CU_ASSERT(memcmp(cf(c, 0, "solar"), cf(m, 0, "solar"),
			 n * sizeof(double)) == 0);
	dcg_model_free(c);
	dcg_model_free(m);
}

/* A CSV for days = 2: header, then the rows given. */
static void write_csv(const char *rows)
{
	char text[8192];
	size_t len = (size_t)snprintf(text, sizeof text, "region,series,day");
	for (int h = 0; h < H; h++)
		len += (size_t)snprintf(text + len, sizeof text - len, ",%d", h);
	snprintf(text + len, sizeof text - len, "\n%s", rows);
	write_file(csv_path, text);
}

/* "NAME,SERIES,DAY" and 24 times v. */
static void row(char *buf, size_t size, const char *lead, const char *v)
{
	size_t len = (size_t)snprintf(buf, size, "%s", lead);
	for (int h = 0; h < H; h++)
		len += (size_t)snprintf(buf + len, size - len, ",%s", v);
	snprintf(buf + len, size - len, "\n");
}

#define EXPECT_CSV(rows, fmt_want)                                          \
	do {                                                                \
		char want_[DCG_ERROR_MSG_MAX];                              \
		write_csv(rows);                                            \
		struct dcg_model *m_ = load(                                \
			"hours = { days = 2; profiles = \"p.csv\"; };");    \
		CU_ASSERT_PTR_NULL(m_);                                     \
		dcg_model_free(m_);                                         \
		snprintf(want_, sizeof want_, fmt_want, csv_path);          \
		if (strcmp(msg, want_) != 0)                                \
			fprintf(stderr, "\n  got:  %s\n  want: %s\n", msg,  \
				want_);                                     \
		CU_ASSERT_STRING_EQUAL(msg, want_);                         \
	} while (0)

#define EXPECT_CFG(hours, from, to, fmt_want)                               \
	do {                                                                \
		char want_[DCG_ERROR_MSG_MAX];                              \
		struct dcg_model *m_ = load_edit(hours, from, to);          \
		CU_ASSERT_PTR_NULL(m_);                                     \
		dcg_model_free(m_);                                         \
		snprintf(want_, sizeof want_, fmt_want, cfg_path);          \
		if (strcmp(msg, want_) != 0)                                \
			fprintf(stderr, "\n  got:  %s\n  want: %s\n", msg,  \
				want_);                                     \
		CU_ASSERT_STRING_EQUAL(msg, want_);                         \
	} while (0)

static void test_csv_errors(void)
{
	char a[1024], b[1024], rows[2100];

	write_file(csv_path, "# nothing\n\n");
	struct dcg_model *m = load("hours = { days = 2; profiles = \"p.csv\"; };");
	CU_ASSERT_PTR_NULL(m);
	char want[DCG_ERROR_MSG_MAX];
	snprintf(want, sizeof want,
		 "%s: holds no header (expected region,series,day,0,1,...,23 "
		 "and a row per region, series and day)",
		 csv_path);
	CU_ASSERT_STRING_EQUAL(msg, want);

	write_file(csv_path, "region,series,day,1,2\n");
	m = load("hours = { days = 2; profiles = \"p.csv\"; };");
	CU_ASSERT_PTR_NULL(m);
	snprintf(want, sizeof want,
		 "%s:1: expected the header region,series,day,0,1,...,23 (a "
		 "row per region, series and day with 24 hourly values)",
		 csv_path);
	CU_ASSERT_STRING_EQUAL(msg, want);

	EXPECT_CSV("north,load,1,1.0\n",
		   "%s:2: 4 fields (expected 27: region, series, day and 24 "
		   "hourly values)");
	row(a, sizeof a, "west,load,1", "1.0");
	EXPECT_CSV(a, "%s:2: region \"west\" is not a region of the scenario "
		      "(expected a regions.[i].name)");
	row(a, sizeof a, "north,sun,1", "1.0");
	EXPECT_CSV(a, "%s:2: series \"sun\" is not load, datacenter or a "
		      "technology (expected one of those names)");
	row(a, sizeof a, "north,coal,1", "1.0");
	EXPECT_CSV(a, "%s:2: series \"coal\" is a technology without an hourly "
		      "profile (expected load, datacenter, or a variable, "
		      "must-run or hydro technology)");
	row(a, sizeof a, "north,load,3", "1.0");
	EXPECT_CSV(a, "%s:2: day = 3 is not a representative day (expected 1 "
		      "to 2, hours.days)");
	row(a, sizeof a, "north,load,1", "1.0");
	snprintf(rows, sizeof rows, "%s%s", a, a);
	EXPECT_CSV(rows, "%s:3: region \"north\", series load, day 1 is given "
			 "twice (expected one row per day)");
	row(a, sizeof a, "north,load,1", "x");
	EXPECT_CSV(a, "%s:2: hour 0 = \"x\" is not a number (expected a finite "
		      "number)");
	row(a, sizeof a, "north,solar,1", "1.5");
	EXPECT_CSV(a, "%s:2: hour 0 = 1.5 of solar is outside [0, 1] (a profile "
		      "is output over capacity)");
	row(a, sizeof a, "north,load,1", "-1");
	EXPECT_CSV(a, "%s:2: hour 0 = -1 of load is outside [0, 100] (a load "
		      "shape is relative to its annual mean)");
	row(a, sizeof a, "south,wind,2", "0.2");
	EXPECT_CSV(a, "%s:2: region \"south\", series wind has 1 of the 2 days "
		      "(day 1 is missing; expected every representative day)");
	row(a, sizeof a, "south,datacenter,1", "1.0");
	row(b, sizeof b, "south,datacenter,2", "1.5");
	snprintf(rows, sizeof rows, "%s%s", a, b);
	EXPECT_CSV(rows, "%s:2: region \"south\", series datacenter has the "
			 "day-weighted mean 1.25 (expected 1 within 0.1 %%: a "
			 "load shape is relative to its annual mean)");
	row(a, sizeof a, "south,wind,1", "0.2");
	row(b, sizeof b, "south,wind,2", "0.2");
	snprintf(rows, sizeof rows, "%s%s", a, b);
	EXPECT_CSV(rows, "%s:2: region \"south\", series wind has the "
			 "day-weighted mean 0.2 (expected 0.205479 within 0.1 "
			 "%%, its annual capacity factor)");
	write_file(csv_path, "region,series,day,\"0\n");
	m = load("hours = { days = 2; profiles = \"p.csv\"; };");
	CU_ASSERT_PTR_NULL(m);
	snprintf(want, sizeof want,
		 "%s:1: a quoted field has no closing quote", csv_path);
	CU_ASSERT_STRING_EQUAL(msg, want);
}

static void test_setting_errors(void)
{
	unlink(csv_path);
	char want[256];
	snprintf(want, sizeof want, "%s/p.csv", dir);
	char fmt[DCG_ERROR_MSG_MAX];
	snprintf(fmt, sizeof fmt,
		 "%%s:21: hours.profiles = \"p.csv\" cannot be opened: No such "
		 "file or directory (a profile file is read relative to the "
		 "scenario's folder, here %s)",
		 want);
	EXPECT_CFG("hours = { profiles = \"p.csv\"; };", NULL, NULL, fmt);
	EXPECT_CFG("hours = { days = 2; day_weights = [100.0, 200.0]; };", NULL,
		   NULL,
		   "%s:21: hours.day_weights sum to 300, not 365 (each "
		   "representative day stands for its share of a 365-day year)");
	EXPECT_CFG("hours = { days = 2; day_weights = [365.0]; };", NULL, NULL,
		   "%s:21: hours.day_weights has 1 entry, not 2 (one per "
		   "representative day, hours.days = 2)");
	EXPECT_CFG("hours = { days = 2; day_weights = [365.0, 0.0]; };", NULL,
		   NULL,
		   "%s:21: hours.day_weights.[1] = 0.0 is at or below the lower "
		   "limit 0 (expected 0 < day_weights <= 366 d)");
	EXPECT_CFG("hours = { days = 0; };", NULL, NULL,
		   "%s:21: hours.days = 0 is below the minimum 1 (expected 1 <= "
		   "days <= 366)");
	EXPECT_CFG("hours = { };", "load_shape = \"winter_peak\";",
		   "load_shape = \"winter_peak\"; clearness = [0.5];",
		   "%s:8: regions.[0].grid.profile.clearness has 1 entry, not "
		   "12 (one per month, January to December)");
	EXPECT_CFG("hours = { };", "load_shape = \"winter_peak\";",
		   "load_shape = \"winter_peak\"; clearness = 0.5;",
		   "%s:8: regions.[0].grid.profile.clearness = 0.5 has the wrong "
		   "type (expected an array [ ... ] of 12 numbers)");
	EXPECT_CFG("hours = { };", "load_shape = \"winter_peak\";",
		   "load_shape = \"flat\";",
		   "%s:8: regions.[0].grid.profile.load_shape = \"flat\" is not "
		   "a valid choice (expected one of \"dual_peak\", "
		   "\"summer_peak\", \"winter_peak\")");
	EXPECT_CFG("hours = { };", "peak_factor = 1.3;", "peak_factor = 4.0;",
		   "%s:7: regions.[0].grid.peak_factor = 4 stretches the "
		   "winter_peak load curve below zero in its lowest hour "
		   "(expected at most 2.1 for this curve)");
	EXPECT_CFG("hours = { };", "wind_full_load_h = 1800.0;",
		   "wind_full_load_h = 1800.0; solar_full_load_h = 6000.0;",
		   "%s:11: technology solar cannot average 0.684932 of its "
		   "capacity in region south (solar_full_load_h): its hours "
		   "with sun or water are too few even at full output (expected "
		   "a lower capacity factor)");
	EXPECT_CFG("hours = { };", "capacity_factor = 0.14;",
		   "capacity_factor = 0.6;",
		   "%s:16: technology solar cannot average 0.6 of its capacity "
		   "in region north (capacity_factor): its hours with sun or "
		   "water are too few even at full output (expected a lower "
		   "capacity factor)");
	EXPECT_CFG("hours = { };", "grid = { dc_peak_factor = 1.05; };",
		   "grid = { dc_peak_factor = 2.9; };",
		   "%s:13: grid.dc_peak_factor = 2.9 stretches the data-center "
		   "load curve below zero in its lowest hour (expected at most "
		   "2)");
}

static int suite_init(void)
{
	snprintf(dir, sizeof dir, "/tmp/dcg_profiles_XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(cfg_path, sizeof cfg_path, "%s/s.cfg", dir);
	snprintf(csv_path, sizeof csv_path, "%s/p.csv", dir);
	return 0;
}

static int suite_clean(void)
{
	unlink(cfg_path);
	unlink(csv_path);
	rmdir(dir);
	return 0;
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("profiles", suite_init, suite_clean);
	CU_add_test(s, "annual means and peaks", test_means);
	CU_add_test(s, "solar: night and solar noon", test_solar_night_and_noon);
	CU_add_test(s, "solar: day length by latitude", test_day_length);
	CU_add_test(s, "CSV round trip", test_csv_round_trip);
	CU_add_test(s, "CSV errors", test_csv_errors);
	CU_add_test(s, "setting errors", test_setting_errors);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails =
		CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
