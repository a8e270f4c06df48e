#!/usr/bin/env bash
# The console's speed (SPEC section 10): on databases made with `gen`, the time from start
# to the first full screen and the 99th-percentile time from a key press to its finished
# redraw (scroll, page, jump to an end, sort change, filter, the Drift pane once its report
# is made), and peak memory, measured through a pseudo-terminal (bench/ptydrive.c: the real
# binary, real keys); and the time of `drift` (every feature and the score over every
# profile) in batch mode.
#   usage: bench/tui.sh [BUILD]
# BENCH_TUI_SIZES (default "10000 1000000") picks the sizes; the first is the reference for
# the memory ratio. Each figure is the median of BENCH_TUI_RUNS runs (default 3);
# BENCH_TUI_VERBOSE=1 shows every run's table. Each database is made once and cached in bench/data/ (1M: several
# minutes and a few GB). The runs open it --read-only, so it never changes; with
# BENCH_TUI_COPY=1 they open a fresh read-write copy instead. A cached database made by an
# older build is brought up to date once first, as drift needs it: its schema upgraded
# (a read-write open), and `recompute all` when profiles lack packed features or the
# rules model has no drift reference.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
case $build in /*) ;; *) build=$PWD/$build ;; esac
rd=$build/riskdesk
sizes=${BENCH_TUI_SIZES:-10000 1000000}
[ -x "$rd" ] || { echo "tui.sh: no $rd (make BUILD=$build first)" >&2; exit 1; }
work=$(mktemp -d /tmp/riskdesk-tui.XXXXXX)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

drive=$build/bench/ptydrive
if [ ! -x "$drive" ] || [ bench/ptydrive.c -nt "$drive" ]; then
	mkdir -p "$(dirname "$drive")"
	${CC:-cc} -std=c11 -O2 -Wall -Wextra -o "$drive" bench/ptydrive.c -lutil -lm
fi

# A scored database of n customers: gen, load, recompute all. Made under a temporary name
# and renamed at the end, so an interrupted run leaves nothing that looks finished.
make_db() {
	local n=$1 db=bench/data/tui-$1.db csv=bench/data/tui-$1.csv t0 t1 t2 t3
	[ -f "$db" ] && return 0
	mkdir -p bench/data
	rm -rf "$csv" "$db.tmp" "$db.tmp-wal" "$db.tmp-shm"
	echo "console $n: making $db once (gen, load, recompute all; 1M takes minutes) ..."
	t0=$(now)
	# make bench's own CSVs of that size when it has made them (1M: minutes of gen saved)
	if [ -f "bench/data/gen-$n/.done" ]; then
		csv=bench/data/gen-$n
	else
		"$rd" --db "$work/gen.db" -c "gen $csv --customers $n --seed 11" >/dev/null
	fi
	t1=$(now)
	echo "  gen $(secs "$t0" "$t1") s ($(du -sh "$csv" | cut -f1) of CSV); loading ..."
	"$rd" --db "$db.tmp" -c "load $csv" >/dev/null
	t2=$(now)
	echo "  load $(secs "$t1" "$t2") s; recompute all ..."
	"$rd" --db "$db.tmp" -c 'recompute all' >/dev/null
	t3=$(now)
	echo "  recompute $(secs "$t2" "$t3") s; database $(du -sh "$db.tmp" | cut -f1)"
	mv "$db.tmp" "$db"
	[ "$csv" = "bench/data/gen-$n" ] || rm -rf "$csv"
}

# Drift on db needs the current schema (the runs open --read-only, which refuses an
# upgrade), every profile's packed features, a reference and monthly snapshots; brings a
# cached database there once (it writes: the database is the bench's cache, not a fixture).
ready_for_drift() {
	local n=$1 db=$2 err=$work/ready-err.txt nulls
	if ! "$rd" --db "$db" --read-only -c runs >/dev/null 2>"$err"; then
		if ! grep -q 'schema upgrade' "$err"; then
			cat "$err" >&2
			exit 1
		fi
		echo "console $(label "$n"): upgrading the schema of $db (a read-write open, once)"
		"$rd" --db "$db" -c runs >/dev/null
	fi
	nulls=$(sqlite3 "$db" "SELECT count(*) FROM credit_profiles WHERE fvec IS NULL")
	# The Drift pane's charts by month and its outcome charts read monthly snapshots
	# (issue 11): taken once, like the profiles.
	if [ "$(sqlite3 "$db" "SELECT count(*) FROM snapshot_months")" = 0 ]; then
		echo "console $(label "$n"): snapshot on $db once for the Drift pane's charts ..."
		local s0 s1
		s0=$(now)
		"$rd" --db "$db" -c snapshot >/dev/null
		s1=$(now)
		echo "  snapshot $(secs "$s0" "$s1") s"
	fi
	if [ "$nulls" = 0 ] && "$rd" --db "$db" --read-only -c drift >/dev/null 2>"$err"; then
		return 0
	fi
	if [ "$nulls" = 0 ] && ! grep -q 'no reference' "$err"; then
		cat "$err" >&2
		exit 1
	fi
	echo "console $(label "$n"): recompute all on $db once for drift ($nulls profiles" \
		"without packed features$([ "$nulls" = 0 ] && echo ', no drift reference'));" \
		"it writes: the database is the bench's cache ..."
	local t0 t1
	t0=$(now)
	"$rd" --db "$db" -c 'recompute all' >/dev/null
	t1=$(now)
	echo "  recompute $(secs "$t0" "$t1") s"
}

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" "$2"; }
# The median of one field over the runs' outputs.
median() {
	local f=$1
	shift
	for o in "$@"; do field "$f" "$o"; done | sort -g |
		awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
label() { awk -v n="$1" 'BEGIN { print (n >= 1000000 ? n / 1000000 "M" : n >= 1000 ? n / 1000 "k" : n) }'; }
ms() { awk -v v="$1" 'BEGIN { printf "%.1f", v }'; }

runs=${BENCH_TUI_RUNS:-3}
ref_rss=
for n in $sizes; do
	make_db "$n"
	db=bench/data/tui-$n.db
	ready_for_drift "$n" "$db"
	open=(--db "$db" --read-only)
	if [ "${BENCH_TUI_COPY:-0}" = 1 ]; then
		cp "$db" "$work/copy.db"
		open=(--db "$work/copy.db")
	fi
	# The file in the OS cache, as when a console is opened on a database in use.
	cat "$db" >/dev/null
	# drift in batch mode: its wall time, start to exit.
	dts=()
	for r in $(seq "$runs"); do
		t0=$(now)
		"$rd" "${open[@]}" -c drift >"$work/drift-$n.txt"
		t1=$(now)
		dts+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
	done
	drift_s=$(printf '%s\n' "${dts[@]}" | sort -g |
		awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	drift_feats=$(sed -n 's/^verdict .* of \([0-9]*\) features .*/\1/p' "$work/drift-$n.txt")
	drift_rows=$(sed -n 's/^current_profiles  *\([0-9]*\).*/\1/p' "$work/drift-$n.txt")
	outs=()
	for r in $(seq "$runs"); do
		out=$work/drive-$n-$r.txt
		# The key log of the last run stays, for finding slow keys (git-ignored).
		if ! "$drive" -l "bench/data/tui-$n.keys.txt" -- "$rd" "${open[@]}" >"$out"; then
			echo "console $n: the pty driver failed (above)" >&2
			exit 1
		fi
		if [ "${BENCH_TUI_VERBOSE:-0}" = 1 ]; then
			echo "  console $(label "$n"), run $r:"
			sed '/^summary/d; s/^/    /' "$out"
		fi
		outs+=("$out")
	done
	rss=$(median rss_kb "${outs[@]}")
	ref_rss=${ref_rss:-$rss}
	printf 'console %-5s first screen %.3f s (trace %.3f s); p99 scroll %s ms, page %s ms, end %s ms, sort %s ms, filter %s ms, drift %s ms; peak RSS %.1f MB (%.1f MB at the first screen)\n' \
		"$(label "$n"):" "$(median first_pty "${outs[@]}")" "$(median first_trace "${outs[@]}")" \
		"$(ms "$(median scroll "${outs[@]}")")" "$(ms "$(median page "${outs[@]}")")" \
		"$(ms "$(median end "${outs[@]}")")" "$(ms "$(median sort "${outs[@]}")")" \
		"$(ms "$(median filter "${outs[@]}")")" "$(ms "$(median drift "${outs[@]}")")" \
		"$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" \
		"$(awk -v k="$(median first_rss_kb "${outs[@]}")" 'BEGIN { print k / 1024 }')"
	printf 'console %-5s drift of %s features and the score over %s profiles %.2f s (target < 1 s); in the Drift pane %.2f s from d to the verdict\n' \
		"$(label "$n"):" "$drift_feats" "$drift_rows" "$drift_s" "$(median drift_ready "${outs[@]}")"
	echo "  slowest keys of the last run (ms): $(grep -v '^#' "bench/data/tui-$n.keys.txt" |
		sort -k5,5gr | head -5 | awk '{ printf "%s%s %s %.1f", (NR > 1 ? ", " : ""), $2, $3, $5 }')"
	echo "  slowest Drift pane keys of the last run (ms): $(awk '$2 == "drift"' "bench/data/tui-$n.keys.txt" |
		sort -k5,5gr | head -5 | awk '{ printf "%s%s %.1f", (NR > 1 ? ", " : ""), $3, $5 }')"
done
echo "  -> medians of $runs runs; targets: first screen < 0.2 s, p99 < 16 ms, drift < 1 s," \
	"RSS($(label "$n"))/RSS($(label "${sizes%% *}")) =" \
	"$(awk -v a="$rss" -v b="$ref_rss" 'BEGIN { printf "%.2f", a / b }') (target <= 1.10)"
