"""The grid by the hour, in numpy: the peer's port of dcgrid's hourly model.

Written independently from the equations in the header comments of
model/hours.c, model/storage.h, model/corridors.c, model/adequacy.c,
model/dispatch.c and model/rhs.c (docs/model.md, "The grid by the hour").
Everything is vectorised over regions x representative days x hours: a
region's hours are the rows of (R, H) arrays, H = D * 24, viewed as
(R, D, 24) where a day matters (hydro budget, storage). The thresholds of
storage and hydro are roots of monotone piecewise-quadratic functions, found
for all (region, day) pairs at once by a safeguarded Newton iteration (a
Newton step where it stays inside the bracket, bisection otherwise) to
round-off, the method scipy.optimize.newton would use row by row.

Hourly profiles come from `dcgrid config --json` (load_shape, dc_shape,
cf_shape per region and day_weight) or from a CSV in the format of
`dcgrid config --profiles` (read_profiles_csv).
"""
import csv

import numpy as np
from scipy.special import gammaincc
from scipy.stats import norm

SMOOTH_REL = 1e-3
HOURS = 24
MUST_RUN, VARIABLE, THERMAL, HYDRO, STORAGE = 0, 1, 2, 3, 4
KINDS = {"must_run": MUST_RUN, "variable": VARIABLE, "thermal": THERMAL,
         "hydro": HYDRO, "storage": STORAGE}
# Hours whose spare capacity lies this many standard deviations beyond the
# mean outage have a loss-of-load probability below 1e-17 (adequacy.c).
LOLP_TAIL_SD = 12.0
LOLE_FLOOR_H = 1e-6
ROOT_MAX_ITER = 60


# Smooth helpers (model/smooth.h), broadcasting.
def pos(x, s):
    x = np.asarray(x, dtype=float)
    out = np.where(x < s, x * x / (2.0 * s), x - 0.5 * s)
    return np.where(x <= 0.0, 0.0, out)


def dpos(x, s):
    x = np.asarray(x, dtype=float)
    return np.where(x <= 0.0, 0.0, np.where(x < s, x / s, 1.0))


def floor0(x, s):
    x = np.asarray(x, dtype=float)
    out = np.where(x < s, x * x * (2.0 * s - x) / (s * s), x)
    return np.where(x <= 0.0, 0.0, out)


def min0(a, b, s):
    return a - floor0(a - b, s)


def min_below(a, b, s):
    return a - floor0(a - b + 4.0 * s / 27.0, s)


def hinge(x, s):
    x = np.asarray(x, dtype=float)
    mid = (x + s) * (x + s) / (4.0 * s)
    return np.where(x <= -s, 0.0, np.where(x >= s, x, mid))


def take(a, b):
    """The share of a surplus a that an output b takes (model/dispatch.c):
    min(a, b), smooth, never more than b, and 0 where b is 0."""
    bs = np.where(b > 0.0, b, 1.0)
    return np.where(b > 0.0, min_below(a, bs, SMOOTH_REL * bs), 0.0)


def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


# Peak shaving within a day (model/storage.h), rows = (region, day) pairs.
def clip(z, p, s):
    """clip(z) = pos(z; s) - pos(z - p; s) and its derivative in z."""
    return pos(z, s) - pos(z - p, s), dpos(z, s) - dpos(z - p, s)


def _sum_clip(n, theta, sign, p, s):
    """sum_h clip(sign (n[h] - theta)) and its derivative in theta."""
    c, dz = clip(sign * (n - theta[:, None]), p[:, None], s[:, None])
    return c.sum(axis=1), -sign * dz.sum(axis=1)


def _crossing(n, theta, eta, p, s):
    d, dd = _sum_clip(n, theta, 1.0, p, s)
    c, dc = _sum_clip(n, theta, -1.0, p, s)
    return d - eta * c, dd - eta * dc


def solve_rows(fun, lo, hi, direction, scale):
    """Roots of the monotone functions fun(rows, x) -> (g, dg) (decreasing
    when direction = -1, increasing when +1), one per row, bracketed by
    [lo, hi]: Newton's method with bisection where a step would leave the
    bracket, to round-off. Only the rows not yet converged are evaluated."""
    lo, hi = lo.astype(float).copy(), hi.astype(float).copy()
    x = 0.5 * (lo + hi)
    act = np.arange(x.size)
    for _ in range(ROOT_MAX_ITER):
        if act.size == 0:
            break
        xa, la, ha = x[act], lo[act], hi[act]
        g, dg = fun(act, xa)
        zero = g == 0.0
        up = direction * g > 0.0
        ha = np.where(up, xa, ha)
        la = np.where(up, la, xa)
        safe = np.where(dg != 0.0, dg, 1.0)
        step = np.where(dg != 0.0, g / safe, np.inf)
        sc = scale[act]
        # Converged when the Newton step or the residual is at round-off
        # (a few ulps of the day's sums): the root is then x itself, even
        # where round-off puts the step just outside the bracket.
        done = (np.abs(step) <= 1e-15 * sc) | (np.abs(g) <= 2e-15 * HOURS * sc)
        nx = xa - np.where(np.isfinite(step), step, 0.0)
        nx = np.where((nx > la) & (nx < ha), nx, 0.5 * (la + ha))
        nx = np.where(done, xa, nx)
        conv = done | (np.abs(nx - xa) <= 1e-15 * sc) | (ha - la <= 1e-15 * sc)
        x[act] = np.where(zero, xa, nx)
        lo[act], hi[act] = la, ha
        act = act[~(zero | conv)]
    return x


def shave_days(n, p, e, eta, s):
    """Storage on the days n (M x 24) with power p, energy e, round-trip
    efficiency eta and smoothing s (M each): discharge and charge (M x 24).
    """
    M = n.shape[0]
    dis = np.zeros_like(n)
    chg = np.zeros_like(n)
    s = np.minimum(s, 0.25 * p)
    nlo, nhi = n.min(axis=1), n.max(axis=1)
    ok = (p > 0.0) & (e > 0.0) & (eta > 0.0) & (nhi - nlo > 0.0)
    if not ok.any():
        return dis, chg
    rows = np.flatnonzero(ok) if not ok.all() else np.arange(M)
    n, p, e, eta, s = n[rows], p[rows], e[rows], eta[rows], s[rows]
    nlo, nhi = nlo[rows], nhi[rows]
    scale = np.maximum(np.abs(nlo), np.abs(nhi)) + p
    th = solve_rows(lambda i, x: _crossing(n[i], x, eta[i], p[i], s[i]),
                    nlo, nhi, -1.0, scale)
    xc, _ = _sum_clip(n, th, 1.0, p, s)
    x = min_below(xc, e, SMOOTH_REL * e)
    thd, thc = th.copy(), th.copy()
    lim = np.flatnonzero(x < xc)
    if lim.size:
        nl, pl, sl, xl, el = n[lim], p[lim], s[lim], x[lim], eta[lim]

        def fd(i, t):
            f, df = _sum_clip(nl[i], t, 1.0, pl[i], sl[i])
            return f - xl[i], df

        def fc(i, t):
            f, df = _sum_clip(nl[i], t, -1.0, pl[i], sl[i])
            return f - xl[i] / el[i], df

        sc = scale[lim]
        thd[lim] = solve_rows(fd, th[lim], nhi[lim], -1.0, sc)
        thc[lim] = solve_rows(fc, nlo[lim], th[lim], 1.0, sc)
    dis[rows] = clip(n - thd[:, None], p[:, None], s[:, None])[0]
    chg[rows] = clip(thc[:, None] - n, p[:, None], s[:, None])[0]
    return dis, chg


def budget_days(n, p, e, s):
    """Hydro: a daily budget e of power p on the highest hours of n (M x
    24), no charging."""
    dis = np.zeros_like(n)
    s = np.minimum(s, 0.25 * p)
    ok = (p > 0.0) & (e > 0.0)
    if not ok.any():
        return dis
    rows = np.flatnonzero(ok)
    n, p, e, s = n[rows], p[rows], e[rows], s[rows]
    nlo, nhi = n.min(axis=1), n.max(axis=1)
    cap = HOURS * p * (1.0 - 1e-6)
    x = min_below(e, cap, SMOOTH_REL * cap)
    lo = nlo - p - 2.0 * s
    scale = np.maximum(np.abs(lo), np.abs(nhi)) + p

    def f(i, t):
        v, dv = _sum_clip(n[i], t, 1.0, p[i], s[i])
        return v - x[i], dv

    th = solve_rows(f, lo, nhi, -1.0, scale)
    dis[rows] = clip(n - th[:, None], p[:, None], s[:, None])[0]
    return dis


def read_profiles_csv(path, region_names, tech_names, days):
    """Profiles in the format of `dcgrid config --profiles` (region,
    series, day, 24 values): (load_shape R x H, dc_shape R x H, cf_shape
    R x J x H). Series missing from the file are left NaN."""
    ri = {n: i for i, n in enumerate(region_names)}
    ti = {n: j for j, n in enumerate(tech_names)}
    R, J, H = len(region_names), len(tech_names), days * HOURS
    ls, ds = np.full((R, H), np.nan), np.full((R, H), np.nan)
    cf = np.full((R, J, H), np.nan)
    with open(path, newline="") as fh:
        rows = (line for line in fh if not line.startswith("#"))
        for row in csv.reader(rows):
            if not row or row[0] == "region":
                continue
            r, ser, d = ri[row[0]], row[1], int(row[2]) - 1
            v = np.array([float(x) for x in row[3:3 + HOURS]])
            sl = slice(d * HOURS, (d + 1) * HOURS)
            if ser == "load":
                ls[r, sl] = v
            elif ser == "datacenter":
                ds[r, sl] = v
            else:
                cf[r, ti[ser], sl] = v
    return ls, ds, cf


class Hourly:
    """The hourly grid of a model dump (`dcgrid config --json`)."""

    def __init__(self, d, profiles_csv=None):
        techs, regs, cors = d["techs"], d["regions"], d["corridors"]
        g = d["grid"]
        self.g = g
        R, J, L = len(regs), len(techs), len(cors)
        self.R, self.J, self.L = R, J, L
        self.w = np.array(d["day_weight"], dtype=float)
        self.D = self.w.size
        H = self.H = self.D * HOURS
        self.kind = np.array([KINDS[t["kind"]] for t in techs], dtype=int)
        self.fo = np.array([t["forced_outage_rate"] for t in techs])
        self.unit = np.array([t["unit_size_gw"] for t in techs])
        self.dur = np.array([t["duration_h"] for t in techs])
        self.eff = np.array([t["efficiency"] for t in techs])
        self.mino = np.array([t["min_output"] for t in techs])
        self.ef = np.array([t["emission_factor"] for t in techs])
        self.vcost = [t["variable_cost"] for t in techs]
        if profiles_csv:
            self.ls, self.ds, self.cf = read_profiles_csv(
                profiles_csv, [r["name"] for r in regs], [t["name"] for t in techs], self.D)
        else:
            self.ls = np.array([r["load_shape"] for r in regs], dtype=float).reshape(R, H)
            self.ds = np.array([r["dc_shape"] for r in regs], dtype=float).reshape(R, H)
            self.cf = np.array([r["cf_shape"] for r in regs], dtype=float).reshape(R, J, H)
        self.cc = np.array([r["capacity_credit"] for r in regs], dtype=float).reshape(R, J)
        self.rmin = np.array([r["reserve_min"] for r in regs])
        th = self.kind == THERMAL
        self.th, self.vr = th, self.kind == VARIABLE
        self.mr = self.kind == MUST_RUN
        self.hy, self.st = self.kind == HYDRO, self.kind == STORAGE
        self.vm = self.vr | self.mr
        # Variable and must-run output per GW, hour by hour (R x Jvm x H).
        self.cf_vm = self.cf[:, self.vm, :]
        self.cf_hy = self.cf[:, self.hy, :].reshape(R, -1, self.D, HOURS)
        # Corridors.
        self.ca = np.array([c["from"] for c in cors], dtype=int)
        self.cb = np.array([c["to"] for c in cors], dtype=int)
        self.cav = np.array([c["availability"] for c in cors], dtype=float)
        lam = np.array([c["loss_per_1000km"] * c["length_km"] / 1000.0 for c in cors])
        self.lam = np.clip(lam, 0.0, 1.0)
        deg = np.bincount(self.ca, minlength=R) + np.bincount(self.cb, minlength=R)
        self.share = 1.0 / np.maximum(deg[self.ca], deg[self.cb]) if L else np.zeros(0)
        self.needs_lole = (g["standard"] == "lole" or
                           (g["gate_enabled"] and g["gate_reads"] == "lole"))
        # Per-hour weights of the day-weighted means (dispatch) and of the
        # yearly sums (LOLE).
        self.wd_h = np.repeat(self.w, HOURS)

    # ---- a region's hours before trade (model/hours.c) ----
    def hours(self, B, F, G):
        R, D, H = self.R, self.D, self.H
        o = {}
        cn = G[:, self.th].sum(axis=1)
        avail = ((1.0 - self.fo[self.th]) * G[:, self.th]).sum(axis=1)
        Gs = G[:, self.st]
        sp = Gs.sum(axis=1)
        se = (Gs * self.dur[self.st]).sum(axis=1)
        see = (Gs * (self.dur * self.eff)[self.st]).sum(axis=1)
        eta = np.where(se > 0.0, see / np.where(se > 0.0, se, 1.0), 1.0)
        Gh = G[:, self.hy]
        hp = Gh.sum(axis=1)
        hmin = (Gh * self.mino[self.hy]).sum(axis=1)
        hsh = np.where(hp > 0.0, hmin / np.where(hp > 0.0, hp, 1.0), 0.0)
        load = B[:, None] * self.ls + F[:, None] * self.ds
        net = load - np.einsum("rjh,rj->rh", self.cf_vm, G[:, self.vm])
        s = SMOOTH_REL * np.maximum(load.mean(axis=1), 1e-9)
        net3 = net.reshape(R, D, HOURS)
        hyd = np.zeros((R, D, HOURS))
        hr = np.flatnonzero(hp > 0.0)
        if hr.size:
            budget = np.einsum("rjdh,rj->rd", self.cf_hy[hr], Gh[hr])
            flat = hsh[hr, None] * budget / HOURS
            tmp = net3[hr] - flat[:, :, None]
            M = hr.size * D
            out = budget_days(tmp.reshape(M, HOURS),
                              np.maximum(hp[hr, None] - flat, 0.0).ravel(),
                              ((1.0 - hsh[hr, None]) * budget).ravel(),
                              np.repeat(s[hr], D))
            hyd[hr] = flat[:, :, None] + out.reshape(hr.size, D, HOURS)
            net3 = net3 - hyd
        dis = np.zeros((R, D, HOURS))
        chg = np.zeros((R, D, HOURS))
        sr = np.flatnonzero((sp > 0.0) & (se > 0.0))
        if sr.size:
            M = sr.size * D
            dd, cc = shave_days(net3[sr].reshape(M, HOURS), np.repeat(sp[sr], D),
                                np.repeat(se[sr], D), np.repeat(eta[sr], D),
                                np.repeat(s[sr], D))
            dis[sr] = dd.reshape(sr.size, D, HOURS)
            chg[sr] = cc.reshape(sr.size, D, HOURS)
            net3 = net3 + chg - dis
        o.update(load=load, net=net3.reshape(R, H), hyd=hyd.reshape(R, H),
                 dis=dis.reshape(R, H), chg=chg.reshape(R, H), cn=cn, avail=avail,
                 s=s, sp=sp, hp=hp)
        return o

    # ---- corridors (model/corridors.c) ----
    def corridors(self, o, rating):
        R, H = self.R, self.H
        imp = np.zeros((R, H))
        if not self.L:
            o.update(flow_h=np.zeros((0, H)), imp=imp)
            return
        net, A = o["net"], o["avail"]
        Aa, Ab = A[self.ca], A[self.cb]
        den = Aa + Ab
        cap = np.maximum(rating * self.cav, 0.0)
        s = SMOOTH_REL * np.maximum(cap, 1e-9)
        dsafe = np.where(den > 0.0, den, 1.0)
        delta = np.where((den > 0.0)[:, None],
                         (net[self.cb] * Aa[:, None] - net[self.ca] * Ab[:, None]) /
                         dsafe[:, None] * self.share[:, None], 0.0)
        # A region receives at most its share of its own positive net load;
        # the flow saturates exactly at hi and lo (model/corridors.c).
        sc, cc, sh = s[:, None], cap[:, None], self.share[:, None]
        hi = min_below(cc, sh * pos(net[self.cb], sc), sc)
        lo = -min_below(cc, sh * pos(net[self.ca], sc), sc)
        f = delta - pos(delta - hi + 0.5 * sc, sc) + pos(lo + 0.5 * sc - delta, sc)
        fp, fm = hinge(f, SMOOTH_REL), hinge(-f, SMOOTH_REL)
        keep = (1.0 - self.lam)[:, None]
        np.add.at(imp, self.ca, -(fp - keep * fm))
        np.add.at(imp, self.cb, keep * fp - fm)
        o.update(flow_h=f, imp=imp)

    # ---- margins at the critical hours (model/adequacy.c) ----
    def margin(self, o):
        load, net, imp, A = o["load"], o["net"], o["imp"], o["avail"]
        ok = load > 0.0
        m = np.where(ok, (A[:, None] - net + imp) / np.where(ok, load, 1.0), 0.0)
        x = (m - m.min(axis=1, keepdims=True)) / self.g["peak_smoothing"]
        e = np.where(x > 40.0, 0.0, np.exp(-np.minimum(x, 40.0)))
        sw = e.sum(axis=1)

        def crit(v):
            return (e * v).sum(axis=1) / sw

        o["rm"] = crit(m)
        o["netpeak"] = crit(net)
        o["loadpeak"] = crit(load)
        o["imppeak"] = crit(imp)
        o["bpeak"] = crit(self.ls)
        o["cpeak"] = crit(self.ds)
        o["stor_crit"] = crit(o["dis"] - o["chg"])
        o["hyd_crit"] = crit(o["hyd"])
        credit = np.zeros((self.R, self.J))
        credit[:, self.vm] = np.einsum("rh,rjh->rj", e, self.cf_vm) / sw[:, None]
        o["credit"] = credit

    # ---- loss of load (model/adequacy.c) ----
    def lole(self, o, G):
        q, u = self.fo[self.th], self.unit[self.th]
        Gt = G[:, self.th]
        cn = Gt.sum(axis=1)
        mu = (q * Gt).sum(axis=1)
        v = (q * (1.0 - q) * u * Gt).sum(axis=1)
        m3 = (q * (1.0 - q) * (1.0 - 2.0 * q) * u * u * Gt).sum(axis=1)
        load, net, imp = o["load"], o["net"], o["imp"]
        lu = self.g["load_uncertainty"]
        c = cn[:, None] - (net - imp)
        vh = v[:, None] + lu * lu * load * load
        m3h = np.broadcast_to(m3[:, None], vh.shape)
        muh = np.broadcast_to(mu[:, None], vh.shape)
        sd = np.sqrt(np.maximum(vh, 0.0))
        gam = (vh > 0.0) & (m3h > 0.0)
        vs = np.where(gam, vh, 1.0)
        m3s = np.where(gam, m3h, 1.0)
        k = np.where(gam, 4.0 * vs ** 3 / (m3s * m3s), 0.0)
        th = np.where(gam, m3s / (2.0 * vs), 0.0)
        shift = muh - k * th
        p = np.zeros_like(c)
        e = np.zeros_like(c)
        novar = ~(vh > 0.0)
        p = np.where(novar, (muh > c).astype(float), p)
        e = np.where(novar, np.maximum(muh - c, 0.0), e)
        gm = gam & (k < 1e6)
        if gm.any():
            kk, tt = k[gm], th[gm]
            a = (c[gm] - shift[gm]) / tt
            pg = np.zeros_like(a)
            eg = np.zeros_like(a)
            tail = a > kk + LOLP_TAIL_SD * np.sqrt(kk) + 40.0
            below = ~tail & (a <= 0.0)
            mid = ~tail & ~below
            pg[below] = 1.0
            eg[below] = (muh[gm] - c[gm])[below]
            am, km, tm = a[mid], kk[mid], tt[mid]
            pm = gammaincc(km, am)
            pg[mid] = pm
            eg[mid] = tm * (km * gammaincc(km + 1.0, am) - am * pm)
            p[gm], e[gm] = pg, eg
        nm = ~novar & ~gm
        if nm.any():
            cm, mm, sm = c[nm], muh[nm], sd[nm]
            inside = cm - mm <= LOLP_TAIL_SD * sm
            zs = (cm - mm) / sm
            pn = np.where(inside, norm.sf(zs), 0.0)
            en = np.where(inside, sm * norm.pdf(zs) - (cm - mm) * pn, 0.0)
            p[nm], e[nm] = pn, en
        o["lolp"] = p
        o["lole"] = p @ self.wd_h
        o["eue"] = np.maximum(e, 0.0) @ self.wd_h

    def metric(self, o, which):
        if which == "lole":
            return np.log(self.g["lole_standard_h"]) - np.log(o["lole"] + LOLE_FLOOR_H)
        return o["rm"] - self.rmin

    def adequacy(self, B, F, G, rating):
        """Hours, trade, margins, LOLE when the standard or gate reads it,
        gate and price (model/rhs.c, dcg__grid_adequacy)."""
        g = self.g
        o = self.hours(B, F, G)
        self.corridors(o, rating)
        self.margin(o)
        if self.needs_lole:
            self.lole(o, G)
        if g["gate_reads"] == "lole":
            x = self.metric(o, "lole") / g["lole_gate_width"]
        else:
            x = self.metric(o, "reserve_margin") / g["gate_width"]
        o["gate"] = logistic(x) if g["gate_enabled"] else np.ones(self.R)
        o["price"] = 1.0 + g["price_alpha"] * pos((g["reserve_target"] - o["rm"]) / g["price_beta"],
                                                  SMOOTH_REL)
        return o

    def planning_credit(self, o):
        """Firm capacity per GW as planners count it (model/rhs.c)."""
        cc = self.cc.copy()
        cc[:, self.th] = 1.0 - self.fo[self.th]
        cc[:, self.vm] = o["credit"][:, self.vm]
        return cc

    def invest_need(self, o, G, Q, dB, dfac, h, life):
        """The investment rule (model/rhs.c): planning credits cc (R x J)
        and the firm capacity needed per year, replacement of retiring
        capacity plus the shortfall at the critical hours one lead time
        ahead closed over invest_time_yr."""
        g = self.g
        cc = self.planning_credit(o)
        repl = (cc * G / life).sum(axis=1)
        cover = o["avail"] + (cc * Q).sum(axis=1)
        dload = o["bpeak"] * dB + o["cpeak"] * dfac
        tgt = g["reserve_target"]
        need_firm = (o["netpeak"] + tgt * o["loadpeak"] + (1.0 + tgt) * h * dload
                     - o["imppeak"])
        need = repl + pos(need_firm - cover, SMOOTH_REL * o["loadpeak"]) / g["invest_time_yr"]
        return cc, need

    # ---- dispatch in merit order (model/dispatch.c) ----
    def merit(self, t):
        idx = np.flatnonzero(self.th)
        cost = []
        for j in idx:
            s = self.vcost[j]
            cost.append(_sched_eval(s, t) if len(s["year"]) else 0.0)
        return idx[np.argsort(np.array(cost), kind="stable")]

    def dispatch(self, o, G, t, hourly=False):
        R, J, H = self.R, self.J, self.H
        net, imp, hyd, dis, chg = o["net"], o["imp"], o["hyd"], o["dis"], o["chg"]
        s = o["s"][:, None]
        order = self.merit(t)
        A = (1.0 - self.fo) * G
        tmin = (self.mino[self.th] * A[:, self.th]).sum(axis=1)
        Gs = G[:, self.st]
        spe = (Gs * self.dur[self.st]).sum(axis=1)
        hp = G[:, self.hy].sum(axis=1)
        wd = self.wd_h / 365.0 / HOURS
        outv = self.cf * G[:, :, None]          # R x J x H, variable and must-run
        vre = outv[:, self.vr, :].sum(axis=1)
        mr = outv[:, self.mr, :].sum(axis=1)
        x = net - imp - tmin[:, None]
        need, surplus = hinge(x, s), hinge(-x, s)
        # Curtailment: variable output first, then must-run, then hydro is
        # spilled, then thermal plants run below their minimum, each share
        # within its output; a surplus past every output stays on the last
        # stage that produces when no thermal minimum runs.
        cv = take(surplus, vre)
        rem = surplus - cv
        cm = take(rem, mr)
        rem = rem - cm
        ch = take(rem, hyd)
        ct = rem - ch
        if not np.all(tmin > 0.0):
            tz = ~(tmin > 0.0)[:, None] & np.ones_like(ct, dtype=bool)
            to_h = tz & (hyd > 0.0)
            to_m = tz & ~(hyd > 0.0) & (mr > 0.0)
            to_v = tz & ~(hyd > 0.0) & ~(mr > 0.0)
            ch = np.where(to_h, ch + ct, ch)
            cm = np.where(to_m, cm + ct, cm)
            cv = np.where(to_v, cv + ct, cv)
            ct = np.where(tz, 0.0, ct)

        def share(c, out):
            return np.where(out > 0.0, c / np.where(out > 0.0, out, 1.0), 0.0)

        fv, fm, fh = share(cv, vre), share(cm, mr), share(ch, hyd)
        ft = share(ct, np.broadcast_to(tmin[:, None], ct.shape))
        genh = np.zeros((R, J, H))
        curh = np.zeros((R, J, H))
        curh[:, self.vr] = outv[:, self.vr] * fv[:, None, :]
        curh[:, self.mr] = outv[:, self.mr] * fm[:, None, :]
        genh[:, self.vm] = outv[:, self.vm] - curh[:, self.vm]
        if self.hy.any():
            hsafe = np.where(hp > 0.0, hp, 1.0)
            gh = np.where((hp > 0.0)[:, None, None],
                          hyd[:, None, :] * (G[:, self.hy] / hsafe[:, None])[:, :, None], 0.0)
            curh[:, self.hy] = gh * fh[:, None, :]
            genh[:, self.hy] = gh - curh[:, self.hy]
        if self.st.any():
            ssafe = np.where(spe > 0.0, spe, 1.0)
            genh[:, self.st] = np.where((spe > 0.0)[:, None, None],
                                        dis[:, None, :] * (Gs * self.dur[self.st] / ssafe[:, None])[:, :, None],
                                        0.0)
        rest = need
        for j in order:
            a = A[:, j:j + 1]
            gj = min0(rest, (1.0 - self.mino[j]) * a, s)
            rest = rest - gj
            gm = self.mino[j] * a
            curh[:, j] = gm * ft
            genh[:, j] = gj + gm * (1.0 - ft)
        gen = genh @ wd
        curt = curh @ wd
        d = {"gen": gen, "curt": curt, "unserved": rest @ wd,
             "emis": (gen * 8.76 * self.ef).sum(axis=1),
             "charge": chg @ wd, "discharge": dis @ wd, "surplus": surplus @ wd}
        if hourly:
            d.update(gen_h=genh, curt_h=surplus, unserved_h=rest)
        return d

    def derived(self, o, G):
        """Series of model/derive.c that the hourly model adds."""
        if "lole" not in o:
            self.lole(o, G)
        cred = o["credit"].copy()
        cred[:, self.th] = 1.0 - self.fo[self.th]
        sp = G[:, self.st].sum(axis=1)
        hp = G[:, self.hy].sum(axis=1)
        cred[:, self.st] = np.where(sp > 0.0, o["stor_crit"] / np.where(sp > 0.0, sp, 1.0), 0.0)[:, None]
        cred[:, self.hy] = np.where(hp > 0.0, o["hyd_crit"] / np.where(hp > 0.0, hp, 1.0), 0.0)[:, None]
        flow = o["flow_h"] @ (self.wd_h / 365.0 / HOURS) if self.L else np.zeros(0)
        return cred, flow


def _sched_eval(s, t):
    """One schedule at t (model/schedule.c): linear, step or log between
    points, constant outside."""
    yr, v = s["year"], s["value"]
    k = len(yr)
    if k == 1 or t <= yr[0]:
        return v[0]
    if t >= yr[-1]:
        return v[-1]
    lo = int(np.searchsorted(yr, t, side="right")) - 1
    x = (t - yr[lo]) / (yr[lo + 1] - yr[lo])
    if s["interp"] == "step":
        return v[lo]
    if s["interp"] == "log" and v[lo] > 0 and v[lo + 1] > 0:
        return v[lo] * (v[lo + 1] / v[lo]) ** x
    return v[lo] + x * (v[lo + 1] - v[lo])
