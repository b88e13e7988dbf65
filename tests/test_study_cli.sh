#!/usr/bin/env bash
# End to end: `dcgrid study` on the example studies, resume after a kill
# (SIGKILL mid-study, then the same command again), quiet when piped, and
# `dcgrid run --json --sensitivity`. Ends with "N passed, N failed".
#
#   test_study_cli.sh DCGRID
set -uo pipefail
dcgrid=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here"
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
check() { if "$@"; then ok; else bad "$*"; fi; }

# Every example study runs and prints its table.
# One example per design (china-2030-drivers.cfg is the worked study,
# run by scripts/study-china-2030).
for f in ../inputs/studies/china-{grid,oat,random,lhs,saltelli,morris}.cfg; do
	b=$(basename "$f" .cfg)
	if "$dcgrid" study "$f" -o "$tmp/$b.h5" >"$tmp/$b.out" 2>"$tmp/$b.err"; then
		ok
		check grep -q "^Wrote $tmp/$b.h5" "$tmp/$b.out"
		# Piped: no progress bar on stderr.
		check test ! -s "$tmp/$b.err"
	else
		bad "dcgrid study $f: $(cat "$tmp/$b.err")"
	fi
done
check grep -q "Sobol indices of dc_twh_2030" "$tmp/china-saltelli.out"
check grep -q "Morris measures of dc_twh_2030" "$tmp/china-morris.out"

# --verbose (also with --quiet): one line of phase times on stderr, the
# HDF5 write among them (bench/run reads it), and nothing on stdout.
"$dcgrid" study ../inputs/studies/china-grid.cfg -o "$tmp/verbose.h5" -q -v \
	>"$tmp/verbose.out" 2>"$tmp/verbose.err"
check test $? -eq 0
check test ! -s "$tmp/verbose.out"
check grep -Eq '^dcgrid study: load [0-9.]+ s, members [0-9.]+ s, analysis [0-9.]+ s, HDF5 write [0-9.]+ s \([0-9.]+ % of [0-9.]+ s\)$' "$tmp/verbose.err"
check test "$(wc -l <"$tmp/verbose.err")" -eq 1

# An existing output is refused without --force (exit status 2).
"$dcgrid" study ../inputs/studies/china-grid.cfg -o "$tmp/china-grid.h5" 2>"$tmp/exists.err"
check test $? -eq 2
check grep -q "exists; use --force" "$tmp/exists.err"

# Resume: kill a study once some members are in the checkpoint, run the
# same command again, and compare with an uninterrupted run.
cat >"$tmp/long.cfg" <<'CFG'
name = "long";
design = "lhs";
samples = 160;
seed = 5;
parameters = (
  { path = "segments.[1].growth"; dist = "uniform"; min = 0.3; max = 0.5; },
  { path = "hardware.[1].life_yr"; dist = "uniform"; min = 4.0; max = 7.0; }
);
metrics = ( { name = "dc_twh_2030"; kind = "dc_energy_twh"; year = 2030; } );
series = ["energy"];
CFG
"$dcgrid" study "$tmp/long.cfg" -o "$tmp/long-ref.h5" -q
"$dcgrid" study "$tmp/long.cfg" -o "$tmp/long.h5" -j 1 -q &
pid=$!
ckpt="$tmp/long.h5.ckpt"
for _ in $(seq 1 400); do
	size=$(stat -c %s "$ckpt" 2>/dev/null || echo 0)
	if [[ $size -gt 40000 ]]; then
		break
	fi
	sleep 0.05
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check test -s "$ckpt"
check test ! -e "$tmp/long.h5"
"$dcgrid" study "$tmp/long.cfg" -o "$tmp/long.h5" >"$tmp/long.out"
check test $? -eq 0
resumed=$(sed -n 's/.*, \([0-9]*\) resumed from the checkpoint.*/\1/p' "$tmp/long.out")
echo "resumed ${resumed:-0} of 160 members after SIGKILL"
check test "${resumed:-0}" -gt 0 -a "${resumed:-0}" -lt 160
check /usr/bin/python3 compare_study.py "$tmp/long-ref.h5" "$tmp/long.h5"
check test ! -e "$ckpt"

# SIGINT: the running solves stop, exit status 130, the finished members
# stay in the checkpoint and the same command resumes.
"$dcgrid" study "$tmp/long.cfg" -o "$tmp/int.h5" -j 1 2>"$tmp/int.err" &
pid=$!
for _ in $(seq 1 400); do
	size=$(stat -c %s "$tmp/int.h5.ckpt" 2>/dev/null || echo 0)
	if [[ $size -gt 40000 ]]; then
		break
	fi
	sleep 0.05
done
kill -INT "$pid" 2>/dev/null
wait "$pid"
check test $? -eq 130
check grep -q "SIGINT: stopped with [0-9]* of 160 members done; they are kept in" "$tmp/int.err"
check test ! -e "$tmp/int.h5"
"$dcgrid" study "$tmp/long.cfg" -o "$tmp/int.h5" -q
check /usr/bin/python3 compare_study.py "$tmp/long-ref.h5" "$tmp/int.h5"

# Forward sensitivities and the JSON summary.
"$dcgrid" run data/cfg_grid.cfg -o "$tmp/run.h5" --json \
	--sensitivity "hardware.[1].life_yr,grid.reserve_target" >"$tmp/run.json"
check test $? -eq 0
check /usr/bin/python3 - "$tmp/run.json" "$tmp/run.h5" <<'PY'
import json, sys, h5py, math
d = json.load(open(sys.argv[1]))
assert d["schema"] == "dcgrid-run-summary/1" and d["complete"]
s = d["sensitivity"]
assert s["parameters"] == ["hardware.[1].life_yr", "grid.reserve_target"]
e = s["end"]["energy"]
assert len(e["derivative"]) == 2 and all(math.isfinite(x) for x in e["elasticity"])
f = h5py.File(sys.argv[2], "r")
assert f["sensitivity/datacenter/energy"].shape[0] == 2
assert f["sensitivity/elasticity/datacenter/energy"].shape == f["sensitivity/datacenter/energy"].shape
PY
"$dcgrid" run data/cfg_grid.cfg -o "$tmp/run2.h5" --sensitivity "solver.max_steps" 2>"$tmp/sens.err"
check test $? -eq 2
check grep -q "not a real-valued parameter" "$tmp/sens.err"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
