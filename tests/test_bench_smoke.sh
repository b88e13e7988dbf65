#!/usr/bin/env bash
# Smoke test of the benchmark suite and its two commands (issue 6).
#
#   tests/test_bench_smoke.sh PATH/TO/BUILD
#
# `dcgrid synth` gives valid, reproducible scenarios at small sizes and
# rejects bad arguments; `dcgrid config --json` prints the resolved model
# (overrides applied); the Python peer agrees with dcgrid on a synthetic
# scenario (bench/peer/check.py); `bench/run --smoke` runs end to end.
# Nothing is timed. Prints one line per check and `N passed, N failed`.
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 PATH/TO/BUILD" >&2
	exit 2
fi
BUILD=$(realpath "$1")
DCGRID=$BUILD/app/dcgrid
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=/usr/bin/python3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dcgrid-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
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

# synth: valid at the edge sizes (no corridor, one, a ring, rewiring).
for n in 1 2 3 7 12 50; do
	"$DCGRID" synth --regions "$n" --seed 3 >"s$n.cfg"
	if out=$("$DCGRID" check "s$n.cfg" 2>&1) && [[ $out == *"($n regions,"* ]]; then
		ok "synth --regions $n loads"
	else
		fail "synth --regions $n loads" "$out"
	fi
done
"$DCGRID" synth --regions 50 --seed 3 >again.cfg
if cmp -s s50.cfg again.cfg; then ok "synth is reproducible"; else fail "synth is reproducible"; fi
"$DCGRID" synth --regions 50 --seed 4 >other.cfg
if ! cmp -s s50.cfg other.cfg; then ok "synth seed changes the draw"; else fail "synth seed changes the draw"; fi
for bad in "--regions 0" "--regions x" "--regions 1000001" "" "--regions 5 --seed -1" "--regions 5 extra"; do
	# shellcheck disable=SC2086
	if "$DCGRID" synth $bad >/dev/null 2>err.txt; then
		fail "synth $bad is refused"
	else
		st=$?
		if [[ $st -eq 2 ]] && grep -q "synth" err.txt; then ok "synth $bad: exit 2"; else fail "synth $bad: exit 2" "$(cat err.txt) (exit $st)"; fi
	fi
done
# Shares sum to 1 and corridors have bounded degree, read from the dump.
"$DCGRID" config --json s50.cfg >s50.json
if out=$($PYTHON - s50.json <<'PY' 2>&1
import json, sys, collections
d = json.load(open(sys.argv[1]))
s = sum(r["initial_share"] for r in d["regions"])
assert abs(s - 1.0) < 1e-12, s
deg = collections.Counter()
pairs = set()
for c in d["corridors"]:
    a, b = c["from"], c["to"]
    assert a != b
    key = (min(a, b), max(a, b))
    assert key not in pairs, key
    pairs.add(key)
    deg[a] += 1
    deg[b] += 1
assert len(d["corridors"]) == 100 and max(deg.values()) <= 12, deg
PY
); then ok "synth: shares sum to 1, corridors unique with bounded degree"; else fail "synth: shares and corridors" "$out"; fi

# config --json: the resolved model, overrides applied.
if out=$("$DCGRID" config --json --set horizon.end=2030.0 --set 'regions.[0].grid.capacity_gw.coal=80.0' 2>&1 |
	$PYTHON -c 'import json,sys; d=json.load(sys.stdin); assert d["t1"] == 2030.0 and len(d["regions"]) == 9 and d["regions"][0]["capacity_gw"][0] == 80.0, d["t1"]; print("ok")' 2>&1); then
	ok "config --json prints the resolved model with overrides"
else
	fail "config --json prints the resolved model with overrides" "$out"
fi
if "$DCGRID" config --json --set nosuchkey=1 >/dev/null 2>err.txt; then
	fail "config --json refuses an unknown key"
else
	if grep -q "nosuchkey" err.txt; then ok "config --json refuses an unknown key"; else fail "config --json refuses an unknown key" "$(cat err.txt)"; fi
fi

# The peer computes the same projection on a synthetic scenario: both at
# rtol = atol = 1e-8, so that what remains is the integration error of two
# different integrators (about 1e-6); at the default tolerances each is
# within 1e-4 of a tight reference, and they can differ by the sum.
tight=(--set solver.rtol=1e-8 --set solver.atol=1e-8)
"$DCGRID" run s12.cfg --quiet -o s12.h5 "${tight[@]}"
if out=$($PYTHON "$ROOT/bench/peer/dcgrid_peer.py" s12.cfg -o s12-peer.h5 --dcgrid "$DCGRID" "${tight[@]}" 2>&1 &&
	$PYTHON "$ROOT/bench/peer/check.py" s12.h5 s12-peer.h5 --tol 1e-5 --quiet 2>&1); then
	ok "peer agrees with dcgrid on 12 synthetic regions (${out##*$'\n'})"
else
	fail "peer agrees with dcgrid on 12 synthetic regions" "$out"
fi

# The benchmark suite runs end to end (default scenario with the peer
# check, 10 synthetic regions).
if out=$("$ROOT/bench/run" --smoke --build "$BUILD" --out "$WORK/bench" 2>&1) &&
	[[ -s $WORK/bench/results.json ]]; then
	ok "bench/run --smoke"
else
	fail "bench/run --smoke" "$out"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
