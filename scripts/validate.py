"""Compare a backcast run with published figures (see scripts/validate).

Usage: validate.py RUN.h5 FIGURES.csv EXPECTED_VERDICTS [--check]

kinds: stock (national sum at a time), annual (national calendar-year total),
annual_ratio (facility over IT energy integrated over the year, for PUE),
curtailed_share (a technology's curtailment over its available output, from
the series averaged over the year's output times). A dataset written
"group/name:tech" takes one technology of a (..., regions, technologies)
dataset.
comparisons: approx (|rel. error| <= tol), at_least (a published lower bound:
model >= (1 - tol) * bound), approx_abs (|difference| <= tol).
"""
import csv
import sys

import h5py
import numpy as np


def tech_index(f, tech):
    names = [x.decode() if isinstance(x, bytes) else x for x in f["technologies"][:]]
    return names.index(tech)


def values(f, name, row):
    """Row `row` of dataset name, or of one technology with name:tech."""
    if ":" in name:
        name, tech = name.split(":")
        return f[name][row][..., tech_index(f, tech)]
    return f[name][row]


def national_at(f, name, t):
    times = f["time"][:]
    i = int(np.argmin(abs(times - t)))
    if abs(times[i] - t) > 1e-9:
        sys.exit(f"validate: time {t} is not an output time of the run")
    return float(np.sum(values(f, name, i)))


def annual(f, name, year):
    years = list(f["annual/year"][:])
    return float(np.sum(values(f, name, years.index(year))))


def curtailed_share(f, tech, year):
    t = f["time"][:]
    sel = np.where((t >= year - 1e-9) & (t < year + 1 - 1e-9))[0]
    j = tech_index(f, tech)
    c = sum(float(np.sum(f["grid/curtailment"][i][:, j])) for i in sel)
    g = sum(float(np.sum(f["grid/generation"][i][:, j])) for i in sel)
    return c / (c + g)


def annual_pue(f, year):
    t = f["time"][:]
    sel = (t >= year - 1e-9) & (t <= year + 1 + 1e-9)
    fac = f["datacenter/facility_load"][:].sum(axis=1)[sel]
    it = f["datacenter/it_load"][:].sum(axis=1)[sel]
    return float(np.trapz(fac, t[sel]) / np.trapz(it, t[sel]))


def main():
    run, figures, expected_path = sys.argv[1:4]
    check = "--check" in sys.argv[4:]
    rows = list(csv.DictReader(open(figures, newline="")))
    verdicts = []
    with h5py.File(run, "r") as f:
        name = f.attrs["scenario"]
        name = name.decode() if isinstance(name, bytes) else name
        title = "Backcast" if "backcast" in name else "Scenario"
        print(f"{title} {name}: model vs published figures\n")
        print(f"{'figure':<22} {'time':>7} {'model':>12} {'published':>12} "
              f"{'error':>8} {'tolerance':>10}  verdict  source")
        for r in rows:
            t = float(r["time"])
            if r["kind"] == "stock":
                model = national_at(f, r["dataset"], t)
            elif r["kind"] == "annual":
                model = annual(f, r["dataset"], t)
            elif r["kind"] == "curtailed_share":
                model = curtailed_share(f, r["dataset"], t)
            else:
                model = annual_pue(f, t)
            pub, tol = float(r["published"]), float(r["tolerance"])
            if r["comparison"] == "approx_abs":
                err = model - pub
                ok = abs(err) <= tol
                err_s, tol_s = f"{err:+.3f}", f"±{tol:g}"
            else:
                err = model / pub - 1.0
                if r["comparison"] == "at_least":
                    ok = err >= -tol
                    tol_s = f">= -{100 * tol:g}%"
                else:
                    ok = abs(err) <= tol
                    tol_s = f"±{100 * tol:g}%"
                err_s = f"{100 * err:+.1f}%"
            verdict = "PASS" if ok else "FAIL"
            verdicts.append(f"{r['id']} {verdict}")
            shown = t if r["kind"] == "stock" else int(t)
            print(f"{r['id']:<22} {shown:>7} {model:>12.6g} {pub:>12.6g} {err_s:>8} "
                  f"{tol_s:>10}  {verdict:<7}  {r['source']}")
    npass = sum(v.endswith("PASS") for v in verdicts)
    print(f"\n{npass} of {len(verdicts)} figures within tolerance")
    if check:
        expected = [l.strip() for l in open(expected_path) if l.strip() and not l.startswith("#")]
        if expected != verdicts:
            for e, v in zip(expected, verdicts):
                if e != v:
                    print(f"validate: expected {e}, got {v}", file=sys.stderr)
            if len(expected) != len(verdicts):
                print("validate: the number of figures changed", file=sys.stderr)
            sys.exit(1)
        print("verdicts as expected (tests/reference/validation-verdicts.txt)")


if __name__ == "__main__":
    main()
