#!/usr/bin/env bash
# End-to-end tests of the dcgrid command line.
#
#   tests/test_cli.sh PATH/TO/dcgrid
#
# Runs the real binary in a temporary folder: help and version, the built-in
# scenario as a config file, run / check and their exit statuses, refusing
# to overwrite without --force, error messages that name file:line, a solver
# failure that still writes a partial result, and the HDF5 files read back
# by tests/check_h5.py (Debian's /usr/bin/python3 with h5py). Prints one line
# per check and `N passed, N failed`; exits 1 on any failure.
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 PATH/TO/dcgrid" >&2
	exit 2
fi
DCGRID=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=/usr/bin/python3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dcgrid-cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

source "$HERE/lib.sh"

# h5check NAME ARGS...: runs check_h5.py and adds its counts to ours.
h5check() { pyrun check_h5.py "$@"; }

mtime() { stat -c %Y "$1"; }

# --- help and version -------------------------------------------------------
expect 0 "--version" -- --version
check "--version prints 'dcgrid X.Y.Z'" grep -qE '^dcgrid [0-9]+\.[0-9]+\.[0-9]+$' out.txt
expect 0 "--help" -- --help
check "--help lists the commands" has '^Usage: dcgrid' out.txt
expect 0 "run --help" -- run --help
for opt in --output --set --force --quiet; do
	check "run --help documents $opt" grep -q -e "$opt" out.txt
done
cp out.txt run-help.txt
expect 0 "help run" -- help run
check "help run = run --help" cmp -s out.txt run-help.txt
expect 2 "no command" --
expect 2 "unknown command" -- frobnicate
check "unknown command is named" has "^dcgrid: unknown command 'frobnicate'" err.txt

# --- the built-in scenario as a config file ---------------------------------
expect 0 "config" -- config
cp out.txt default.cfg
check "config prints a scenario" test -s default.cfg
expect 0 "config --keys" -- config --keys
check "config --keys prints a reference" test -s out.txt
expect 0 "check default.cfg" -- check default.cfg
check "check reports ok with the dimensions" \
	grep -qE '^default\.cfg: ok \([0-9]+ regions, [0-9]+ hardware classes' out.txt
# Hourly profiles: printed as CSV, read back through hours.profiles, and a
# value out of range named by file and line.
expect 0 "config --profiles" -- config --profiles
cp out.txt profiles.csv
check "config --profiles prints a header and 9 regions x 7 series x 12 days" \
	test "$(grep -c '^[a-z]' profiles.csv)" -eq 757
expect 0 "check with the printed profiles" -- check default.cfg --set 'hours.profiles="profiles.csv"'
sed 's/^ningxia,solar,6,0,0,0,0,0,/ningxia,solar,6,0,0,0,0,1.5,/' profiles.csv >bad-profiles.csv
expect 2 "check refuses a profile above 1" -- check default.cfg --set 'hours.profiles="bad-profiles.csv"'
check "the profile message names file, line and hour" \
	has '^dcgrid: bad-profiles.csv:656: hour 4 = 1.5 of solar is outside \[0, 1\]' err.txt
rc=0
"$DCGRID" check - <default.cfg >out.txt 2>err.txt || rc=$?
if [[ $rc -eq 0 ]] && has '^-: ok (' out.txt; then
	ok "check - (standard input)"
else
	fail "check - (standard input): exit $rc" "$(cat err.txt)"
fi
expect 2 "check without CONFIG" -- check
check "check without CONFIG says so" has 'missing CONFIG' err.txt

# --- run: default output, no overwrite without --force ----------------------
expect 0 "run (built-in scenario)" -- run
check "run writes china-baseline.h5" test -s china-baseline.h5
check "run prints the national table" has 'National totals' out.txt
check "run names the output file" has 'Wrote china-baseline.h5' out.txt
check "no progress bar when stderr is not a terminal" test ! -s err.txt
cp out.txt run-summary.txt

sum_before=$(sha256sum <china-baseline.h5)
expect 2 "second run without --force" -- run
check "refusal names the file and --force" grep -q 'china-baseline.h5.*--force' err.txt
check "existing file is kept unchanged" test "$(sha256sum <china-baseline.h5)" = "$sum_before"

touch -d '2001-01-01 00:00:00' china-baseline.h5
expect 0 "run --force --quiet" -- run --force --quiet
check "--force replaces the file" test "$(mtime china-baseline.h5)" -gt "$(date -d 2002-01-01 +%s)"
check "--quiet prints nothing" test ! -s out.txt

# --- options: errors, placement ----------------------------------------------
expect 2 "unknown option" -- run --bogus
check "unknown option is named" has "^dcgrid: unknown option '--bogus'" err.txt
expect 2 "missing option value" -- run --output
check "missing value is named" has "needs a value" err.txt
expect 2 "--set without =" -- run --set horizon.end
expect 2 "two CONFIG files" -- run default.cfg default.cfg
expect 0 "options after CONFIG" -- run default.cfg -o fromcfg.h5 --quiet
check "-o writes the named file" test -s fromcfg.h5
check "no default-named file is written with -o" test ! -e default.h5

# --- broken configs: exit 2 with file:line --------------------------------
cp default.cfg broken-syntax.cfg
echo 'this line = ; is not libconfig' >>broken-syntax.cfg
line=$(wc -l <broken-syntax.cfg)
expect 2 "check on a syntax error" -- check broken-syntax.cfg
check "syntax error names broken-syntax.cfg:$line" has "^dcgrid: .*broken-syntax\.cfg:$line" err.txt

cp default.cfg broken-key.cfg
echo 'unknown_setting = 1;' >>broken-key.cfg
line=$(wc -l <broken-key.cfg)
expect 2 "check on an unknown key" -- check broken-key.cfg
check "unknown key names broken-key.cfg:$line and the key" \
	grep -q "broken-key\.cfg:$line.*unknown_setting" err.txt

expect 2 "run on a missing file" -- run no-such.cfg
check "missing file is named" has 'no-such\.cfg' err.txt
expect 2 "--set of an unknown key" -- check default.cfg --set horizon.edn=2030
check "unknown --set key is named" has 'horizon\.edn' err.txt
expect 2 "--set out of range" -- check default.cfg --set horizon.end=1990
check "out-of-range --set names the key" has 'horizon\.end' err.txt
check "out-of-range --set is not reported as an unknown key" \
	grep -vq 'unknown key' err.txt

# --- overrides and the resolved config -----------------------------------
expect 0 "check --set horizon.end=2027" -- check default.cfg --set horizon.end=2027
check "check --set reports the new horizon" has 'to 2027\.00' out.txt
expect 0 "run --set horizon.end=2027" -- run --quiet --set horizon.end=2027 -o short.h5
"$PYTHON" - china-baseline.h5 resolved.cfg <<'EOF'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    v = f.attrs["config"]
    open(sys.argv[2], "w").write(v.decode() if isinstance(v, bytes) else str(v))
EOF
check "the resolved config is stored in the file" test -s resolved.cfg
expect 0 "check resolved config" -- check resolved.cfg
expect 0 "run resolved config" -- run resolved.cfg -o resolved.h5 --quiet

# --- a failed solve still writes its partial result -------------------------
sed 's/max_steps = [0-9]*;/max_steps = 10;/' default.cfg >few-steps.cfg
check "few-steps.cfg sets max_steps = 10" grep -q 'max_steps = 10;' few-steps.cfg
expect 1 "run that the solver cannot finish" -- run few-steps.cfg -o failed.h5
check "solver failure is reported" has '^dcgrid: ' err.txt
check "partial result is written" test -s failed.h5
check "partial result is announced" has 'partial result' err.txt

# --- the HDF5 files ---------------------------------------------------------
if [[ -s china-baseline.h5 ]]; then h5check baseline china-baseline.h5; fi
if [[ -s fromcfg.h5 && -s china-baseline.h5 ]]; then
	h5check config-file fromcfg.h5 --same-as china-baseline.h5
fi
if [[ -s resolved.h5 && -s china-baseline.h5 ]]; then
	h5check resolved resolved.h5 --same-as china-baseline.h5
fi
if [[ -s short.h5 ]]; then h5check short short.h5 --end 2027; fi
if [[ -s failed.h5 ]]; then h5check partial failed.h5 --partial; fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
