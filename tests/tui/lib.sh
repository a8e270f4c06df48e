# Console tests' library: run.sh loads it into a fresh bash for each case. The real
# binary runs inside tmux as tmux's own regress tests do it: a private server (-L), no
# config (-f /dev/null), a fixed size, TERM and locale set, waits for text rather than
# sleeps, and captured screens compared with tests/tui/expected/NAME.screen.
#
# How to add a console case
#   Write tests/tui/cases/NAME.sh (NAME: lower case, digits and _). It is a bash fragment
#   run with this library loaded, no shebang and no set-up of its own:
#       start LABEL WIDTH HEIGHT [riskdesk args]   riskdesk in its own tmux server, on a
#                                                  fresh copy of the sample database
#                                                  ($work/LABEL.db; TUI_DB=FILE start …
#                                                  copies FILE instead)
#       keys j j Enter / keys : 'show C0042' Enter   tmux send-keys
#       expect TEXT "what"      the screen shows TEXT within 10 s (ok/FAIL line)
#       expect_re ERE "what"    a screen line matches
#       expect_not TEXT "what"  TEXT goes (or is not there)
#       golden NAME             the screen equals tests/tui/expected/NAME.screen
#       ok "what" / bad "what"  a check of your own (sqlite3 on $work/LABEL.db, awk…)
#       resize W H              resizes the window
#       fixture NAME            a database or dataset shared by cases, built once per
#                               run by make_NAME below; prints its directory
#       skip "why"              ends the case; counted and printed in the summary
#   Run it alone with `make test-tui T=NAME` or `tests/tui/run.sh build NAME`; a new
#   golden with `tests/tui/run.sh build --accept NAME` (then read the .screen file).
#   A case depends on nothing another case did: it starts from the sample database or a
#   fixture, and keeps its files in $work (its own directory). Assert no timing.
#
# Set by run.sh: TUI_BUILD, TUI_ROOT, TUI_FIXTURES (shared, holds sample.db), TUI_WORK
# (this case's directory), TUI_ACCEPT (1 with --accept), TUI_COUNTS (the counts go there).

set -u
rd=$TUI_BUILD/riskdesk
root=$TUI_ROOT
work=$TUI_WORK
fixtures=$TUI_FIXTURES
sample=$fixtures/sample.db
export HOME=$work XDG_DATA_HOME=$work/data XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config
unset NO_COLOR RISKDESK_DB
sockbase="riskdesk-test-$$"
sock=$sockbase
passed=0
failed=0
skipped=0
current=""

# The counts go to run.sh however the case ends; its servers go with it.
finish() {
	tmux -L "$sock" kill-server 2>/dev/null
	printf '%d %d %d\n' "$passed" "$failed" "$skipped" >"$TUI_COUNTS"
}
trap finish EXIT

# start NAME WIDTH HEIGHT [extra riskdesk args]: a fresh copy of the sample database
# (or of $TUI_DB) in a new tmux server; the previous server of this case ends.
start() {
	local name=$1 w=$2 h=$3
	shift 3
	current=$name
	cp "${TUI_DB:-$sample}" "$work/$name.db"
	tmux -L "$sock" kill-server 2>/dev/null
	sock="$sockbase-$name"
	tmux -L "$sock" -f /dev/null new-session -d -s t -x "$w" -y "$h" \
		"env TERM=${TUI_TERM:-xterm-256color} ${TUI_ENV:-} LANG=${TUI_LANG:-C.UTF-8} LC_ALL=${TUI_LANG:-C.UTF-8} $rd --db $work/$name.db $*; echo \"exited \$?\"; sleep 30"
	tmux -L "$sock" set-option -t t status off >/dev/null
}
screen() { tmux -L "$sock" capture-pane -p -t t; }
keys() { tmux -L "$sock" send-keys -t t "$@"; }
resize() { tmux -L "$sock" resize-window -t t -x "$1" -y "$2"; }
# wait_for TEXT: up to 10 s, polling the screen.
wait_for() {
	local i
	for i in $(seq 1 200); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	return 1
}
wait_gone() {
	local i
	for i in $(seq 1 200); do
		screen | grep -qF -- "$1" || return 0
		sleep 0.05
	done
	return 1
}
ok() { echo "ok $current: $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $current: $1"; screen | sed 's/^/    | /'; failed=$((failed + 1)); }
# skip WHY: the rest of the case does not run; run.sh counts and prints it. Only for
# what the machine lacks, never to get a green run (CI has ../shared and tmux).
skip() {
	echo "skip ${current:-$TUI_CASE}: $1"
	skipped=$((skipped + 1))
	exit 0
}
expect() { if wait_for "$1"; then ok "${2:-shows '$1'}"; else bad "${2:-shows '$1'}"; fi; }
# expect_re ERE [what]: a screen line matches the extended regular expression.
expect_re() {
	local i
	for i in $(seq 1 200); do
		screen | grep -qE -- "$1" && { ok "${2:-matches '$1'}"; return; }
		sleep 0.05
	done
	bad "${2:-matches '$1'}"
}
expect_not() { if wait_gone "$1"; then ok "${2:-no '$1'}"; else bad "${2:-no '$1'}"; fi; }
# golden NAME: the stable screen, normalised, against tests/tui/expected/NAME.screen
# (rewritten with --accept: only the cases run write theirs).
golden() {
	local file="$root/tests/tui/expected/$1.screen" got
	got=$(screen | sed -e "s#$work#\$WORK#g" -e 's/[[:space:]]*$//')
	if [ "$TUI_ACCEPT" -eq 1 ]; then
		printf '%s\n' "$got" >"$file"
		ok "golden $1 (accepted)"
	elif [ "$got" = "$(cat "$file" 2>/dev/null)" ]; then
		ok "golden $1"
	else
		bad "golden $1"
		diff <(printf '%s\n' "$got") "$file" | head -20
	fi
}

# fixture NAME: $fixtures/NAME, made once per run by make_NAME (run in a new directory,
# renamed when whole, so a failed or interrupted recipe leaves nothing half made).
# Prints the directory; returns 1 when the recipe fails.
fixture() {
	local name=$1 dest=$fixtures/$1 tmp lock
	# Cases run at once: the first to ask builds it, the others wait for it.
	exec {lock}>"$fixtures/.$name.lock"
	flock "$lock"
	if [ ! -d "$dest" ]; then
		tmp=$(mktemp -d "$fixtures/.$name.XXXXXX") || return 1
		if ! (cd "$tmp" && "make_$name") >"$fixtures/$name.log" 2>&1; then
			rm -rf "$tmp"
			exec {lock}>&-
			return 1
		fi
		mv "$tmp" "$dest"
	fi
	exec {lock}>&-
	echo "$dest"
}

# German Credit with a scorecard g1 trained and promoted: german.db.
german=$root/../shared/datasets/german/german.data
make_german() {
	"$rd" --db german.db -c "load customers $german --map $root/sample-data/mappings/german.json" \
		-c 'train g1 --algo scorecard' -c 'promote g1'
}

# Two generated samples of 2000 customers, without drift (drift-a/) and with (drift-b/).
make_drift_gen() {
	"$rd" -c "gen drift-a --customers 2000 --seed 1" -c "gen drift-b --customers 2000 --seed 2 --drift"
}

# rules@1's reference made on drift-a, imported into drift-b.db (holding the sample with
# drift) and serving there, with a snapshot: drift-b.db.
make_drift() {
	local gen
	gen=$(fixture drift_gen) &&
		"$rd" --db drift-a.db -c "load $gen/drift-a" -c 'recompute all' \
			-c "model export rules $PWD/drift-ref.model" &&
		"$rd" --db drift-b.db -c "load $gen/drift-b" -c "model import $PWD/drift-ref.model" \
			-c 'promote rules@2' -c 'recompute all' -c 'snapshot'
}
