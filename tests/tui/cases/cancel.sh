# Long work: a progress bar, and Ctrl-C cancels leaving the store as it was
"$rd" -c "gen $work/big --customers 50000 --seed 9" >/dev/null
start cancel 120 30
expect "C0001" "opens"
keys : "load orders $work/big/orders.csv" Enter
expect "Ctrl-C cancels" "a long load shows a progress bar"
keys C-c
expect "cancelled; nothing was loaded" "Ctrl-C cancels it (the outcome, not an order status in the Activity pane)"
orders=$(sqlite3 "$work/cancel.db" "SELECT count(*) FROM orders")
[ "$orders" = 36619 ] && ok "the orders are as they were" || bad "orders: $orders"
run=$(sqlite3 "$work/cancel.db" "SELECT status FROM runs ORDER BY id DESC LIMIT 1")
[ "$run" = cancelled ] && ok "the run is recorded as cancelled" || bad "last run: $run"
keys q
expect "exited 0" "quits"
