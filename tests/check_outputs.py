#!/usr/bin/python3
"""End-to-end checks of what dcgrid writes, read by other people's tools.

usage: check_outputs.py netcdf FILE.h5
       check_outputs.py study FILE.h5
       check_outputs.py sensitivity FILE.h5
       check_outputs.py csv DIR FILE.h5
       check_outputs.py image FILE.png|.pdf|.svg [MIN_BYTES]
       check_outputs.py hourly FILE.h5 [YEAR,YEAR...]
       check_outputs.py days-image FILE-days.png FILE.h5 NREGIONS [MODE]
       check_outputs.py info OUT.txt FILE.h5
       check_outputs.py compare OUT.txt A.h5 B.h5
       check_outputs.py recipes DOC.md FILE.h5 [CSVDIR]
       check_outputs.py section-recipes DOC.md HEADING FILE.h5

netcdf: every group opens with xarray (netCDF4 and h5netcdf engines), each
        variable has the dimension names and units of the HDF5 dataset and
        the same values as h5py; labelled coordinates; pandas tables agree.
study:  a study file (dcgrid-study/1) is netCDF-4 as well: ncdump -h, every
        group with both xarray engines, a dimension scale on every axis,
        units and long_name, the documented dimension names and labels.
sensitivity: the same for a run file with /sensitivity, and its groups'
        dimensions (parameter, time, regions or regions_hardware).
csv:    the CSV files of `dcgrid export` have the documented columns, one row
        per value, and every value, label and unit matches the HDF5 file.
image:  a plot exists, is big enough and is not blank (PNG: share of
        non-white pixels; PDF/SVG: structure and drawing operations).
hourly: the /hourly group: dimension scales year, day, hour; shapes and
        dimension names of every dataset; per hour and region generation -
        storage charging + net imports + unserved = load to 1e-9 of the
        load; 0 <= LOLP <= 1; day weights sum to 365; xarray opens the
        group with its coordinates (both engines) and the root labels.
days-image: scripts/plot's typical-day figure: pixel size from the number
        of panels, the panels it names (PNG Description) and each panel's
        day recomputed from the file (highest LOLP, else net load).
info:   `dcgrid info` names the scenario, provenance, solver statistics,
        every dataset with its units, and key figures that match h5py sums.
compare: `dcgrid compare` prints both files' figures and their differences,
        matching h5py sums.
recipes: the Python recipes of docs/output-format.md run as written
        against FILE.h5 (copied to the name they use) and the CSV files
        of CSVDIR (copied to csv/).
section-recipes: the same for the Python blocks of the section "## HEADING"
        (e.g. "Study files", "Sensitivities").

Prints one line per check and `N passed, N failed`; exits 1 on a failure.
Uses Debian's /usr/bin/python3 (python3-h5py, -numpy, -xarray, -netcdf4,
-h5netcdf, -pandas, -matplotlib).
"""
import csv
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np


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

    def done(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def text(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray) and v.size == 1:
        return text(v.reshape(()).item())
    return str(v)


def h5_datasets(f):
    out = []
    f.visititems(lambda n, o: out.append(("/" + n, o))
                 if isinstance(o, h5py.Dataset) else None)
    return out


def is_scale(ds):
    return bool(h5py.h5ds.is_scale(ds.id))


def dim_names(ds):
    return [os.path.basename(d[0].name) if len(d) else "" for d in ds.dims]


# --- netCDF readers ---------------------------------------------------------

def compare_group(c, f, path, g, engine):
    """Opens group g (None: the root) with xarray and compares dimension
    names, units and values of its variables with h5py's view."""
    import xarray as xr
    label = f"xarray ({engine}) opens group {g or '/'}"
    try:
        ds = xr.open_dataset(path, group=g, engine=engine)
    except Exception as e:  # noqa: BLE001 (report any failure)
        c.check(False, label, f"{type(e).__name__}: {e}")
        return
    c.check(True, label)
    h5g = f[g] if g else f
    bad = []
    seen = 0
    for name, var in ds.variables.items():
        h = h5g.get(name)
        if not isinstance(h, h5py.Dataset):
            continue
        seen += 1
        if list(var.dims) != [d for d in dim_names(h)] and \
                not (is_scale(h) and list(var.dims) == [name]):
            bad.append(f"{name} dims {var.dims} vs {dim_names(h)}")
        if "units" in h.attrs and \
                var.attrs.get("units") != text(h.attrs["units"]):
            bad.append(f"{name} units")
        if h.dtype.kind == "f" and not np.array_equal(
                np.asarray(var.values), h[()], equal_nan=True):
            bad.append(f"{name} values")
    c.check(not bad, f"{label}: dims, units and values of {seen} "
            "variables as in h5py",
            "; ".join(bad[:5]))
    ds.close()


def check_netcdf(c, path):
    import pandas as pd
    import xarray as xr

    r = subprocess.run(["ncdump", "-h", path], capture_output=True, text=True)
    c.check(r.returncode == 0, "ncdump -h succeeds", r.stderr.strip()[:300])
    c.check("datacenter" in r.stdout and "racks(time, regions, hardware)"
            in r.stdout, "ncdump shows racks(time, regions, hardware)")

    with h5py.File(path, "r") as f:
        groups = [None] + [k for k, v in f.items() if isinstance(v, h5py.Group)]
        for engine in ("netcdf4", "h5netcdf"):
            for g in groups:
                compare_group(c, f, path, g, engine)

        # Labelled arrays: the doc's recipe (assign the root coordinates).
        root = xr.open_dataset(path)
        dc = xr.open_dataset(path, group="datacenter").assign_coords(root.coords)
        regions = list(f["regions"].asstr()[()])
        hardware = list(f["hardware"].asstr()[()])
        racks = dc["racks"]
        c.check(list(racks.coords["regions"].values) == regions and
                list(racks.coords["hardware"].values) == hardware,
                "xarray racks is labelled with regions and hardware")
        c.check(racks.attrs.get("units") == "1" and
                dc["energy"].attrs.get("units") == "TWh/year",
                "xarray keeps units (racks 1, energy TWh/year)")
        sel = racks.sel(regions=regions[-1], hardware=hardware[0]).values
        c.check(np.array_equal(sel, f["datacenter/racks"][:, -1, 0]),
                "xarray .sel by label gives h5py's values")
        c.check(root["time"].attrs.get("units") == "year",
                "time has units year")
        for k in ("title", "history", "Conventions"):
            c.check(k in root.attrs, f"global attribute {k}")
        if "event" in root.dims:
            n = root.dims["event"]
            c.check(n == len(f["events"]), f"xarray sees the {n} events")
            if n:
                ev = f["events"][()]
                c.check(np.array_equal(root["event"].values, ev["time"]) and
                        list(root["event_region"].values) ==
                        [x.decode() for x in ev["region_name"]],
                        "event, event_region match /events")
        # pandas: the same table from h5py and from xarray.
        t = f["time"][()]
        load_h5 = pd.DataFrame(f["datacenter/facility_load"][()], index=t,
                               columns=regions)
        load_xr = dc["facility_load"].to_pandas()
        c.check(np.array_equal(load_h5.values, load_xr.values) and
                list(load_xr.columns) == regions,
                "pandas tables from h5py and xarray agree")
        if "annual" in f:
            an = xr.open_dataset(path, group="annual").assign_coords(root.coords)
            c.check(np.array_equal(an["dc_energy"].values,
                                   f["annual/dc_energy"][()]),
                    "annual group: dc_energy as in h5py")
            an.close()
        dc.close()
        root.close()


# Numeric datasets whose columns have different units (each parameter's
# or metric's own): they have a long_name saying where the units are, and
# no units attribute.
MIXED_UNITS = {"/parameters/value",  # a run file's parameter table
               "/parameters/matrix", "/parameters/min", "/parameters/max",
               "/parameters/mean", "/parameters/sd", "/parameters/mode",
               "/quantiles/metrics", "/morris/mu", "/morris/mu_star",
               "/morris/sigma"}


def check_netcdf_all(c, path):
    """Every group at any depth: ncdump, both xarray engines, a dimension
    scale on every axis, variable-length string labels, units and
    long_name on numeric datasets."""
    r = subprocess.run(["ncdump", "-h", path], capture_output=True, text=True)
    c.check(r.returncode == 0, f"ncdump -h {os.path.basename(path)} succeeds",
            r.stderr.strip()[:300])
    with h5py.File(path, "r") as f:
        groups = [None]
        f.visititems(lambda n, o: groups.append(n)
                     if isinstance(o, h5py.Group) else None)
        no_scale, fixed, no_attrs = [], [], []
        for name, ds in h5_datasets(f):
            if ds.dtype.kind == "V":
                continue  # the compound /events, attached to /event
            if not is_scale(ds) and any(len(d) == 0 for d in ds.dims):
                no_scale.append(name)
            sd = h5py.check_string_dtype(ds.dtype)
            if sd is not None and sd.length is not None:
                fixed.append(name)
            if ds.dtype.kind in "fiu" and not is_scale(ds):
                if "long_name" not in ds.attrs or (
                        "units" not in ds.attrs and name not in MIXED_UNITS):
                    no_attrs.append(name)
        c.check(not no_scale, "every axis of every dataset has a dimension "
                "scale", ", ".join(no_scale[:8]))
        c.check(not fixed, "string datasets are variable-length",
                ", ".join(fixed[:8]))
        c.check(not no_attrs, "numeric datasets have units and long_name",
                ", ".join(no_attrs[:8]))
        for engine in ("netcdf4", "h5netcdf"):
            for g in groups:
                compare_group(c, f, path, g, engine)


def check_study(c, path):
    import xarray as xr

    check_netcdf_all(c, path)
    with h5py.File(path, "r") as f:
        root = xr.open_dataset(path)
        for k in ("title", "history", "Conventions"):
            c.check(k in root.attrs, f"study: global attribute {k}")
        c.check(list(root["parameter"].values) ==
                list(f["parameters/names"].asstr()[()]),
                "study: coordinate parameter lists /parameters/names")
        c.check(list(root["metric"].values) == list(f["metrics"].keys()),
                "study: coordinate metric lists the metrics")
        c.check(list(root["member"].values) == list(range(len(f["members/status"]))),
                "study: coordinate member is 0 .. M-1")
        par = xr.open_dataset(path, group="parameters")
        c.check(par["matrix"].dims == ("member", "parameter"),
                "study: /parameters/matrix is (member, parameter)",
                str(par["matrix"].dims))
        par.close()
        wdims = {"national", "segments", "regions", "regions_hardware",
                 "hardware", "regions_technologies", "corridors"}
        if "series" in f:
            ser = xr.open_dataset(path, group="series").assign_coords(root.coords)
            for name, v in ser.data_vars.items():
                c.check(v.dims[:2] == ("member", "time") and v.dims[2] in wdims,
                        f"study: /series/{name} is (member, time, W)",
                        str(v.dims))
                if v.dims[2] == "regions_hardware":
                    labels = [f"{r}/{h}" for r in f["/regions"].asstr()[()]
                              for h in f["/hardware"].asstr()[()]] \
                        if "regions" in f and "hardware" in f else None
                    if labels is not None:
                        c.check(list(root["regions_hardware"].values) == labels,
                                "study: regions_hardware labels are region/class")
            ser.close()
        q = xr.open_dataset(path, group="quantiles")
        c.check(list(q["p"].values) == [0.05, 0.25, 0.5, 0.75, 0.95],
                "study: /quantiles/p is the coordinate p")
        c.check(q["metrics"].dims == ("metric", "p"),
                "study: /quantiles/metrics is (metric, p)", str(q["metrics"].dims))
        for name, v in q.data_vars.items():
            if name == "metrics":
                continue
            c.check(v.dims[:2] == ("p", "time") and v.dims[2] in wdims,
                    f"study: /quantiles/{name} is (p, time, W)", str(v.dims))
            c.check(np.array_equal(v.sel(p=0.5).values, f["quantiles"][name][2],
                                   equal_nan=True),
                    f"study: /quantiles/{name}.sel(p=0.5) is the median")
        q.close()
        for g, fields in (("sobol", ("S1", "ST")), ("morris", ("mu_star",))):
            if g in f:
                ds = xr.open_dataset(path, group=g)
                for k in fields:
                    c.check(ds[k].dims == ("metric", "parameter"),
                            f"study: /{g}/{k} is (metric, parameter)",
                            str(ds[k].dims))
                ds.close()
        root.close()


def check_sensitivity(c, path):
    import xarray as xr

    check_netcdf_all(c, path)
    with h5py.File(path, "r") as f:
        regions = list(f["regions"].asstr()[()])
        hardware = list(f["hardware"].asstr()[()])
        params = [text(p) for p in f["sensitivity"].attrs["parameters"]]
        root = xr.open_dataset(path)
        top = xr.open_dataset(path, group="sensitivity")
        c.check(list(top["parameter"].values) == params,
                "sensitivity: coordinate parameter lists the parameters")
        c.check(list(top["regions_hardware"].values) ==
                [f"{r}/{h}" for r in regions for h in hardware],
                "sensitivity: regions_hardware labels are region/class")
        for g in ("sensitivity/datacenter", "sensitivity/elasticity/datacenter"):
            ds = xr.open_dataset(path, group=g).assign_coords(
                root.coords).assign_coords(top.coords)
            c.check(ds["racks"].dims == ("parameter", "time", "regions_hardware"),
                    f"{g}/racks is (parameter, time, regions_hardware)",
                    str(ds["racks"].dims))
            c.check(ds["energy"].dims == ("parameter", "time", "regions"),
                    f"{g}/energy is (parameter, time, regions)",
                    str(ds["energy"].dims))
            x = ds["racks"].sel(parameter=params[-1],
                                regions_hardware=f"{regions[-1]}/{hardware[0]}")
            c.check(np.array_equal(x.values,
                                   f[g + "/racks"][-1, :, (len(regions) - 1) *
                                                   len(hardware)],
                                   equal_nan=True),
                    f"{g}: .sel by parameter and label gives h5py's values")
            ds.close()
        top.close()
        root.close()


# --- CSV --------------------------------------------------------------------

COLUMN = {"regions": "region", "hardware": "hardware", "segments": "segment",
          "technologies": "technology", "corridors": "corridor",
          "time": "time", "year": "year"}
ORDER = ["time", "year", "regions", "hardware", "segments", "technologies",
         "corridors"]


def is_float(x):
    try:
        float(x)
        return True
    except (TypeError, ValueError):
        return False


def check_csv(c, folder, path):
    with h5py.File(path, "r") as f:
        groups = {}
        for name, ds in h5_datasets(f):
            parts = name.strip("/").split("/")
            if len(parts) != 2 or ds.dtype.kind != "f" or is_scale(ds):
                continue
            dims = dim_names(ds)
            if not dims or dims[0] not in ("time", "year"):
                continue
            groups.setdefault(parts[0], []).append((parts[1], ds, dims))
        for g, members in groups.items():
            fn = os.path.join(folder, g + ".csv")
            if not c.check(os.path.exists(fn), f"{g}.csv written"):
                continue
            used = []
            for _, _, dims in members:
                for d in dims:
                    if d not in used:
                        used.append(d)
            used.sort(key=lambda d: ORDER.index(d) if d in ORDER else 99)
            want = [COLUMN.get(d, d) for d in used] + ["variable", "value", "units"]
            with open(fn, newline="") as fh:
                rows = list(csv.reader(fh))
            c.check(rows and rows[0] == want, f"{g}.csv columns {','.join(want)}",
                    f"got {rows[0] if rows else None}")
            nvals = sum(ds.size for _, ds, _ in members)
            c.check(len(rows) - 1 == nvals, f"{g}.csv has one row per value ({nvals})",
                    f"{len(rows) - 1} rows")
            # Index every value by (variable, labels) and compare all rows.
            labels = {}
            # Numeric axes (time, year, and the hourly view's day and hour,
            # which the CSV writes as integers) are compared as numbers.
            numeric = set()
            for d in used:
                scale = None
                for _, ds, dims in members:
                    if d in dims:
                        scale = ds.dims[dims.index(d)][0]
                        break
                v = scale[()]
                labels[d] = ([text(x) for x in v] if v.dtype.kind in "OSU"
                             else [repr(float(x)) for x in v])
                if v.dtype.kind not in "OSU":
                    numeric.add(d)
            by_name = {n: (ds[()], dims, text(ds.attrs.get("units", "")))
                       for n, ds, dims in members}
            pos = {d: {lab: i for i, lab in enumerate(labels[d])} for d in used}
            bad = 0
            detail = ""
            header = rows[0]
            for row in rows[1:]:
                rec = dict(zip(header, row))
                data, dims, unit = by_name.get(rec["variable"], (None, None, None))
                if data is None:
                    bad += 1
                    detail = f"unknown variable {rec['variable']}"
                    continue
                idx = []
                for d in dims:
                    cell = rec[COLUMN.get(d, d)]
                    if d in numeric and is_float(cell):
                        cell = repr(float(cell))
                    idx.append(pos[d].get(cell))
                if None in idx or float(rec["value"]) != data[tuple(idx)] or \
                        rec["units"] != unit:
                    bad += 1
                    detail = f"row {row}"
                empty = [COLUMN.get(d, d) for d in used if d not in dims]
                if any(rec[k] for k in empty):
                    bad += 1
                    detail = f"non-empty cell for an axis the variable lacks: {row}"
            c.check(bad == 0, f"{g}.csv: every value, label and unit matches HDF5 exactly",
                    f"{bad} bad rows, e.g. {detail}")
        if "events" in f:
            fn = os.path.join(folder, "events.csv")
            if c.check(os.path.exists(fn), "events.csv written"):
                with open(fn, newline="") as fh:
                    rows = list(csv.reader(fh))
                ev = f["events"][()]
                ok = rows[0] == ["time", "region", "kind"] and len(rows) - 1 == len(ev)
                for row, e in zip(rows[1:], ev):
                    ok = ok and float(row[0]) == e["time"] and \
                        row[1] == e["region_name"].decode() and \
                        row[2] == ("below" if e["kind"] == 0 else "recover")
                c.check(ok, f"events.csv matches /events ({len(ev)} rows)")


# --- Images -----------------------------------------------------------------

def check_image(c, path, min_bytes):
    ext = os.path.splitext(path)[1].lower()
    if not c.check(os.path.exists(path), f"{path} written"):
        return
    size = os.path.getsize(path)
    c.check(size >= min_bytes, f"{path} has {size} bytes (>= {min_bytes})")
    if ext == ".png":
        import matplotlib.image as mpimg
        img = mpimg.imread(path)
        rgb = img[..., :3]
        ink = float(np.mean(np.any(rgb < 0.95, axis=-1)))
        c.check(img.shape[0] >= 600 and img.shape[1] >= 800,
                f"{path} is {img.shape[1]} x {img.shape[0]} pixels")
        c.check(0.03 < ink < 0.95, f"{path}: {ink:.0%} of the pixels are not white")
        colours = len(np.unique((rgb.reshape(-1, 3) * 15).round(), axis=0))
        c.check(colours >= 20, f"{path}: {colours} distinct colours (not blank)")
    elif ext == ".pdf":
        with open(path, "rb") as fh:
            data = fh.read()
        c.check(data.startswith(b"%PDF-") and b"%%EOF" in data[-64:],
                f"{path} is a complete PDF")
        c.check(data.count(b"/Type /Page") >= 1 or data.count(b"/Type/Page") >= 1,
                f"{path} has a page")
    elif ext == ".svg":
        import xml.etree.ElementTree as ET
        root = ET.parse(path).getroot()
        paths = sum(1 for e in root.iter() if e.tag.endswith("path"))
        c.check(root.tag.endswith("svg"), f"{path} is SVG")
        c.check(paths >= 200, f"{path} draws {paths} paths")


# --- The hourly view (/hourly) ----------------------------------------------

# model/dispatch.c spills the surplus that variable output cannot absorb
# from must-run output alone (fm = (surplus - cv) / mr may exceed 1), so a
# must-run technology's hourly generation goes negative where hydro and
# thermal minimum exceed the load (chengdu-chongqing's "other" in the
# default scenario, to -13 GW). A file whose generation is >= 0 everywhere
# then fails the check, so the flag cannot outlive the fix.
KNOWN_NEGATIVE_GENERATION = False

HOURLY_R = ("load", "net_load", "storage_charge", "curtailment", "unserved",
            "net_import", "lolp")


def check_hourly(c, path, want_years=None):
    """The /hourly group: dimension scales and shapes, the hourly energy
    balance, LOLP in [0, 1], day weights summing to 365, and xarray's view
    with its coordinates. want_years: the expected /hourly/year values
    (default: the first and the last whole calendar year of the horizon)."""
    import xarray as xr

    with h5py.File(path, "r") as f:
        if not c.check("hourly" in f, f"{path} has /hourly"):
            return
        h = f["hourly"]
        R, J, L = len(f["regions"]), len(f["technologies"]), len(f["corridors"])
        t = f["time"][()]
        years = h["year"][()]
        D = len(h["day"])
        if want_years is None:
            first = math.ceil(t[0] - 1e-9)
            last = math.floor(t[-1] + 1e-9) - 1
            want_years = sorted({first, last}) if last >= first else []
        c.check(list(years) == list(want_years),
                f"/hourly/year is {list(years)} (expected {list(want_years)})")
        for name, n in (("year", len(years)), ("day", D), ("hour", 24)):
            c.check(is_scale(h[name]) and h[name].shape == (n,) and
                    text(h[name].attrs.get("NAME", b"")) == name,
                    f"/hourly/{name} is a dimension scale of length {n}")
        c.check(np.array_equal(h["hour"][()], np.arange(24.0)),
                "/hourly/hour is 0..23")
        c.check(np.array_equal(h["day"][()], np.arange(1.0, D + 1)),
                f"/hourly/day is 1..{D}")
        Y = len(years)
        tt = h["time"][()]
        c.check(tt.shape == (Y,) and np.all((tt >= years) & (tt < years + 1)),
                f"/hourly/time lies in its year ({list(tt)})")
        w = h["day_weight"][()]
        c.check(dim_names(h["day_weight"]) == ["day"] and
                abs(w.sum() - 365.0) < 1e-9 and np.all(w > 0),
                f"day_weight (day) is positive and sums to 365 ({w.sum():.12g})")
        shapes = {name: ((Y, R, D, 24), ["year", "regions", "day", "hour"])
                  for name in HOURLY_R}
        shapes["generation"] = ((Y, R, J, D, 24),
                                ["year", "regions", "technologies", "day",
                                 "hour"])
        shapes["flow"] = ((Y, L, D, 24), ["year", "corridors", "day", "hour"])
        units = {"lolp": "1"}
        for name, (shape, dims) in shapes.items():
            ds = h.get(name)
            if not c.check(ds is not None, f"/hourly/{name} exists"):
                continue
            c.check(ds.shape == shape and dim_names(ds) == dims,
                    f"/hourly/{name} is {ds.shape} over {dim_names(ds)}",
                    f"expected {shape} over {dims}")
            c.check(text(ds.attrs.get("units", "")) == units.get(name, "GW")
                    and "long_name" in ds.attrs,
                    f"/hourly/{name} has units {units.get(name, 'GW')} and "
                    "a long_name")
            c.check(bool(np.all(np.isfinite(ds[()]))),
                    f"/hourly/{name} is finite")

        # Per hour and region: generation (storage: discharge) - charging
        # + net imports + unserved = load, to 1e-9 of the load.
        load = h["load"][()]
        gen = h["generation"][()]
        bal = (gen.sum(axis=2) - h["storage_charge"][()] + h["net_import"][()]
               + h["unserved"][()] - load)
        rel = np.max(np.abs(bal) / np.abs(load)) if load.size else 0.0
        c.check(np.all(load > 0) and rel <= 1e-9,
                f"hourly balance: generation - charging + imports + unserved "
                f"= load to {rel:.2g} of the load (<= 1e-9)")
        c.check(bool(np.all(h["storage_charge"][()] >= 0)) and
                bool(np.all(h["unserved"][()] >= 0)) and
                bool(np.all(h["curtailment"][()] >= 0)),
                "storage charging, unserved and curtailment are >= 0")
        low = float(gen.min()) if gen.size else 0.0
        neg = low >= -1e-12 * float(np.max(np.abs(gen)) if gen.size else 1.0)
        if KNOWN_NEGATIVE_GENERATION and not neg:
            # Strict expected failure: reported, not counted, and a failure
            # as soon as the model is fixed (then drop the flag).
            print(f"xfail - generation by technology is >= 0 (lowest "
                  f"{low:.3g} GW): known model issue, must-run output spilled "
                  "below zero (model/dispatch.c)")
        else:
            c.check(neg and not KNOWN_NEGATIVE_GENERATION,
                    "generation by technology is >= 0"
                    + (" (and KNOWN_NEGATIVE_GENERATION can go)" if neg and
                       KNOWN_NEGATIVE_GENERATION else ""))
        lolp = h["lolp"][()]
        c.check(bool(np.all((lolp >= 0) & (lolp <= 1))),
                f"0 <= lolp <= 1 (range {lolp.min():.3g} .. {lolp.max():.3g})")

        # The series at the view's time are day-weighted sums of the hours:
        # LOLE (h/year) of LOLP, the surplus (mean GW) of curtailment.
        rows = [int(np.argmin(np.abs(t - x))) for x in tt]
        if all(abs(t[i] - x) < 1e-9 for i, x in zip(rows, tt)) and \
                "lole" in f["grid"]:
            wl = w[None, None, :, None]
            lole = (lolp * wl).sum(axis=(2, 3))
            surplus = (h["curtailment"][()] * wl).sum(axis=(2, 3)) / 8760.0
            g_lole = f["grid/lole"][rows]
            g_sur = f["grid/surplus"][rows]
            c.check(np.allclose(lole, g_lole, rtol=1e-9, atol=1e-12),
                    "/grid/lole = day-weighted sum of hourly LOLP at the "
                    f"view's times (largest {g_lole.max():.3g} h/year)")
            c.check(np.allclose(surplus, g_sur, rtol=1e-9, atol=1e-12),
                    "/grid/surplus = day-weighted mean of hourly curtailment")

        # xarray: /hourly opens with its coordinates, both engines; the root
        # labels attach with assign_coords and select the same numbers.
        regions = list(f["regions"].asstr()[()])
        techs = list(f["technologies"].asstr()[()])
        for engine in ("netcdf4", "h5netcdf"):
            try:
                root = xr.open_dataset(path, engine=engine)
                ds = xr.open_dataset(path, group="hourly", engine=engine)
            except Exception as e:  # noqa: BLE001 (report any failure)
                c.check(False, f"xarray ({engine}) opens /hourly",
                        f"{type(e).__name__}: {e}")
                continue
            c.check(list(ds["year"].values) == list(years) and
                    list(ds["day"].values) == list(h["day"][()]) and
                    list(ds["hour"].values) == list(range(24)),
                    f"xarray ({engine}) /hourly has the coordinates year, day "
                    "and hour")
            ds = ds.assign_coords(root.coords)
            g = ds["generation"]
            c.check(g.dims == ("year", "regions", "technologies", "day",
                               "hour") and
                    list(g.coords["regions"].values) == regions and
                    list(g.coords["technologies"].values) == techs,
                    f"xarray ({engine}) generation is labelled by regions and "
                    "technologies")
            y, r, j, d = years[-1], regions[-1], techs[0], D
            sel = g.sel(year=y, regions=r, technologies=j, day=d).values
            c.check(np.array_equal(sel, gen[-1, -1, 0, D - 1]),
                    f"xarray ({engine}) .sel(year={y:g}, regions={r}, "
                    f"technologies={j}, day={d}) gives h5py's 24 values")
            daily = (ds["load"] * ds["day_weight"]).sum(("day", "hour")) / 1e3
            want = (load * w[None, None, :, None]).sum(axis=(2, 3)) / 1e3
            c.check(np.allclose(daily.values, want, rtol=1e-12),
                    f"xarray ({engine}) weights days by day_weight (annual "
                    "load in TWh)")
            ds.close()
            root.close()


def png_text(path):
    """The tEXt chunks of a PNG file as a dict."""
    import struct
    import zlib
    out = {}
    with open(path, "rb") as fh:
        data = fh.read()
    pos = 8
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"tEXt":
            k, _, v = body.partition(b"\0")
            out[k.decode("latin-1")] = v.decode("latin-1")
        elif kind == b"zTXt":
            k, _, v = body.partition(b"\0")
            out[k.decode("latin-1")] = zlib.decompress(v[1:]).decode("latin-1")
        elif kind == b"iTXt":
            k, _, rest = body.partition(b"\0")
            parts = rest[2:].split(b"\0", 2)
            txt = parts[2] if len(parts) > 2 else b""
            out[k.decode("latin-1")] = (zlib.decompress(txt) if rest[0] else
                                        txt).decode("utf-8")
        pos += 12 + n
    return out


def check_days_image(c, png, path, nregions, mode="critical"):
    """The typical-day figure of scripts/plot: the image is as large as
    its panels (one per region shown and year: first and last hourly
    year), says what it shows, and each panel's day is the one of the
    highest hourly LOLP (net load where LOLP stays under 1e-9), as
    recomputed here from the file."""
    check_image(c, png, 20000)
    if not os.path.exists(png):
        return
    import matplotlib.image as mpimg
    with h5py.File(path, "r") as f:
        h = f["hourly"]
        regions = list(f["regions"].asstr()[()])
        R = len(regions)
        years = [int(y) for y in h["year"][()]]
        yi = sorted({0, len(years) - 1})
        w = h["day_weight"][()]
        energy = (h["load"][yi[-1]] * w[None, :, None]).sum(axis=(1, 2))
        n = min(nregions, R)
        top = sorted(np.argsort(-energy)[:n])
        lolp, net = h["lolp"][()], h["net_load"][()]
        want = []
        for y in yi:
            for r in top:
                peak = lolp[y, r].max(axis=1)
                if peak.max() >= 1e-9:
                    want.append(f"{regions[r]}/{years[y]}="
                                f"{int(np.argmax(peak)) + 1}:lolp")
                else:
                    want.append(f"{regions[r]}/{years[y]}="
                                f"{int(np.argmax(net[y, r].max(axis=1))) + 1}"
                                ":net_load")
    img = mpimg.imread(png)
    width = round((12.0 if mode == "all" else 6.5) * len(yi) * 80)
    height = round((2.6 * n + 2.1) * 80)
    c.check(img.shape[:2] == (height, width),
            f"{png} is {img.shape[1]} x {img.shape[0]} pixels: {n} rows of "
            f"{len(yi)} panels (expected {width} x {height})")
    desc = png_text(png).get("Description", "")
    fields = dict(part.split("=", 1) for part in desc.split("; ")
                  if "=" in part)
    c.check(fields.get("axes") == str(n * len(yi)) and
            fields.get("regions") == f"{n}/{R}" and
            fields.get("years") == ",".join(str(years[y]) for y in yi) and
            fields.get("mode") == mode,
            f"{png} draws {n * len(yi)} panels: {n} of {R} regions x years "
            f"{','.join(str(years[y]) for y in yi)}", desc[:200])
    if mode == "critical":
        got = sorted(fields.get("days", "").split())
        c.check(got == sorted(want),
                f"{png}: each panel's day is the day of the highest LOLP or "
                f"net load ({len(want)} panels)",
                f"got {got[:4]}, want {sorted(want)[:4]}")


# --- dcgrid info and compare ------------------------------------------------

def nearest(t, year):
    return int(np.argmin(np.abs(t - year)))


def figures(path, year=2030.0):
    with h5py.File(path, "r") as f:
        t = f["time"][()]
        i = nearest(t, year)
        out = {"scenario": text(f.attrs["scenario"]),
               "racks_k": f["datacenter/racks"][i].sum() / 1e3,
               "std_m": f["datacenter/standard_racks"][i].sum() / 1e6}
        y = list(f["annual/year"][()])
        out["dc_twh"] = (f["annual/dc_energy"][y.index(math.floor(year))].sum()
                         if math.floor(year) in y else float("nan"))
        if "grid" in f:
            out["rm_min"] = f["grid/reserve_margin"][()].min() * 100.0
            out["em"] = (f["annual/emissions"][y.index(math.floor(year))].sum()
                         if math.floor(year) in y else float("nan"))
            out["unserved_total"] = f["cumulative/unserved_energy"][-1].sum()
            out["events"] = int(sum(1 for e in f["events"][()] if e["kind"] == 0))
        return out


def numbers(line):
    return [float(x) for x in re.findall(r"[-+]?\d+\.\d+|[-+]?\d+(?![\d.])", line)]


def row(lines, label):
    for ln in lines:
        if ln.startswith(label):
            return numbers(ln[len(label):])
    return None


def close(a, b, decimals):
    return abs(a - b) <= 0.51 * 10 ** (-decimals) + 1e-9 * abs(b)


def check_info(c, out, path):
    lines = open(out).read().splitlines()
    body = "\n".join(lines)
    fig = figures(path)
    with h5py.File(path, "r") as f:
        c.check(f"Scenario    {fig['scenario']}" in body, "info names the scenario")
        for word in ("Schema      dcgrid/1", "Created", "History", "Written by",
                     "Solver statistics", "steps", "rhs_evals", "Datasets (",
                     "Key figures", "Status      complete"):
            c.check(word in body, f"info prints '{word}'")
        missing = []
        for name, ds in h5_datasets(f):
            pattern = re.escape(name) + r"\s+\(.*\)\s+" + re.escape(
                text(ds.attrs["units"]) if "units" in ds.attrs else "-")
            if not re.search(pattern, body):
                missing.append(name)
        c.check(not missing, "info lists every dataset with its shape and units",
                ", ".join(missing[:5]))
        c.check(("/datacenter/racks" in body and
                 "(time=%d, regions=%d, hardware=%d)" % f["datacenter/racks"].shape
                 in body), "info shows named dimensions of /datacenter/racks")
    r = row(lines, "racks in service 2030 (thousand)")
    c.check(r is not None and close(r[0], fig["racks_k"], 1),
            f"info: racks 2030 = {fig['racks_k']:.1f} thousand", str(r))
    r = row(lines, "DC electricity in 2030 (TWh)")
    c.check(r is not None and close(r[0], fig["dc_twh"], 1),
            f"info: DC electricity 2030 = {fig['dc_twh']:.1f} TWh", str(r))
    if "rm_min" in fig:
        r = row(lines, "lowest reserve margin, whole horizon")
        c.check(r is not None and close(r[0], fig["rm_min"], 1),
                f"info: lowest reserve margin {fig['rm_min']:.1f} %", str(r))
        c.check(f"Reserve-margin events ({len(h5py.File(path, 'r')['events'])})"
                in body, "info lists the reserve-margin events")


def check_compare(c, out, a, b):
    lines = open(out).read().splitlines()
    fa, fb = figures(a), figures(b)
    body = "\n".join(lines)
    c.check(f"A: {a}" in body and f"B: {b}" in body, "compare names both files")
    c.check(fa["scenario"] in body and fb["scenario"] in body,
            "compare names both scenarios")
    for label, key, dec in (("racks in service 2030 (thousand)", "racks_k", 1),
                            ("MIIT standard racks 2030 (million)", "std_m", 2),
                            ("DC electricity in 2030 (TWh)", "dc_twh", 1),
                            ("emissions in 2030 (Mt CO2)", "em", 0),
                            ("lowest reserve margin, whole horizon", "rm_min", 1),
                            ("unserved energy, whole horizon (TWh)",
                             "unserved_total", 3),
                            ("reserve-margin shortfalls (events)", "events", 0)):
        if key not in fa:
            continue
        r = row(lines, label)
        ok = (r is not None and len(r) >= 3 and close(r[0], fa[key], dec) and
              close(r[1], fb[key], dec) and
              close(r[2], fb[key] - fa[key], dec))
        c.check(ok, f"compare: {label}: {fa[key]:.{dec}f} vs {fb[key]:.{dec}f}",
                str(r))


# --- The documented recipes -------------------------------------------------

def section(src, heading):
    """The text of the section `## heading...` of a Markdown page, up to the
    next section of the same level."""
    start = src.find("## " + heading)
    if start < 0:
        return ""
    end = src.find("\n## ", start + 1)
    return src[start:end if end >= 0 else len(src)]


def run_blocks(c, blocks, path, csv_dir=None):
    """Runs Python blocks as written in a folder where path is copied to
    every *.h5 name they use (and csv_dir to csv/)."""
    work = tempfile.mkdtemp(prefix="dcgrid-recipes.")
    try:
        names = set(re.findall(r'"([\w.-]+\.h5)"', "\n".join(blocks)))
        for n in names:
            shutil.copy(path, os.path.join(work, n))
        if csv_dir:
            shutil.copytree(csv_dir, os.path.join(work, "csv"))
        for i, code in enumerate(blocks):
            r = subprocess.run([sys.executable, "-c", code], cwd=work,
                               capture_output=True, text=True,
                               env=dict(os.environ, MPLBACKEND="Agg"))
            first = code.strip().splitlines()[0][:60]
            c.check(r.returncode == 0, f"recipe {i + 1} runs ({first})",
                    (r.stderr.strip().splitlines() or [""])[-1][:300])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_section_recipes(c, doc, heading, path):
    blocks = re.findall(r"```python\n(.*?)```", section(open(doc).read(), heading),
                        re.S)
    c.check(len(blocks) >= 1, f"{len(blocks)} Python recipes in {doc}, "
            f"section {heading}")
    run_blocks(c, blocks, path)


def check_recipes(c, doc, path, csv_dir=None):
    src = open(doc).read()
    blocks = re.findall(r"```python\n(.*?)```", section(src, "Loading recipes"),
                        re.S)
    c.check(len(blocks) >= 2, f"{len(blocks)} Python recipes in {doc}")
    run_blocks(c, blocks, path, csv_dir)


def main(argv):
    c = Checker()
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    what, args = argv[0], argv[1:]
    if what == "netcdf":
        check_netcdf(c, args[0])
    elif what in ("study", "sensitivity"):
        try:
            (check_study if what == "study" else check_sensitivity)(c, args[0])
        except Exception as e:  # noqa: BLE001 (a missing object is a failure)
            c.check(False, f"{what} checks ran to the end",
                    f"{type(e).__name__}: {e}")
    elif what == "csv":
        check_csv(c, args[0], args[1])
    elif what == "image":
        check_image(c, args[0], int(args[1]) if len(args) > 1 else 20000)
    elif what == "hourly":
        check_hourly(c, args[0], [float(y) for y in args[1].split(",")]
                     if len(args) > 1 else None)
    elif what == "days-image":
        check_days_image(c, args[0], args[1], int(args[2]),
                         args[3] if len(args) > 3 else "critical")
    elif what == "info":
        check_info(c, args[0], args[1])
    elif what == "compare":
        check_compare(c, args[0], args[1], args[2])
    elif what == "recipes":
        check_recipes(c, args[0], args[1], args[2] if len(args) > 2 else None)
    elif what == "section-recipes":
        check_section_recipes(c, args[0], args[1], args[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return c.done()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
