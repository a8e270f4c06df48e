#!/usr/bin/env bash
# The console's speed (SPEC section 10): on databases made with `gen`, the time from start
# to the first full screen and the 99th-percentile time from a key press to its finished
# redraw (scroll, page, jump to an end, sort change, filter), and peak memory, measured
# through a pseudo-terminal (bench/ptydrive.c: the real binary, real keys).
#   usage: bench/tui.sh [BUILD]
# BENCH_TUI_SIZES (default "10000 1000000") picks the sizes; the first is the reference for
# the memory ratio. Each figure is the median of BENCH_TUI_RUNS runs (default 3);
# BENCH_TUI_VERBOSE=1 shows every run's table. Each database is made once and cached in bench/data/ (1M: several
# minutes and a few GB). The runs open it --read-only, so it never changes; with
# BENCH_TUI_COPY=1 they open a fresh read-write copy instead.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
rd=$PWD/$build/riskdesk
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
	"$rd" -c "gen $csv --customers $n --seed 11" >/dev/null
	t1=$(now)
	echo "  gen $(secs "$t0" "$t1") s ($(du -sh "$csv" | cut -f1) of CSV); loading ..."
	"$rd" --db "$db.tmp" -c "load $csv" >/dev/null
	t2=$(now)
	echo "  load $(secs "$t1" "$t2") s; recompute all ..."
	"$rd" --db "$db.tmp" -c 'recompute all' >/dev/null
	t3=$(now)
	echo "  recompute $(secs "$t2" "$t3") s; database $(du -sh "$db.tmp" | cut -f1)"
	mv "$db.tmp" "$db"
	rm -rf "$csv"
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
	open=(--db "$db" --read-only)
	if [ "${BENCH_TUI_COPY:-0}" = 1 ]; then
		cp "$db" "$work/copy.db"
		open=(--db "$work/copy.db")
	fi
	# The file in the OS cache, as when a console is opened on a database in use.
	cat "$db" >/dev/null
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
	printf 'console %-5s first screen %.3f s (trace %.3f s); p99 scroll %s ms, page %s ms, end %s ms, sort %s ms, filter %s ms; peak RSS %.1f MB (%.1f MB at the first screen)\n' \
		"$(label "$n"):" "$(median first_pty "${outs[@]}")" "$(median first_trace "${outs[@]}")" \
		"$(ms "$(median scroll "${outs[@]}")")" "$(ms "$(median page "${outs[@]}")")" \
		"$(ms "$(median end "${outs[@]}")")" "$(ms "$(median sort "${outs[@]}")")" \
		"$(ms "$(median filter "${outs[@]}")")" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" \
		"$(awk -v k="$(median first_rss_kb "${outs[@]}")" 'BEGIN { print k / 1024 }')"
	echo "  slowest keys of the last run (ms): $(grep -v '^#' "bench/data/tui-$n.keys.txt" |
		sort -k5,5gr | head -5 | awk '{ printf "%s%s %s %.1f", (NR > 1 ? ", " : ""), $2, $3, $5 }')"
done
echo "  -> medians of $runs runs; targets: first screen < 0.2 s, p99 < 16 ms," \
	"RSS($(label "$n"))/RSS($(label "${sizes%% *}")) =" \
	"$(awk -v a="$rss" -v b="$ref_rss" 'BEGIN { printf "%.2f", a / b }') (target <= 1.10)"
