#!/usr/bin/env bash
# `make fuzz-smoke`: every fuzz target for a fixed number of inputs with a fixed seed (no
# timing in tests), from the seeds of tests/fuzz/seeds.sh, the targets side by side
# (RISKDESK_TEST_JOBS, default the number of cores). Prints the end of a failing target's log.
# usage: tests/fuzz/smoke.sh FUZZ_BUILD_DIR SEEDS_DIR RUNS
set -u
dir=${1:?fuzz build dir}
seeds=${2:?seeds dir}
runs=${3:?runs}
cd "$(dirname "$0")/../.."
smoke() { # target: 0 when it found nothing
	local f=$1 n=${1##*/}
	rm -rf "$dir/smoke/$n"
	mkdir -p "$dir/smoke/$n"
	"$f" -runs="$runs" -seed=1 "$dir/smoke/$n" $(ls -d "$seeds/$n" 2>/dev/null) >/dev/null \
		2>"$dir/$n.log" || { tail -30 "$dir/$n.log"; echo "fuzz target $n found a failure" >"$dir/$n.failed"; }
}
rm -f "$dir"/*.failed
. tests/pool.sh
pool "${RISKDESK_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}" smoke "$dir"/fuzzers/*
failed=$(cat "$dir"/*.failed 2>/dev/null)
[ -z "$failed" ] || { echo "$failed"; exit 1; }
