#!/usr/bin/env bash
# Batch golden tests: each tests/batch/cases/NAME.sh runs riskdesk in batch mode in a
# fresh directory; its stdout, stderr and exit status, normalised, must equal
# tests/batch/expected/NAME.out. `--accept` rewrites the expected files (review the diff).
# A case that exits 77 is skipped (automake's convention), its last line of output saying
# why: counted and printed, never compared. Only for what the machine lacks, never to get
# a green run (CI has ../shared). Ends with "batch: N passed, N failed, N skipped".
# usage: tests/batch/run.sh BUILD_DIR [--accept] [NAME...]
set -u
build=$(cd "${1:?build dir}" && pwd)
shift
accept=0
if [ "${1:-}" = "--accept" ]; then accept=1; shift; fi
root=$(cd "$(dirname "$0")/../.." && pwd)
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=($(cd "$root/tests/batch/cases" && ls *.sh | sed 's/\.sh$//'))

normalise() { # timestamps, durations, the work directory, the user
	sed -E -e "s#$WORK#\$WORK#g" -e "s#$root#\$ROOT#g" \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/<TIME>/g' \
		-e 's/[0-9]+\.[0-9]+ ?s\b/<SECS>/g' \
		-e "s/\b$(id -un)\b/<USER>/g"
}

# Each case runs in its own directory and writes nothing shared, so several run at once
# (RISKDESK_TEST_JOBS, default the number of cores + 1: cases wait on files and children
# as much as they compute); results are printed in the cases' order.
results=$(mktemp -d /tmp/riskdesk-batch-results.XXXXXX)
trap 'rm -rf "$results"' EXIT
run_case() { # name: writes $results/NAME.actual
	local name=$1 WORK start=$SECONDS
	WORK=$(mktemp -d /tmp/riskdesk-batch.XXXXXX)
	export WORK ROOT=$root RISKDESK="$build/riskdesk" SHARED="$root/../shared"
	export HOME=$WORK XDG_DATA_HOME=$WORK/data XDG_STATE_HOME=$WORK/state XDG_CONFIG_HOME=$WORK/config
	unset RISKDESK_DB
	{ (cd "$WORK" && bash "$root/tests/batch/cases/$name.sh" 2>&1); echo "exit $?"; } |
		normalise >"$results/$name.actual"
	rm -rf "$WORK"
	echo $((SECONDS - start)) >"$results/$name.secs"
}
. "$root/tests/pool.sh"
# the longest cases first (the slowest lines of earlier runs)
longest_first "sqlexport_taiwan sqlexport_sample model_hostile reasons_diversity model_show_large \
	drift_validation sqlexport_german" "${cases[@]}"
pool "${RISKDESK_TEST_JOBS:-$(($(nproc 2>/dev/null || echo 1) + 1))}" run_case "${ordered[@]}"

passed=0
failed=0
skipped=0
for name in "${cases[@]}"; do
	actual=$(cat "$results/$name.actual")
	expected_file="$root/tests/batch/expected/$name.out"
	if [ "$(printf '%s\n' "$actual" | tail -1)" = "exit 77" ]; then
		why=$(printf '%s\n' "$actual" | sed '$d' | tail -1)
		echo "skip $name: ${why:-(no reason given)}"
		skipped=$((skipped + 1))
	elif [ "$accept" -eq 1 ]; then
		printf '%s\n' "$actual" >"$expected_file"
		echo "accepted $name"
		passed=$((passed + 1))
	elif [ -f "$expected_file" ] && [ "$actual" = "$(cat "$expected_file")" ]; then
		echo "ok $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		diff -u "$expected_file" <(printf '%s\n' "$actual") | head -40
		failed=$((failed + 1))
	fi
done
# The slowest cases, to keep `make test` inside its time.
for name in "${cases[@]}"; do printf '%s %ss\n' "$name" "$(cat "$results/$name.secs" 2>/dev/null)"; done |
	sort -k2 -rn | head -5 | paste -sd, - | sed 's/,/, /g; s/^/slowest batch cases: /'
echo "batch: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
