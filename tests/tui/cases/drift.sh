# The Drift pane: rules@1's reference made on a sample without drift (A), imported into a
# database holding a sample with drift (B) and serving there (fixture drift).
if d=$(fixture drift); then
	TUI_DB=$d/drift-b.db start drift 120 40
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
	resize 80 24
	expect "5 of 17 features drifted" "80x24 keeps the verdict"
	expect_re '^ cod_share +[0-9.]+ +[0-9.]+ +significant' "and the table"
	keys '}' '}'
	expect "Score PSI per month end" "} scrolls to the charts at 80x24"
	resize 40 12
	expect "Drift" "40x12 keeps the pane"
	keys '{' '{' j j Enter j J J k
	resize 20 5
	keys Escape j J '}' k Enter K
	expect "Drift" "20x5 keeps the title"
	resize 120 40
	keys Escape g
	expect "AUC per month end" "back at 120x40 the charts are whole again"
	keys : 'drift baseline' Enter
	expect "0 of 17 features drifted significantly" \
		"'drift baseline' recomputes the pane: the current profiles are the reference now"
	keys q
	expect "exited 0" "no crash through the sizes"

	TUI_LANG=C TUI_DB=$d/drift-b.db start drift-ascii 80 24
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
