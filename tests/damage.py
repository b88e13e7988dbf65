#!/usr/bin/python3
"""Builds damaged dcgrid result files from a valid one (issue 14).

    tests/damage.py VALID.h5 OUTDIR [NAME...]

writes OUTDIR/damaged-NAME.h5 for every kind of damage below (or the ones
named), each a copy of VALID.h5 changed with h5py the way a file from
elsewhere could be: the reader (`info`, `compare`, `export`, `rerun`) must
refuse each with a message, or, for the encodings other writers use
(ascii), read it. The repository holds this script, not the files.

dcgrid files end with a checksum trailer (outputs/h5_checksum.c), which
HDF5 drops when h5py rewrites a file: the structural kinds are files from
another program, refused by the reader's own checks; "bit-flip" and
"truncated" change bytes without h5py, and the checksum refuses them.
"""
import os
import shutil
import sys

import h5py
import numpy as np


def replace(f, name, data, scales):
    """Replaces dataset name by data, with its attributes (but not the
    dimension-scale ones) and the given scales attached per axis."""
    old = f[name]
    attrs = {k: v for k, v in old.attrs.items()
             if k not in ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME")}
    del f[name]
    ds = f.create_dataset(name, data=data)
    for k, v in attrs.items():
        ds.attrs[k] = v
    for axis, scale in enumerate(scales):
        if scale is not None and axis < ds.ndim:
            ds.dims[axis].attach_scale(f[scale])
    return ds


def short_series(f):
    # Fewer time rows than /time, the time scale still attached.
    rm = f["grid/reserve_margin"][...]
    replace(f, "grid/reserve_margin", rm[:5], ["time", "regions"])


def long_series(f):
    # More time rows than /time: 400 % reserve margins were invented from
    # the rows past the end.
    rm = f["grid/reserve_margin"][...]
    replace(f, "grid/reserve_margin", np.concatenate([rm, rm + 4.0]),
            ["time", "regions"])


def time_2d(f):
    # /time as a 2-D dataset: series keep their rows.
    t = f["time"][...]
    f.move("time", "time_old")
    f.create_dataset("time", data=t.reshape(-1, 1))


def wrong_axis(f):
    # A series whose second axis is longer than /regions.
    it = f["datacenter/it_load"][...]
    replace(f, "datacenter/it_load", np.concatenate([it, it], axis=1),
            ["time", "regions"])


def string_series(f):
    # A series the reader sums that holds strings.
    n = f["datacenter/standard_racks"].shape
    replace(f, "datacenter/standard_racks",
            np.full(n, "x", dtype=h5py.string_dtype()), [])


def self_link(f):
    # A group holding a hard link to itself.
    f["grid"]["loop"] = f["grid"]


def schema_999(f):
    f.attrs["schema"] = "dcgrid/999"


def ascii(f):
    # Strings as h5py and netCDF write them: ASCII, fixed-length and
    # variable-length. The file must still read.
    for name in ("regions", "hardware", "segments", "technologies",
                 "corridors"):
        if name not in f:
            continue
        labels = [x.decode() if isinstance(x, bytes) else x
                  for x in f[name][...]]
        ds = f[name]
        attrs = {k: ds.attrs[k] for k in ("units", "long_name")
                 if k in ds.attrs}
        # A scale cannot simply be replaced (datasets refer to it): write
        # the ASCII labels into a copy and swap names, re-attaching.
        users = []
        for path, obj in walk(f):
            if isinstance(obj, h5py.Dataset) and obj.name != ds.name:
                for axis in range(obj.ndim):
                    if any(s.name == ds.name for s in obj.dims[axis].values()):
                        users.append((path, axis))
        for path, axis in users:
            f[path].dims[axis].detach_scale(ds)
        del f[name]
        new = f.create_dataset(name, data=np.array(labels, dtype=object),
                               dtype=h5py.string_dtype("ascii"))
        for k, v in attrs.items():
            new.attrs.create(k, np.bytes_(str(v).encode() if isinstance(v, str) else v))
        new.make_scale(name)
        for path, axis in users:
            f[path].dims[axis].attach_scale(new)
    if "events" in f:
        # The events table with an ASCII region_name, as numpy's "S"
        # strings are written.
        ev = f["events"][...]
        names = [(n, ev.dtype[n]) for n in ev.dtype.names]
        dt = np.dtype([(n, "S%d" % t.itemsize if n == "region_name" else t)
                       for n, t in names])
        replace(f, "events", ev.astype(dt), ["event"])
    for k in ("scenario", "schema", "title"):
        v = f.attrs[k]
        v = v.decode() if isinstance(v, bytes) else v
        f.attrs.create(k, np.bytes_(v.encode("ascii")))


def walk(f):
    out = []
    f.visititems(lambda p, o: out.append((p, o)))
    return out


def control_chars(f):
    # Escape sequences in strings that info prints.
    f.attrs["scenario"] = "evil\x1b]0;owned\x07\x1b[2J"
    f.attrs["title"] = "line one\nline two\rback"


def formula(f):
    # A label that a spreadsheet would run as a formula.
    regions = [x.decode() if isinstance(x, bytes) else x
               for x in f["regions"][...]]
    regions[0] = '=HYPERLINK("http://example.com","x")'
    regions[1] = "+1+1"
    f["regions"][...] = np.array(regions, dtype=object)


def include(f):
    # A stored config that would make rerun read another file.
    v = f.attrs["config"]
    v = v.decode() if isinstance(v, bytes) else v
    f.attrs["config"] = '@include "/dev/stdin"\n' + v


DAMAGE = {
    "include": include,
    "short-series": short_series,
    "long-series": long_series,
    "time-2d": time_2d,
    "wrong-axis": wrong_axis,
    "string-series": string_series,
    "self-link": self_link,
    "schema-999": schema_999,
    "ascii": ascii,
    "control-chars": control_chars,
    "formula": formula,
}


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    valid, outdir = sys.argv[1], sys.argv[2]
    names = sys.argv[3:] or list(DAMAGE) + ["bit-flip", "truncated"]
    for name in names:
        out = os.path.join(outdir, "damaged-%s.h5" % name)
        shutil.copyfile(valid, out)
        if name == "bit-flip":
            with open(out, "r+b") as f:
                f.seek(os.path.getsize(out) // 2)
                b = f.read(1)
                f.seek(-1, 1)
                f.write(bytes([b[0] ^ 0x10]))
            continue
        if name == "truncated":
            os.truncate(out, os.path.getsize(out) // 2)
            continue
        with h5py.File(out, "r+") as f:
            DAMAGE[name](f)


if __name__ == "__main__":
    main()
