#!/usr/bin/env bash
# The catalogue of bad inputs: every broken scenario, override and command
# line in tests/bad-inputs/ must end with its exact message and status.
#
#   tests/test_errors.sh PATH/TO/dcgrid            run every case
#   tests/test_errors.sh PATH/TO/dcgrid NAME...    run the cases named
#   tests/test_errors.sh PATH/TO/dcgrid --record NAME...
#                          rewrite the status and stderr lines of NAME.expect
#                          from what dcgrid does now (read the diff before
#                          committing: the catalogue is the specification)
#   tests/test_errors.sh PATH/TO/dcgrid --doc      print the catalogue section
#                          of docs/errors.md
#
# A case is NAME.expect, usually with NAME.cfg beside it:
#
#   class: unknown key                 group in docs/errors.md
#   what: a misspelt key in a hardware class
#   args: check NAME.cfg --set ...     dcgrid's arguments (shell words);
#                                      default `check NAME.cfg`
#   env: DCGRID_MEMORY_LIMIT=1MiB      extra environment (optional)
#   status: 2                          the exit status
#   stderr: dcgrid: NAME.cfg:12: ...   standard error, one line each, exact
#
# Each case runs in a scratch copy of the catalogue, with LC_ALL=C and
# standard input from /dev/null. A case with the default arguments is also
# given to `dcgrid run NAME.cfg -o out/NAME.h5`, which must fail the same
# way. After every case the scratch folder must hold exactly what it held
# before: no output file, no temporary file left behind.
#
# The scratch folder also holds a-folder.cfg (a folder), dangling.cfg (a
# link to nothing), huge.cfg (65 MiB of NUL bytes, sparse), exists.h5 (an
# existing result), out/ (empty), fifo.h5 (a FIFO), valid.h5 (the result
# of ok.cfg) and the damaged copies of it that tests/damage.py builds
# (damaged-NAME.h5).
# Prints one line per case and `N passed, N failed`; exits 1 on a failure.
set -euo pipefail

if [[ $# -lt 1 ]]; then
	echo "usage: $0 PATH/TO/dcgrid [--record|--doc] [NAME...]" >&2
	exit 2
fi
DCGRID=$(realpath "$1")
SELF=$(realpath "$0")
shift
HERE=$(cd "$(dirname "$0")" && pwd)
CATALOGUE=$HERE/bad-inputs
mode=test
if [[ ${1:-} == --record || ${1:-} == --doc ]]; then
	mode=${1#--}
	shift
fi

export LC_ALL=C
unset DCGRID_MEMORY_LIMIT

# field FILE KEY: the values of `KEY: ...` lines of FILE, one a line.
field() { sed -n "s/^$2: //p" "$1"; }

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
	for f in "$CATALOGUE"/*.expect; do
		n=$(basename "$f" .expect)
		names+=("$n")
	done
fi

if [[ $mode == doc ]]; then
	# One table per class, in the order classes first appear by name.
	declare -A seen=()
	classes=()
	for n in "${names[@]}"; do
		c=$(field "$CATALOGUE/$n.expect" class)
		if [[ -z ${seen[$c]:-} ]]; then
			seen[$c]=1
			classes+=("$c")
		fi
	done
	for c in "${classes[@]}"; do
		printf '### %s\n\n| case | input | status | message |\n|---|---|---:|---|\n' "$c"
		for n in "${names[@]}"; do
			e=$CATALOGUE/$n.expect
			[[ $(field "$e" class) == "$c" ]] || continue
			args=$(field "$e" args)
			msg=$(field "$e" stderr | head -n 1)
			# Markdown tables: escape the pipes and backslashes.
			msg=${msg//\\/\\\\}
			msg=${msg//|/\\|}
			what=$(field "$e" what)
			printf '| `%s` | %s%s | %s | %s |\n' "$n" "$what" \
				"${args:+ (\`dcgrid ${args//|/\\|}\`)}" \
				"$(field "$e" status)" "$msg"
		done
		printf '\n'
	done
	exit 0
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dcgrid-errors.XXXXXX")
trap 'chmod -R u+rwX "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
cp -R "$CATALOGUE"/. "$WORK/"
cd "$WORK"
mkdir a-folder.cfg out
ln -s nowhere.cfg dangling.cfg
echo "an existing result" >exists.h5
truncate -s 65M huge.cfg
mkfifo fifo.h5
# Result files to read back: a valid one and its damaged copies.
"$DCGRID" run ok.cfg -o valid.h5 --quiet >/dev/null
/usr/bin/python3 "$HERE/damage.py" valid.h5 .
RES=$(mktemp -d "${TMPDIR:-/tmp}/dcgrid-errors-out.XXXXXX")
trap 'chmod -R u+rwX "$WORK" 2>/dev/null; rm -rf "$WORK" "$RES"' EXIT
listing() { find . -mindepth 1 -printf '%p %s\n' | LC_ALL=C sort; }
before=$(listing)

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

# run_case ENV ARGS...: runs dcgrid, status in $status, stderr in $RES/err.
run_case() {
	local envs=$1
	shift
	status=0
	# shellcheck disable=SC2086  # ENV is a list of NAME=VALUE words
	env $envs "$DCGRID" "$@" </dev/null >"$RES/out" 2>"$RES/err" || status=$?
}

for n in "${names[@]}"; do
	e=$CATALOGUE/$n.expect
	if [[ ! -f $e ]]; then
		fail "$n: no $e"
		continue
	fi
	args=$(field "$e" args)
	default=false
	if [[ -z $args ]]; then
		args="check $n.cfg"
		default=true
	fi
	eval "argv=($args)"
	envs=$(field "$e" env | tr '\n' ' ')
	run_case "$envs" "${argv[@]}"

	if [[ $mode == record ]]; then
		{
			grep -v -e '^status: ' -e '^stderr: ' "$e"
			echo "status: $status"
			sed 's/^/stderr: /' "$RES/err"
		} >"$RES/new"
		mv "$RES/new" "$e"
		echo "recorded $n: status $status"
		sed 's/^/    /' "$RES/err"
		continue
	fi

	want_status=$(field "$e" status)
	want_err=$(field "$e" stderr)
	got_err=$(cat "$RES/err")
	if [[ -z $want_status ]]; then
		fail "$n: $e has no status line (record it with --record)"
	elif [[ $status != "$want_status" || $got_err != "$want_err" ]]; then
		fail "$n: dcgrid ${argv[*]}" "$(printf 'expected status %s and\n%s\ngot status %s and\n%s' \
			"$want_status" "$want_err" "$status" "$got_err")"
	elif $default && {
		run_case "$envs" run "$n.cfg" -o "out/$n.h5"
		[[ $status != "$want_status" || $(cat "$RES/err") != "$want_err" ]]
	}; then
		fail "$n: dcgrid run $n.cfg fails differently from check" \
			"$(printf 'status %s\n%s' "$status" "$(cat "$RES/err")")"
	elif [[ $(listing) != "$before" ]]; then
		fail "$n: left files behind" "$(diff <(echo "$before") <(listing) || true)"
		# Start the next case from the same folder.
		rm -rf out && mkdir out
		find . -name '.*.tmp.*' -delete
	else
		ok "$n (exit $want_status)"
	fi
done

if [[ $mode == test && ${#@} -eq 0 ]]; then
	# docs/errors.md shows the catalogue as `--doc` prints it.
	doc=$HERE/../docs/errors.md
	want=$("$SELF" "$DCGRID" --doc)
	got=$(sed -n '/^<!-- BEGIN CATALOGUE/,/^<!-- END CATALOGUE/p' "$doc" 2>/dev/null |
		sed '1d;$d' || true)
	if [[ "$got" == "$want" ]]; then
		ok "docs/errors.md lists the catalogue"
	else
		fail "docs/errors.md lists the catalogue (regenerate its section with tests/test_errors.sh DCGRID --doc)" \
			"$(diff <(echo "$want") <(echo "$got") | head -n 20 || true)"
	fi
	echo "catalogue: $(ls "$CATALOGUE"/*.expect | wc -l) cases"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
