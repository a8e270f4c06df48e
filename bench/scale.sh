#!/usr/bin/env bash
# The growth curve (issue 15, item 5): make bench's (a), (b), (j) and (k) at each size of
# BENCH_SCALE_SIZES (default "10000 100000 1000000"), each in a run of its own, then one
# table: load and the plain import, recompute all (rules) and the bare six-feature
# statement, their peak memory, drift, and recompute changed after a day's events.
# Generated data is cached in bench/data/ (1,000,000 customers: about 1.5 GB of CSV).
#   usage: bench/scale.sh [BUILD]
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
sizes=${BENCH_SCALE_SIZES:-10000 100000 1000000}
out=$(mktemp -d /tmp/riskdesk-scale.XXXXXX)
trap 'rm -rf "$out"' EXIT
for n in $sizes; do
	echo "(s) $n customers ..."
	BENCH_CUSTOMERS=$n BENCH_ONLY=abjk BENCH_SCALE_INNER=1 bench/run.sh "$build" | tee "$out/$n.txt" |
		sed 's/^/    /'
done
# pick N REGEX: the first capture of REGEX in run N's output
pick() { sed -n -E "s/$2/\\1/p" "$out/$1.txt" | head -1; }
printf '(s) %-9s %8s %8s %6s %8s %9s %8s %6s %8s %7s %9s\n' customers load plain ratio 'load MB' \
	recompute six ratio 'rec MB' drift changed
for n in $sizes; do
	printf '(s) %-9s %7ss %7ss %6s %8s %8ss %7ss %6s %8s %6ss %8ss\n' "$n" \
		"$(pick "$n" '^\(a\) load: +riskdesk ([0-9.]+)s.*')" \
		"$(pick "$n" '^\(a\).*indexes ([0-9.]+)s \(orders.*')" \
		"$(pick "$n" '^\(a\).*-> ratio ([0-9.]+) \(target.*')" \
		"$(pick "$n" '^\(a\).*peak memory ([0-9]+) MB.*')" \
		"$(pick "$n" '^\(b\) recompute: riskdesk ([0-9.]+)s.*')" \
		"$(pick "$n" '^\(b\).*writing id and score ([0-9.]+)s.*')" \
		"$(pick "$n" '^\(b\).*-> ratio ([0-9.]+) \(target.*')" \
		"$(pick "$n" '^\(b\).*peak memory ([0-9]+) MB.*')" \
		"$(pick "$n" '^\(k\) drift: +([0-9.]+)s.*')" \
		"$(pick "$n" '^\(j\).*recompute changed ([0-9.]+)s.*')"
done
