# A blend in the Profile pane (named, its members' unclamped scores and PDs, the weighted
# mean) and calibration by PD decile in the Models pane: German Credit's g1 (fixture
# german) and a logit g2 blended with weight 2.
if g=$(fixture german) && cp "$g/german.db" "$work/blended.db" && "$rd" --db "$work/blended.db" -c 'train g2 --algo logit' \
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
	expect_re 'blend: g1@1 x1 \+ g2@1' "a non-UTF-8 locale writes the blend's × as x"
	expect_re 'weighted mean raw [0-9.]+ -> score' "and the arrow as ->"
	keys q
	expect "exited 0" "quits"
else
	current=blend
	bad "cannot make a blend on $german"
fi
