# A scorecard's characteristic analysis in the Drift pane: the German Credit scorecard
# (fixture german), every customer scored; the pane shows every column's total and a
# feature's bins.
if g=$(fixture german) && cp "$g/german.db" "$work/german-ca.db" 2>/dev/null &&
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
