#!/usr/bin/env bash
# Runs every suite against one build tree: unit tests (cmocka), batch golden tests and
# console tests. Prints one line per suite, then "skipped: N" (with what was skipped and
# why, when N > 0) and, last, "N passed, N failed" for all.
# usage: tests/run-suite.sh BUILD_DIR [LABEL]
set -u
build=${1:?build dir}
label=${2:-}
cd "$(dirname "$0")/.."
passed=0
failed=0
skipped=0
skips=() # "where: what", for the skipped line
# The thread policy riskdesk sets itself when it is unset (docs/design.md "Tests in
# parallel, threads that wait"), set here so that no run starts twice; batch case
# omp_wait_policy runs without it.
export OMP_WAIT_POLICY=PASSIVE
count() { passed=$((passed + $1)); failed=$((failed + $2)); skipped=$((skipped + $3)); }

# The console suite mostly waits on screens, the others compute: it runs beside them.
tui_out=$(mktemp /tmp/riskdesk-tui-suite.XXXXXX)
tui_pid=
if [ -x tests/tui/run.sh ]; then
	tests/tui/run.sh "$build" >"$tui_out" 2>&1 &
	tui_pid=$!
fi

unit_start=$SECONDS
# Unit tests: cmocka prints "[  PASSED  ] N test(s).", "[  FAILED  ] N test(s)..." and
# "[  SKIPPED ] N test(s), listed below:" followed by "[  SKIPPED ] NAME" lines (skip()).
# The binaries are independent (each its own temporary files), so they run side by side
# like the batch cases (tests/pool.sh); results are read in their order.
unit_out=$(mktemp -d /tmp/riskdesk-unit.XXXXXX)
trap 'rm -f "$tui_out"; rm -rf "$unit_out"' EXIT
run_unit() { # binary: $unit_out/NAME.out and .rc
	local name
	name=$(basename "$1")
	"$1" >"$unit_out/$name.out" 2>&1
	echo $? >"$unit_out/$name.rc"
}
units=()
for t in "$build"/tests/test_*; do [ -x "$t" ] && units+=("$t"); done
. tests/pool.sh
longest_first "test_xgbtree test_gen test_browse test_load" "${units[@]}"
# in a subshell: the pool waits for its children, and the console suite is one of ours
(pool "${RISKDESK_TEST_JOBS:-$(($(nproc 2>/dev/null || echo 1) + 1))}" run_unit "${ordered[@]}")
for t in "${units[@]}"; do
	name=$(basename "$t")
	out=$(cat "$unit_out/$name.out")
	rc=$(cat "$unit_out/$name.rc")
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	s=$(printf '%s\n' "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | tail -1)
	p=${p:-0}
	f=${f:-0}
	s=${s:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or a sanitizer stopped it before cmocka's summary
	fi
	if [ "$f" -ne 0 ]; then
		printf '%s\n' "$out" | grep -vE '^\[ +(RUN|OK) +\]' | tail -40
	fi
	if [ "$s" -ne 0 ]; then
		which=$(printf '%s\n' "$out" | sed -n 's/^\[  SKIPPED \] \([A-Za-z_][A-Za-z0-9_]*\)$/\1/p' |
			sort -u | paste -sd, - | sed 's/,/, /g')
		skips+=("unit$label $name: $which")
		echo "unit$label $name: $p passed, $f failed, $s skipped ($which)"
	else
		echo "unit$label $name: $p passed, $f failed"
	fi
	count "$p" "$f" "$s"
done

# Batch golden tests and console tests (tmux) end with "SUITE: N passed, N failed, N
# skipped" and print "skip NAME: why" for each skip.
summary() { # suite name, its output
	local re="^$1: \\([0-9]*\\) passed, \\([0-9]*\\) failed, \\([0-9]*\\) skipped\$" p f s line
	printf '%s\n' "$2" | grep -v '^ok ' | sed '/^$/d'
	p=$(printf '%s\n' "$2" | sed -n "s/$re/\\1/p")
	f=$(printf '%s\n' "$2" | sed -n "s/$re/\\2/p")
	s=$(printf '%s\n' "$2" | sed -n "s/$re/\\3/p")
	[ -n "$p" ] || { p=0; f=1; s=0; }
	while IFS= read -r line; do
		skips+=("$1$label ${line#skip }")
	done < <(printf '%s\n' "$2" | grep '^skip ')
	count "$p" "$f" "$s"
}
echo "unit$label: $((SECONDS - unit_start)) s"
batch_start=$SECONDS
summary batch "$(tests/batch/run.sh "$build" 2>&1)"
echo "batch$label: $((SECONDS - batch_start)) s"
if [ -n "$tui_pid" ]; then
	wait "$tui_pid"
	echo "tui$label: done $((SECONDS - unit_start)) s after the start"
	summary tui "$(cat "$tui_out")"
fi

if [ "$skipped" -gt 0 ]; then
	printf 'skipped: %d (%s)\n' "$skipped" "$(printf '%s; ' "${skips[@]}" | sed 's/; $//')"
else
	echo "skipped: 0"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
