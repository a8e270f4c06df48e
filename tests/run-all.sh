#!/usr/bin/env bash
# `make test`: build checks, every suite on the normal build, then every suite again
# under AddressSanitizer and UndefinedBehaviorSanitizer. Ends with "skipped: N" (what and
# why when N > 0) and, last, "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
skipped=0
skips=""
check() { # name, command...
	local name=$1 start=$SECONDS
	shift
	if "$@" >/tmp/riskdesk-check.$$ 2>&1; then
		echo "check $name: ok ($((SECONDS - start)) s)"
		passed=$((passed + 1))
	else
		tail -30 /tmp/riskdesk-check.$$
		echo "check $name: FAILED"
		failed=$((failed + 1))
	fi
	rm -f /tmp/riskdesk-check.$$
}
suite() { # build dir, label: run-suite.sh's last two lines are "skipped: N [(what)]" and
	# "N passed, N failed"
	local out p f s what start=$SECONDS
	out=$(tests/run-suite.sh "$@")
	printf '%s\n' "$out" | sed '$d' | sed '$d'
	echo "suites on $1: $((SECONDS - start)) s"
	p=$(printf '%s\n' "$out" | tail -1 | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(printf '%s\n' "$out" | tail -1 | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	s=$(printf '%s\n' "$out" | tail -2 | sed -n 's/^skipped: \([0-9]*\).*/\1/p')
	what=$(printf '%s\n' "$out" | tail -2 | sed -n 's/^skipped: [0-9]* (\(.*\))$/\1/p')
	[ -n "$p" ] && [ -n "$s" ] || { p=0; f=1; s=0; }
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	[ -z "$what" ] || skips="${skips:+$skips; }$what"
}

jobs=$(nproc 2>/dev/null || echo 2)
# The main tree with gcc and -Werror is gcc's warnings check; clang's builds a tree of its own.
check build-warnings-gcc make -j"$jobs" CC=gcc CFLAGS="-O2 -g -Werror" all
check layout make check-layout
check man-page make check-man
check warnings-clang make -j"$jobs" check-warnings-clang
suite build

san="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
check build-sanitizers make -j"$jobs" BUILD=build/san CFLAGS="$san" all
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
suite build/san " (asan+ubsan)"

# The parsers' fuzz targets, a fixed number of inputs each.
check fuzz-smoke make -j"$jobs" fuzz-smoke

echo "skipped: $skipped${skips:+ ($skips)}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
