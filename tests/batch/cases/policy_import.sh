# The credit policy's file (issue 13, item 3): `policy export` writes the serving version;
# `policy import` refuses hostile files, each message naming the file and the field (or
# line and column), and changes nothing; a good one becomes a new version that serves
# (rescore decides with it), audited; --read-only refuses it.
$RISKDESK --db d.sqlite -c "load $ROOT/sample-data" > /dev/null
$RISKDESK --db d.sqlite -c 'policy export p.json'
ls -l p.json | cut -c1-10
cmp -s p.json "$ROOT/src/core/policy_default.json" && echo "the built-in policy, as shipped"
# The store without its logs, to compare.
data() { sqlite3 d.sqlite .dump | grep -v '^INSERT INTO \(audit\|runs\)' | md5sum; }
data > before.md5
bad() { # NAME TEXT: import it, expect a refusal
	printf '%s' "$2" > "$1"
	$RISKDESK --db d.sqlite -c "policy import $1"
	echo "exit $?"
}
echo "--- refused"
bad empty.json ''
bad truncated.json '{"annual_rate": 0.09, "rules": ['
bad array.json '[]'
bad dupkey.json '{"annual_rate": 0.09, "annual_rate": 0.1, "rules": []}'
bad rate.json '{"annual_rate": 9, "rules": []}'
bad extra.json '{"annual_rate": 0.09, "rules": [], "owner": "me"}'
bad norules.json '{"annual_rate": 0.09, "rules": []}'
sed 's/"threshold": 0.6/"threshold": "0.6"/' p.json > threshold.json
$RISKDESK --db d.sqlite -c 'policy import threshold.json'; echo "exit $?"
sed 's/"op": ">", "threshold": 0.6/"op": "=>", "threshold": 0.6/' p.json > op.json
$RISKDESK --db d.sqlite -c 'policy import op.json'; echo "exit $?"
sed 's/"feature": "lti"/"feature": "income"/' p.json > feature.json
$RISKDESK --db d.sqlite -c 'policy import feature.json'; echo "exit $?"
sed 's/"code": "REF-DTI"/"code": "DEC-DTI"/' p.json > dupcode.json
$RISKDESK --db d.sqlite -c 'policy import dupcode.json'; echo "exit $?"
sed 's/"bands": \["E"\]/"bands": ["E", "F"]/' p.json > band.json
$RISKDESK --db d.sqlite -c 'policy import band.json'; echo "exit $?"
sed 's/"source": "tax_office"/"source": "tax office"/' p.json > source.json
$RISKDESK --db d.sqlite -c 'policy import source.json'; echo "exit $?"
sed 's/"points": 20/"points": 20, "threshold": 1/' p.json > stray.json
$RISKDESK --db d.sqlite -c 'policy import stray.json'; echo "exit $?"
sed 's/"text": "Score band E"/"text": "Score band E\\u0000"/' p.json > nul.json
$RISKDESK --db d.sqlite -c 'policy import nul.json'; echo "exit $?"
mkfifo fifo.json
$RISKDESK --db d.sqlite -c 'policy import fifo.json'; echo "exit $?"
mkdir dir.json
$RISKDESK --db d.sqlite -c 'policy import dir.json'; echo "exit $?"
$RISKDESK --db d.sqlite -c 'policy import missing.json'; echo "exit $?"
head -c 1100000 /dev/zero | tr '\0' ' ' > big.json
$RISKDESK --db d.sqlite -c 'policy import big.json'; echo "exit $?"
data | cmp -s - before.md5 && echo "nothing changed but the logs"
sqlite3 d.sqlite "SELECT count(*) FROM policies; SELECT status, count(*) FROM audit
  WHERE command LIKE 'policy import%' GROUP BY status"
echo "--- a good one: a new version that serves"
sed 's/"threshold": 0.6,/"threshold": 0.3,/; s/above 60%/above 30%/' p.json > strict.json
$RISKDESK --db d.sqlite --read-only -c 'policy import strict.json'; echo "exit $?"
$RISKDESK --db d.sqlite -c 'policy import strict.json' -c 'policy' | sed -n '1,4p;/DEC-DTI/p'
$RISKDESK --db d.sqlite -c 'rescore pending' | grep -E '^(DEC-DTI|decided)'
sqlite3 d.sqlite "SELECT version, origin FROM policies ORDER BY version;
  SELECT DISTINCT policy_version FROM decisions;
  SELECT status, command FROM audit WHERE command LIKE 'policy import strict%'"
$RISKDESK --db d.sqlite -c 'policy export p2.json' > /dev/null
diff p.json p2.json; echo "diff: exit $?"
