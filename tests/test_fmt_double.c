/* Suite "fmt_double": the shortest round-trip text of a double that
 * `dcgrid export --csv` writes (app/fmt_double.c). The reference is the
 * definition itself: the smallest precision p of %.*g, tried from 1 up,
 * whose text strtod reads back as the same double (the exporter's former
 * implementation); the fast search must give the same text for every
 * value, and every text must read back exactly. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/fmt_double.h"

static void reference(char *buf, size_t size, double v)
{
	if (isnan(v)) {
		snprintf(buf, size, "NaN");
		return;
	}
	int p = 1;
	for (; p < 17; p++) {
		snprintf(buf, size, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	snprintf(buf, size, "%.*g", p, v);
	if (strchr(buf, 'e') && v != 0.0 && fabs(v) >= 1e-5 && fabs(v) < 1e16) {
		int e = (int)floor(log10(fabs(v)));
		int decimals = p - 1 - e;
		char alt[64];
		snprintf(alt, sizeof alt, "%.*f", decimals > 0 ? decimals : 0, v);
		if (strtod(alt, NULL) == v && strlen(alt) < size)
			memcpy(buf, alt, strlen(alt) + 1);
	}
}

static int mismatches;

static void check(double v)
{
	char a[64], b[64];
	dcg__format_double(a, sizeof a, v);
	reference(b, sizeof b, v);
	bool bad = strcmp(a, b) != 0 || (!isnan(v) && strtod(a, NULL) != v);
	if (bad && mismatches++ < 5)
		printf("\n  %.17g: %s, expected %s", v, a, b);
}

static void test_special_values(void)
{
	char buf[64];
	dcg__format_double(buf, sizeof buf, 634250.0);
	CU_ASSERT_STRING_EQUAL(buf, "634250");
	dcg__format_double(buf, sizeof buf, 0.1);
	CU_ASSERT_STRING_EQUAL(buf, "0.1");
	dcg__format_double(buf, sizeof buf, 1.0 / 3.0);
	CU_ASSERT_STRING_EQUAL(buf, "0.3333333333333333");
	dcg__format_double(buf, sizeof buf, 2024.25);
	CU_ASSERT_STRING_EQUAL(buf, "2024.25");
	dcg__format_double(buf, sizeof buf, NAN);
	CU_ASSERT_STRING_EQUAL(buf, "NaN");
	const double v[] = {0.0, -0.0, 1.0, -1.0, 1e-300, 5e-324, 1.7976931348623157e308,
			    INFINITY, -INFINITY, 1e16, 9.999999999999999e15, 1e-5,
			    9.99999999999e-6, 123456789012345678.0, 0.30000000000000004,
			    2.5e-7, 1e23, 8.41e21};
	mismatches = 0;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		check(v[i]);
	CU_ASSERT_EQUAL(mismatches, 0);
}

/* Random bit patterns (every exponent) and random values of the sizes a
 * result file holds (1e-6 to 1e7, with 1 to 17 significant digits). */
static void test_random_values(void)
{
	uint64_t s = 0x9e3779b97f4a7c15u;
	mismatches = 0;
	for (int i = 0; i < 200000; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		double v;
		if (i % 2 == 0) {
			memcpy(&v, &s, sizeof v);
		} else {
			double mant = (double)(s >> 11) / 9007199254740992.0;
			int digits = 1 + (int)(s % 17), e = (int)((s >> 5) % 14) - 6;
			char t[64];
			snprintf(t, sizeof t, "%.*e", digits - 1, mant * pow(10.0, e));
			v = strtod(t, NULL);
		}
		check(v);
	}
	CU_ASSERT_EQUAL(mismatches, 0);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("fmt_double", NULL, NULL);
	CU_add_test(s, "special values", test_special_values);
	CU_add_test(s, "random values as the definition gives them", test_random_values);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
