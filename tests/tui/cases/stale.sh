# Stale data (issue 11, item 6): after a load the status line and the Drift pane say
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
# the recompute runs on the worker thread: q while it runs would not quit
expect "recompute: done" "R recomputes every customer"
expect_not "no longer serving" "R clears it"
keys q
expect "exited 0" "quits"
