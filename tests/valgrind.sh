#!/usr/bin/env bash
# Valgrind memcheck on dcgrid end to end: no invalid access, no use of
# uninitialised memory, no leak (definite, indirect or possible) on
#
#   - a run of a grid scenario (tests/bad-inputs/ok.cfg) and of the built-in
#     scenario (shortened to 2 years), each written to HDF5;
#   - a run whose solver fails part-way (the partial result is written);
#   - a small study (4 members on 2 threads);
#   - check with --set overrides of every kind, and on a syntax error
#     (libconfig's own leak there is suppressed: tests/valgrind.supp).
#
#   tests/valgrind.sh PATH/TO/dcgrid
#
# Skips (exit 77) without valgrind or when dcgrid is built with a sanitizer
# (valgrind cannot run those). Prints one line per check and
# `N passed, N failed`.
set -euo pipefail
DCGRID=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
if ! command -v valgrind >/dev/null; then
	echo "valgrind is not installed: skipped"
	exit 77
fi
if ldd "$DCGRID" | grep -Eq 'lib(a|ub|t)san' ||
	nm "$DCGRID" 2>/dev/null | grep -q '__asan_init'; then
	echo "$DCGRID is built with a sanitizer: skipped"
	exit 77
fi
export LC_ALL=C
unset DCGRID_MEMORY_LIMIT
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dcgrid-valgrind.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp "$HERE/bad-inputs/ok.cfg" "$HERE/bad-inputs/syntax-unterminated-string.cfg" "$WORK/"
cd "$WORK"
cat >study.cfg <<'CFG'
name = "valgrind-study";
scenario = "ok.cfg";
design = "lhs";
samples = 4;
seed = 1;
threads = 2;
parameters = (
  { path = "segments.[0].growth"; dist = "uniform"; min = 0.1; max = 0.3; },
  { path = "hardware.[1].life_yr"; dist = "triangular"; min = 4.0; mode = 5.0; max = 6.0; }
);
metrics = (
  { name = "dc_twh_2029"; kind = "dc_energy_twh"; year = 2029; },
  { name = "racks_end"; kind = "standard_racks"; }
);
series = ["energy"];
CFG

passed=0
failed=0
# vg NAME WANT_STATUS ARGS...: memcheck must be clean (exit 99 otherwise)
# and dcgrid must exit with WANT_STATUS.
vg() {
	local name=$1 want=$2 rc=0
	shift 2
	valgrind -q --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible \
		--track-origins=yes --suppressions="$HERE/valgrind.supp" \
		"$DCGRID" "$@" >out.txt 2>err.txt </dev/null || rc=$?
	if [[ $rc -eq $want ]]; then
		passed=$((passed + 1))
		echo "ok   - $name (exit $rc, memcheck clean)"
	else
		failed=$((failed + 1))
		echo "FAIL - $name: exit $rc, expected $want (99: memcheck errors)"
		{ grep -E '^==[0-9]+==' err.txt || true; } | head -n 40 | sed 's/^/       /'
		{ grep -v -E '^==[0-9]+==' err.txt || true; } | tail -n 5 | sed 's/^/       /'
	fi
}

vg "run of a grid scenario" 0 run ok.cfg -o ok.h5 -q
vg "run of the built-in scenario" 0 run -o builtin.h5 -q --set horizon.end=2026
vg "a solver failure writes a partial result" 1 run ok.cfg -o failed.h5 -q \
	--set solver.max_steps=10
vg "a small study" 0 study study.cfg -o study.h5 -q
vg "check with overrides" 0 check ok.cfg --set horizon.end=2029 \
	--set 'hardware.[1].availability={interp="step";year=[2024.0,2026.1];value=[1.0,0.0];}' \
	--set 'regions.[0]={name="north";initial_share=0.7;initial_pue=1.3;grid={base_demand_twh=600.0;mix={coal=1.0;};};}' \
	--set hardware.[1].kw_per_rack.value.[1]=90.0 --set 'solver={rtol=1e-7;}'
vg "check of a bad override" 2 check ok.cfg --set hardware.[9].life_yr=6
vg "check of a syntax error" 2 check syntax-unterminated-string.cfg

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
