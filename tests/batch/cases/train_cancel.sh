# Ctrl-C (SIGINT) during training: nothing is registered, the run is marked cancelled.
# The signal is sent once riskdesk has its handler installed (SigCgt), not after a sleep.
$RISKDESK --db t.sqlite -c "load customers $SHARED/datasets/taiwan/UCI_Credit_Card.csv --map $ROOT/sample-data/mappings/taiwan.json" >/dev/null
$RISKDESK --db t.sqlite -c 'train long --algo xgb --trees 5000' &
pid=$!
for _ in $(seq 1 3000); do
	mask=$(awk '/^SigCgt/ { print $2 }' /proc/$pid/status 2>/dev/null || echo 0)
	[ $(( 0x${mask:-0} & 2 )) -ne 0 ] && break
	sleep 0.01
done
kill -INT $pid
wait $pid; echo "status $?"
sqlite3 t.sqlite "SELECT count(*) FROM models WHERE name = 'long'"
$RISKDESK --db t.sqlite -c runs | awk 'NR > 1 && $2 == "train" { print $2, $3, $4 }'
