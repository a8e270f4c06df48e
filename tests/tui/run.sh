#!/usr/bin/env bash
# Console tests: each tests/tui/cases/NAME.sh runs in a fresh bash with tests/tui/lib.sh
# loaded (how to write one: the top of lib.sh), its own directory, tmux servers and
# database copies. The sample database is built once per run. With no NAME every case
# runs; --accept rewrites the .screen goldens of the cases that run (review the diff).
# Ends with "tui: N passed, N failed, N skipped".
# usage: tests/tui/run.sh BUILD_DIR [--accept] [NAME...]
set -u
build=$(cd "${1:?build dir}" && pwd)
shift
accept=0
if [ "${1:-}" = "--accept" ]; then accept=1; shift; fi
root=$(cd "$(dirname "$0")/../.." && pwd)
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=($(cd "$root/tests/tui/cases" && ls *.sh | sed 's/\.sh$//'))
for name in "${cases[@]}"; do
	[ -f "$root/tests/tui/cases/$name.sh" ] ||
		{ echo "tui: no case '$name' (tests/tui/cases/$name.sh)"; echo "tui: 0 passed, 1 failed, 0 skipped"; exit 1; }
done

run=$(mktemp -d /tmp/riskdesk-tui.XXXXXX)
trap 'rm -rf "$run"' EXIT
mkdir "$run/fixtures" "$run/cases"
export HOME=$run XDG_DATA_HOME=$run/data XDG_STATE_HOME=$run/state XDG_CONFIG_HOME=$run/config
unset NO_COLOR RISKDESK_DB
"$build/riskdesk" --db "$run/fixtures/sample.db" -c "load $root/sample-data" -c 'recompute all' >/dev/null ||
	{ echo "tui: cannot build the sample database"; echo "tui: 0 passed, 1 failed, 0 skipped"; exit 1; }

# Cases are independent (their own directory, tmux servers and database copies; a
# fixture is built once under a lock), so several run at once: RISKDESK_TEST_JOBS, by
# default twice the cores, as a case mostly waits for the screen. Output in case order.
run_case() { # name: $run/cases/NAME.out, .counts and .rc
	local name=$1 start=$SECONDS
	mkdir "$run/cases/$name"
	TUI_CASE=$name TUI_BUILD=$build TUI_ROOT=$root TUI_FIXTURES=$run/fixtures \
		TUI_WORK=$run/cases/$name TUI_ACCEPT=$accept TUI_COUNTS=$run/cases/$name.counts \
		bash -c 'source "$1"; source "$2"; exit 0' tui-"$name" "$root/tests/tui/lib.sh" \
		"$root/tests/tui/cases/$name.sh" >"$run/cases/$name.out" 2>&1
	echo $? >"$run/cases/$name.rc"
	echo $((SECONDS - start)) >"$run/cases/$name.secs"
}
. "$root/tests/pool.sh"
pool "${RISKDESK_TEST_JOBS:-$((2 * $(nproc 2>/dev/null || echo 1)))}" run_case "${cases[@]}"

passed=0
failed=0
skipped=0
for name in "${cases[@]}"; do
	cat "$run/cases/$name.out"
	rc=$(cat "$run/cases/$name.rc")
	read -r p f s <"$run/cases/$name.counts" 2>/dev/null || { p=0; f=0; s=0; }
	# A case that stopped on its own (a shell error) is a failure even if its checks passed.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $name: the case stopped with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done
for name in "${cases[@]}"; do printf '%s %ss\n' "$name" "$(cat "$run/cases/$name.secs" 2>/dev/null)"; done |
	sort -k2 -rn | head -5 | paste -sd, - | sed 's/,/, /g; s/^/slowest console cases: /'
echo "tui: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
