#!/usr/bin/python3
"""Compares two study files written by `dcgrid study`: every dataset must be
bit-identical (NaN equal to NaN) except the members' wall times, and the
root attributes except the creation time (`created` and the CF `history`
that names it). Exit status 0 when they match.

    compare_study.py A.h5 B.h5
"""
import sys

import h5py
import numpy as np

SKIP_DATASETS = {"members/wall_time_s"}
SKIP_ATTRS = {"created", "history"}


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj)
                 if isinstance(obj, h5py.Dataset) else None)
    return out


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        return a.tobytes() == b.tobytes()
    return np.array_equal(a, b)


def main():
    fa, fb = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
    da, db = datasets(fa), datasets(fb)
    bad = []
    if set(da) != set(db):
        bad.append(f"datasets differ: {sorted(set(da) ^ set(db))}")
    for name in sorted(set(da) & set(db)):
        if name not in SKIP_DATASETS and not same(da[name][()], db[name][()]):
            bad.append(f"dataset {name} differs")
    for key in set(fa.attrs) | set(fb.attrs):
        if key in SKIP_ATTRS:
            continue
        if key not in fa.attrs or key not in fb.attrs or not same(fa.attrs[key], fb.attrs[key]):
            bad.append(f"root attribute {key} differs")
    for line in bad:
        print(line)
    print(f"compared {len(da)} datasets: {'identical' if not bad else 'DIFFERENT'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
