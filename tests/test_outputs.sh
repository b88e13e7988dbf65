#!/usr/bin/env bash
# End-to-end tests of the outputs people use (issue 8).
#
#   tests/test_outputs.sh PATH/TO/dcgrid
#
# In a temporary folder: runs the built-in scenario and the grid-stress
# variant (which has a reserve-margin event), then checks
#   - reproducibility: two runs give identical dataset bytes, and with
#     SOURCE_DATE_EPOCH identical files; `dcgrid rerun` reports a match and
#     detects a tampered file (exit 1);
#   - the netCDF view: ncdump -h, xarray (netCDF4 and h5netcdf engines) on
#     every group, labelled coordinates, pandas (tests/check_outputs.py);
#     the same for a run file with /sensitivity and for study files (the
#     example study of each design in inputs/studies/, with few samples);
#   - `dcgrid export --csv`: columns and every value against the HDF5 file;
#   - `dcgrid info` and `dcgrid compare`: content and numbers;
#   - the hourly view: /hourly's scales and shapes, the hourly energy
#     balance, LOLP, day weights, xarray, hours.output_years;
#   - scripts/plot: PNG, PDF and SVG rendered headless, size and not blank;
#     the typical-day figure (panels, size, each panel's day); a study
#     file's fan and sensitivity charts;
#   - the Python loading recipes of docs/output-format.md, run as written,
#     and the Octave recipe when octave is installed.
# Prints one line per check and `N passed, N failed`; exits 1 on a failure.
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 PATH/TO/dcgrid" >&2
	exit 2
fi
DCGRID=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PYTHON=/usr/bin/python3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dcgrid-outputs.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export MPLBACKEND=Agg

source "$HERE/lib.sh"

# pycheck NAME ARGS...: runs check_outputs.py and adds its counts to ours.
pycheck() { pyrun check_outputs.py "$@"; }

# --- results to work on -------------------------------------------------------
export SOURCE_DATE_EPOCH=1700000000
expect 0 "run the built-in scenario" -- run -q -o base.h5
expect 0 "run it again" -- run -q -o base2.h5
expect 0 "run china-grid-stress" -- run -q "$ROOT/inputs/scenarios/china-grid-stress.cfg" -o stress.h5
unset SOURCE_DATE_EPOCH

# --- reproducibility --------------------------------------------------------
# The solver statistics hold the wall time, so whole files differ; with
# SOURCE_DATE_EPOCH every dataset is byte for byte the same.
"$PYTHON" - base.h5 base2.h5 >repro.txt 2>&1 <<'EOF' || true
import sys, h5py
def dsets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, o[()].tobytes())
                     if isinstance(o, h5py.Dataset) and o.dtype.kind != "O" else None)
        created = f.attrs["created"]
    return out, created
a, ca = dsets(sys.argv[1])
b, cb = dsets(sys.argv[2])
diff = [k for k in a if a[k] != b.get(k)]
print(len(a), "datasets;", "differ:", diff, "created", ca == cb)
sys.exit(0 if not diff and a.keys() == b.keys() and ca == cb else 1)
EOF
check "two runs: identical dataset bytes and created time" grep -q "differ: \[\] created True" repro.txt

expect 0 "rerun base.h5" -- rerun base.h5
check "rerun reports every dataset matching" has 'All [0-9]* datasets match bit for bit' out.txt
expect 0 "rerun stress.h5 -o again.h5" -- rerun stress.h5 -o again.h5
check "rerun -o keeps the new file" test -s again.h5
expect 2 "rerun -o an existing file without --force" -- rerun stress.h5 -o again.h5
cp stress.h5 tampered.h5
"$PYTHON" - tampered.h5 <<'EOF'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    d = f["grid/reserve_margin"]
    a = d[()]
    a[7, 1] += 1e-9
    d[...] = a
EOF
expect 1 "rerun detects a tampered file" -- rerun tampered.h5
check "rerun names the dataset that differs" has '/grid/reserve_margin.*values: 1 element differs' out.txt
check "rerun says the result is not reproduced" has 'does not reproduce' err.txt
if "$DCGRID" run --help | grep -q -e '--sensitivity'; then
	expect 0 "run --sensitivity" -- run -q -o sens.h5 \
		--sensitivity 'segments.[1].growth.value.[0],hardware.[1].life_yr'
	expect 0 "rerun of a file with sensitivities" -- rerun sens.h5
	check "rerun recomputes the sensitivities" has 'With forward sensitivities to segments' out.txt
	check "rerun matches them bit for bit" has 'All [0-9]* datasets match bit for bit' out.txt
	pycheck netcdf-sensitivity sensitivity sens.h5
	pycheck sensitivity-recipe section-recipes "$ROOT/docs/output-format.md" Sensitivities sens.h5
fi
expect 2 "rerun of a missing file" -- rerun no-such.h5
expect 2 "rerun of a file that is not HDF5" -- rerun "$ROOT/inputs/scenarios/china-baseline.cfg"
check "a non-HDF5 file is named" has 'not an HDF5 file' err.txt

# --- netCDF readers, xarray, pandas ------------------------------------------
pycheck netcdf-base netcdf base.h5
pycheck netcdf-stress netcdf stress.h5

# --- the hourly view (/hourly) -----------------------------------------------
# Dimension scales and shapes, the hourly energy balance read from the file,
# LOLP in [0, 1], day weights, xarray with coordinates.
pycheck hourly-base hourly base.h5
pycheck hourly-stress hourly stress.h5
expect 0 "run with hours.output_years = [2026, 2028, 2030]" -- run -q -o years.h5 \
	--set 'hours.output_years=[2026, 2028, 2030]'
pycheck hourly-years hourly years.h5 2026,2028,2030
pycheck hourly-recipes section-recipes "$ROOT/docs/output-format.md" "Hourly view" base.h5

# --- CSV export -------------------------------------------------------------
expect 0 "export --csv" -- export stress.h5 --csv csv
check "export lists what it wrote" has 'Wrote csv/datacenter.csv' out.txt
pycheck csv csv csv stress.h5
expect 2 "export again without --force" -- export stress.h5 --csv csv
check "export names the existing file" has 'exists; use --force' err.txt
expect 0 "export --force" -- export stress.h5 --csv csv --force
expect 2 "export without --csv" -- export stress.h5
expect 0 "run a scenario without a grid" -- run -q "$HERE/data/cfg_small.cfg" -o small.h5
expect 0 "export of a run without a grid" -- export small.h5 --csv csv-small
check "no events.csv without a grid" test ! -e csv-small/events.csv
check "no grid.csv without a grid" test ! -e csv-small/grid.csv
pycheck csv-small csv csv-small small.h5
pycheck netcdf-small netcdf small.h5
expect 0 "info of a run without a grid" -- info small.h5
check "info says there is no grid" has '(no grid)' out.txt

# --- info and compare -------------------------------------------------------
expect 0 "info" -- info stress.h5
cp out.txt info.txt
pycheck info info info.txt stress.h5
check "info lists the event" has 'chengdu-chongqing *falls below its minimum' info.txt
expect 0 "compare" -- compare base.h5 stress.h5
cp out.txt compare.txt
pycheck compare compare compare.txt base.h5 stress.h5
expect 0 "compare --year 2027" -- compare base.h5 stress.h5 --year 2027
check "compare --year uses that year" has 'racks in service 2027' out.txt
expect 2 "compare with one file" -- compare base.h5
expect 2 "compare --year nonsense" -- compare base.h5 stress.h5 --year soon
expect 0 "help lists info, export, compare, rerun" -- --help
for cmd in info export compare rerun; do
	check "help names $cmd" has "^  $cmd" out.txt
done

# --- plots ------------------------------------------------------------------
rc=0
"$ROOT/scripts/plot" stress.h5 >plot.txt 2>&1 || rc=$?
check "scripts/plot writes stress.png (exit $rc)" test "$rc" -eq 0
pycheck png image stress.png 100000
check "scripts/plot names stress-days.png" has '^stress-days.png$' plot.txt
# The typical-day figure: 9 regions x the first and last hourly year, each
# panel's day recomputed from the file; with --regions 4 the 4 largest.
pycheck days-png days-image stress-days.png stress.h5 10
rc=0
"$ROOT/scripts/plot" base.h5 --regions 4 -o top4.png >plot.txt 2>&1 || rc=$?
check "scripts/plot --regions 4 (exit $rc)" test "$rc" -eq 0
pycheck days-top4 days-image top4-days.png base.h5 4
pycheck top4-png image top4.png 100000
rc=0
"$ROOT/scripts/plot" years.h5 --day all -o years.png >plot.txt 2>&1 || rc=$?
check "scripts/plot --day all of three hourly years (exit $rc)" test "$rc" -eq 0
pycheck days-all days-image years-days.png years.h5 10 all
rc=0
"$ROOT/scripts/plot" base.h5 --regions 0 >plot.txt 2>&1 || rc=$?
check "scripts/plot refuses --regions 0 (exit $rc)" test "$rc" -eq 2
rc=0
"$ROOT/scripts/plot" base.h5 -o base.pdf >plot.txt 2>&1 || rc=$?
check "scripts/plot -o base.pdf (exit $rc)" test "$rc" -eq 0
pycheck pdf image base.pdf 20000
rc=0
"$ROOT/scripts/plot" base.h5 -o base.svg >plot.txt 2>&1 || rc=$?
check "scripts/plot -o base.svg (exit $rc)" test "$rc" -eq 0
pycheck svg image base.svg 100000
rc=0
"$ROOT/scripts/plot" small.h5 -o small.png >plot.txt 2>&1 || rc=$?
check "scripts/plot draws a run without a grid (exit $rc)" test "$rc" -eq 0
check "no typical-day figure without an hourly view" test ! -e small-days.png
pycheck small-png image small.png 50000
rc=0
"$ROOT/scripts/plot" base.h5 -o base.gif >plot.txt 2>&1 || rc=$?
check "scripts/plot refuses .gif (exit $rc)" test "$rc" -eq 2

# A study file: fan charts and a sensitivity chart, when `dcgrid study`
# is part of this build.
if "$DCGRID" help study >/dev/null 2>&1; then
	cat >study.cfg <<EOF
name = "outputs-study";
design = "morris";
samples = 3;
levels = 4;
seed = 1;
parameters = (
  { path = "segments.[1].growth"; dist = "uniform"; min = 0.30; max = 0.50; },
  { path = "hardware.[1].life_yr"; dist = "uniform"; min = 4.0; max = 7.0; }
);
metrics = ( { name = "dc_twh_2030"; kind = "dc_energy_twh"; year = 2030; } );
series = ["energy", "reserve_margin"];
EOF
	rc=0
	"$DCGRID" study study.cfg -o study.h5 -q >out.txt 2>err.txt || rc=$?
	if [[ $rc -eq 0 ]]; then
		ok "dcgrid study writes study.h5"
		rc=0
		"$ROOT/scripts/plot" study.h5 >plot.txt 2>&1 || rc=$?
		check "scripts/plot draws the study (exit $rc)" test "$rc" -eq 0
		pycheck study-png image study.png 30000
		pycheck netcdf-study study study.h5
		pycheck study-recipe section-recipes "$ROOT/docs/output-format.md" "Study files" study.h5
	else
		echo "skip - dcgrid study failed (exit $rc): $(head -n 3 err.txt)"
	fi
	# Every design's example study is a netCDF-4 file too; few samples,
	# levels and bootstrap resamples keep it quick (all use the built-in
	# scenario, so the copies run from here).
	for cfg in "$ROOT"/inputs/studies/*.cfg; do
		base=$(basename "$cfg" .cfg)
		sed -e 's/^samples = .*/samples = 3;/' -e 's/^levels = .*/levels = 2;/' \
			-e 's/^bootstrap = .*/bootstrap = 10;/' "$cfg" >"$base.cfg"
		rc=0
		"$DCGRID" study "$base.cfg" -o "$base.h5" -q >out.txt 2>err.txt || rc=$?
		if [[ $rc -eq 0 ]]; then
			pycheck "netcdf-$base" study "$base.h5"
		else
			fail "dcgrid study $base.cfg (exit $rc)" "$(head -n 3 err.txt)"
		fi
	done
else
	echo "skip - no 'dcgrid study' in this build: study plots not checked"
fi

# --- the documented recipes --------------------------------------------------
pycheck recipes recipes "$ROOT/docs/output-format.md" stress.h5 csv
if command -v octave >/dev/null 2>&1 &&
	octave --no-gui --quiet --no-window-system --eval 'pkg load netcdf' >/dev/null 2>&1; then
	cp stress.h5 china-baseline.h5
	# The Octave block of the doc, run as written.
	awk '/^```octave$/{on=1; next} /^```$/{on=0} on' "$ROOT/docs/output-format.md" >recipe.m
	echo 'printf("racks %d x %d x %d, units %s, %d regions\n", size(racks), units, numel(regions));' >>recipe.m
	rc=0
	octave --no-gui --quiet --no-window-system recipe.m >octave.txt 2>&1 || rc=$?
	if [[ $rc -eq 0 ]] && grep -q 'racks 29 x 9 x 3, units 1, 9 regions' octave.txt; then
		ok "the Octave recipe runs as written"
	else
		fail "the Octave recipe (exit $rc)" "$(tail -n 15 octave.txt)"
	fi
else
	echo "skip - octave with octave-netcdf is not installed: the Octave recipe is not checked"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
