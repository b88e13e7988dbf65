#!/usr/bin/python3
"""A Python peer of dcgrid: the same model, solved with scipy.

    /usr/bin/python3 bench/peer/dcgrid_peer.py [CONFIG] -o OUT.h5 \
        [--dcgrid build/app/dcgrid] [--set KEY=VALUE]... [--json MODEL.json] \
        [--profiles PROFILES.csv] [--method BDF|LSODA|RK45|DOP853|Radau] [--tol TOL]

What a careful scientist would write in numpy/scipy for the equations of
docs/model.md, so that bench/run compares dcgrid with it on equal work:

* the scenario is read from `dcgrid config --json` (the resolved model, the
  same numbers `dcgrid run` solves), run as a subprocess unless --json gives
  the dump;
* the right-hand side is vectorised numpy over (regions x classes) and
  (regions x technologies) arrays; the quadratures (cumulative energy,
  consumption, unserved energy, emissions, generation) are kept out of the
  Newton iteration as CVODES keeps them, integrated by Gauss-Legendre on
  the solver's steps from its dense output (quadrature.py);
* the grid is evaluated by the hour (bench/peer/hourly.py): every region's
  representative days (regions x days x 24 arrays; profiles from the dump,
  or from a CSV of `dcgrid config --profiles` with --profiles), hydro
  budgets and storage shaving per day with their thresholds found for all
  (region, day) pairs at once, corridor pooling with losses, the margin as
  a smooth minimum over the hours, shifted-gamma LOLE/EUE
  (scipy.special.gammaincc), planning credits and the merit-order
  dispatch;
* scipy.integrate.solve_ivp with --method (default BDF): BDF and Radau get
  the Jacobian sparsity pattern dcgrid uses (a block per region and its
  corridor neighbours, dense national columns), so scipy estimates it by
  grouped differences as dcgrid does; LSODA (scipy's wrapper of ODEPACK's,
  Adams/BDF with stiffness detection) estimates a dense Jacobian when it
  goes stiff; RK45 and DOP853 are explicit Runge-Kutta with error control;
* --tol sets rtol and atol (the factor of each state's typical size), as
  solver.rtol and solver.atol do for dcgrid but without dcgrid's scaling
  with the region count, so that bench/peer/matched.py can choose the
  tolerance at which each method's error equals dcgrid's;
* every evaluation of the right-hand side is counted, including the
  columns of difference Jacobians (solve_ivp's nfev leaves those out), as
  "rhs_columns";
* the horizon is integrated piecewise between schedule breakpoints and
  whole years, with the cancellation jump applied at step breakpoints, as
  solvers/cvode.c does; schedules are evaluated on the segment that holds
  each interval; output times inside a piece come from solve_ivp's dense
  output, and each piece ends exactly at its breakpoint;
* the same absolute tolerances per state; the same output times; the main
  datasets written with h5py under the same names.

Not reproduced: reserve-margin events (dcgrid checks all regions after each
step and locates each crossing on its region; scipy's events would call R
Python functions per step) and the non-negativity constraints (solve_ivp
has none). Both make the peer's work lighter, not heavier.

Prints one JSON line of timings (load, setup, solve, write) to stdout.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

T_START = time.perf_counter()

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hourly import Hourly  # noqa: E402
from quadrature import integrate_piece  # noqa: E402

SMOOTH_REL = 1e-3
INTERP = {"linear": 0, "step": 1, "log": 2}


# Age stages of capacity in service (DCG_COHORTS) and the fastest a closure
# can empty a technology (model/cohorts.c).
COHORTS = 4
CLOSE_TIME_YR = 0.05


def pos(x, s):
    """pos(x; s): 0 below 0, x^2/(2s) on (0, s), x - s/2 above."""
    x = np.asarray(x, dtype=float)
    s = np.broadcast_to(s, x.shape)
    out = np.where(x < s, x * x / (2.0 * s), x - 0.5 * s)
    return np.where(x <= 0.0, 0.0, out)


def floor0(x, s):
    """floor0(x; s): 0 below 0, 2x^2/s - x^3/s^2 on (0, s), x above."""
    x = np.asarray(x, dtype=float)
    s = np.broadcast_to(s, x.shape)
    out = np.where(x < s, x * x * (2.0 * s - x) / (s * s), x)
    return np.where(x <= 0.0, 0.0, out)


def min0(a, b, s):
    return a - floor0(a - b, s)


def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def cap_factor(o, s):
    m = np.maximum(np.abs(o), s)
    safe = np.where(m > 0.0, m, 1.0)
    a, b = o / safe, s / safe
    a4, b4 = a ** 4, b ** 4
    val = b / np.where(m > 0.0, a4 * a4 + b4 * b4, 1.0) ** 0.125
    return np.where(m > 0.0, val, 1.0)


class Schedules:
    """A family of schedules (one per row), evaluated together.

    prepare(t) fixes, for every row, the segment that holds t (the last
    point with year <= t, as model/schedule.c); eval(t) then costs a few
    array operations. Between breakpoints the segment does not change."""

    def __init__(self, scheds):
        n = len(scheds)
        self.n = n
        width = max([len(s["year"]) for s in scheds] + [1])
        self.npts = np.array([len(s["year"]) for s in scheds], dtype=int)
        self.year = np.full((n, width), np.inf)
        self.value = np.zeros((n, width))
        self.interp = np.array([INTERP[s["interp"]] for s in scheds], dtype=int)
        for i, s in enumerate(scheds):
            k = len(s["year"])
            if k:
                self.year[i, :k] = s["year"]
                self.value[i, :k] = s["value"]
                self.value[i, k:] = s["value"][-1]
        self.prepare(-np.inf)

    def prepare(self, t):
        n = self.n
        rows = np.arange(n)
        cnt = (self.year <= t).sum(axis=1)
        lo = np.clip(cnt - 1, 0, None)
        hi = np.minimum(lo + 1, np.maximum(self.npts - 1, 0))
        inside = (self.npts > 1) & (cnt >= 1) & (cnt < self.npts)
        first = self.value[rows, 0] if n else np.zeros(0)
        last = self.value[rows, np.maximum(self.npts - 1, 0)] if n else np.zeros(0)
        self.const = np.where(cnt >= self.npts, last, first)
        self.const = np.where(self.npts == 0, 0.0, self.const)
        self.inside = inside
        self.y0 = self.year[rows, lo]
        self.y1 = np.where(inside, self.year[rows, hi], self.y0 + 1.0)
        self.v0 = self.value[rows, lo]
        self.v1 = self.value[rows, hi]
        self.lin = inside & ((self.interp == 0) |
                             ((self.interp == 2) & ~((self.v0 > 0) & (self.v1 > 0))))
        self.step = inside & (self.interp == 1)
        self.geo = inside & (self.interp == 2) & (self.v0 > 0) & (self.v1 > 0)
        self.any_lin = bool(self.lin.any())
        self.any_geo = bool(self.geo.any())
        self.ratio = np.where(self.geo, self.v1 / np.where(self.geo, self.v0, 1.0), 1.0)
        if self.any_lin or self.any_geo or self.step.any():
            self.const = np.where(self.step, self.v0, self.const)

    def eval(self, t):
        if not (self.any_lin or self.any_geo):
            return self.const
        x = (t - self.y0) / (self.y1 - self.y0)
        out = self.const
        if self.any_lin:
            out = np.where(self.lin, self.v0 + x * (self.v1 - self.v0), out)
        if self.any_geo:
            out = np.where(self.geo, self.v0 * self.ratio ** x, out)
        return out


class Model:
    def __init__(self, d, profiles_csv=None):
        self.d = d
        self.t0, self.t1 = d["t0"], d["t1"]
        self.step = d["output_step_yr"]
        self.rtol, self.atol = d["rtol"], d["atol"]
        g = d["grid"]
        self.g = g
        self.grid = bool(d["grid_enabled"])
        segs, cls, techs = d["segments"], d["classes"], d["techs"]
        regs, cors = d["regions"], d["corridors"]
        self.R, self.K, self.S = len(regs), len(cls), len(segs)
        self.J = len(techs) if self.grid else 0
        self.L = len(cors)
        R, K, S, J = self.R, self.K, self.S, self.J
        # Layout: P N W C (K each) PUE sigma | B Q[J] G[J] | A[J x (NC-1)]
        # App[J]; national D X p Y[J] (model/model.c).
        self.off_P, self.off_N, self.off_W, self.off_C = 0, K, 2 * K, 3 * K
        self.off_pue, self.off_share = 4 * K, 4 * K + 1
        self.off_B = 4 * K + 2
        self.off_Q = self.off_B + 1
        self.off_G = self.off_Q + J
        self.off_A = self.off_G + J
        self.off_App = self.off_A + J * (COHORTS - 1)
        self.rs = self.off_App + J if self.grid else 4 * K + 2
        self.nat = R * self.rs
        self.n = self.nat + S + K + 1 + J
        self.qs = 4 + J
        self.nq = R * self.qs
        # Classes and segments.
        self.seg = np.array([c["segment"] for c in cls], dtype=int)
        self.onehot = np.zeros((K, S))
        self.onehot[np.arange(K), self.seg] = 1.0
        self.bt = np.array([c["build_time_yr"] for c in cls])
        self.life = np.array([c["life_yr"] for c in cls])
        self.util = np.array([c["utilisation"] for c in cls])
        self.pref = np.array([c["preference"] for c in cls])
        self.cancel = np.array([c["cancel_fraction"] for c in cls])
        self.has_limit = np.array([c["has_supply_limit"] for c in cls])
        self.kw = Schedules([c["kw_per_rack"] for c in cls])
        self.pf = Schedules([c["pflops_per_rack"] for c in cls])
        self.avail = Schedules([c["availability"] for c in cls])
        self.supply = Schedules([c.get("supply_limit", {"interp": "linear", "year": [0.0], "value": [0.0]})
                                 for c in cls])
        self.growth = Schedules([s["growth"] for s in segs])
        self.dsat = np.array([s["saturation_pflops"] for s in segs])
        self.tau_a = np.array([s["adjust_time_yr"] for s in segs])
        # Regions.
        self.pw = Schedules([r["policy_weight"] for r in regs])
        self.pue_t = Schedules([r["pue_target"] for r in regs])
        self.scheds = [self.kw, self.pf, self.avail, self.supply, self.growth,
                       self.pw, self.pue_t]
        if self.grid:
            self.lead = np.array([t["lead_time_yr"] for t in techs])
            self.tlife = np.array([t["life_yr"] for t in techs])
            self.hr = Hourly(d, profiles_csv)
            self.age0 = np.array([t["initial_age_yr"] for t in techs])
            self.tapp = np.array([t["approval_time_yr"] for t in techs])
            self.has_blim = np.array([t["has_build_limit"] for t in techs])
            self.blim = Schedules([t.get("build_limit", {"interp": "linear", "year": [0.0], "value": [0.0]})
                                   for t in techs])
            self.rblim = Schedules([s for r in regs for s in r["build_limit_gw_per_yr"]])
            self.ext = Schedules([s for r in regs for s in r["life_extension_gw_per_yr"]])
            self.bgrowth = Schedules([r["base_growth"] for r in regs])
            self.rmin = np.array([r["reserve_min"] for r in regs])
            self.cc = np.array([r["capacity_credit"] for r in regs]).reshape(R, J)
            self.planned = Schedules([s for r in regs for s in r["planned_gw_per_yr"]])
            self.mix = Schedules([s for r in regs for s in r["mix"]])
            self.rating = Schedules([c["rating_gw"] for c in cors])
            self.ca, self.cb = self.hr.ca, self.hr.cb
            self.scheds += [self.bgrowth, self.planned, self.mix, self.rating,
                            self.rblim, self.ext]
            if self.has_blim.any():
                self.scheds.append(self.blim)
        else:
            self.rmin = np.zeros(R)
        self.breakpoints = self._breakpoints()

    def _breakpoints(self):
        pts = set()
        for fam in self.scheds:
            for i in range(fam.n):
                k = fam.npts[i]
                if k > 1:
                    pts.update(float(v) for v in fam.year[i, :k])
        y0, y1 = math.ceil(self.t0), math.floor(self.t1)
        pts.update(float(v) for v in range(int(y0), int(y1) + 1))
        t = sorted(v for v in pts if self.t0 < v < self.t1)
        out = []
        for v in t:
            if not out or v - out[-1] > 1e-9:
                out.append(v)
        return out

    def prepare(self, t):
        for fam in self.scheds:
            fam.prepare(t)

    def split(self, y):
        R, K, J, rs = self.R, self.K, self.J, self.rs
        Y = y[: self.nat].reshape(R, rs)
        nat = y[self.nat: self.n]
        return Y, nat

    def eval(self, t, y, want_dot=True):
        """The model at (t, y): a dict of the intermediate quantities and,
        when want_dot, ydot (n entries)."""
        R, K, S, J = self.R, self.K, self.S, self.J
        g = self.g
        Y, nat = self.split(y)
        P = Y[:, 0:K]
        N = Y[:, K:2 * K]
        W = Y[:, 2 * K:3 * K]
        C = Y[:, 3 * K:4 * K]
        pue = Y[:, self.off_pue]
        sig = Y[:, self.off_share]
        D = nat[0:S]
        X = nat[S:S + K]
        pn = nat[S + K]
        o = {}
        # Hardware mix, normalised per segment.
        a = self.avail.eval(t)
        mixk = self.pref * np.maximum(a, 0.0)
        den = np.bincount(self.seg, mixk, minlength=S)[self.seg]
        mixk = np.where(den > 0.0, mixk / np.where(den > 0.0, den, 1.0), 0.0)
        tau_seg = np.bincount(self.seg, mixk * self.bt, minlength=S)
        c_new = self.pf.eval(t)
        w_new = self.kw.eval(t)
        # Loads.
        it = W @ (self.util / 1000.0)
        dW = P / self.bt * w_new / 1000.0 - W / self.life
        dit = dW @ (self.util / 1000.0)
        dpue = (self.pue_t.eval(t) - pue) / g["pue_time_yr"]
        fac = it * pue
        dfac = dit * pue + it * dpue
        o.update(it=it, fac=fac)
        # Grid adequacy, trade, gate, price.
        if self.grid:
            B = Y[:, self.off_B]
            Q = Y[:, self.off_Q:self.off_Q + J]
            G = Y[:, self.off_G:self.off_G + J]
            # The grid by the hour (bench/peer/hourly.py): hours before
            # trade, corridors, margins at the critical hours, gate, price.
            hr = self.hr.adequacy(B, fac, G, self.rating.eval(t) if self.L else np.zeros(0))
            gate, price = hr["gate"], hr["price"]
            o.update(B=B, Q=Q, G=G, firm=hr["avail"], peak=hr["loadpeak"],
                     imp=hr["imppeak"], rm=hr["rm"], gate=gate, price=price, hr=hr, t=t)
        else:
            gate = np.ones(R)
            price = np.ones(R)
            o.update(gate=gate, price=price)
        # National demand.
        phi = (max(pn, 1e-12) ** (-g["demand_price_elasticity"])
               if g["price_growth_enabled"] and self.grid else 1.0)
        dD = self.growth.eval(t) * D * (1.0 - D / self.dsat) * phi
        # Shares, normalised.
        ssum = sig.sum()
        scale = 1.0 / ssum if ssum > 0.0 else 0.0
        eta = g["share_price_elasticity"] if g["price_share_enabled"] and self.grid else 0.0
        att = np.maximum(self.pw.eval(t), 0.0)
        if eta != 0.0:
            att = att * price ** (-eta)
        asum = att.sum()
        target = att / asum if asum > 0.0 else np.full(R, 1.0 / R)
        sigma = sig * scale
        o["sigma"] = sigma
        # Stock management.
        repl = (C / self.life) @ self.onehot
        gap = -(C + P * c_new) @ self.onehot
        grow = sigma[:, None] * dD[None, :]
        gap = gap + sigma[:, None] * D[None, :] + tau_seg[None, :] * (repl + grow)
        sgk = self.seg
        sigma_d = sigma[:, None] * D[sgk][None, :]
        sgap = SMOOTH_REL * np.maximum(sigma_d, 1e-9)
        want = repl[:, sgk] + gate[:, None] * (grow[:, sgk] + pos(gap[:, sgk], sgap) / self.tau_a[sgk])
        orders = mixk * want / c_new
        orders = floor0(orders, SMOOTH_REL * sgap / (self.tau_a[sgk] * c_new))
        onat = orders.sum(axis=0)
        cap = np.where(self.has_limit, cap_factor(onat, np.maximum(self.supply.eval(t), 0.0)), 1.0)
        fsum = fac.sum()
        price_nat = (fac * price).sum() / fsum if fsum > 0.0 else 1.0
        o.update(cap=cap, price_nat=price_nat, orders=orders * X)
        if self.grid:
            o["dfac"] = dfac
            self.planning(t, o, Y)
        if not want_dot:
            return o, None
        tp = g["perception_time_yr"]
        ydot = np.empty(self.n)
        Yd = ydot[: self.nat].reshape(R, self.rs)
        natd = ydot[self.nat:]
        natd[0:S] = dD
        natd[S:S + K] = (cap - X) / tp
        natd[S + K] = (price_nat - pn) / tp
        done = P / self.bt
        Yd[:, 0:K] = X * orders - done
        Yd[:, K:2 * K] = done - N / self.life
        Yd[:, 2 * K:3 * K] = done * w_new / 1000.0 - W / self.life
        Yd[:, 3 * K:4 * K] = done * c_new - C / self.life
        Yd[:, self.off_pue] = dpue
        Yd[:, self.off_share] = (target - sigma) / g["share_time_yr"]
        if self.grid:
            Yd[:, self.off_B] = o["dB"]
            self.invest_region(o, Y, nat)
            Yd[:, self.off_App:self.off_App + J] = o["dApp"]
            Yd[:, self.off_Q:self.off_Q + J] = o["dQ"]
            Yd[:, self.off_G:self.off_G + J] = o["dG"]
            Yd[:, self.off_A:self.off_A + J * (COHORTS - 1)] = o["dA"].reshape(R, -1)
            natd[S + K + 1:] = (o["cap_build"] - nat[S + K + 1:]) / tp
        return o, ydot

    def planning(self, t, o, Y):
        """Retirements, closures and desired investment (model/cohorts.c,
        model/investment.c) before the build caps."""
        R, J, g = self.R, self.J, self.g
        B, Q, G = o["B"], o["Q"], o["G"]
        A = Y[:, self.off_A:self.off_A + J * (COHORTS - 1)].reshape(R, J, COHORTS - 1)
        App = Y[:, self.off_App:self.off_App + J]
        k = COHORTS / self.tlife
        raw = k * A[:, :, -1]
        ext = np.maximum(self.ext.eval(t), 0.0).reshape(R, J)
        retire = np.where(ext > 0.0, floor0(raw - ext, SMOOTH_REL * np.maximum(k * G, 1e-9)), raw)
        plan = self.planned.eval(t).reshape(R, J)
        add = np.maximum(plan, 0.0)
        cl = np.maximum(-plan, 0.0)
        close = np.where(cl > 0.0, min0(cl, np.maximum(G, 0.0) / CLOSE_TIME_YR,
                                        np.maximum(SMOOTH_REL * cl, 1e-300)), 0.0)
        dB = self.bgrowth.eval(t) * B
        mj = np.maximum(self.mix.eval(t), 0.0).reshape(R, J)
        mixsum = mj.sum(axis=1)
        okm = mixsum > 0.0
        mjn = np.where(okm[:, None], mj / np.where(okm, mixsum, 1.0)[:, None], 0.0)
        lead_a = self.tapp + self.lead
        hro = o["hr"]
        cc = self.hr.planning_credit(hro)
        repl = (cc * retire).sum(axis=1)
        line = (cc * lead_a * retire).sum(axis=1)
        cover = hro["avail"] + (cc * (Q + App)).sum(axis=1)
        h = g["invest_time_yr"] + mjn @ lead_a
        dload = hro["bpeak"] * dB + hro["cpeak"] * o["dfac"]
        tgt = g["reserve_target"]
        short = (hro["netpeak"] + tgt * hro["loadpeak"] + (1.0 + tgt) * h * dload
                 - hro["imppeak"] + line - cover)
        want = repl + pos(short, SMOOTH_REL * hro["loadpeak"]) / g["invest_time_yr"]
        desired = mjn * want[:, None] / np.maximum(cc, 1e-3)
        lim = np.maximum(self.rblim.eval(t), 0.0).reshape(R, J)
        capped = desired * cap_factor(desired, lim)
        inat = capped.sum(axis=0)
        cap_build = np.where(self.has_blim, cap_factor(inat, np.maximum(self.blim.eval(t), 0.0)), 1.0)
        o.update(dB=dB, A=A, App=App, retire=retire, add=add, close=close,
                 desired=desired, capped=capped, cap_build=cap_build)

    def invest_region(self, o, Y, nat):
        """Built and unmet investment, the approval and construction stages
        and the age chain (model/investment.c, model/cohorts.c)."""
        S, K = self.S, self.K
        Q, G, A, App = o["Q"], o["G"], o["A"], o["App"]
        Yn = np.where(self.has_blim, nat[S + K + 1:], 1.0)
        built = Yn * o["capped"]
        haveapp = self.tapp > 0.0
        tsafe = np.where(haveapp, self.tapp, 1.0)
        into_q = np.where(haveapp, App / tsafe, built)
        o["dApp"] = np.where(haveapp, built - App / tsafe, 0.0)
        o["dQ"] = into_q - Q / self.lead
        start = Q / self.lead
        o.update(invest=built, unmet=o["desired"] - built)
        k = COHORTS / self.tlife
        prev = np.maximum(G - A.sum(axis=2), 0.0)
        cg = np.where(G > 0.0, o["close"] / np.where(G > 0.0, G, 1.0), 0.0)
        dA = np.empty_like(A)
        for a in range(1, COHORTS):
            Aa = A[:, :, a - 1]
            out = o["retire"] if a == COHORTS - 1 else k * Aa
            dA[:, :, a - 1] = k * prev - out - cg * Aa
            prev = Aa
        o["dA"] = dA
        o["dG"] = start + o["add"] - o["close"] - o["retire"]

    def dispatch(self, o):
        """Energy by the hour in merit order (hourly.py, model/dispatch.c):
        generation, curtailment, unserved energy, emissions."""
        d = self.hr.dispatch(o["hr"], o["G"], o["t"])
        return d["gen"], d["curt"], d["unserved"], d["emis"]

    def quad(self, o):
        R, J = self.R, self.J
        q = np.zeros((R, self.qs))
        q[:, 0] = 8.76 * o["fac"]
        if self.grid:
            gen, curt, unserved, emis = self.dispatch(o)
            q[:, 1] = 8.76 * (o["B"] + o["fac"])
            q[:, 2] = 8.76 * unserved
            q[:, 3] = emis
            q[:, 4:] = 8.76 * gen
        return q.ravel()

    def rhs(self, t, y):
        self.rhs_columns += 1
        return self.eval(t, y)[1]

    def full_rhs(self, t, z):
        self.rhs_columns += 1
        o, ydot = self.eval(t, z[: self.n])
        out = np.empty_like(z)
        out[: self.n] = ydot
        out[self.n:] = self.quad(o)
        return out

    def initial(self):
        R, K, S, J = self.R, self.K, self.S, self.J
        t0 = self.t0
        self.prepare(t0)
        y = np.zeros(self.n)
        Y, nat = self.split(y)
        Y = y[: self.nat].reshape(R, self.rs)
        d = self.d
        share = np.array([r["initial_share"] for r in d["regions"]])
        cls = d["classes"]
        kw = np.array([c["initial_kw_per_rack"] for c in cls])
        pf = np.array([c["initial_pflops_per_rack"] for c in cls])
        kw = np.where(kw >= 0.0, kw, self.kw.eval(t0))
        pf = np.where(pf >= 0.0, pf, self.pf.eval(t0))
        racks = np.array([c["initial_racks"] for c in cls])
        pipe = np.array([c["initial_pipeline_racks"] for c in cls])
        gseg = np.maximum(self.growth.eval(t0), 0.0)[self.seg]
        N = share[:, None] * racks[None, :]
        Pst = self.bt * N * pf * (1.0 / self.life + gseg) / self.pf.eval(t0)
        P = np.where(pipe >= 0.0, share[:, None] * pipe[None, :], Pst)
        Y[:, 0:K] = P
        Y[:, K:2 * K] = N
        Y[:, 2 * K:3 * K] = N * kw / 1000.0
        Y[:, 3 * K:4 * K] = N * pf
        Y[:, self.off_pue] = [r["initial_pue"] for r in d["regions"]]
        Y[:, self.off_share] = share
        if self.grid:
            Y[:, self.off_B] = [r["base_demand_gw"] for r in d["regions"]]
            capg = np.array([r["capacity_gw"] for r in d["regions"]]).reshape(R, J)
            pipg = np.array([r["pipeline_gw"] for r in d["regions"]]).reshape(R, J)
            Y[:, self.off_G:self.off_G + J] = capg
            # Age stages: uniform ages on [0, 2 a0] (model/cohorts.c).
            age = np.where(self.age0 >= 0.0, self.age0, 0.5 * self.tlife)
            span, width = 2.0 * age, self.tlife / COHORTS
            for a in range(1, COHORTS):
                lo = a * width
                hi = np.full(J, np.inf) if a == COHORTS - 1 else lo + width
                share_a = np.where(span > 0.0, np.maximum(np.minimum(hi, span) - lo, 0.0)
                                   / np.where(span > 0.0, span, 1.0), 0.0)
                Y[:, self.off_A + np.arange(J) * (COHORTS - 1) + (a - 1)] = share_a[None, :] * capg
        for s in range(S):
            D = d["segments"][s]["initial_demand_pflops"]
            if D < 0.0:
                D = Y[:, 3 * K:4 * K][:, self.seg == s].sum()
            y[self.nat + s] = D
        y[self.nat + S:self.nat + S + K] = 1.0
        y[self.nat + S + K] = 1.0
        y[self.nat + S + K + 1:] = 1.0
        if self.grid:
            o, _ = self.eval(t0, y, want_dot=False)
            self.initial_pipelines(o, Y)
        for _ in range(2):
            o, _ = self.eval(t0, y, want_dot=False)
            y[self.nat + S:self.nat + S + K] = o["cap"]
            y[self.nat + S + K] = o["price_nat"]
            if self.grid:
                y[self.nat + S + K + 1:] = o["cap_build"]
        return y

    def initial_pipelines(self, o, Y):
        """Pipelines the config leaves to the model: the investment rule's
        flow at t0 with them in place (model/investment.c)."""
        R, J, g, t0 = self.R, self.J, self.g, self.t0
        pipg = np.array([r["pipeline_gw"] for r in self.d["regions"]]).reshape(R, J)
        sent = pipg < 0.0
        mj = np.maximum(self.mix.eval(t0), 0.0).reshape(R, J)
        mixsum = mj.sum(axis=1)
        mjn = np.where(mixsum[:, None] > 0.0, mj / np.where(mixsum > 0.0, mixsum, 1.0)[:, None], 0.0)
        lead_a = self.tapp + self.lead
        ret = o["retire"]
        hro = o["hr"]
        cc = self.hr.planning_credit(hro)
        repl = (cc * ret).sum(axis=1)
        line = (cc * lead_a * ret).sum(axis=1)
        cover = hro["avail"] + (cc * np.where(sent, 0.0, pipg)).sum(axis=1)
        h = g["invest_time_yr"] + mjn @ lead_a
        H = (mjn * np.where(sent, lead_a[None, :], 0.0)).sum(axis=1)
        dload = hro["bpeak"] * self.bgrowth.eval(t0) * o["B"] + hro["cpeak"] * o["dfac"]
        tgt = g["reserve_target"]
        s0 = (hro["netpeak"] + tgt * hro["loadpeak"] + (1.0 + tgt) * h * dload
              - hro["imppeak"] + line - cover)
        tau = g["invest_time_yr"]
        want = np.where(s0 - repl * H > 0.0, (repl * tau + s0) / (tau + H), repl)
        flow = mjn * want[:, None] / np.maximum(cc, 1e-3)
        flow = flow * cap_factor(flow, np.maximum(self.rblim.eval(t0), 0.0).reshape(R, J))
        Y[:, self.off_Q:self.off_Q + J] = np.where(sent, self.lead * flow, pipg)
        Y[:, self.off_App:self.off_App + J] = np.where(sent, self.tapp * flow, 0.0)

    def tolerances(self, y0, q0):
        R, rs = self.R, self.rs
        Y = y0[: self.nat].reshape(R, rs)
        big = np.abs(Y).max(axis=0) if R else np.zeros(rs)
        big[self.off_pue] = max(big[self.off_pue], 1.0)
        big[self.off_share] = max(big[self.off_share], 1.0)
        if self.grid:
            # Age stages and approvals take their technology's scale.
            J = self.J
            bigG = big[self.off_G:self.off_G + J]
            for j in range(J):
                sl = slice(self.off_A + j * (COHORTS - 1), self.off_A + (j + 1) * (COHORTS - 1))
                big[sl] = np.maximum(big[sl], bigG[j])
                big[self.off_App + j] = max(big[self.off_App + j], bigG[j])
        at = self.atol * np.maximum(np.maximum(np.abs(Y), big[None, :] * 1e-3), 1e-9)
        atn = self.atol * np.maximum(np.abs(y0[self.nat:]), 1.0)
        fac = np.abs(q0).max() if q0.size else 0.0
        atq = self.atol * np.maximum(np.abs(q0), 1e-3 * fac + 1e-9)
        return np.concatenate([at.ravel(), atn, atq])

    def sparsity(self):
        """dcgrid's pattern: region r's columns reach the rows of r and its
        corridor neighbours (states and quadratures); national columns are
        dense; national rows are left to the national columns."""
        R, rs, qs, n = self.R, self.rs, self.qs, self.n
        nb = [[r] for r in range(R)]
        if self.grid:
            for a, b in zip(self.ca, self.cb):
                nb[a].append(int(b))
                nb[b].append(int(a))
        rows, cols = [], []
        blk_r = np.repeat(np.arange(rs), rs)
        blk_c = np.tile(np.arange(rs), rs)
        qb_r = np.repeat(np.arange(qs), rs)
        qb_c = np.tile(np.arange(rs), qs)
        for r in range(R):
            for q in set(nb[r]):
                rows.append(q * rs + blk_r)
                cols.append(r * rs + blk_c)
                rows.append(n + q * qs + qb_r)
                cols.append(r * rs + qb_c)
        ntot = n + self.nq
        nn = n - self.nat
        rows.append(np.repeat(np.arange(ntot), nn))
        cols.append(np.tile(np.arange(self.nat, n), ntot))
        rows = np.concatenate(rows)
        cols = np.concatenate(cols)
        return sp.csc_matrix((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(ntot, ntot))

    def jumps(self, t, y):
        """Pipeline cancellation when a class's availability falls at a
        step breakpoint (model/model.c)."""
        K = self.K
        for k in range(K):
            if self.cancel[k] <= 0.0 or self.avail.interp[k] != 1:
                continue
            before = one_eval(self.avail, k, t - 1e-9)
            after = one_eval(self.avail, k, t)
            if not (after < before) or before <= 0.0:
                continue
            keep = 1.0 - self.cancel[k] * (before - after) / before
            idx = np.arange(self.R) * self.rs + self.off_P + k
            y[idx] *= keep


def one_eval(fam, i, t):
    k = fam.npts[i]
    yr, v = fam.year[i, :k], fam.value[i, :k]
    if k == 0:
        return 0.0
    if k == 1 or t <= yr[0]:
        return v[0]
    if t >= yr[-1]:
        return v[-1]
    lo = int(np.searchsorted(yr, t, side="right")) - 1
    x = (t - yr[lo]) / (yr[lo + 1] - yr[lo])
    if fam.interp[i] == 1:
        return v[lo]
    if fam.interp[i] == 2 and v[lo] > 0 and v[lo + 1] > 0:
        return v[lo] * (v[lo + 1] / v[lo]) ** x
    return v[lo] + x * (v[lo + 1] - v[lo])


SERIES = [
    # group, name, key, shape kind
    ("datacenter", "racks"), ("datacenter", "racks_pipeline"),
    ("datacenter", "it_capacity"), ("datacenter", "compute"),
    ("datacenter", "orders"), ("datacenter", "it_load"),
    ("datacenter", "facility_load"), ("datacenter", "energy"),
    ("datacenter", "pue"), ("datacenter", "standard_racks"),
    ("datacenter", "demand_share"), ("datacenter", "compute_demand"),
    ("datacenter", "segment_demand"), ("datacenter", "supply_cap"),
    ("grid", "base_demand"), ("grid", "demand"), ("grid", "peak_demand"),
    ("grid", "firm_capacity"), ("grid", "reserve_margin"),
    ("grid", "net_import"), ("grid", "unserved"), ("grid", "price_index"),
    ("grid", "emissions"), ("grid", "connection_gate"), ("grid", "capacity"),
    ("grid", "capacity_pipeline"), ("grid", "generation"),
    ("grid", "curtailment"), ("grid", "flow"),
    ("cumulative", "dc_energy"), ("cumulative", "unserved_energy"),
    ("cumulative", "emissions"),
]


def derive(m, t, y, q):
    """Every output series at one time (model/derive.c)."""
    R, K, S, J = m.R, m.K, m.S, m.J
    m.prepare(t)
    o, _ = m.eval(t, y, want_dot=False)
    Y, nat = m.split(y)
    Qr = q.reshape(R, m.qs)
    W = Y[:, 2 * K:3 * K]
    out = {
        "datacenter/racks": Y[:, K:2 * K].copy(),
        "datacenter/racks_pipeline": Y[:, 0:K].copy(),
        "datacenter/it_capacity": W.copy(),
        "datacenter/compute": Y[:, 3 * K:4 * K].copy(),
        "datacenter/orders": o["orders"].copy(),
        "datacenter/it_load": o["it"],
        "datacenter/facility_load": o["fac"],
        "datacenter/energy": 8.76 * o["fac"],
        "datacenter/pue": Y[:, m.off_pue].copy(),
        "datacenter/standard_racks": W.sum(axis=1) * 1000.0 / 2.5,
        "datacenter/demand_share": o["sigma"],
        "datacenter/compute_demand": nat[0:S].sum(),
        "datacenter/segment_demand": nat[0:S].copy(),
        "datacenter/supply_cap": nat[S:S + K].copy(),
        "cumulative/dc_energy": Qr[:, 0].copy(),
    }
    if m.grid:
        hr, G = o["hr"], o["G"]
        dp = m.hr.dispatch(hr, G, t)
        cred, flow = m.hr.derived(hr, G)
        out.update({
            "grid/base_demand": o["B"].copy(),
            "grid/demand": o["B"] + o["fac"],
            "grid/peak_demand": hr["loadpeak"],
            "grid/firm_capacity": hr["avail"],
            "grid/reserve_margin": hr["rm"],
            "grid/net_import": hr["imppeak"],
            "grid/unserved": dp["unserved"],
            "grid/price_index": o["price"],
            "grid/emissions": dp["emis"],
            "grid/connection_gate": o["gate"],
            "grid/capacity": G.copy(),
            "grid/capacity_pipeline": o["Q"].copy(),
            "grid/generation": dp["gen"],
            "grid/curtailment": dp["curt"],
            "grid/flow": flow,
            "grid/net_peak": hr["netpeak"],
            "grid/lole": hr["lole"],
            "grid/eue": hr["eue"],
            "grid/storage_charge": dp["charge"],
            "grid/surplus": dp["surplus"],
            "grid/capacity_credit": cred,
            "cumulative/unserved_energy": Qr[:, 2].copy(),
            "cumulative/emissions": Qr[:, 3].copy(),
        })
    return out


def solve_pieces(m):
    """Piecewise BDF between breakpoints (each piece ends exactly at its
    breakpoint; output times inside a piece come from the dense output).
    piece's end). Returns the output rows (t, state + quadratures), the
    quadratures at whole years and the solver's counters."""
    n, nq = m.n, m.nq
    y0 = m.initial()
    m.prepare(m.t0)
    o, _ = m.eval(m.t0, y0, want_dot=False)
    q0 = m.quad(o)
    atol = m.tolerances(y0, q0)[:n]
    pattern = m.sparsity()[:n, :n]
    z = np.concatenate([y0, np.zeros(nq)])
    T = int(math.floor((m.t1 - m.t0) / m.step + 1e-9)) + 1
    if m.t0 + (T - 1) * m.step < m.t1 - 1e-9:
        T += 1
    touts = [m.t1 if i == T - 1 else m.t0 + i * m.step for i in range(T)]
    rows = [(m.t0, z.copy())]
    years = {}
    if abs(m.t0 - round(m.t0)) < 1e-9:
        years[int(round(m.t0))] = z[n:].copy()
    stats = {"steps": 0, "rhs_evals": 0, "jac_evals": 0, "lu": 0, "restarts": 0,
             "rhs_columns": 0, "quad_evals": 0}
    m.rhs_columns = 0
    ta = m.t0
    for tb in m.breakpoints + [m.t1]:
        m.prepare(0.5 * (ta + tb))
        tev = [t for t in touts if ta + 1e-9 < t < tb - 1e-9]
        # The states alone; the integrals by quadrature on the solver's
        # steps (quadrature.py), as CVODES keeps them out of the Newton
        # iteration.
        opts = {"jac_sparsity": pattern} if m.method in ("BDF", "Radau") else {}
        sol = solve_ivp(m.rhs, (ta, tb), z[:n], method=m.method, rtol=m.rtol,
                        atol=atol, dense_output=True, **opts)
        if sol.status != 0:
            raise RuntimeError(f"solve_ivp failed between {ta} and {tb}: {sol.message}")
        stats["steps"] += sol.t.size - 1
        stats["rhs_evals"] += int(sol.nfev)
        stats["jac_evals"] += int(sol.njev)
        stats["lu"] += int(sol.nlu)
        stats["rhs_columns"] = m.rhs_columns
        qs, qb, ne = integrate_piece(m, sol, ta, tb, z[n:], tev)
        stats["quad_evals"] += ne
        for t, qt in zip(tev, qs):
            rows.append((t, np.concatenate([sol.sol(t), qt])))
        z = np.concatenate([sol.y[:, -1], qb])
        # Discrete changes first: an output at a breakpoint shows the state
        # after them, as solvers/cvode.c records it.
        if tb < m.t1:
            m.jumps(tb, z[:n])
            stats["restarts"] += 1
        if any(abs(tb - t) <= 1e-9 * max(1.0, abs(t)) for t in touts):
            rows.append((tb, z.copy()))
        if abs(tb - round(tb)) < 1e-9:
            years[int(round(tb))] = z[n:].copy()
        ta = tb
    return rows, years, stats


def write_h5(path, m, rows, years, stats, timings):
    import h5py
    n = m.n
    tmp = path + ".tmp"
    with h5py.File(tmp, "w") as f:
        f.attrs["schema"] = "dcgrid/1"
        f.attrs["producer"] = f"bench/peer/dcgrid_peer.py (scipy solve_ivp {m.method})"
        f.attrs["scenario"] = m.d["scenario"]
        times = np.array([t for t, _ in rows])
        f.create_dataset("time", data=times)
        series = {}
        for t, z in rows:
            for k, v in derive(m, t, z[:n], z[n:]).items():
                series.setdefault(k, []).append(v)
        for k, v in series.items():
            f.create_dataset(k, data=np.array(v))
        ys = sorted(years)
        Y = [y for y in ys[:-1] if y + 1 in years]
        R, J = m.R, m.J
        f.create_dataset("annual/year", data=np.array(Y, dtype=float))
        diffs = np.array([(years[y + 1] - years[y]).reshape(R, m.qs) for y in Y])
        if len(Y):
            f.create_dataset("annual/dc_energy", data=diffs[:, :, 0])
            if m.grid:
                f.create_dataset("annual/consumption", data=diffs[:, :, 1])
                f.create_dataset("annual/unserved_energy", data=diffs[:, :, 2])
                f.create_dataset("annual/emissions", data=diffs[:, :, 3])
                f.create_dataset("annual/generation", data=diffs[:, :, 4:])
        g = f.create_group("solver")
        for k, v in stats.items():
            g.attrs[k] = v
        for k, v in timings.items():
            g.attrs[k + "_s"] = v
        g.attrs["method"] = f"{m.method} (scipy.integrate.solve_ivp)"
        g.attrs["rtol"] = m.rtol
        g.attrs["atol"] = m.atol
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("config", nargs="?", help="scenario file (default: built-in)")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--dcgrid", default=os.environ.get("DCGRID", "build/app/dcgrid"))
    ap.add_argument("--set", action="append", default=[], dest="sets")
    ap.add_argument("--json", help="use this `dcgrid config --json` dump")
    ap.add_argument("--profiles", help="hourly profiles as CSV (`dcgrid config --profiles`) "
                    "instead of those of the JSON dump")
    ap.add_argument("--method", default="BDF",
                    choices=["BDF", "LSODA", "RK45", "DOP853", "Radau"])
    ap.add_argument("--tol", type=float,
                    help="rtol and atol (default: the scenario's solver.rtol, atol)")
    a = ap.parse_args(argv)
    t_imp = time.perf_counter() - T_START
    t0 = time.perf_counter()
    if a.json:
        with open(a.json) as fh:
            d = json.load(fh)
    else:
        cmd = [a.dcgrid, "config", "--json"]
        if a.config:
            cmd.append(a.config)
        for s in a.sets:
            cmd += ["--set", s]
        d = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    m = Model(d, a.profiles)
    m.method = a.method
    if a.tol:
        m.rtol = m.atol = a.tol
    t1 = time.perf_counter()
    rows, years, stats = solve_pieces(m)
    t2 = time.perf_counter()
    timings = {"import": t_imp, "load": t1 - t0, "solve": t2 - t1}
    write_h5(a.output, m, rows, years, stats, timings)
    t3 = time.perf_counter()
    timings["write"] = t3 - t2
    rec = {"regions": m.R, "states": m.n, "quadratures": m.nq, "method": m.method,
           "rtol": m.rtol, **stats,
           **{k + "_s": v for k, v in timings.items()}}
    print(json.dumps(rec))
    return 0


if __name__ == "__main__":
    sys.exit(main())
