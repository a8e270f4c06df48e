# External sources and `refresh stale` (issue 13, item 5). Sources that answer, fail (exit
# 1), print malformed JSON, print two objects, print too much, hang past their timeout
# (SIGTERM ignored: SIGKILL, children too), or wait until Ctrl-C; a key with shell
# metacharacters reaches the program as one argument and no shell reads it; at most --jobs
# calls run at once; the database's descriptors do not reach a call. Every failure leaves
# its record as it was (plain sqlite3), every call is an attempt, the run and the audit say
# what happened.
mkdir src x
cat > src/ok.sh <<'EOF'
#!/bin/sh
printf '{"key": "%s", "fresh": true}\n' "$1"
EOF
cat > src/fail.sh <<'EOF'
#!/bin/sh
printf 'tax office: no taxpayer %s\n' "$1" >&2
exit 1
EOF
cat > src/malformed.sh <<'EOF'
#!/bin/sh
printf '{"declared_income": '
EOF
cat > src/twice.sh <<'EOF'
#!/bin/sh
echo '{"a": 1}'
echo '{"b": 2}'
EOF
cat > src/big.sh <<'EOF'
#!/bin/sh
yes '{"a": 1}' | head -c 3000000
EOF
cat > src/hang.sh <<'EOF'
#!/bin/sh
trap '' TERM
sleep 61 &
echo "$$ $!" > hang.pids
wait
EOF
cat > src/argv.sh <<'EOF'
#!/bin/sh
# one write per line: the fetches run side by side (--jobs) and append to one file
line=$(printf 'argc %s:' "$#"; printf ' [%s]' "$@")
printf '%s\n' "$line" >> args.log
echo '{"argv": "logged"}'
EOF
cat > src/fds.sh <<'EOF'
#!/bin/sh
n=0
for f in /proc/$$/fd/*; do
	case $(readlink "$f") in *d.sqlite*) n=$((n + 1)) ;; esac
done
printf '{"database_descriptors": %d}\n' "$n"
EOF
cat > src/par.sh <<'EOF'
#!/bin/sh
# Logs its start and end; the first three wait (up to 10 s) until three have started, so
# that those three overlap whenever the pool runs three at once.
echo "start $1" >> par.log
i=0
while [ "$(grep -c start par.log)" -lt 3 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
echo "end $1" >> par.log
printf '{"key": "%s"}\n' "$1"
EOF
cat > src/slow.sh <<'EOF'
#!/bin/sh
sleep 62 &
echo "$$ $!" > slow.pids
wait
EOF
chmod +x src/*.sh

printf '%s\n' 'id,name' 'C1,Ada' > customers.csv
old='"fetched_at": "2020-01-01T00:00:00Z"'
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
{
	for r in ok:k1 ok:k2 fail:f1 malformed:m1 twice:t1 big:b1 hang:h1 fds:d1 slow:s1 \
		par:p1 par:p2 par:p3 par:p4 par:p5 par:p6 par:p7 nosource:n1; do
		printf '{"source": "%s", "key": "%s", "customer_id": "C1", "payload": {"old": true}, %s}\n' \
			"${r%%:*}" "${r#*:}" "$old"
	done
	printf '{"source": "ok", "key": "k3", "customer_id": "C1", "payload": {"old": true}, "fetched_at": "%s"}\n' "$now"
} > records.ndjson
cat >> records.ndjson <<'EOF'
{"source": "argv", "key": "; rm -rf x", "customer_id": "C1", "payload": {"old": true}, "fetched_at": "2020-01-01"}
{"source": "argv", "key": "$(touch pwned)", "customer_id": "C1", "payload": {"old": true}, "fetched_at": "2020-01-01"}
{"source": "argv", "key": "a b  c", "customer_id": "C1", "payload": {"old": true}, "fetched_at": "2020-01-01"}
{"source": "argv", "key": "it's `touch pwned2` \"q\" \\ *", "customer_id": "C1", "payload": {"old": true}, "fetched_at": "2020-01-01"}
{"source": "argv", "key": "-rf", "customer_id": "C1", "payload": {"old": true}, "fetched_at": "2020-01-01"}
EOF
$RISKDESK --db d.sqlite -c 'load customers customers.csv' -c 'load external_records records.ndjson' |
	awk '{ print $1, $3, $4 }'

echo "--- sources: the command split once, run without a shell"
$RISKDESK --db d.sqlite - <<'EOF'
source add ok --command './src/ok.sh {key}' --ttl 30
source add fail --command './src/fail.sh {key}' --ttl 30
source add malformed --command './src/malformed.sh {key}' --ttl 30
source add twice --command './src/twice.sh {key}' --ttl 30
source add big --command './src/big.sh {key}' --ttl 30
source add hang --command './src/hang.sh {key}' --ttl 30 --timeout 0.5
source add argv --command "./src/argv.sh {key} '$HOME' 'a;b' id={key}" --ttl 30
source add fds --command './src/fds.sh {key}' --ttl 30
source add par --command './src/par.sh {key}' --ttl 30
source add slow --command './src/slow.sh {key}' --ttl 30 --timeout 300
source list
EOF
echo "exit $?"
echo "--- refused"
$RISKDESK --db d.sqlite -c "source add nokey --command './src/ok.sh' --ttl 30"; echo "exit $?"
$RISKDESK --db d.sqlite -c "source add prog --command '{key} x' --ttl 30"; echo "exit $?"
$RISKDESK --db d.sqlite -c "source add prog --command 'bin/{key}.sh {key}' --ttl 30"; echo "exit $?"
$RISKDESK --db d.sqlite -c "source add 'a b' --command './src/ok.sh {key}' --ttl 30"; echo "exit $?"
$RISKDESK --db d.sqlite -c "source add t --command './src/ok.sh {key}' --ttl 1.5"; echo "exit $?"
$RISKDESK --db d.sqlite -c "source add t --command './src/ok.sh {key}' --ttl 1 --timeout 0"; echo "exit $?"
$RISKDESK --db d.sqlite -c "source add t --command './src/ok.sh \"{key}' --ttl 1"; echo "exit $?"
$RISKDESK --db d.sqlite -c "source list --ttl 3"; echo "exit $?"
$RISKDESK --db d.sqlite -c "source remove nothing"; echo "exit $?"
$RISKDESK --db d.sqlite -c "refresh stale --source nothing"; echo "exit $?"
$RISKDESK --db d.sqlite -c "refresh stale --jobs 0"; echo "exit $?"
$RISKDESK --db d.sqlite -c "refresh all"; echo "exit $?"
$RISKDESK --db d.sqlite --read-only -c "refresh stale"; echo "exit $?"

alive() { # a process that runs (a zombie whose parent is gone does not: PID 1 may not reap)
	case $(ps -o stat= -p "$1" 2>/dev/null) in '' | Z*) return 1 ;; esac
}
records() { # every record but those of ok, argv, fds and par (which succeed)
	sqlite3 d.sqlite "SELECT source, key, payload, fetched_at FROM external_records
	  WHERE source NOT IN ('ok', 'argv', 'fds', 'par') ORDER BY source, key"
}
records > before.txt

echo "--- at most 3 at once"
$RISKDESK --db d.sqlite -c 'refresh stale --source par --jobs 3'; echo "exit $?"
awk '$1 == "start" { if (++n > max) max = n } $1 == "end" { n-- } END { print "most at once:", max }' par.log
sort par.log | awk '{ print $1 }' | uniq -c | awk '{ print $2, $1 }'

echo "--- Ctrl-C: the call running is killed and recorded cancelled"
$RISKDESK --db d.sqlite -c 'refresh stale --source slow' > cancel.out 2>&1 &
rd=$!
i=0
while [ ! -s slow.pids ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $rd
wait $rd
echo "exit $?"
cat cancel.out
for p in $(cat slow.pids); do alive "$p" && echo "process $p of the source is left"; done
echo "the source's processes are gone"
echo "--- remove: the records stay"
$RISKDESK --db d.sqlite -c 'source remove slow' -c 'source list' | awk '{ print $1 }'
sqlite3 d.sqlite "SELECT count(*) FROM external_records WHERE source = 'slow'"

echo "--- every stale record of the others"
$RISKDESK --db d.sqlite -c 'refresh stale'; echo "exit $?"
for p in $(cat hang.pids); do alive "$p" && echo "process $p of the source is left"; done
echo "the hanging source's processes are gone"

echo "--- failures changed nothing; successes replaced payload and fetched_at"
records > after.txt
cmp -s before.txt after.txt && echo "records of the failing sources: as they were"
sqlite3 d.sqlite "SELECT source, key, payload, fetched_at > '2021' FROM external_records
  WHERE source IN ('ok', 'fds', 'par') ORDER BY source, key"
echo "--- the key as one argument; no shell"
sort args.log
sqlite3 d.sqlite "SELECT count(*), min(payload) FROM external_records WHERE source = 'argv'"
[ -d x ] && echo "x is still there"
[ -e pwned ] || [ -e pwned2 ] || echo "nothing was touched"
echo "--- attempts"
sqlite3 d.sqlite "SELECT source, key, status, coalesce(message, '') FROM fetch_attempts
  ORDER BY source, key, id"
sqlite3 d.sqlite "SELECT count(*) FROM fetch_attempts WHERE run_id IS NULL OR seconds < 0
  OR started_at NOT LIKE '____-__-__T__:__:__Z'"
$RISKDESK --db d.sqlite -c 'source attempts fail' | awk '{ print $3, $4, $5 }'
echo "--- again with --ttl 0: even the fresh record"
$RISKDESK --db d.sqlite -c 'refresh stale --source ok --ttl 0'; echo "exit $?"
echo "--- runs and audit"
sqlite3 d.sqlite "SELECT kind, status, rows, coalesce(message, '') FROM runs
  WHERE kind IN ('refresh', 'source add', 'source remove') ORDER BY id"
sqlite3 d.sqlite "SELECT status, command FROM audit WHERE command LIKE 'refresh%'
  OR command LIKE 'source remove%' ORDER BY id"
