#!/usr/bin/env bash
# Runs every suite against one build tree: unit tests (cmocka), batch golden tests and
# console tests. Prints one line per suite and, last, "N passed, N failed" for all.
# usage: tests/run-suite.sh BUILD_DIR [LABEL]
set -u
build=${1:?build dir}
label=${2:-}
cd "$(dirname "$0")/.."
passed=0
failed=0
count() { passed=$((passed + $1)); failed=$((failed + $2)); }

# Unit tests: cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)...".
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	out=$("$t" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or a sanitizer stopped it before cmocka's summary
	fi
	if [ "$f" -ne 0 ]; then
		printf '%s\n' "$out" | grep -vE '^\[ +(RUN|OK) +\]' | tail -40
	fi
	echo "unit$label $name: $p passed, $f failed"
	count "$p" "$f"
done

# Batch golden tests.
out=$(tests/batch/run.sh "$build" 2>&1)
printf '%s\n' "$out" | grep -v '^ok ' | sed '/^$/d'
p=$(printf '%s\n' "$out" | sed -n 's/^batch: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(printf '%s\n' "$out" | sed -n 's/^batch: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
[ -n "$p" ] || { p=0; f=1; }
count "$p" "$f"

# Console tests (tmux), when there are any.
if [ -x tests/tui/run.sh ]; then
	out=$(tests/tui/run.sh "$build" 2>&1)
	printf '%s\n' "$out" | grep -v '^ok ' | sed '/^$/d'
	p=$(printf '%s\n' "$out" | sed -n 's/^tui: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(printf '%s\n' "$out" | sed -n 's/^tui: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	[ -n "$p" ] || { p=0; f=1; }
	count "$p" "$f"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
