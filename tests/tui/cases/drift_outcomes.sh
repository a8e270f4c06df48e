# Outcomes over time: the sample with its monthly snapshots and its outcomes dated over
# 2024-06 .. 2026-03 (defaults spread by their id, goods observed at the end).
cp "$sample" "$work/outcomes.db"
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
resize 80 24
keys g '}' '}' '}' '}'
expect "Actual vs expected bad rate" "80x24: the charts under the others"
keys J J J J J J J J J J J J J J J J J J J J
expect "months on book" "80x24: the vintage chart's axis"
resize 30 8
keys '}' J J '{' j
resize 120 40
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
