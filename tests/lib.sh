# Shared helpers of the shell tests (sourced; not run on its own).
#
# Expects DCGRID (the binary), PYTHON (Debian's /usr/bin/python3) and HERE
# (tests/) to be set; keeps the counts in `passed` and `failed`, which the
# test prints at the end as "N passed, N failed".
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

# check NAME CONDITION-COMMAND...: a check that passes when the command does.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}

# expect STATUS NAME -- ARGS...: runs dcgrid ARGS with stdout and stderr in
# out.txt and err.txt and checks its exit status.
expect() {
	local want=$1 name=$2 rc=0
	shift 3
	"$DCGRID" "$@" >out.txt 2>err.txt || rc=$?
	if [[ $rc -eq $want ]]; then
		ok "$name (exit $rc)"
	else
		fail "$name: exit $rc, expected $want" "$(cat out.txt err.txt | tail -n 20)"
	fi
}

has() { grep -q -e "$1" "$2"; }

# pyrun SCRIPT NAME ARGS...: runs tests/SCRIPT with Debian's python and
# adds the "N passed, N failed" line it ends with to our counts.
pyrun() {
	local script=$1 name=$2 rc=0 output summary
	shift 2
	output=$("$PYTHON" "$HERE/$script" "$@" 2>&1) || rc=$?
	sed "s/^/  [$name] /" <<<"$output"
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' <<<"$output" | tail -n 1 || true)
	if [[ -n $summary ]]; then
		passed=$((passed + ${summary%% passed*}))
		summary=${summary#*, }
		failed=$((failed + ${summary%% failed*}))
	fi
	if [[ $rc -ne 0 && ( -z $summary || ${summary%% failed*} -eq 0 ) ]]; then
		fail "$name: $script exited with $rc"
	fi
}
