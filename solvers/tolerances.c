/* Absolute tolerances of the states (tolerances.h). */
#include <math.h>

#include "tolerances.h"

double dcg__tol_scale(const struct dcg_model *m)
{
	double R = (double)m->R;
	return R > DCG_TOL_REGIONS ? sqrt(DCG_TOL_REGIONS / R) : 1.0;
}

/* Absolute tolerances: atol times the typical size of each state, taken as
 * the largest initial value of the same kind over all regions, so that a
 * region that starts empty still gets a meaningful tolerance (age stages
 * and approvals: of the technology's capacity). */
void dcg__abs_tolerances(const struct dcg_model *m, const double *y0,
			 double *abstol)
{
	const struct dcg_layout *l = &m->layout;
	size_t rs = l->region_size;
	double atol = m->atol * dcg__tol_scale(m);
	for (size_t o = 0; o < rs; o++) {
		double big = 0.0;
		for (size_t r = 0; r < m->R; r++)
			big = fmax(big, fabs(y0[r * rs + o]));
		if (o == l->off_pue || o == l->off_share)
			big = fmax(big, 1.0);
		/* Age stages and approvals often start empty (a young fleet's
		 * oldest stage, a technology without an approval stage): they
		 * take the scale of the technology's capacity in service. */
		if (m->grid_enabled && o >= l->off_A && o < l->off_App + m->J) {
			size_t j = o < l->off_App ? (o - l->off_A) / (DCG_COHORTS - 1)
						  : o - l->off_App;
			for (size_t r = 0; r < m->R; r++)
				big = fmax(big, fabs(y0[r * rs + l->off_G + j]));
		}
		for (size_t r = 0; r < m->R; r++)
			abstol[r * rs + o] =
				atol * fmax(fmax(fabs(y0[r * rs + o]), big * 1e-3), 1e-9);
	}
	for (size_t i = l->nat; i < l->n; i++)
		abstol[i] = atol * fmax(fabs(y0[i]), 1.0);
}
