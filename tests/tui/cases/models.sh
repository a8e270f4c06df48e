# The Models pane: a scorecard trained on German Credit and promoted (fixture german).
if g=$(fixture german); then
	TUI_DB=$g/german.db start models 120 40
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
	keys '}' '}' '}'
	expect "Points  base" "} jumps to the points table (after the strategy)"
	expect_re 'checking_status +A14 +394 +11\.7% +[0-9.]+ +[0-9]+\.[0-9]$' \
		"a points row: checking_status A14, customers, bad rate, WoE, points"
	expect_re 'duration +\(-inf, [0-9.]+\] ' "numeric bins are labelled as intervals"
	keys '}' '}' '}'
	expect "Gains by decile" "the gains table"
	expect "Calibration by band" "the calibration table"
	keys '{' '{' '{' '{' '{' '{'
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
	resize 80 24
	expect "Models (2)" "80x24 keeps the pane and its title"
	expect_re '^\* g1@1 +champion' "the registry at 80x24"
	keys '}' J J J
	resize 40 12
	expect "Models (2)" "40x12 keeps the pane and its title"
	keys j k '}' '}' '}' '}' J J J G g
	resize 20 5
	keys j J '}' k
	expect "Models" "20x5 keeps the title"
	resize 120 40
	expect "Information value (IV)" "back at 120x40 the detail is whole again"
	keys q
	expect "exited 0" "no crash through the sizes"

	TUI_LANG=C TUI_DB=$g/german.db start models-ascii 80 24
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
