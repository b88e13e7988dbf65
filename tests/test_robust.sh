#!/usr/bin/env bash
# End-to-end robustness of `dcgrid run`: nothing is lost or corrupted.
#
#   tests/test_robust.sh PATH/TO/dcgrid
#
# - Solver trouble (explosive growth, too much work for tight tolerances,
#   near-zero lead times with a tiny step budget): exit status 1, a message
#   naming the time, the quantity and CVODE's reason, and a file holding
#   the results up to the failure marked complete = 0 (read back by
#   tests/check_h5.py --partial).
# - SIGINT and SIGTERM during a run: exit status 130 or 143, a message, no
#   file under the final name and no temporary file.
# - A full disk (a 64 KiB tmpfs when this runs as root and may mount one,
#   else a file-size limit, ulimit -f): exit status 1, a clear message, no
#   file and no temporary file; an existing result is left as it was.
# - All or nothing (issue 14): `run --sensitivity` on a disk with room for
#   the run alone writes nothing (it used to publish the run and fail
#   adding the sensitivities); `export` on a full disk leaves no folder, no
#   temporary folder and, with --force, the earlier CSVs as they were;
#   `rerun` stopped by SIGINT, once or twice, leaves no temporary folder.
# - Files from elsewhere (tests/damage.py): strings with escape sequences
#   reach the terminal as '?', formula-like labels are text in the CSV,
#   ASCII strings (h5py, netCDF) read.
# Prints one line per check and `N passed, N failed`; exits 1 on a failure.
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 PATH/TO/dcgrid" >&2
	exit 2
fi
DCGRID=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
OK=$HERE/bad-inputs/ok.cfg
PYTHON=/usr/bin/python3
export LC_ALL=C
unset DCGRID_MEMORY_LIMIT
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dcgrid-robust.XXXXXX")
mounted=
cleanup() {
	if [[ -n $mounted ]]; then
		umount "$mounted" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"

passed=0
failed=0
ok() {
	passed=$((passed + 1))
	echo "ok   - $1"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL - $1"
	if [[ -n ${2:-} ]]; then
		sed 's/^/       /' <<<"$2"
	fi
}
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name" "$(tail -n 5 err.txt 2>/dev/null)"; fi
}
# run ARGS...: dcgrid with stdout/stderr in out.txt/err.txt, status in $rc.
run() {
	rc=0
	"$DCGRID" "$@" >out.txt 2>err.txt </dev/null || rc=$?
}
no_temp() { [[ -z $(find "${1:-.}" -name '.*.tmp.*' -print -quit) ]]; }
h5partial() {
	local out
	if out=$("$PYTHON" "$HERE/check_h5.py" "$1" --partial 2>&1); then
		ok "$1 is a readable partial result (check_h5.py --partial)"
	else
		fail "$1 is a readable partial result" "$(grep -v '^ok' <<<"$out" | tail -n 8)"
	fi
}

# ---- solver trouble ------------------------------------------------------

# solver_case NAME PATTERN ARGS...: the run fails with status 1, the first
# error line matches PATTERN and the partial file is valid.
solver_case() {
	local name=$1 pattern=$2
	shift 2
	run run "$OK" -q -o "$name.h5" "$@"
	check "$name: exit status 1 (got $rc)" test "$rc" -eq 1
	check "$name: message names time, quantity and reason" \
		grep -Eq "^dcgrid: solver failed at t = [0-9.]+: CV_[A-Z_]+: .*$pattern" err.txt
	check "$name: message says where the partial result is" \
		grep -Eq "^dcgrid: partial result up to t = [0-9.]+ written to $name.h5$" err.txt
	if [[ -f $name.h5 ]]; then
		h5partial "$name.h5"
	else
		fail "$name: no partial file"
	fi
	check "$name: no temporary file" no_temp
}

solver_case explosive-growth '\[region [a-z]+, class [a-z]+\] \(value [-0-9.e+]+\)$' \
	--set segments.[0].growth=5.0 --set segments.[0].saturation_pflops=1e300 \
	--set horizon.end=2500
solver_case tight-tolerances 'largest local error in [a-z].* \(value [-0-9.e+]+\)$' \
	--set solver.rtol=1e-14 --set solver.atol=1e-16 --set solver.max_steps=100
solver_case near-zero-lead-time 'technology (coal|wind)\] \(value' \
	--set technologies.[0].lead_time_yr=0.0100001 \
	--set technologies.[1].lead_time_yr=0.0100001 --set solver.max_steps=10
# A failed run still needs --force to replace a result, like any run.
run run "$OK" -q -o explosive-growth.h5 --set solver.max_steps=10
check "a failed run does not replace a file without --force (exit $rc)" test "$rc" -eq 2

# ---- SIGINT and SIGTERM --------------------------------------------------

# A scenario that takes a few seconds (4 s here): 1000 regions over 400
# years, tight tolerances.
slow=slow.cfg
{
	echo 'scenario = "slow";'
	echo 'horizon = { start = 2024.0; end = 2424.0; output_step_yr = 0.25; };'
	echo 'solver = { rtol = 1e-10; atol = 1e-10; max_steps = 1000000; };'
	echo 'segments = ( { name = "general"; growth = 0.1; },'
	echo '  { name = "ai"; growth = { year = [2024.0, 2030.0]; value = [0.4, 0.3]; }; } );'
	echo 'hardware = ( { name = "cpu"; segment = "general"; build_time_yr = 1.0; life_yr = 6.0;'
	echo '    kw_per_rack = 8.0; pflops_per_rack = 0.1; initial_racks = 100000.0; },'
	echo '  { name = "gpu"; segment = "ai"; build_time_yr = 1.5; life_yr = 5.0; kw_per_rack = 40.0;'
	echo '    pflops_per_rack = 2.0; initial_racks = 5000.0; } );'
	echo 'regions = ('
	n=1000
	share=$(awk "BEGIN { printf \"%.15f\", 1 / $n }")
	for ((i = 1; i <= n; i++)); do
		printf '  { name = "r%d"; initial_share = %s; initial_pue = 1.%d; }%s\n' \
			"$i" "$share" $((i % 9 + 1)) "$([[ $i -lt $n ]] && echo ,)"
	done
	echo ');'
} >"$slow"

# interrupt SIG STATUS: starts a run, signals it after 0.5 s.
interrupt() {
	local sig=$1 want=$2 pid
	rm -f interrupted.h5
	"$DCGRID" run "$slow" -o interrupted.h5 >out.txt 2>err.txt </dev/null &
	pid=$!
	sleep 0.5
	kill -s "$sig" "$pid" 2>/dev/null || true
	rc=0
	wait "$pid" || rc=$?
	if [[ $rc -eq 0 ]]; then
		fail "SIG$sig: the run finished before the signal (make slow.cfg slower)"
		return
	fi
	check "SIG$sig: exit status $want (got $rc)" test "$rc" -eq "$want"
	check "SIG$sig: message says so" \
		grep -Eq "^dcgrid: SIG$sig: interrupted at t = [0-9.]+ of 2424.00; nothing was written to interrupted.h5$" err.txt
	check "SIG$sig: no file under the final name" test ! -e interrupted.h5
	check "SIG$sig: no temporary file" no_temp
}
interrupt INT 130
interrupt TERM 143

# ---- a full disk ---------------------------------------------------------

mkdir small
if [[ $EUID -eq 0 ]] && mount -t tmpfs -o size=64k tmpfs small 2>/dev/null; then
	mounted=$WORK/small
	how="a 64 KiB tmpfs"
	full() { run run "$OK" -q -o small/full.h5 "$@"; }
else
	how="ulimit -f 64"
	full() {
		rc=0
		(ulimit -f 64 && trap '' XFSZ && exec "$DCGRID" run "$OK" -q -o small/full.h5 "$@") \
			>out.txt 2>err.txt </dev/null || rc=$?
	}
fi
full
check "full disk ($how): exit status 1 (got $rc)" test "$rc" -eq 1
check "full disk ($how): clear message" \
	grep -Eq "^dcgrid: cannot write small/full.h5: .*(No space left on device|File too large)" err.txt
check "full disk ($how): no file" test ! -e small/full.h5
check "full disk ($how): no temporary file" no_temp small
# An existing result survives a failed --force.
echo "an earlier result" >small/full.h5
full --force
check "full disk with --force: exit status 1 (got $rc)" test "$rc" -eq 1
check "full disk with --force: the earlier file is untouched" \
	grep -qx "an earlier result" small/full.h5
check "full disk with --force: no temporary file" no_temp small

# ---- all or nothing (issue 14) -------------------------------------------

# limited KIB ARGS...: dcgrid under a file-size limit of KIB KiB.
limited() {
	local kib=$1
	shift
	rc=0
	(ulimit -f "$kib" && trap '' XFSZ && exec "$DCGRID" "$@") \
		>out.txt 2>err.txt </dev/null || rc=$?
}
mkdir roomy
run run "$OK" -q -o roomy/plain.h5
plain_kib=$(( $(stat -c %s roomy/plain.h5) / 1024 + 8 ))
limited "$plain_kib" run "$OK" -q -o roomy/sens.h5 --sensitivity hardware.[0].life_yr
check "run --sensitivity, room for the run alone: exit status 1 (got $rc)" test "$rc" -eq 1
check "run --sensitivity, room for the run alone: no file" test ! -e roomy/sens.h5
check "run --sensitivity, room for the run alone: no temporary file" no_temp roomy

limited 16 export roomy/plain.h5 --csv roomy/csv
check "export on a full disk: exit status 1 (got $rc)" test "$rc" -eq 1
check "export on a full disk: clear message" grep -Eq "^dcgrid: cannot write roomy/csv/[a-z]+.csv: File too large" err.txt
check "export on a full disk: no folder" test ! -e roomy/csv
check "export on a full disk: no temporary folder" no_temp roomy
run export roomy/plain.h5 --csv roomy/csv
check "export: exit status 0 (got $rc)" test "$rc" -eq 0
cp roomy/csv/datacenter.csv before.csv
echo "an earlier export" >roomy/csv/grid.csv
limited 16 export roomy/plain.h5 --csv roomy/csv --force
check "export --force on a full disk: exit status 1 (got $rc)" test "$rc" -eq 1
check "export --force on a full disk: earlier files untouched" \
	sh -c 'cmp -s before.csv roomy/csv/datacenter.csv && grep -qx "an earlier export" roomy/csv/grid.csv'
check "export --force on a full disk: no temporary folder" no_temp roomy

# rerun of a file whose stored config is the slow scenario (set with h5py).
cp roomy/plain.h5 slow.h5
"$PYTHON" - slow.h5 "$slow" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    f.attrs["config"] = open(sys.argv[2]).read()
PY
mkdir -p tmp
# rerun_interrupt SIG COUNT: signals a rerun COUNT times after 0.5 s.
rerun_interrupt() {
	local sig=$1 count=$2 pid
	TMPDIR=$WORK/tmp "$DCGRID" rerun slow.h5 -q >out.txt 2>err.txt </dev/null &
	pid=$!
	sleep 0.5
	for ((i = 0; i < count; i++)); do
		kill -s "$sig" "$pid" 2>/dev/null || true
		sleep 0.1
	done
	rc=0
	wait "$pid" || rc=$?
	check "rerun, SIG$sig x$count: exit status 130 (got $rc)" test "$rc" -eq 130
	check "rerun, SIG$sig x$count: no temporary folder" \
		test -z "$(ls -A tmp)"
}
rerun_interrupt INT 1
check "rerun, SIGINT: message says so" \
	grep -Eq "^dcgrid: SIGINT: interrupted at t = [0-9.]+ of 2424.00; nothing was written to .*/rerun.h5$" err.txt
rerun_interrupt INT 2

# ---- files from elsewhere (issue 14) --------------------------------------

"$PYTHON" "$HERE/damage.py" roomy/plain.h5 roomy control-chars formula ascii
run info roomy/damaged-control-chars.h5
check "info of a file with escape sequences: exit status 0 (got $rc)" test "$rc" -eq 0
check "info: no control character reaches the terminal" \
	sh -c '! LC_ALL=C grep -q "$(printf "[\001-\010\013-\037\177]")" out.txt'
check "info: the escape sequence shows as ?" grep -qF 'evil?]0;owned??[2J' out.txt
run export roomy/damaged-formula.h5 --csv roomy/formula
check "export of formula-like labels: exit status 0 (got $rc)" test "$rc" -eq 0
check "export: =HYPERLINK label is text" \
	grep -qF '"'"'"'=HYPERLINK(""http://example.com"",""x"")"' roomy/formula/grid.csv
check "export: +1+1 label is text" grep -qF '"'"'"'+1+1"' roomy/formula/grid.csv
check "export: negative numbers stay numbers" \
	sh -c '! grep -qF "\"'"'"'-" roomy/formula/grid.csv'
run info roomy/damaged-ascii.h5
check "info of ASCII strings (h5py, netCDF): exit status 0 (got $rc)" test "$rc" -eq 0
check "info of ASCII strings: events read" grep -q "falls below its minimum" out.txt
run compare roomy/plain.h5 roomy/damaged-ascii.h5
check "compare with ASCII strings: exit status 0 (got $rc)" test "$rc" -eq 0

# scripts/plot refuses what the reader refuses.
"$PYTHON" "$HERE/damage.py" roomy/plain.h5 roomy short-series schema-999 bit-flip
for kind in short-series schema-999 bit-flip; do
	rc=0
	"$PYTHON" "$HERE/../scripts/plot" "roomy/damaged-$kind.h5" -o roomy/plot.png \
		>out.txt 2>err.txt || rc=$?
	check "plot refuses damaged-$kind.h5 (exit $rc)" test "$rc" -eq 1
	check "plot: damaged-$kind.h5: message, no traceback, no image" \
		sh -c "grep -q '^plot: roomy/damaged-$kind.h5: ' err.txt && ! grep -q Traceback err.txt && test ! -e roomy/plot.png"
done

# Standard input is read bounded by the memory limit (it grew until the
# kernel killed the process).
rc=0
DCGRID_MEMORY_LIMIT=64M timeout 60 "$DCGRID" check - </dev/zero >out.txt 2>err.txt || rc=$?
check "check - < /dev/zero: exit status 2 (got $rc)" test "$rc" -eq 2
check "check - < /dev/zero: the limit is named" \
	grep -Eq "^dcgrid: <stdin>: [0-9.]+ MiB of text needs about [0-9.]+ MiB to load; the limit is 64.0 MiB \(from DCGRID_MEMORY_LIMIT\)$" err.txt

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
