# Proxy labels: the sample's customers, orders and payments without their outcomes,
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
