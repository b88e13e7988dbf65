/* Peak shaving within one representative day (docs/model.md, "Storage and
 * hydro by the hour"), internal to model/.
 *
 * For a day's net load n[h] (GW, h = 0..23), a store of power P (GW),
 * energy E (GWh) and round-trip efficiency eta discharges in the highest
 * hours and charges in the lowest:
 *
 *   dis[h] = clip(n[h] - theta),   chg[h] = clip(theta' - n[h]),
 *   clip(z) = pos(z; s) - pos(z - P; s)     (0 below 0, P above P, C1)
 *
 * with the thresholds set by the day's energy balance
 *   sum dis = X,  sum chg = X / eta,
 * where X, the energy discharged, is the largest that stays within E and
 * keeps theta' at or below theta:
 *   X = smin(X*, E),   X* = sum dis(theta*) where sum dis = eta sum chg at
 *   theta = theta' = theta*.
 * Each threshold is the root of a monotone piecewise-quadratic function,
 * found by Newton's method inside a bracket (bisection where a step would
 * leave it) to round-off, so the result is smooth in n, P and E by the
 * implicit-function theorem. No charging (eta = 0 in dcg__shave_day's
 * sense) is hydro with a daily budget: sum dis = min(E, 24 P) spread over
 * the highest hours.
 *
 * Properties (tests/test_hourly.c): sum dis = eta sum chg to round-off,
 * 0 <= dis, chg <= P, sum dis <= E, and the day's peak never rises.
 */
#ifndef DCGRID_MODEL_STORAGE_H
#define DCGRID_MODEL_STORAGE_H

#include <stddef.h>

/* Shaves n (nh hours) with a store of power p, energy e and round-trip
 * efficiency eta in (0, 1]; writes dis and chg (GW per hour, nh each) and
 * returns the energy discharged X (GWh). s is the smoothing band (GW). */
double dcg__shave_day(const double *n, size_t nh, double p, double e,
		      double eta, double s, double *dis, double *chg);

/* Dispatches a daily energy budget e (GWh) of power p into the highest
 * hours of n without charging; writes dis and returns the energy used
 * (e, or just under nh * p when the budget exceeds what the power can
 * deliver). */
double dcg__budget_day(const double *n, size_t nh, double p, double e,
		       double s, double *dis);

#endif
