# libxgboost's OpenMP threads wait passively (docs/design.md "Tests in parallel, threads
# that wait"): with OMP_WAIT_POLICY unset riskdesk sets PASSIVE (and starts itself again,
# which this case cannot see: only libgomp reads the variable at start), as a program it
# runs sees (an external source that prints the variable); a user's own setting is kept.
# make test sets PASSIVE for every other case (one start per run, not two), so this case
# unsets it.
cat > policy.sh <<'EOF2'
#!/bin/sh
printf '{"policy": "%s"}\n' "${OMP_WAIT_POLICY:-unset}"
EOF2
chmod +x policy.sh
printf '%s\n' 'id,name' 'C1,Ada' > customers.csv
printf '%s\n' '{"source": "env", "key": "k1", "customer_id": "C1", "payload": {}, "fetched_at": "2020-01-01T00:00:00Z"}' > records.ndjson
$RISKDESK --db d.sqlite -c 'load customers customers.csv' -c 'load external_records records.ndjson' \
	-c "source add env --command './policy.sh {key}' --ttl 30" >/dev/null
policy() { sqlite3 d.sqlite "SELECT json_extract(payload, '\$.policy') FROM external_records WHERE source = 'env'"; }
echo "--- unset: riskdesk's own"
env -u OMP_WAIT_POLICY $RISKDESK --db d.sqlite -c 'refresh stale --source env --ttl 0' >/dev/null; echo "exit $?"
policy
echo "--- the user's: kept"
OMP_WAIT_POLICY=ACTIVE $RISKDESK --db d.sqlite -c 'refresh stale --source env --ttl 0' >/dev/null; echo "exit $?"
policy
