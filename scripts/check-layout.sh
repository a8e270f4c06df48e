#!/bin/sh
# The layers of riskdesk, checked on the sources and on the built objects (make check-layout).
# usage: scripts/check-layout.sh LIB BIN APP_OR_CONSOLE_OBJECT...
#
# 1. src/core and include/ never include curses, readline or the app's header (src/app.h).
# 2. The core library (LIB, every object of src/core) references no symbol of the console's
#    libraries (those BIN links: ncursesw, tinfo, readline, ...) and none that the app or
#    the console defines (the objects given: app_cancel, console_main, tui_*, ...).
# 3. Inside the library the layers point one way:
#    - only the command layer (command.o, commands.o, cmd_*.o, complete.o) uses the
#      command layer's symbols (cmd_run_line, ctx_cancelled, run_enter, cmd_job, ...);
#    - store.o, the bottom, uses nothing of the core but the helpers (util, buf, strmap,
#      dates, fold);
#    - the pure modules use no SQLite.
# Prints each violation and exits 1 when there is one.
set -u
lib=${1:?lib}
bin=${2:?bin}
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
say() {
	echo "check-layout: $*" >&2
	fail=1
}

# 1. includes
if grep -rnE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|readline/|panel|menu|form)' \
	src/core include >&2; then
	say "src/core and include/ must not include curses or readline"
fi
if grep -rnE '#[[:space:]]*include[[:space:]]*"(\.\./)*app\.h"' src/core include >&2; then
	say "src/core and include/ must not include app.h (the app's, not the core's)"
fi

# The library's symbols: "member symbol" lines, defined (global) and undefined.
nm -A -g --defined-only "$lib" | awk '{n = split($1, p, ":"); print p[n - 1], $NF}' |
	sort -u > "$tmp/defs"
nm -A -u "$lib" | awk '{n = split($1, p, ":"); print p[n - 1], $NF}' | sort -u > "$tmp/uses"
awk '{print $2}' "$tmp/defs" | sort -u > "$tmp/defined"
# What the library needs from outside itself: "member symbol".
awk 'NR == FNR {d[$1] = 1; next} !($2 in d)' "$tmp/defined" "$tmp/uses" > "$tmp/external"

# 2. the console's libraries and the app
ldd "$bin" 2>/dev/null | awk '/(ncurses|tinfo|readline|panel|menu|form)[^ ]*\.so/ {print $3}' |
	while read -r so; do nm -D --defined-only "$so" 2>/dev/null | awk '{print $NF}'; done |
	sort -u > "$tmp/console"
[ -s "$tmp/console" ] || say "$bin: found no console library to compare with (ldd)"
awk 'NR == FNR {c[$1] = 1; next} ($2 in c) || $2 ~ /^(initscr|newwin|wrefresh|doupdate|endwin|readline|rl_[a-z_]+|add_history)$/ {
	print $1 " references " $2 ", a symbol of the console'"'"'s libraries"}' \
	"$tmp/console" "$tmp/external" > "$tmp/bad"
for o in "$@"; do nm -g --defined-only "$o" | awk '{print $NF}'; done | sort -u > "$tmp/app"
awk 'NR == FNR {a[$1] = 1; next} ($2 in a) || $2 ~ /^(app_cancel|console_main|batch_main)$/ {
	print $1 " references " $2 ", which the app or the console defines"}' \
	"$tmp/app" "$tmp/external" >> "$tmp/bad"

# 3. layers inside the library
awk -v cmd='^(command|commands|cmd_[a-z_]+|complete)\.o$' \
    -v base='^(util|buf|strmap|dates|fold)\.o$' \
    -v pure='^(util|buf|strmap|dates|fold|features|score|model|metrics|woe|kmeans|jsondoc|refdist|xgb|sink)\.o$' '
	NR == FNR {owner[$2] = $1; next}
	{
		o = owner[$2]
		if (o != "" && o != $1 && o ~ cmd && $1 !~ cmd)
			print $1 " uses " $2 " of " o ": only the command layer sees the command layer"
		if ($1 == "store.o" && o != "" && o != $1 && o !~ base)
			print "store.o uses " $2 " of " o ": the store uses only util, buf, strmap, dates, fold"
		if ($1 ~ pure && $2 ~ /^sqlite3_/)
			print $1 " uses " $2 ": a pure module uses no SQLite"
	}' "$tmp/defs" "$tmp/uses" >> "$tmp/bad"

if [ -s "$tmp/bad" ]; then
	sed "s|^|check-layout: ${lib##*/}: |" "$tmp/bad" >&2
	fail=1
fi
exit $fail
