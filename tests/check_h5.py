#!/usr/bin/python3
"""Checks a dcgrid result file (schema dcgrid/1) read back with h5py.

usage: check_h5.py FILE.h5 [--same-as OTHER.h5] [--end YEAR] [--partial]

Checks the schema attribute, that every dataset carries `units`, that the
shapes agree with the coordinates /time, /regions and /hardware, the MIIT
standard-rack identity (2.5 kW of IT capacity per standard rack), that no
stock is negative, that the regional demand shares sum to one, and that the
calendar-year totals in /annual/dc_energy match the trapezoid integral of the
energy rate over each year to 5 %. --same-as compares every time series
with another file (identical inputs must give identical results); --end
checks the last output time; --partial expects a failed run's file
(complete = false).

Prints one line per check and `N passed, N failed`; exits 1 on any failure.
Uses Debian's /usr/bin/python3 (python3-h5py, python3-numpy).
"""
import sys

import h5py
import numpy as np

SCHEMA = "dcgrid/1"
KW_PER_STANDARD_RACK = 2.5
# Time-series groups: every dataset in them has time as its first axis.
SERIES_GROUPS = ("datacenter", "grid", "cumulative")
# Stocks that CVODE keeps non-negative (group, name).
STOCKS = [
    ("datacenter", "racks"),
    ("datacenter", "racks_pipeline"),
    ("datacenter", "it_capacity"),
    ("datacenter", "compute"),
    ("datacenter", "compute_demand"),
    ("datacenter", "segment_demand"),
    ("grid", "base_demand"),
    ("grid", "capacity"),
    ("grid", "capacity_pipeline"),
]


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, name, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   - {name}")
        else:
            self.failed += 1
            print(f"FAIL - {name}" + (f": {detail}" if detail else ""))
        return ok


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.size == 1:
        return text(value.reshape(()).item())
    return str(value)


def datasets(f):
    """Every dataset in the file as (path, dataset)."""
    out = []
    f.visititems(lambda name, obj: out.append((name, obj))
                 if isinstance(obj, h5py.Dataset) else None)
    return out


def dataset(f, path):
    obj = f.get(path)
    return obj if isinstance(obj, h5py.Dataset) else None


def check_file(c, f, args):
    # Schema and provenance.
    schema = text(f.attrs.get("schema", b""))
    c.check(schema == SCHEMA, "root attribute schema = dcgrid/1",
            f"got {schema!r} (root attributes: {sorted(f.attrs.keys())})")
    if "complete" in f.attrs:
        complete = bool(np.asarray(f.attrs["complete"]).reshape(()))
        if args.partial:
            c.check(not complete, "failed run is marked complete = false")
        else:
            c.check(complete, "run is marked complete")
    elif args.partial:
        c.check(False, "failed run is marked complete = false",
                "no root attribute 'complete'")
    if args.partial:
        # What a failed run stored is checked only for its marking.
        return

    # Coordinates.
    coords = {}
    for name in ("time", "regions", "hardware"):
        d = dataset(f, name)
        c.check(d is not None, f"/{name} exists",
                f"datasets at the root: {sorted(k for k in f.keys())}")
        if d is not None:
            coords[name] = d
    if len(coords) < 3:
        return
    time = coords["time"][()].astype(float)
    T, R, K = len(time), len(coords["regions"]), len(coords["hardware"])
    c.check(T >= 2 and np.all(np.diff(time) > 0), "/time strictly increasing",
            f"T = {T}")
    if args.end is not None:
        c.check(abs(time[-1] - args.end) < 1e-9, f"last output time is {args.end}",
                f"got {time[-1]}")

    # Units on every dataset except string coordinates and the parameter
    # table's values, each in its own parameter's config units (its
    # long_name says so).
    all_ds = datasets(f)
    missing = [p for p, d in all_ds
               if "units" not in d.attrs and d.dtype.kind not in "SOUV"
               and not (p == "parameters/value" and "long_name" in d.attrs)]
    c.check(not missing, f"every numeric dataset has units ({len(all_ds)} datasets)",
            "missing on " + ", ".join(missing[:10]))

    # Shapes: time first, then known dimensions.
    lengths = {T, R, K}
    for name in ("segments", "technologies", "corridors"):
        d = dataset(f, name)
        if d is not None:
            lengths.add(len(d))
    bad = []
    for path, d in all_ds:
        if path.split("/")[0] not in SERIES_GROUPS:
            continue
        if d.ndim == 0 or d.shape[0] != T or any(n not in lengths for n in d.shape[1:]):
            bad.append(f"{path} {d.shape}")
    c.check(not bad, "series shapes are (time, ...) with known dimensions",
            "; ".join(bad[:10]))

    dc = {name: dataset(f, "datacenter/" + name) for name in
          ("racks", "it_capacity", "standard_racks", "demand_share", "energy",
           "it_load", "facility_load", "pue")}
    for name, d in dc.items():
        c.check(d is not None, f"/datacenter/{name} exists")
    if dc["racks"] is not None:
        c.check(dc["racks"].shape == (T, R, K), "/datacenter/racks is (time, regions, hardware)",
                f"got {dc['racks'].shape}")

    # MIIT standard racks: 2.5 kW of IT capacity each; it_capacity is MW.
    if dc["it_capacity"] is not None and dc["standard_racks"] is not None:
        cap = dc["it_capacity"][()]
        std = dc["standard_racks"][()]
        if c.check(cap.shape == (T, R, K) and std.shape == (T, R),
                   "it_capacity (T,R,K) and standard_racks (T,R)",
                   f"got {cap.shape} and {std.shape}"):
            expect = cap.sum(axis=2) * 1000.0 / KW_PER_STANDARD_RACK
            err = np.max(np.abs(std - expect) / np.maximum(np.abs(expect), 1.0))
            c.check(err < 1e-9, "standard_racks = sum_k it_capacity * 1000 / 2.5",
                    f"largest relative difference {err:.3g}")

    # Stocks stay non-negative (CVODE constraints); allow round-off.
    for group, name in STOCKS:
        d = dataset(f, f"{group}/{name}")
        if d is None:
            continue
        v = d[()]
        floor = -1e-9 * max(1.0, float(np.max(np.abs(v))) if v.size else 1.0)
        c.check(v.size == 0 or float(np.min(v)) >= floor, f"/{group}/{name} is never negative",
                f"minimum {float(np.min(v)):.6g}")

    # Demand shares sum to one at every time.
    if dc["demand_share"] is not None:
        share = dc["demand_share"][()]
        if c.check(share.shape == (T, R), "demand_share is (time, regions)", f"got {share.shape}"):
            err = float(np.max(np.abs(share.sum(axis=1) - 1.0)))
            c.check(err < 1e-6, "demand shares sum to 1 at every time",
                    f"largest deviation {err:.3g}")

    # PUE = facility / IT load, regionally.
    if dc["pue"] is not None and dc["it_load"] is not None and dc["facility_load"] is not None:
        it, fac, pue = dc["it_load"][()], dc["facility_load"][()], dc["pue"][()]
        ok = it > 0
        err = float(np.max(np.abs(fac[ok] / it[ok] - pue[ok]))) if ok.any() else 0.0
        c.check(err < 1e-9, "facility_load = pue * it_load", f"largest difference {err:.3g}")

    # Calendar-year totals against the trapezoid integral of the rate.
    annual = dataset(f, "annual/dc_energy")
    c.check(annual is not None, "/annual/dc_energy exists")
    if annual is not None and dc["energy"] is not None:
        energy = dc["energy"][()]
        a = annual[()]
        years = dataset(f, "annual/year")
        if years is None:
            years = dataset(f, "year")
        if years is not None:
            years = years[()].astype(float)
        else:
            first = np.ceil(time[0] - 1e-9)
            years = first + np.arange(a.shape[0], dtype=float)
        if c.check(a.ndim == 2 and a.shape == (len(years), R),
                   "annual/dc_energy is (years, regions)", f"got {a.shape}"):
            worst, where = 0.0, ""
            checked = 0
            for y, row in zip(years, a):
                inside = (time >= y - 1e-9) & (time <= y + 1 + 1e-9)
                if not (time[0] <= y + 1e-9 and time[-1] >= y + 1 - 1e-9) or inside.sum() < 2:
                    continue
                integral = np.trapz(energy[inside], time[inside], axis=0)
                rel = np.abs(row - integral) / np.maximum(np.abs(integral), 1e-9)
                checked += 1
                if rel.max() > worst:
                    worst, where = float(rel.max()), f"year {y:.0f}, region {int(rel.argmax())}"
            c.check(checked > 0 and worst <= 0.05,
                    f"annual/dc_energy within 5 % of the integral of energy ({checked} years)",
                    f"worst {worst:.3%} at {where}" if checked else "no whole year in the output")


def compare(c, f, g):
    diffs = []
    n = 0
    for path, d in datasets(f):
        if path.split("/")[0] not in SERIES_GROUPS + ("annual",) and path != "time":
            continue
        e = dataset(g, path)
        n += 1
        if e is None or e.shape != d.shape:
            diffs.append(f"{path}: missing or shape differs")
            continue
        a, b = d[()], e[()]
        scale = max(1.0, float(np.max(np.abs(a))) if a.size else 1.0)
        if a.size and float(np.max(np.abs(a - b))) > 1e-9 * scale:
            diffs.append(f"{path}: max difference {float(np.max(np.abs(a - b))):.3g}")
    c.check(n > 0 and not diffs, f"same results as {g.filename} ({n} datasets)",
            "; ".join(diffs[:5]))


def main(argv):
    import argparse
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("file")
    p.add_argument("--same-as")
    p.add_argument("--end", type=float)
    p.add_argument("--partial", action="store_true")
    args = p.parse_args(argv)

    c = Checker()
    try:
        with h5py.File(args.file, "r") as f:
            check_file(c, f, args)
            if args.same_as:
                with h5py.File(args.same_as, "r") as g:
                    compare(c, f, g)
    except OSError as e:
        c.check(False, f"open {args.file}", str(e))
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
