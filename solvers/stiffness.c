/* Stiffness detection for solver.method = "auto" (stiffness.h). */
#include "stiffness.h"

void dcg__stiffness_reset(struct dcg__stiffness *s)
{
	s->steps0 = 0;
	s->fails0 = 0;
}

bool dcg__stiffness_check(struct dcg__stiffness *s, long steps, long conv_fails)
{
	if (conv_fails - s->fails0 >= DCG_STIFF_FAILS)
		return true;
	if (steps - s->steps0 >= DCG_STIFF_WINDOW) {
		s->steps0 = steps;
		s->fails0 = conv_fails;
	}
	return false;
}
