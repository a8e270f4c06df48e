#!/usr/bin/env bash
# Console tests: the real binary inside tmux, as tmux's own regress tests do it — a
# private server (-L), no config (-f /dev/null), fixed sizes, TERM and locale set, and
# waits for text rather than sleeps. Stable screens are compared with golden captures in
# tests/tui/expected (refresh with --accept after review).
# usage: tests/tui/run.sh BUILD_DIR [--accept]
set -u
build=$(cd "${1:?build dir}" && pwd)
accept=0
[ "${2:-}" = "--accept" ] && accept=1
root=$(cd "$(dirname "$0")/../.." && pwd)
rd="$build/riskdesk"
work=$(mktemp -d /tmp/riskdesk-tui.XXXXXX)
sockbase="riskdesk-test-$$"
sock=$sockbase
export HOME=$work XDG_DATA_HOME=$work/data XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config
unset NO_COLOR RISKDESK_DB
passed=0
failed=0
current=""

cleanup() { tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$work"; }
# Each case gets its own server: a killed server's socket may linger a moment.
trap cleanup EXIT

"$rd" --db "$work/sample.db" -c "load $root/sample-data" -c 'recompute all' >/dev/null ||
	{ echo "tui: cannot build the sample database"; echo "tui: 0 passed, 1 failed"; exit 1; }

# start NAME WIDTH HEIGHT [extra riskdesk args]: a fresh copy of the sample database
# (or of $TUI_DB).
start() {
	local name=$1 w=$2 h=$3
	shift 3
	current=$name
	cp "${TUI_DB:-$work/sample.db}" "$work/$name.db"
	tmux -L "$sock" kill-server 2>/dev/null
	sock="$sockbase-$name"
	tmux -L "$sock" -f /dev/null new-session -d -s t -x "$w" -y "$h" \
		"env TERM=${TUI_TERM:-xterm-256color} ${TUI_ENV:-} LANG=${TUI_LANG:-C.UTF-8} LC_ALL=${TUI_LANG:-C.UTF-8} $rd --db $work/$name.db $*; echo \"exited \$?\"; sleep 30"
	tmux -L "$sock" set-option -t t status off >/dev/null
}
screen() { tmux -L "$sock" capture-pane -p -t t; }
keys() { tmux -L "$sock" send-keys -t t "$@"; }
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
golden() {
	local file="$root/tests/tui/expected/$1.screen" got
	got=$(screen | sed -e "s#$work#\$WORK#g" -e 's/[[:space:]]*$//')
	if [ "$accept" -eq 1 ]; then
		printf '%s\n' "$got" >"$file"
		ok "golden $1 (accepted)"
	elif [ "$got" = "$(cat "$file" 2>/dev/null)" ]; then
		ok "golden $1"
	else
		bad "golden $1"
		diff <(printf '%s\n' "$got") "$file" | head -20
	fi
}

# --- the default screen at 120x40, moving, paging
start browse 120 40
expect "Customers" "opens on the customer list"
expect "C0001" "first customer listed"
expect "Activity of C0001" "activity follows the selection"
golden first_screen_120x40
keys j j
expect "Activity of C0003" "j moves the selection"
keys G
expect "Activity of C2000" "G jumps to the last customer"
keys g
expect "Activity of C0001" "g goes back to the first"
keys NPage
expect_not " C0001 " "PgDn pages"
keys PPage
expect " C0001 " "PgUp pages back"

# --- the mouse (SGR reports, as xterm sends them): click selects, the wheel scrolls
keys -l $'\e[<0;11;5M'
keys -l $'\e[<0;11;5m'
expect "Activity of C0003" "a click selects the row under it"
keys -l $'\e[<65;11;5M'
expect_not " C0001 " "the wheel scrolls the list"
keys g

# --- search, filter, sort
keys / C05 Enter
expect "Activity of C0500" "/ finds by id prefix"
keys / C12
expect "Activity of C1200" "search is incremental, before Enter"
keys Escape
keys f band=E Enter
expect "where band=E" "f filters with the where language"
expect "Activity of C0007" "the filtered list starts at the first band E customer"
keys f Enter
expect_not "where band=E" "an empty filter clears it"
keys s
expect "sort name" "s changes the sort"
keys s
expect "sort score" "s again sorts by score"
expect "Activity of C0010" "the lowest score comes first"

# --- recompute the selected customer: new history row, profile shown
before=$(sqlite3 "$work/browse.db" "SELECT count(*) FROM score_history WHERE customer_id = 'C0010'")
keys r
expect "recompute: done" "r recomputes the selected customer"
after=$(sqlite3 "$work/browse.db" "SELECT count(*) FROM score_history WHERE customer_id = 'C0010'")
if [ "$after" -eq $((before + 1)) ]; then ok "history grew by one"; else bad "history $before -> $after"; fi
expect "history " "the profile shows a score-history sparkline"

# --- the prompt: completion and commands
keys : rec Tab
expect ":recompute" "Tab completes a command"
keys C-u "show C005" Tab Tab
expect "C0050" "Tab lists customer ids"
keys C-u "show C0042" Enter
expect "C0042" "show selects a customer"
keys : "theme dark" Enter
expect "theme dark" "theme switches"
keys : "theme nope" Enter
expect "not found" "an unknown theme is an error in the status line"
keys : "frob" Enter
expect "unknown command 'frob'" "unknown commands show in the status line"
keys '?'
expect "Keys" "? shows the keys"
expect "rescore one customer" "? lists the commands from the table"
keys q
keys l
expect "Runs" "l shows the log"
keys m
expect "champion" "m shows the model registry"
keys Escape
keys q
expect "exited 0" "q quits with status 0"
expect_not "customers  sort" "the terminal is restored (the console's screen is gone)"

# --- sizes: 80x24 full, 40x12 and 20x5 one pane, resize redraws
start sizes 80 24
expect "Profile" "80x24 shows the full layout"
golden first_screen_80x24
tmux -L "$sock" resize-window -t t -x 40 -y 12
expect_not "Profile" "40x12 shows one pane"
expect "C0001" "the list survives the resize"
keys Tab
expect "Activity" "Tab brings the next pane forward"
tmux -L "$sock" resize-window -t t -x 20 -y 5
keys j j k
tmux -L "$sock" resize-window -t t -x 100 -y 30
expect "Profile" "back to the full layout after a resize"
keys q
expect "exited 0" "no crash through 20x5"

start tiny 20 5
expect "riskdesk" "starts at 20x5"
keys j j G g q
expect "exited 0" "keys at 20x5 and quit"

start mono 80 24 --theme mono
expect "C0001" "the mono theme works"
keys q
expect "exited 0" "quits"

TUI_TERM=xterm start eight 80 24 --theme dark
expect "C0001" "8 colours (TERM=xterm) with the dark theme"
keys : "theme light" Enter
expect "theme light" "switching themes on 8 colours"
keys q
expect "exited 0" "quits"

TUI_ENV=NO_COLOR=1 start nocolor 80 24
expect "C0001" "NO_COLOR starts in mono"
keys : "theme dark" Enter
expect "NO_COLOR is set" "NO_COLOR keeps mono"
keys q
expect "exited 0" "quits"

TUI_LANG=C start ascii 80 24
expect "C0001" "a non-UTF-8 locale works"
expect "#" "the gauge falls back to ASCII"
keys q
expect "exited 0" "quits"

# --- the Models pane: a scorecard trained on German Credit and promoted
german=$root/../shared/datasets/german/german.data
if "$rd" --db "$work/german.db" -c "load customers $german --map $root/sample-data/mappings/german.json" \
	-c 'train g1 --algo scorecard' -c 'promote g1' >/dev/null 2>&1; then
	TUI_DB=$work/german.db start models 120 40
	expect "G0000" "opens on the German customers"
	keys m
	expect "Models (2)" "m shows the Models pane with the registry's size"
	expect_re '^\* g1@1 +champion +scorecard +0\.[0-9]{4} +0\.[0-9]{4} ' \
		"the registry lists g1@1: champion, scorecard, AUC and KS"
	expect_re '^\* rules@1 +champion +rules +- +- ' "and the rules model, without metrics"
	expect_re '^ g1@1  scorecard  segment all  champion' "the selected version's heading"
	expect_re 'AUC \(CV\) +0\.[0-9]{4} ± 0\.[0-9]{4}' "the fold-mean AUC with its sd"
	expect_re 'Threshold PD +[0-9.]+% \(score [0-9]+\)' "the cost-optimal threshold"
	expect "ROC  AUC" "the ROC chart"
	expect "0.0│" "the ROC chart's axes (UTF-8)"
	expect "Information value (IV)" "the IV section"
	if screen | grep -A1 -F "Information value (IV)" | tail -1 | grep -qE 'checking_status +0\.[0-9]{4} '; then
		ok "IV lists checking_status first"
	else
		bad "IV lists checking_status first"
	fi
	expect_re 'credit_history +0\.[0-9]{4} .* medium' "IV bars with their power"
	keys '}' '}'
	expect "Points  base" "} jumps to the points table"
	expect_re 'checking_status +A14 +394 +11\.7% +[0-9.]+ +[0-9]+\.[0-9]$' \
		"a points row: checking_status A14, customers, bad rate, WoE, points"
	expect_re 'duration +\(-inf, [0-9.]+\] ' "numeric bins are labelled as intervals"
	keys '}' '}' '}'
	expect "Gains by decile" "the gains table"
	expect "Calibration by band" "the calibration table"
	keys '{' '{' '{' '{' '{'
	expect "AUC (CV)" "{ goes back to the metrics"
	keys J J
	expect_not " Metrics" "J scrolls the detail"
	keys K K
	expect " Metrics" "K scrolls back"
	keys j
	expect_re '^ rules@1  rules  segment all  champion' "j selects the rules model"
	expect "R-FAILED-PAY" "the rules model shows its terms"
	keys P
	expect "promote rules@1? (y/n)" "P asks before promoting"
	keys n
	expect "not promoted" "n declines"
	keys X
	expect "retire rules@1? (y/n)" "X asks before retiring"
	keys y
	expect "is the fallback" "the last serving rules version is not retired, and the console says why"
	keys k Enter
	expect "[model]" "Enter shows the model report in the output view"
	keys Escape m
	expect "Models (2)" "m comes back to the Models pane"
	tmux -L "$sock" resize-window -t t -x 80 -y 24
	expect "Models (2)" "80x24 keeps the pane and its title"
	expect_re '^\* g1@1 +champion' "the registry at 80x24"
	keys '}' J J J
	tmux -L "$sock" resize-window -t t -x 40 -y 12
	expect "Models (2)" "40x12 keeps the pane and its title"
	keys j k '}' '}' '}' '}' J J J G g
	tmux -L "$sock" resize-window -t t -x 20 -y 5
	keys j J '}' k
	expect "Models" "20x5 keeps the title"
	tmux -L "$sock" resize-window -t t -x 120 -y 40
	expect "Information value (IV)" "back at 120x40 the detail is whole again"
	keys q
	expect "exited 0" "no crash through the sizes"

	TUI_LANG=C TUI_DB=$work/german.db start models-ascii 80 24
	expect "G0000" "opens"
	keys m
	expect_re 'AUC \(CV\) +0\.[0-9]{4} \+/- 0\.' "metrics in ASCII (+/-)"
	keys '}'
	expect "0.0|" "a non-UTF-8 locale draws the ROC chart in ASCII"
	expect_re 'checking_status +0\.[0-9]{4} #' "and IV bars with #"
	keys q
	expect "exited 0" "quits"
else
	current=models
	bad "cannot train on $german"
fi

# --- proxy labels: the sample's customers, orders and payments without their outcomes,
# labelled by label proxy --rfm, trained on and serving: the Profile and the Models pane
# say what the model learnt from, and a customer the proxy labels bad is not "DEFAULTED"
sd=$root/sample-data
if "$rd" --db "$work/proxylab.db" -c "load customers $sd/customers.csv" -c "load orders $sd/orders.csv" \
	-c "load payments $sd/payments.csv" -c 'label proxy --rfm' -c 'train p1 --algo logit' \
	-c 'promote p1' -c 'recompute all' >/dev/null 2>&1; then
	bad=$(sqlite3 "$work/proxylab.db" "SELECT min(customer_id) FROM outcomes WHERE defaulted = 1")
	TUI_DB=$work/proxylab.db start proxy 220 50 # the Profile gets 99 columns: its lines whole
	expect "Activity of C0001" "opens on the sample customers"
	expect " trained on proxy labels: rfm, k=4, seed 42, least engaged cluster, as of 2025-06-30 (2000 rows)" \
		"the Profile says the serving model learnt from proxy labels"
	keys / "$bad" Enter
	expect "Activity of $bad" "/ selects a customer the proxy labels bad"
	expect "PROXY BAD" "its Profile says PROXY BAD"
	expect_not "DEFAULTED" "not DEFAULTED"
	keys m
	expect_re '^ p1@1  logit  segment all  champion' "m shows p1@1 in the Models pane"
	expect_re 'Labels +proxy labels: rfm, k=4, seed 42, least engaged cluster, as of 2025-06-30 \(2000 rows\)' \
		"its metrics begin with the proxy labels"
	keys j
	expect_re '^ rules@1  rules' "j selects the rules model"
	expect_not "Labels " "which has no label source"
	keys q
	expect "exited 0" "quits"
else
	current=proxy
	bad "cannot label and train on the sample data without outcomes"
fi

# --- a blend in the Profile pane (named, its members' unclamped scores and PDs, the
# weighted mean) and calibration by PD decile in the Models pane
if cp "$work/german.db" "$work/blended.db" && "$rd" --db "$work/blended.db" -c 'train g2 --algo logit' \
	-c 'promote g2 --blend 2' -c 'recompute all' >/dev/null 2>&1; then
	TUI_DB=$work/blended.db start blend 120 40
	expect "G0000" "opens on the German customers"
	expect_re 'PD [0-9.]+%  [A-Z]+  new  blend: g1@1 ×1 \+ g2@1 ×2' "the Profile names the blend"
	expect_re "cut-off PD [0-9.]+% \(the blend's\): (approve|decline)" "the blend's own cut-off"
	expect_re '  g1@1 ×1  raw [0-9]+\.[0-9]{2}  PD [0-9.]+%' "a member's unclamped score and PD"
	expect_re '  g2@1 ×2  raw [0-9]+\.[0-9]{2}  PD [0-9.]+%' "the other member"
	expect_re 'weighted mean raw [0-9]+\.[0-9]{2} → score [0-9]+' "how the score follows"
	# The weighted mean on screen is the members' on screen, and rounds to the score shown.
	# Each shown value is rounded to 0.005, so the mean of the shown ones may differ from
	# the shown mean by up to 0.01.
	a=$(screen | grep -oE 'g1@1 ×1  raw [0-9.]+' | grep -oE '[0-9.]+$')
	b=$(screen | grep -oE 'g2@1 ×2  raw [0-9.]+' | grep -oE '[0-9.]+$')
	m=$(screen | grep -oE 'weighted mean raw [0-9.]+ → score [0-9]+' | grep -oE '[0-9.]+ → score [0-9]+')
	if awk -v a="$a" -v b="$b" -v m="${m%% *}" -v sc="${m##* }" 'BEGIN {
		w = (a + 2 * b) / 3; exit !(a != "" && w - m < 0.0101 && m - w < 0.0101 && int(m + 0.5) == sc) }'; then
		ok "the weighted mean of the shown raw scores ($a, $b) is the shown one, rounded to the score"
	else
		bad "the weighted mean of the shown raw scores ($a, $b) is the shown one ($m)"
	fi
	keys m
	expect "Models (3)" "the Models pane lists both members"
	keys '}' '}' '}' '}' '}' '}'
	expect_re 'Calibration by PD decile  \(riskiest first; Hosmer-Lemeshow [0-9.]+, 8 df, p [0-9.e-]+\)' \
		"calibration by PD decile with the Hosmer-Lemeshow test"
	expect_re 'Calibration by band .*A ≥ 800, B ≥ 700, C ≥ 600, D ≥ 500' "the band edges"
	keys q
	expect "exited 0" "quits"
	TUI_LANG=C TUI_DB=$work/blended.db start blend-ascii 100 30
	expect_re 'new  blend: g1@1 x1 \+ g2@1' "a non-UTF-8 locale writes the blend's × as x"
	expect_re 'weighted mean raw [0-9.]+ -> score' "and the arrow as ->"
	keys q
	expect "exited 0" "quits"
else
	current=blend
	bad "cannot make a blend on $german"
fi

# --- the Drift pane: rules@1's reference made on a sample without drift (A), imported
# into a database holding a sample with drift (B) and serving there
if "$rd" -c "gen $work/drift-a --customers 2000 --seed 1" \
	-c "gen $work/drift-b --customers 2000 --seed 2 --drift" >/dev/null &&
	"$rd" --db "$work/drift-a.db" -c "load $work/drift-a" -c 'recompute all' \
		-c "model export rules $work/drift-ref.model" >/dev/null &&
	"$rd" --db "$work/drift-b.db" -c "load $work/drift-b" -c "model import $work/drift-ref.model" \
		-c 'promote rules@2' -c 'recompute all' -c 'snapshot' >/dev/null; then
	TUI_DB=$work/drift-b.db start drift 120 40
	expect "C0001" "opens on the drifted sample"
	keys d
	expect "5 of 17 features drifted significantly, 2 moderately" "d shows the verdict"
	expect_re '^ Drift  rules@2 ' "against the serving rules@2 (A's reference)"
	if screen | grep -A3 -E '^ feature +PSI +KS +status' | grep -qE '^ cod_share +[0-9]+\.[0-9]{4} +0\.[0-9]{4} +significant'; then
		ok "cod_share among the first rows, significant"
	else
		bad "cod_share among the first rows, significant"
	fi
	expect_re 'current 2000 profiles +score PSI 0\.[0-9]{4} +KS 0\.[0-9]{4} +significant' \
		"the score line: PSI, KS, status"
	expect_re '^ tenure_days +0\.[0-9]{4} +0\.[0-9]{4} +stable ' "stable features further down"
	expect "Score distribution  PSI" "the score distribution, reference against current"
	expect_re 'Score PSI per month end +20[0-9]{2}-[0-9]{2} [0-9]+\.[0-9]{3}' \
		"the PSI-per-month chart (the snapshots) with its last month"
	expect "AUC per month end" "the AUC-per-month chart"
	expect "0.25│" "the chart marks the 0.25 threshold (braille, UTF-8)"
	keys Enter
	expect "rules@2: cod_share bins" "Enter opens the first feature's bins"
	expect_re 'bin +reference +current +PSI part' "the bins' columns"
	expect_re '^ \(-inf, 0\] +[0-9.]+% +[0-9.]+% +[0-9]\.[0-9]{4} ' "a bin: label, shares, PSI part"
	expect "cod_share  numeric  PSI " "the feature's heading"
	keys j
	expect_not "rules@2: cod_share bins" "j shows the next feature's bins"
	keys Escape
	expect "j/k select  Enter bins" "Esc goes back to the table"
	keys G Enter
	expect "rules@2: score bins" "the score's bins (G: its row)"
	keys Enter
	expect "j/k select  Enter bins" "Enter goes back too"
	keys g
	tmux -L "$sock" resize-window -t t -x 80 -y 24
	expect "5 of 17 features drifted" "80x24 keeps the verdict"
	expect_re '^ cod_share +[0-9.]+ +[0-9.]+ +significant' "and the table"
	keys '}' '}'
	expect "Score PSI per month end" "} scrolls to the charts at 80x24"
	tmux -L "$sock" resize-window -t t -x 40 -y 12
	expect "Drift" "40x12 keeps the pane"
	keys '{' '{' j j Enter j J J k
	tmux -L "$sock" resize-window -t t -x 20 -y 5
	keys Escape j J '}' k Enter K
	expect "Drift" "20x5 keeps the title"
	tmux -L "$sock" resize-window -t t -x 120 -y 40
	keys Escape g
	expect "AUC per month end" "back at 120x40 the charts are whole again"
	keys : 'drift baseline' Enter
	expect "0 of 17 features drifted significantly" \
		"'drift baseline' recomputes the pane: the current profiles are the reference now"
	keys q
	expect "exited 0" "no crash through the sizes"

	TUI_LANG=C TUI_DB=$work/drift-b.db start drift-ascii 80 24
	expect "C0001" "opens"
	keys d
	expect "5 of 17 features drifted significantly" "the verdict in a non-UTF-8 locale"
	keys '}' '}'
	expect "0.25|" "the PSI chart in ASCII"
	expect "+-----" "with an ASCII axis"
	keys q
	expect "exited 0" "quits"
else
	current=drift
	bad "cannot build the drift databases"
fi

# Over time: calendar months from the monthly snapshots, none before the first `snapshot`.
# The sample's twelve months (its history begins in 2021, when the shop was young and its
# book unlike today's).
start drift-months 120 40
expect "C0001" "opens on the sample"
keys d
expect "0 of 17 features drifted significantly" "d shows the sample against its own reference"
expect "no snapshots: 'snapshot' takes them" "no snapshots: the charts say how to take them"
keys : 'snapshot --from 2024-07' Enter
expect_re 'Score PSI per month end +2025-06 0\.000' \
	"after 'snapshot': the PSI per calendar month, the last (the reference's month) 0"
expect_re '^ .* 2024-07 .* 2025-06 *$' "the chart's axis runs from 2024-07 to 2025-06"
expect_re 'AUC per month end +2025-06 0\.[0-9]{3}' "the AUC per month end"
keys q
expect "exited 0" "quits"

# Outcomes over time: the sample with its monthly snapshots and its outcomes dated over
# 2024-06 .. 2026-03 (defaults spread by their id, goods observed at the end).
cp "$work/sample.db" "$work/outcomes.db"
"$rd" --db "$work/outcomes.db" -c 'snapshot' >/dev/null
sqlite3 "$work/outcomes.db" "UPDATE outcomes SET observed_at = CASE defaulted WHEN 1 THEN
  date('2024-06-01', '+' || (CAST(substr(customer_id, 2) AS INTEGER) * 37 % 669) || ' days')
  ELSE '2026-03-31' END"
TUI_DB=$work/outcomes.db start drift-outcomes 120 40
expect "C0001" "opens on the sample with dated outcomes"
keys d
expect "0 of 17 features drifted significantly" "d shows the drift report"
keys '}'
expect "Actual vs expected bad rate" "} scrolls to the bad-rate chart"
expect_re 'actual 0\.[0-9]{3}  expected 0\.[0-9]{3} at 2025-03' \
	"its legend: the last month whose 12-month window is over (the outcomes end 2026-03-31)"
expect "12-month window  not over after 2025-03" "the later months are not mature"
# The legend's figures are those of drift --outcomes for 2025-03.
shown=$(screen | sed -nE 's/.*actual (0\.[0-9]{3})  expected (0\.[0-9]{3}) at 2025-03.*/\1 \2/p')
table=$("$rd" --db "$work/outcomes.db" --read-only -c 'drift --outcomes' | awk '$1 == "2025-03" && $3 == "mature" { print $7, $6 }')
if [ -n "$shown" ] && awk -v s="$shown" -v t="$table" 'BEGIN { split(s, a); split(t, b);
	exit !((a[1] - b[1])^2 < 4e-7 && (a[2] - b[2])^2 < 4e-7) }'; then
	ok "the legend's actual and expected ($shown) are drift --outcomes' ($table)"
else
	bad "the legend's actual and expected ($shown) are drift --outcomes' ($table)"
fi
expect_re '^ .* 2024-07 +2025-06 *$' "the bad-rate chart's axis runs over the snapshot months"
expect "Vintages: cumulative bad rate" "the vintage chart"
expect_re '2025-Q2 0\.[0-9]{3} +2025-Q1 0\.[0-9]{3}' "its legend: the latest quarters first"
expect_re ' 1 +[0-9]+ months on book *$' "its axis: months on book"
tmux -L "$sock" resize-window -t t -x 80 -y 24
keys g '}' '}' '}' '}'
expect "Actual vs expected bad rate" "80x24: the charts under the others"
keys J J J J J J J J J J J J J J J J J J J J
expect "months on book" "80x24: the vintage chart's axis"
tmux -L "$sock" resize-window -t t -x 30 -y 8
keys '}' J J '{' j
tmux -L "$sock" resize-window -t t -x 120 -y 40
expect "Drift" "small sizes keep the pane"
keys q
expect "exited 0" "quits"
TUI_LANG=C TUI_DB=$work/outcomes.db start drift-outcomes-ascii 80 24
expect "C0001" "opens"
keys d
expect "0 of 17 features drifted significantly" "d shows the drift report"
keys '}' '}' '}' '}'
expect "Actual vs expected bad rate" "the bad-rate chart in a non-UTF-8 locale"
expect_re '^ +\|.*\*' "drawn with *"
keys q
expect "exited 0" "quits"
sqlite3 "$work/outcomes.db" "DELETE FROM outcomes"
TUI_DB=$work/outcomes.db start drift-no-outcomes 120 40
expect "C0001" "opens"
keys d
expect "0 of 17 features drifted significantly" "d shows the drift report"
keys '}'
expect "no observed outcomes ('load outcomes" "without outcomes the charts say so"
keys q
expect "exited 0" "quits"

# No reference: a database loaded but not recomputed, then recomputed from the prompt.
"$rd" --db "$work/noref.db" -c "load $work/drift-a" >/dev/null
TUI_DB=$work/noref.db start drift-none 80 24
expect "C0001" "opens on profiles not computed yet"
keys d
expect "no drift reference yet: 'drift baseline' or 'recompute all'" "d shows the hint"
expect "rules@1 has no reference yet" "and the reason"
keys j k Enter G
expect "no drift reference yet" "keys do not crash it"
keys : 'recompute all' Enter
expect "0 of 17 features drifted significantly" "the first recompute all sets the reference"
keys q
expect "exited 0" "quits"

# An empty database: the hint too.
"$rd" --db "$work/empty.db" -c 'models' >/dev/null
TUI_DB=$work/empty.db start drift-empty 40 12
keys d
expect "no drift reference yet" "an empty database shows the hint"
keys j Enter q
expect "exited 0" "quits"

# --- long work: a progress bar, and Ctrl-C cancels leaving the store as it was
"$rd" -c "gen $work/big --customers 50000 --seed 9" >/dev/null
start cancel 120 30
expect "C0001" "opens"
keys : "load orders $work/big/orders.csv" Enter
expect "Ctrl-C cancels" "a long load shows a progress bar"
keys C-c
expect "cancelled" "Ctrl-C cancels it"
orders=$(sqlite3 "$work/cancel.db" "SELECT count(*) FROM orders")
[ "$orders" = 36619 ] && ok "the orders are as they were" || bad "orders: $orders"
run=$(sqlite3 "$work/cancel.db" "SELECT status FROM runs ORDER BY id DESC LIMIT 1")
[ "$run" = cancelled ] && ok "the run is recorded as cancelled" || bad "last run: $run"
keys q
expect "exited 0" "quits"

# --- keys pass the selected id as data: a customer called `all` is one customer, and an
# id with a quote is no syntax error (issue 9)
printf '%s\n' 'id,name,email,phone,kind,created_at' 'C1,One,o@x.org,,individual,2025-01-01' \
	'C2,Two,t@x.org,,individual,2025-01-01' 'all,All,a@x.org,,individual,2025-01-01' \
	"zz O'Brien,Zed,z@x.org,,individual,2025-01-01" >"$work/odd-ids.csv"
"$rd" --db "$work/odd.db" -c "load customers $work/odd-ids.csv" -c 'recompute all' >/dev/null
TUI_DB=$work/odd.db start odd-ids 100 30
expect "Activity of C1" "opens on the odd ids"
keys j j
expect "Activity of all" "the customer called all is selected"
keys r
expect "recompute: done" "r on it recomputes"
n=$(sqlite3 "$work/odd-ids.db" "SELECT count(*) FROM score_history")
[ "$n" = 5 ] && ok "r recomputed that one customer, not all four" || bad "history rows: $n (want 5)"
a=$(sqlite3 "$work/odd-ids.db" "SELECT command FROM audit ORDER BY id DESC LIMIT 1")
[ "$a" = "recompute --id all" ] && ok "audited as 'recompute --id all'" || bad "audit: $a"
keys j
expect "Activity of zz O'Brien" "the id with a quote is selected"
keys r
expect "recompute: done" "r on an id with a quote recomputes it"
expect_not "unterminated" "no quoting error"
n=$(sqlite3 "$work/odd-ids.db" "SELECT count(*) FROM score_history WHERE customer_id = 'zz O''Brien'")
[ "$n" = 2 ] && ok "its history grew by one" || bad "its history rows: $n (want 2)"
# --- personal data: no filter reads email or phone while they are masked, and they show
# only once the audit row of `set pii on` is committed
start pii 120 40
expect "a***@post.example.net" "the profile shows the email masked"
keys f 'email ~ "a.lehmann86@"' Enter
expect "email is personal data" "f refuses a filter on email while pii is off"
expect_not "where email" "the list stays unfiltered"
keys : 'set pii on' Enter
expect "a.lehmann86@post.example.net" "set pii on shows the email"
keys f 'email ~ "a.lehmann86@"' Enter
expect "where email" "with pii on the filter runs"
keys : 'set pii off' Enter
expect "a***@post.example.net" "set pii off masks it again"
keys G
expect "the filter reads email or phone" "the filter stops once pii is off"
keys f Enter
expect "Activity of C0001" "cleared, the list is back"
rows=$(sqlite3 "$work/pii.db" "SELECT group_concat(command || ':' || detail, ',') FROM audit WHERE command LIKE 'set pii%'")
case "$rows" in
"set pii on:pii shown; session "*",set pii off:pii masked; session "*) ok "both audited, with the session" ;;
*) bad "audit: $rows" ;;
esac
keys q
expect "exited 0" "quits"

start pii-ro 120 40 --read-only
expect "C0001" "opens read-only"
keys : 'set pii on' Enter
expect "set pii on: refused" "read-only, set pii on is refused"
expect_not "a.lehmann86@post.example.net" "the email stays masked"
keys q
expect "exited 0" "quits"

# Another process holds the write lock until pii-lock.release appears.
start pii-lock 120 40
expect "C0001" "opens"
python3 -c '
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2] + ".ready", "w").close()
for _ in range(3000):
    if os.path.exists(sys.argv[2] + ".release"):
        break
    time.sleep(0.02)
db.execute("ROLLBACK")
' "$work/pii-lock.db" "$work/pii-lock" &
holder=$!
for i in $(seq 1 500); do [ -e "$work/pii-lock.ready" ] && break; sleep 0.02; done
keys : 'set pii on' Enter
expect "set pii on: refused" "with the write lock held elsewhere, set pii on is refused"
expect_not "a.lehmann86@post.example.net" "the email stays masked"
touch "$work/pii-lock.release"
wait "$holder"
n=$(sqlite3 "$work/pii-lock.db" "SELECT count(*) FROM audit WHERE command LIKE 'set pii%'")
[ "$n" = 0 ] && ok "no audit row, nothing shown" || bad "audit rows: $n"
keys q
expect "exited 0" "quits"

# --- stale data (issue 11, item 6): after a load the status line and the Drift pane say
# the profiles are older than it, until `recompute all`; at 80x24 and 120x40
for size in 80x24 120x40; do
	start "stale-$size" "${size%x*}" "${size#*x}"
	expect "C0001" "opens on the sample ($size)"
	expect_not "older than the load" "nothing is stale after load and recompute all ($size)"
	keys : "load orders $root/sample-data/orders.csv" Enter
	expect_re '2,000 profiles older than the load of [0-9]{2}:[0-9]{2} — R recomputes$' \
		"after a load the status line says the profiles are stale ($size)"
	expect "load: done" "beside the load's own message ($size)"
	keys d
	expect_re '^ 2,000 profiles older than the load of [0-9]{2}:[0-9]{2} — R recomputes' \
		"the Drift pane says it too ($size)"
	keys R
	expect "recompute every customer? (y/n)" "R asks, its question whole beside the warning ($size)"
	keys y
	expect "recompute: done" "R recomputes every customer ($size)"
	expect_not "older than the load" "and the warning is gone ($size)"
	keys q
	expect "exited 0" "quits ($size)"
done

# The Drift report older than the profiles (another process recomputed), and profiles
# scored by a model that no longer serves (a new rules version).
start stale-other 120 40
expect "C0001" "opens"
keys d
expect "0 of 17 features drifted significantly" "d shows the report"
"$rd" --db "$work/stale-other.db" -c 'recompute all' >/dev/null
keys J
expect_re '^ this report is older than the profiles \(recompute of [0-9]{2}:[0-9]{2}\) — u remakes it' \
	"a recompute by another process: the report says it is older than the profiles"
keys u
expect_not "this report is older" "u remakes it"
keys : "rules export $work/stale-rules.json" Enter
keys : "rules import $work/stale-rules.json" Enter
expect_re '2,000 profiles scored by rules@1, no longer serving — R recomputes$' \
	"a new rules version: the status line says the profiles' model no longer serves"
keys R y
expect_not "no longer serving" "R clears it"
keys q
expect "exited 0" "quits"

# A scorecard's characteristic analysis in the Drift pane: the German Credit scorecard of the
# Models pane's test, every customer scored; the pane shows every column's total and a
# feature's bins.
if cp "$work/german.db" "$work/german-ca.db" 2>/dev/null &&
	"$rd" --db "$work/german-ca.db" -c 'recompute all' >/dev/null; then
	TUI_DB=$work/german-ca.db start charan 120 40
	expect "G0000" "opens on German Credit"
	keys d
	expect "Characteristic analysis  g1@1: 1000 profiles against 1000 training rows  points +0.00" \
		"the section: the training rows against themselves, no points move"
	keys j j j j Enter
	expect_re '^ total +\+0\.00$' "a feature's bins end with its total"
	expect "shift = (current - reference) * points" "and say how the shift is made"
	keys q
	expect "exited 0" "quits"
else
	current=charan
	bad "cannot build the German database"
fi

# --- issue 12 keys (h12-keys): a command that selects a customer selects it everywhere,
# the list's highlighted row too (issue 12, Part 1 item 2), wherever the row is under the
# sort; a filter that leaves it out is said; zoom (z, Esc); keys are the table's bindings.
esc=$'\e'
# row_sgr ID: the background colour (SGR 48;5;N) that opens the list row of customer ID.
row_sgr() {
	tmux -L "$sock" capture-pane -e -p -t t | grep -aE "^(${esc}\[[0-9;]*m)* $1 " | head -1 |
		grep -aoE "^(${esc}\[[0-9;]*m)*" | grep -aoE '48;5;[0-9]+' | tail -1
}
# expect_row_selected ID WHAT: ID's row has the background the highlighted row had at the
# start.
expect_row_selected() {
	local i
	for i in $(seq 1 200); do
		[ -n "$sel" ] && [ "$(row_sgr "$1")" = "$sel" ] && { ok "$2"; return; }
		sleep 0.05
	done
	bad "$2"
}
for size in 120x40 80x24; do
	start "select-$size" "${size%x*}" "${size#*x}"
	expect "Activity of C0001" "opens on C0001 ($size)"
	sel=$(row_sgr C0001)
	[ -n "$sel" ] && ok "the highlighted row has its own colours ($size)" || bad "no colours on the highlighted row ($size)"
	keys : "show C0007" Enter
	expect "Activity of C0007" ":show C0007 shows C0007's activity ($size)"
	expect_row_selected C0007 ":show C0007 highlights C0007's row in the list ($size)"
	[ "$(row_sgr C0001)" != "$sel" ] && ok "C0001 is not highlighted any more ($size)" ||
		bad "C0001 still highlighted ($size)"
	keys c j
	expect "Activity of C0008" "the next j goes to the row after C0007 ($size)"
	keys : "select C0150" Enter
	expect "Activity of C0150" ":select C0150 selects a customer beyond the page ($size)"
	expect_row_selected C0150 "the list moves to C0150's row ($size)"
	keys j
	expect "Activity of C0151" "j then goes to C0151 ($size)"
	keys : "sort score" Enter
	expect "sort score" ":sort score sorts the list ($size)"
	read -r x y < <(sqlite3 -separator ' ' "$work/select-$size.db" "SELECT customer_id,
		lead(customer_id) OVER (ORDER BY score, customer_id) FROM credit_profiles
		ORDER BY score, customer_id LIMIT 1 OFFSET 99")
	keys : "select $x" Enter
	expect "Activity of $x" ":select $x, the 100th by score ($size)"
	expect_row_selected "$x" "the list moves to its place under the sort ($size)"
	keys j
	expect "Activity of $y" "j then goes to the next by score, $y ($size)"
	keys S
	expect "sort score desc" "S (sort {sort} {sort-flip}) reverses the sort ($size)"
	keys f band=E Enter
	expect "filtered (f then" "f filters ($size)"
	keys : "select C0001" Enter
	expect "'C0001' is not in the list (where band=E)" \
		"selecting a customer the filter leaves out says so in the status line ($size)"
	expect "Activity of C0001" "and selects it in the other panes ($size)"
	first=$(sqlite3 "$work/select-$size.db" "SELECT customer_id FROM credit_profiles WHERE band = 'E' ORDER BY score DESC, customer_id DESC LIMIT 1")
	[ "$(row_sgr "$first")" != "$sel" ] && ok "no list row is highlighted then ($size)" ||
		bad "$first is highlighted though C0001 is selected ($size)"
	keys f Enter
	expect_not "where band=E" "the filter clears ($size)"
	keys p z
	expect "zoom: Profile fills the screen (z or Esc: back)" "z zooms the focused pane ($size)"
	expect_not "customers  sort" "the list is hidden while the Profile is zoomed ($size)"
	keys Escape
	expect "customers  sort" "Esc ends the zoom ($size)"
	expect "zoom off" "and says so ($size)"
	keys a z
	expect "zoom: Activity fills the screen" "z zooms Activity ($size)"
	keys z
	expect "customers  sort" "z again restores the layout ($size)"
	keys '?'
	expect "zoom the focused pane" "? lists the keys from the table, z too ($size)"
	[ "$size" = 120x40 ] && expect "rescore one customer" "and the commands ($size)"
	keys q
	keys q
	expect "exited 0" "quits ($size)"
done

echo "tui: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
