/* Suite "model": properties of the right-hand side itself, without a solver:
 * exact zero derivatives in steady state, conservation, co-flows, smooth
 * helpers, layout. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdlib.h>

#include "../model/smooth.h"
#include "fixture.h"

static double *alloc_state(const struct dcg_model *m)
{
	double *y = calloc(m->layout.n, sizeof *y);
	CU_ASSERT_FATAL(y != NULL);
	return y;
}

static void test_steady_state_rhs_is_exactly_zero(void)
{
	for (size_t J = 0; J <= 3; J += 3) {
		struct dcg_model *m = fx_model(3, 3, 2, J, J ? 2 : 0);
		struct dcg_work *w = dcg_work_new(m);
		double *y = alloc_state(m), *yd = alloc_state(m);
		CU_ASSERT_EQUAL(dcg_model_initial(m, y), 0);
		CU_ASSERT_EQUAL(dcg_model_rhs(m, w, 2025.3, y, yd), 0);
		double worst = 0.0;
		size_t at = 0;
		for (size_t i = 0; i < m->layout.n; i++)
			if (fabs(yd[i]) > worst * (1.0 + 1e-300)) {
				worst = fabs(yd[i]);
				at = i;
			}
		char d[256];
		if (worst > 1e-12)
			printf("\n  J=%zu: %s has rate %g\n", J,
			       dcg_model_describe_state(m, at, d, sizeof d), yd[at]);
		CU_ASSERT(worst <= 1e-12);
		free(y);
		free(yd);
		dcg_work_free(w);
		dcg_model_free(m);
	}
}

static void test_shares_and_imports_conserved(void)
{
	struct dcg_model *m = fx_model(4, 2, 1, 3, 4);
	/* Unequal regions so that corridors carry power and prices differ. */
	m->regions[0].capacity_gw[0] = 12.0;
	m->regions[2].capacity_gw[0] = 30.0;
	fx_step(&m->regions[1].policy_weight, 2024.0, 0.25, 2026.0, 0.7);
	struct dcg_work *w = dcg_work_new(m);
	double *y = alloc_state(m), *yd = alloc_state(m);
	CU_ASSERT_EQUAL(dcg_model_initial(m, y), 0);
	CU_ASSERT_EQUAL(dcg_model_rhs(m, w, 2027.0, y, yd), 0);
	double dsum = 0.0;
	for (size_t r = 0; r < m->R; r++)
		dsum += yd[dcg_ix_share(&m->layout, r)];
	CU_ASSERT_DOUBLE_EQUAL(dsum, 0.0, 1e-15);
	/* Shares move toward the new policy weight. */
	CU_ASSERT(yd[dcg_ix_share(&m->layout, 1)] > 0.01);

	double *out[DCG_SER_COUNT] = {0};
	double imp[4], flow[4], rm[4];
	double q[64] = {0};
	out[DCG_SER_NET_IMPORT] = imp;
	out[DCG_SER_FLOW] = flow;
	out[DCG_SER_RESERVE_MARGIN] = rm;
	CU_ASSERT_EQUAL(dcg_model_derive(m, w, 2027.0, y, q, out), 0);
	double isum = 0.0;
	for (size_t r = 0; r < m->R; r++)
		isum += imp[r];
	CU_ASSERT_DOUBLE_EQUAL(isum, 0.0, 1e-12);
	/* Region 0 is short, region 2 long: power flows into 0 and out of 2,
	 * and no corridor carries more than its rating. */
	CU_ASSERT(imp[0] > 0.1);
	CU_ASSERT(imp[2] < -0.1);
	for (size_t l = 0; l < m->L; l++)
		CU_ASSERT(fabs(flow[l]) <= 2.0 + 1e-12);
	free(y);
	free(yd);
	dcg_work_free(w);
	dcg_model_free(m);
}

static void test_smooth_helpers(void)
{
	CU_ASSERT_EQUAL(dcg__pos(0.0, 0.1), 0.0);
	CU_ASSERT_EQUAL(dcg__pos(-5.0, 0.1), 0.0);
	CU_ASSERT_DOUBLE_EQUAL(dcg__pos(0.05, 0.1), 0.0125, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(dcg__pos(2.0, 0.1), 1.95, 1e-15);
	/* C1 at s: both pieces give value s/2 and slope 1. */
	CU_ASSERT_DOUBLE_EQUAL(dcg__pos(0.1 - 1e-9, 0.1), 0.05, 1e-8);
	CU_ASSERT_EQUAL(dcg__floor0(0.0, 1.0), 0.0);
	CU_ASSERT_EQUAL(dcg__floor0(3.0, 1.0), 3.0);
	CU_ASSERT_DOUBLE_EQUAL(dcg__floor0(1.0 - 1e-9, 1.0), 1.0, 1e-8);
	CU_ASSERT_DOUBLE_EQUAL(dcg__smin(3.0, 1.0, 1e-3), 1.0005, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(dcg__cap_factor(0.0, 5.0), 1.0, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(dcg__cap_factor(5.0, 5.0), pow(2.0, -0.125), 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(dcg__cap_factor(5.0, 0.0), 0.0, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(dcg__cap_factor(1e300, 1e300), pow(2.0, -0.125), 1e-15);
}

static void test_schedule_eval(void)
{
	struct dcg_schedule s = {0};
	fx_step(&s, 2024.0, 1.0, 2026.0, 0.0);
	CU_ASSERT_EQUAL(dcg_schedule_eval(&s, 2023.0), 1.0);
	CU_ASSERT_EQUAL(dcg_schedule_eval(&s, 2025.999), 1.0);
	CU_ASSERT_EQUAL(dcg_schedule_eval(&s, 2026.0), 0.0);
	s.interp = DCG_INTERP_LINEAR;
	CU_ASSERT_DOUBLE_EQUAL(dcg_schedule_eval(&s, 2025.0), 0.5, 1e-15);
	s.value[1] = 4.0;
	s.interp = DCG_INTERP_LOG;
	CU_ASSERT_DOUBLE_EQUAL(dcg_schedule_eval(&s, 2025.0), 2.0, 1e-14);
	CU_ASSERT_EQUAL(dcg_schedule_eval(&s, 2040.0), 4.0);
	dcg_schedule_free(&s);
	CU_ASSERT_EQUAL(dcg_schedule_eval(&s, 2025.0), 0.0);
}

static void test_layout_and_describe(void)
{
	struct dcg_model *m = fx_model(2, 3, 1, 2, 1);
	const struct dcg_layout *l = &m->layout;
	/* P N W C, PUE, share | B Q G | older age stages, approvals. */
	CU_ASSERT_EQUAL(l->region_size, 4 * 3 + 2 + 1 + 2 * 2 + 2 * (DCG_COHORTS - 1) + 2);
	/* National: D, X, price, build-cap factors. */
	CU_ASSERT_EQUAL(l->n, 2 * l->region_size + 1 + 3 + 1 + 2);
	char d[256];
	CU_ASSERT_STRING_EQUAL(dcg_model_describe_state(m, dcg_ix_W(l, 1, 2), d, sizeof d),
			       "IT capacity W (MW) [region region1, class class2]");
	CU_ASSERT_STRING_EQUAL(dcg_model_describe_state(m, dcg_ix_G(l, 0, 1), d, sizeof d),
			       "capacity in service G (GW) [region region0, technology tech1]");
	CU_ASSERT_STRING_EQUAL(dcg_model_describe_state(m, dcg_ix_D(l, 0), d, sizeof d),
			       "compute demand D [segment seg0]");
	CU_ASSERT_STRING_EQUAL(dcg_model_describe_state(m, dcg_ix_A(l, 1, 1, DCG_COHORTS - 1), d,
							sizeof d),
			       "capacity of age stage 3 (GW) [region region1, technology tech1]");
	CU_ASSERT_STRING_EQUAL(dcg_model_describe_state(m, dcg_ix_App(l, 0, 1), d, sizeof d),
			       "capacity in approval (GW) [region region0, technology tech1]");
	CU_ASSERT_STRING_EQUAL(dcg_model_describe_state(m, dcg_ix_Y(l, 1), d, sizeof d),
			       "perceived build-cap factor [technology tech1]");
	CU_ASSERT_STRING_EQUAL(dcg_model_describe_state(m, dcg_ix_price(l), d, sizeof d),
			       "perceived national price index");
	dcg_model_free(m);
}

static void test_breakpoints_and_jumps(void)
{
	struct dcg_model *m = fx_model(2, 2, 1, 0, 0);
	fx_step(&m->classes[1].availability, 2024.0, 1.0, 2026.25, 0.0);
	m->classes[1].cancel_fraction = 0.4;
	double *t = NULL;
	size_t n = 0;
	CU_ASSERT_EQUAL(dcg_model_breakpoints(m, &t, &n, NULL), 0);
	/* The availability step only: whole years need no restart. */
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_DOUBLE_EQUAL(t[0], 2026.25, 1e-12);
	free(t);
	double *y = alloc_state(m);
	CU_ASSERT_EQUAL(dcg_model_initial(m, y), 0);
	double p = y[dcg_ix_P(&m->layout, 1, 1)], p0 = y[dcg_ix_P(&m->layout, 1, 0)];
	CU_ASSERT_EQUAL(dcg_model_apply_jumps(m, 2026.25, y), 1);
	CU_ASSERT_DOUBLE_EQUAL(y[dcg_ix_P(&m->layout, 1, 1)], 0.6 * p, 1e-9 * p);
	CU_ASSERT_EQUAL(y[dcg_ix_P(&m->layout, 1, 0)], p0);
	CU_ASSERT_EQUAL(dcg_model_apply_jumps(m, 2025.0, y), 0);
	free(y);
	dcg_model_free(m);
}

static void test_clone_is_deep(void)
{
	struct dcg_model *m = fx_model(2, 2, 1, 3, 1);
	struct dcg_model *c = dcg_model_clone(m);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(dcg_model_finalize(c, NULL), 0);
	CU_ASSERT_EQUAL(c->layout.n, m->layout.n);
	CU_ASSERT_PTR_NOT_EQUAL(c->regions[0].mix, m->regions[0].mix);
	c->regions[0].capacity_gw[0] = 99.0;
	CU_ASSERT_EQUAL(m->regions[0].capacity_gw[0], 20.0);
	dcg_model_free(m);
	dcg_model_free(c);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("model", NULL, NULL);
	CU_add_test(s, "steady state rhs is exactly zero", test_steady_state_rhs_is_exactly_zero);
	CU_add_test(s, "shares and imports conserved", test_shares_and_imports_conserved);
	CU_add_test(s, "smooth helpers", test_smooth_helpers);
	CU_add_test(s, "schedule evaluation", test_schedule_eval);
	CU_add_test(s, "layout and state names", test_layout_and_describe);
	CU_add_test(s, "breakpoints and cancellation jumps", test_breakpoints_and_jumps);
	CU_add_test(s, "clone is deep", test_clone_is_deep);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
