/* The shortest round-trip text of a double (fmt_double.h).
 *
 * Whether p significant digits read back as v is monotone in p (a correctly
 * rounded p-digit decimal that round-trips stays round-trip with more
 * digits), so the shortest p can be searched instead of tried from 1 up to
 * 17: computed values mostly need 16 or 17 digits, so 15, 16 and 17 are
 * tried first (two or three conversions), and a value that round-trips at
 * 15 is bisected below (four more). The old loop of up to 17 snprintf and
 * strtod calls per value was 94 % of `dcgrid export` (docs/performance.md);
 * the results are identical (tests/test_fmt_double.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_double.h"

/* snprintf(buf, size, "%.*g", p, v) with a literal format: glibc formats
 * a precision given as an argument on its slower positional path, which
 * took two thirds of the exporter's instructions. */
static void g_digits(char *buf, size_t size, int p, double v)
{
	switch (p) {
#define G(n)                                        \
	case n:                                     \
		snprintf(buf, size, "%." #n "g", v); \
		return;
		G(1) G(2) G(3) G(4) G(5) G(6) G(7) G(8) G(9)
		G(10) G(11) G(12) G(13) G(14) G(15) G(16)
#undef G
	default:
		snprintf(buf, size, "%.17g", v);
	}
}

static int round_trips(char *buf, size_t size, int p, double v)
{
	g_digits(buf, size, p, v);
	return strtod(buf, NULL) == v;
}

/* The fewest significant digits that round-trip. */
static int shortest_digits(char *buf, size_t size, double v)
{
	if (!round_trips(buf, size, 15, v))
		return round_trips(buf, size, 16, v) ? 16 : 17;
	int lo = 1, hi = 15; /* hi round-trips */
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (round_trips(buf, size, mid, v))
			hi = mid;
		else
			lo = mid + 1;
	}
	return hi;
}

void dcg__format_double(char *buf, size_t size, double v)
{
	if (isnan(v)) {
		snprintf(buf, size, "NaN");
		return;
	}
	int p = isinf(v) ? 1 : shortest_digits(buf, size, v);
	g_digits(buf, size, p, v);
	/* Spreadsheets read 634250 more kindly than 6.3425e+05: write the
	 * same digits without an exponent in the usual range. */
	if (strchr(buf, 'e') && v != 0.0 && fabs(v) >= 1e-5 && fabs(v) < 1e16) {
		int e = (int)floor(log10(fabs(v)));
		int decimals = p - 1 - e;
		char alt[64];
		snprintf(alt, sizeof alt, "%.*f", decimals > 0 ? decimals : 0, v);
		if (strtod(alt, NULL) == v && strlen(alt) < size)
			memcpy(buf, alt, strlen(alt) + 1);
	}
}
