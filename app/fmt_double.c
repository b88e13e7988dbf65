/* The shortest round-trip text of a double (fmt_double.h).
 *
 * Whether p significant digits read back as v is monotone in p (a correctly
 * rounded p-digit decimal that round-trips stays round-trip with more
 * digits), so the shortest p can be searched instead of tried from 1 up to
 * 17: computed values mostly need 16 or 17 digits, so 15, 16 and 17 are
 * tried first, and a value that round-trips at 15 is bisected below. The
 * candidates are not printed one by one: printf gives v's 17 correctly
 * rounded digits once, and a shorter candidate is those digits rounded
 * (the same as printf's own rounding except at an exact half of the
 * 17-digit string, where printf is asked), each checked with strtod. The old loop of up to 17 snprintf and
 * strtod calls per value was 94 % of `dcgrid export` (docs/performance.md);
 * the results are identical (tests/test_fmt_double.c). */
#include <math.h>
#include <stdbool.h>
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

/* v's 17 significant digits, correctly rounded, and its decimal exponent:
 * v = 0.d[0]d[1]... x 10^(e + 1). */
struct digits {
	char d[18];
	int e;
	bool neg;
};

static void digits17(double v, struct digits *dg)
{
	char t[40];
	snprintf(t, sizeof t, "%.16e", v); /* -d.dddddddddddddddde+XX */
	const char *s = t;
	dg->neg = *s == '-';
	if (dg->neg)
		s++;
	dg->d[0] = s[0];
	memcpy(dg->d + 1, s + 2, 16);
	dg->d[17] = '\0';
	dg->e = (int)strtol(s + 19, NULL, 10);
}

/* The p leading digits of dg rounded half up into out (p digits, *e the
 * exponent after a carry). False where the 17-digit string ends in an
 * exact half at p (its own rounding may have made the tie): the caller
 * then asks printf. */
static bool round_digits(const struct digits *dg, int p, char *out, int *e)
{
	*e = dg->e;
	memcpy(out, dg->d, (size_t)p);
	out[p] = '\0';
	if (p >= 17)
		return true;
	char r = dg->d[p];
	bool rest_zero = true;
	for (int i = p + 1; i < 17; i++)
		rest_zero &= dg->d[i] == '0';
	if (r == '5' && rest_zero)
		return false;
	if (r < '5')
		return true;
	int i = p - 1;
	for (; i >= 0 && out[i] == '9'; i--)
		out[i] = '0';
	if (i >= 0) {
		out[i]++;
	} else {
		memmove(out + 1, out, (size_t)p - 1);
		out[0] = '1';
		(*e)++;
	}
	return true;
}

/* What printf's %.{p}g writes for the digits dig (p of them) and exponent
 * e: fixed notation when -4 <= e < p, else d.ddde+XX, trailing zeros
 * removed either way. */
static void g_text(char *buf, size_t size, bool neg, const char *dig, int p, int e)
{
	int n = p;
	while (n > 1 && dig[n - 1] == '0')
		n--;
	char t[64], *o = t;
	if (neg)
		*o++ = '-';
	if (e >= -4 && e < p) {
		if (e < 0) {
			*o++ = '0';
			*o++ = '.';
			for (int i = 0; i < -e - 1; i++)
				*o++ = '0';
			memcpy(o, dig, (size_t)n);
			o += n;
		} else {
			for (int i = 0; i <= e; i++)
				*o++ = i < n ? dig[i] : '0';
			if (n > e + 1) {
				*o++ = '.';
				memcpy(o, dig + e + 1, (size_t)(n - e - 1));
				o += n - e - 1;
			}
		}
		*o = '\0';
	} else {
		*o++ = dig[0];
		if (n > 1) {
			*o++ = '.';
			memcpy(o, dig + 1, (size_t)n - 1);
			o += n - 1;
		}
		int x = e < 0 ? -e : e;
		*o++ = 'e';
		*o++ = e < 0 ? '-' : '+';
		if (x >= 100)
			*o++ = (char)('0' + x / 100);
		*o++ = (char)('0' + x / 10 % 10);
		*o++ = (char)('0' + x % 10);
		*o = '\0';
	}
	size_t len = (size_t)(o - t);
	if (len < size)
		memcpy(buf, t, len + 1);
}

/* The %.{p}g text of v into buf: from the 17 digits, or from printf at an
 * ambiguous half. */
static void g_from_digits(char *buf, size_t size, const struct digits *dg, int p,
			  double v)
{
	char dig[18];
	int e;
	if (round_digits(dg, p, dig, &e))
		g_text(buf, size, dg->neg, dig, p, e);
	else
		g_digits(buf, size, p, v);
}

/* The fewest significant digits that round-trip, their text in buf. */
static int shortest_digits(char *buf, size_t size, double v)
{
	struct digits dg;
	digits17(v, &dg);
	g_from_digits(buf, size, &dg, 15, v);
	if (strtod(buf, NULL) != v) {
		g_from_digits(buf, size, &dg, 16, v);
		if (strtod(buf, NULL) == v)
			return 16;
		g_from_digits(buf, size, &dg, 17, v);
		return 17;
	}
	int lo = 1, hi = 15; /* hi round-trips */
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		g_from_digits(buf, size, &dg, mid, v);
		if (strtod(buf, NULL) == v)
			hi = mid;
		else
			lo = mid + 1;
	}
	g_from_digits(buf, size, &dg, hi, v);
	return hi;
}

void dcg__format_double(char *buf, size_t size, double v)
{
	if (isnan(v)) {
		snprintf(buf, size, "NaN");
		return;
	}
	int p = 1;
	if (isinf(v) || v == 0.0)
		g_digits(buf, size, p, v);
	else
		p = shortest_digits(buf, size, v);
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
