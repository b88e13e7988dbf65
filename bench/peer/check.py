#!/usr/bin/python3
"""Checks that dcgrid and its Python peer computed the same projection.

    /usr/bin/python3 bench/peer/check.py DCGRID.h5 PEER.h5 [--tol 1e-4]

For every main series present in both files (the data-center, grid,
cumulative and calendar-year datasets) it reports the largest difference
relative to the series' own scale, max|a - b| / max|a|, and fails when one
exceeds --tol. Series whose scale is below 1e-9 (zero to round-off in
dcgrid's file) are compared in absolute terms against 1e-9. The scale-relative measure is used because
several series (net imports, corridor flows, unserved energy) cross or
touch zero, where a pointwise relative difference is meaningless; the
pointwise relative difference over the entries above 1e-3 of the scale is
printed beside it for information. Exit status 0 when all agree.
"""
import argparse
import sys

import h5py
import numpy as np

MAIN = [
    "datacenter/racks", "datacenter/racks_pipeline", "datacenter/it_capacity",
    "datacenter/compute", "datacenter/orders", "datacenter/it_load",
    "datacenter/facility_load", "datacenter/energy", "datacenter/pue",
    "datacenter/standard_racks", "datacenter/demand_share",
    "datacenter/compute_demand", "datacenter/segment_demand",
    "datacenter/supply_cap", "grid/base_demand", "grid/demand",
    "grid/peak_demand", "grid/firm_capacity", "grid/reserve_margin",
    "grid/net_import", "grid/unserved", "grid/price_index", "grid/emissions",
    "grid/connection_gate", "grid/capacity", "grid/capacity_pipeline",
    "grid/generation", "grid/curtailment", "grid/flow", "grid/net_peak",
    "grid/lole", "grid/eue", "grid/storage_charge", "grid/surplus",
    "grid/capacity_credit",
    "cumulative/dc_energy", "cumulative/unserved_energy", "cumulative/emissions",
    "annual/dc_energy", "annual/consumption", "annual/unserved_energy",
    "annual/emissions", "annual/generation",
]


def compare(a_path, b_path, tol, quiet=False):
    worst = 0.0
    bad = []
    n = 0
    with h5py.File(a_path, "r") as fa, h5py.File(b_path, "r") as fb:
        ta, tb = fa["time"][:], fb["time"][:]
        if ta.shape != tb.shape or np.max(np.abs(ta - tb)) > 1e-9:
            print(f"output times differ: {ta} vs {tb}")
            return False, 1.0
        for name in MAIN:
            if name not in fa or name not in fb:
                continue
            a, b = fa[name][()], fb[name][()]
            if a.shape != b.shape:
                bad.append(name)
                print(f"{name}: shapes differ {a.shape} vs {b.shape}")
                continue
            n += 1
            scale = float(np.max(np.abs(a))) if a.size else 0.0
            diff = float(np.max(np.abs(a - b))) if a.size else 0.0
            # A series that is zero to round-off (curtailment when nothing
            # is curtailed) is compared in absolute terms.
            rel = diff / scale if scale > 1e-9 else diff
            lim = tol if scale > 1e-9 else 1e-9
            big = np.abs(a) > 1e-3 * scale
            point = float(np.max(np.abs(a - b)[big] / np.abs(a)[big])) if big.any() else 0.0
            worst = max(worst, rel)
            flag = "" if rel <= lim else "  FAIL"
            if rel > lim:
                bad.append(name)
            if not quiet or rel > lim:
                print(f"{name:32s} scale-relative {rel:9.2e}  pointwise {point:9.2e}{flag}")
    print(f"{n} series compared, largest scale-relative difference {worst:.2e} "
          f"(tolerance {tol:g}): {'FAIL ' + ', '.join(bad) if bad else 'ok'}")
    return not bad and n > 0, worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dcgrid_h5")
    ap.add_argument("peer_h5")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    ok, _ = compare(a.dcgrid_h5, a.peer_h5, a.tol, a.quiet)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
