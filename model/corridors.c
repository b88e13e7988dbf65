/* Corridor flows by the hour (docs/model.md, "Corridors by the hour").
 *
 * A corridor pools its two ends' firm fleets: in each hour it carries what
 * equalises their utilisation u = net / A (net load over available firm
 * capacity, hours.c), shared among the corridors of the busier end, and no
 * more than its usable rating:
 *
 *   delta[h] = (net_b A_a - net_a A_b) / (A_a + A_b) / max(deg a, deg b)
 *   f[h]     = clipsym(delta[h], T(t) avail)        (GW sent from a to b)
 *   clipsym(x, c) = x - pos(x - c; s) + pos(-x - c; s)
 *
 * so a region with spare capacity sends only what its neighbour lacks
 * relative to itself, and a surplus of variable output (net < 0) flows to
 * where it is used. Losses: lambda = loss_per_1000km length_km / 1000; the
 * receiving end gets (1 - lambda) of what is sent:
 *
 *   imp_a -= f+ - (1 - lambda) f-,   imp_b += (1 - lambda) f+ - f-,
 *   f+ = hinge(f), f- = hinge(-f),   hinge(x) - hinge(-x) = x exactly
 *
 * so sent - lost = received hour by hour, to round-off.
 */
#include <math.h>

#include "dcgrid/model.h"
#include "hours.h"
#include "model_internal.h"
#include "smooth.h"

static double loss_share(const struct dcg_corridor *c)
{
	return fmin(fmax(c->loss_per_1000km * c->length_km / 1000.0, 0.0), 1.0);
}

void dcg__corridor_hours(const struct dcg_model *m, struct dcg_work *w,
			 size_t l, double rating)
{
	const struct dcg_corridor *c = &m->corridors[l];
	size_t a = c->from, b = c->to, H = w->H;
	const double *na = &w->net_h[a * H], *nb = &w->net_h[b * H];
	double Aa = w->avail[a], Ab = w->avail[b];
	double cap = fmax(rating * c->availability, 0.0);
	size_t dega = w->inc_ptr[a + 1] - w->inc_ptr[a];
	size_t degb = w->inc_ptr[b + 1] - w->inc_ptr[b];
	double share = 1.0 / (double)(dega > degb ? dega : degb);
	double den = Aa + Ab;
	double s = DCG_SMOOTH_REL * fmax(cap, 1e-9);
	double *f = &w->flow_h[l * H];
	for (size_t i = 0; i < H; i++) {
		double delta = den > 0.0 ? (nb[i] * Aa - na[i] * Ab) / den * share
					 : 0.0;
		f[i] = delta - dcg__pos(delta - cap, s) + dcg__pos(-delta - cap, s);
	}
}

double dcg__corridor_loss(const struct dcg_model *m, size_t l, double f)
{
	double s = DCG_SMOOTH_REL;
	return loss_share(&m->corridors[l]) * (dcg__hinge(f, s) + dcg__hinge(-f, s));
}

void dcg__corridor_imports(const struct dcg_model *m, struct dcg_work *w,
			   size_t l)
{
	const struct dcg_corridor *c = &m->corridors[l];
	size_t H = w->H;
	double lam = loss_share(c), s = DCG_SMOOTH_REL;
	const double *f = &w->flow_h[l * H];
	double *ia = &w->imp_h[c->from * H], *ib = &w->imp_h[c->to * H];
	for (size_t i = 0; i < H; i++) {
		double fp = dcg__hinge(f[i], s), fm = dcg__hinge(-f[i], s);
		ia[i] -= fp - (1.0 - lam) * fm;
		ib[i] += (1.0 - lam) * fp - fm;
	}
}
