#!/usr/bin/env bash
# End-to-end tests of the API of `dcgrid serve` (docs/serve.md), with curl.
#
#   tests/test_serve_api.sh PATH/TO/dcgrid
#
# Starts the real server on a free port of 127.0.0.1 and checks: the
# settings against `dcgrid config --keys`; a run against `dcgrid run --set`
# (the same numbers, the same HDF5 datasets, the typical days of /hourly
# balanced hour by hour, the same error messages); every
# bound (body size, override count, output rows, solve time, solves at
# once) and every 4xx; that no request can name a file; and a clean stop on
# SIGINT and SIGTERM with its temporary folder removed. Prints one line per
# check and `N passed, N failed`; exits 1 on any failure.
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 PATH/TO/dcgrid" >&2
	exit 2
fi
DCGRID=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=/usr/bin/python3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dcgrid-serve.XXXXXX")
SERVERS=()
cleanup() {
	for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
mkdir tmp
export TMPDIR=$WORK/tmp

source "$HERE/lib.sh"

# start NAME ARGS...: starts dcgrid serve --port 0 ARGS in the background;
# sets PID and URL (empty when it did not print an address in 10 s).
start() {
	local name=$1
	shift
	"$DCGRID" serve --port 0 "$@" >"$name.out" 2>"$name.err" &
	PID=$!
	SERVERS+=("$PID")
	URL=
	for _ in $(seq 100); do
		# The background shell may not have created the file yet.
		URL=$(sed -n 's|.* at \(http://[^ ]*/\) .*|\1|p' "$name.out" 2>/dev/null || true)
		[[ -n $URL ]] && return 0
		sleep 0.1
	done
	fail "$name: no address printed" "$(cat "$name.out" "$name.err")"
}

# req METHOD PATH [BODY [CURL-ARGS...]]: the response body in body.txt, the
# headers in head.txt, the status in STATUS.
req() {
	local method=$1 path=$2 body=${3:-}
	shift 3 || shift $#
	STATUS=$(curl -s --noproxy '*' -X "$method" -o body.txt -D head.txt \
		-w '%{http_code}' -H 'Content-Type: application/json' \
		${body:+--data-binary "$body"} "$@" "${URL%/}$path")
}

# json EXPR: evaluates a Python expression over the JSON in body.txt (d).
json() { "$PYTHON" -c "import json,sys; d=json.load(open('body.txt')); print($1)"; }

# status WANT NAME: checks STATUS.
status() {
	if [[ $STATUS == "$1" ]]; then ok "$2 ($STATUS)"; else fail "$2: HTTP $STATUS, expected $1" "$(head -c 600 body.txt)"; fi
}

# same_error NAME SET: the API's message equals what `dcgrid run --set SET`
# prints (without its "dcgrid: " prefix).
same_error() {
	local want got
	want=$("$DCGRID" run --quiet -o x.h5 --set "$2" 2>&1 >/dev/null | sed 's/^dcgrid: //') || true
	got=$(json "d['error']")
	if [[ -n $want && $got == "$want" ]]; then ok "$1: the message of dcgrid run --set"; else fail "$1: message differs" "api: $got"$'\n'"cli: $want"; fi
}

# --- start and settings -------------------------------------------------------
start main
check "the address is on 127.0.0.1 by default" grep -q 'http://127\.0\.0\.1:[0-9]*/' main.out

req GET /api/settings ""
status 200 "GET /api/settings"
check "settings list the explorer's 8 key assumptions" test "$(json "len(d['explorer'])")" = 8
check "an explorer slider carries its label, units and scenario value" test \
	"$(json "[(e['label'], e['units'], e['value']) for e in d['explorer'] if e['path'] == 'segments.[1].growth.value.[0]'][0]")" = \
	"('AI compute demand growth, 2024', '1/yr', 0.45)"
"$DCGRID" config --keys >keys.md
range=$(json "[s['range'] for s in d['settings'] if s['path'] == 'hardware.[1].life_yr'][0]")
units=$(json "[s['units'] for s in d['settings'] if s['path'] == 'hardware.[1].life_yr'][0]")
check "hardware.[1].life_yr has the range and unit of config --keys ($range $units)" \
	grep -qF "| \`hardware.[i].life_yr\` | number | $range | $units |" keys.md
check "settings give the table's default (output_step_yr 0.25)" test \
	"$(json "[s['default'] for s in d['settings'] if s['path'] == 'horizon.output_step_yr'][0]")" = 0.25
check "settings list the limits" test "$(json "d['limits']['max_overrides']")" = 64

# --- runs against dcgrid run --------------------------------------------------
req POST /api/run '{"set": {"segments.[1].growth.value.[0]": 0.5, "hardware.[1].life_yr": 6}}'
status 200 "POST /api/run with two overrides"
"$DCGRID" run --quiet --json -o cli.h5 --set 'segments.[1].growth.value.[0]=0.5' --set 'hardware.[1].life_yr=6' >cli.json
api=$(json "[sum(c[i] for c in d['annual']['dc_energy']['columns']) for i in range(len(d['annual']['year']))]")
cli=$("$PYTHON" -c "import json; print(json.load(open('cli.json'))['annual']['dc_energy_twh'])")
check "calendar-year DC electricity equals dcgrid run --json" test "$api" = "$cli"
check "the run repeats as a command line" test "$(json "d['command']")" = \
	"dcgrid run --set 'segments.[1].growth.value.[0]=0.5' --set 'hardware.[1].life_yr=6'"
"$PYTHON" - <<'PY' >cmp.txt && ok "every series equals the HDF5 of dcgrid run, bit for bit" || fail "series differ" "$(cat cmp.txt)"
import json, h5py, numpy as np
d = json.load(open("body.txt"))
with h5py.File("cli.h5", "r") as f:
    assert np.array_equal(f["time"][()], d["time"])
    n = 0
    for s in d["series"]:
        v = f[s["key"]][()].reshape(len(d["time"]), -1)
        a = np.array([[np.nan if x is None else x for x in c] for c in s["columns"]]).T
        assert np.array_equal(v, a, equal_nan=True), s["key"]
        u = f[s["key"]].attrs["units"]
        assert (u.decode() if isinstance(u, bytes) else u) == s["units"], s["key"]
        n += 1
    assert n == len([k for g in ("datacenter", "grid", "cumulative") for k in f[g]]), n
print(n, "series")
PY

# The typical-day panel's data: per region the day of the highest net load
# of the last hourly year, equal to the HDF5's /hourly, and balanced.
"$PYTHON" - <<'PY' >cmp.txt && ok "the hourly typical days equal /hourly of dcgrid run and balance ($(cat cmp.txt))" || fail "hourly differs" "$(cat cmp.txt)"
import json, h5py, numpy as np
h = json.load(open("body.txt"))["hourly"]
with h5py.File("cli.h5", "r") as f:
    g = f["hourly"]
    assert h["years"] == g["year"][()].tolist(), (h["years"], g["year"][()])
    assert h["year"] == h["years"][-1]
    assert h["time"] == g["time"][()].tolist()
    assert h["day_weight"] == g["day_weight"][()].tolist()
    names = [t["name"] for t in h["technologies"]]
    assert names == [x.decode() if isinstance(x, bytes) else x for x in f["technologies"][()]], names
    assert all(t["kind"] in ("must_run", "variable", "thermal", "hydro", "storage")
               for t in h["technologies"])
    regions = [x.decode() if isinstance(x, bytes) else x for x in f["regions"][()]]
    assert [e["region"] for e in h["regions"]] == regions
    net = g["net_load"][-1]
    worst = 0.0
    for r, e in enumerate(h["regions"]):
        d = e["day"]
        # The day holds the year's highest net load of the region.
        assert net[r, d].max() == net[r].max(), (e["region"], d)
        assert e["peak_hour"] == int(np.argmax(net[r, d])), e["region"]
        assert e["day_weight"] == g["day_weight"][d]
        for k in ("load", "net_load", "storage_charge", "net_import", "unserved"):
            assert len(e[k]) == 24 and np.array_equal(g[k][-1, r, d], e[k]), (e["region"], k)
        gen = np.array(e["generation"])
        assert gen.shape == (len(names), 24), gen.shape
        assert np.array_equal(g["generation"][-1, r, :, d], gen), e["region"]
        load = np.array(e["load"])
        bal = gen.sum(axis=0) - e["storage_charge"] + e["net_import"] + e["unserved"]
        rel = np.abs(bal - load).max() / np.abs(load).max()
        assert rel <= 1e-9, (e["region"], rel)
        worst = max(worst, rel)
print(f"{len(h['regions'])} regions, balance within {worst:.1e}")
PY

req POST /api/run.h5 '{"set": {"segments.[1].growth.value.[0]": 0.5, "hardware.[1].life_yr": 6}}'
cp body.txt run.h5
status 200 "POST /api/run.h5"
check "the HDF5 comes as an attachment china-baseline.h5" grep -qi 'content-disposition: attachment; filename="china-baseline.h5"' head.txt
"$PYTHON" - <<'PY' >cmp.txt && ok "the downloaded HDF5 equals dcgrid run's" || fail "HDF5 differs" "$(cat cmp.txt)"
import h5py, numpy as np
with h5py.File("run.h5", "r") as a, h5py.File("cli.h5", "r") as b:
    for k in ("datacenter/energy", "grid/reserve_margin", "annual/dc_energy", "datacenter/racks"):
        assert np.array_equal(a[k][()], b[k][()]), k
    assert a.attrs["config"] == b.attrs["config"]
PY
check "the download's temporary file is gone" test -z "$(find tmp -name '*.h5')"

req POST /api/config '{"set": {"hardware.[1].life_yr": 6}}'
cp body.txt run.cfg
status 200 "POST /api/config"
expect 0 "the downloaded config is valid" -- check run.cfg
check "it holds the override" grep -qE '^\s*life_yr = 6(\.0)?;' run.cfg

# --- invalid input: 4xx with the message ---------------------------------------
req POST /api/run '{"set": {"hardware.[1].lif_yr": 6}}'
status 422 "an unknown key"
same_error "an unknown key" 'hardware.[1].lif_yr=6'
req POST /api/run '{"set": {"segments.[1].growth.value.[0]": -5}}'
status 422 "a value out of range"
same_error "a value out of range" 'segments.[1].growth.value.[0]=-5'
req POST /api/run '{"set": {"solver.method": "rk4"}}'
status 422 "a choice that does not exist"
same_error "a choice that does not exist" 'solver.method="rk4"'
req POST /api/run '{"set":'
status 400 "a body that is not JSON"
check "  says where" grep -q 'the body is not JSON (line 1, column' body.txt
req POST /api/run '[1, 2]'
status 400 "a JSON array"
req POST /api/run '{"sets": {}}'
status 400 "an unknown field"
check "  names it" test "$(json "d['error']")" = 'unknown field "sets" (the body holds only "set")'
req POST /api/run '{"set": {"horizon.end": null}}'
status 400 "a null value"
req POST /api/run '{"set": {"horizon.end=2040 --set x": 1}}'
status 400 "a path with '=' and blanks"
req POST /api/run '{"set": {"horizon.end": 2035, "horizon.end": 2036}}'
status 400 "a path given twice"

# Nothing a request says can read or write a file.
req POST /api/run '{"set": {"description": "x\n@include \"/etc/passwd\""}}'
status 400 "a value with a line break (an @include)"
check "  says why" grep -q 'control character (0x0A)' body.txt
req POST /api/run '{"set": {"base": "/etc/passwd"}}'
status 422 "base, to load another file"
req POST /api/run '{"set": {"scenario": "../../escape"}}'
status 422 "a scenario name that is a path"
req POST /api/run '{"set": {"regions.[0]": {"name": "x", "@include": 1}}}'
status 400 "a group key that is a directive"

# --- bounds ----------------------------------------------------------------------
head -c 70000 /dev/zero | tr '\0' ' ' >big.json
STATUS=$(curl -s --noproxy '*' -o body.txt -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @big.json "${URL}api/run")
status 413 "a body over 64 KiB"
STATUS=$(curl -s --noproxy '*' -o body.txt -w '%{http_code}' -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary @big.json "${URL}api/run")
status 413 "a body over 64 KiB in chunks (no Content-Length)"
many=$("$PYTHON" -c "import json; print(json.dumps({'set': {f'hardware.[1].life_yr{i}': 6 for i in range(65)}}))")
req POST /api/run "$many"
status 413 "65 overrides"
check "  says the limit" test "$(json "d['error']")" = "65 overrides; a request may hold at most 64"
long=$("$PYTHON" -c "import json; print(json.dumps({'set': {'description': 'x' * 5000}}))")
req POST /api/run "$long"
status 400 "a value over 4096 characters"
req POST /api/run '{"set": {"horizon.output_step_yr": 0.0001}}'
status 422 "70,000 output rows"
check "  says the limit" grep -q "the server's limit is 20000" body.txt

# --- HTTP ----------------------------------------------------------------------
req GET /api/nothing ""
status 404 "an unknown API path"
req GET /etc/passwd ""
status 404 "a file path"
req GET /../../etc/passwd "" --path-as-is
status 404 "a path with .."
req GET /api/run ""
status 405 "GET /api/run"
STATUS=$(curl -s --noproxy '*' -o body.txt -w '%{http_code}' -H 'Content-Type: text/plain' --data '{}' "${URL}api/run")
status 415 "a POST that is not JSON (no cross-site simple requests)"
req GET /api/settings "" -H 'Host: attacker.example:80'
status 421 "a Host header of another name (DNS rebinding)"
req GET / ""
status 200 "GET / (the page)"
check "  is the explorer" grep -q '<title>dcgrid explorer</title>' body.txt
req GET /vendor/uplot/uPlot.iife.min.js ""
status 200 "GET the vendored uPlot"

# --- stop ------------------------------------------------------------------------
kill -INT "$PID"
rc=0
wait "$PID" || rc=$?
check "SIGINT stops the server with status 0 (was $rc)" test "$rc" = 0
check "  and says so" grep -q 'SIGINT: stopping' main.out
check "  and removes its temporary folder" test -z "$(ls tmp)"

# --- solve time and solves at once ---------------------------------------------
slow='{"set": {"horizon.end": 2200, "solver.rtol": 1e-12, "solver.atol": 1e-12, "solver.method": "adams"}}'
start timeout --solve-timeout 0.01
req POST /api/run "$slow"
status 422 "a solve past --solve-timeout 0.01"
check "  says so" grep -q 'the solve was stopped after 0.01 s' body.txt
kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
check "SIGTERM stops the server with status 0 (was $rc)" test "$rc" = 0

# A solve of about a second of CPU (the hourly grid at a tight tolerance),
# with one output interval to keep the answer small, so that six requests
# surely overlap.
slower='{"set": {"horizon.output_step_yr": 7, "solver.rtol": 1e-9, "solver.atol": 1e-9, "solver.method": "adams"}}'
start busy --max-solves 1 --solve-timeout 120
pids=()
for i in 1 2 3 4 5 6; do
	curl -s --noproxy '*' -o "busy$i.txt" -D "busyh$i.txt" -w '%{http_code}\n' \
		-H 'Content-Type: application/json' --data "$slower" "${URL}api/run" >"busy$i.code" &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
codes=$(cat busy*.code | sort | uniq -c | tr -s ' ' | tr '\n' ';')
check "with --max-solves 1, six at once: some solve, the others get 503 ($codes)" \
	bash -c "grep -q 200 busy*.code && grep -q 503 busy*.code && ! grep -qvE '^(200|503)$' busy*.code"
check "  a 503 says try again (Retry-After)" bash -c "grep -li 'retry-after: 1' busyh*.txt >/dev/null"
kill -INT "$PID"
wait "$PID" || true

# --- another scenario: its own explorer list, or the built-in one's ------------
start small "$HERE/data/cfg_small.cfg"
req GET /api/settings ""
check "a scenario without a list gets the built-in one's paths it has" test \
	"$(json "[e['path'] for e in d['explorer']]")" = \
	"['hardware.[1].availability.year.[1]', 'hardware.[1].availability.value.[1]', 'segments.[1].growth.value.[0]', 'segments.[1].growth.value.[1]']"
check "  and says which it leaves out" grep -q '<built-in>:[0-9]*: explorer entry grid.invest_time_yr is not a number of this scenario; left out' small.err
req POST /api/run '{"set": {"hardware.[0].life_yr": 7}}'
check "the command line names the CONFIG" test "$(json "d['command']")" = \
	"dcgrid run $HERE/data/cfg_small.cfg --set 'hardware.[0].life_yr=7'"
kill -INT "$PID"
wait "$PID" || true
{
	cat "$HERE/data/cfg_small.cfg"
	echo 'explorer = ( { path = "segments.[0].growth.value.[0]"; label = "general growth"; },'
	echo '  { path = "scenario"; label = "a name"; }, { label = "no path"; } );'
} >own.cfg
start own own.cfg
req GET /api/settings ""
check "a scenario's own list, with the range of the table" test \
	"$(json "[(e['path'], e['label'], e['min'], e['max']) for e in d['explorer']]")" = \
	"[('segments.[0].growth.value.[0]', 'general growth', -1.0, 5.0)]"
check "  a text is left out" grep -q 'own.cfg:[0-9]*: explorer entry scenario is not a number' own.err
check "  an entry without a path too" grep -q 'explorer entry 2 needs path and label' own.err
kill -INT "$PID"
wait "$PID" || true

# --- command line ------------------------------------------------------------------
expect 2 "--port 70000" -- serve --port 70000
check "  says the range" has 'expected a port number 0 to 65535' err.txt
expect 2 "--bind nowhere" -- serve --bind nowhere
expect 2 "serve -" -- serve -
expect 2 "serve with a missing CONFIG" -- serve no-such.cfg --port 0
expect 0 "serve --help" -- serve --help
check "  documents --bind" has '--bind ADDR' out.txt

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
