# Every file riskdesk writes is written whole or not at all: to a hidden temporary beside
# the target, synced, then renamed over it. Under a file-size limit the old file stays
# byte for byte and the message gives the cause; kill -9 during a load leaves the previous
# rejects file as it was; a killed writer's leftover goes at the next write to its
# target; new files are 0600, also over a 0644 one; gen does not overwrite a dataset
# without --force.
temps() { ls -A "${1:-.}" | grep -c 'tmp'; }
same() { cmp -s "$1" "$2" && echo "$1: unchanged" || echo "$1: replaced"; }
$RISKDESK -c 'gen data --customers 2000 --seed 1' >/dev/null
$RISKDESK --db db.sqlite -c 'load data' -c 'recompute all' -c 'train m --algo logit' >/dev/null
$RISKDESK --db db.sqlite -c 'model export m m.json' -c 'export profiles p.csv' \
	-c 'export customers c.ndjson' -c 'rules export r.json' >/dev/null
chmod 644 m.json p.csv c.ndjson r.json
cp m.json m.orig; cp p.csv p.orig; cp c.ndjson c.orig

echo "--- over a good file, under a 64 KiB file-size limit"
(ulimit -f 64; $RISKDESK --db db.sqlite -c 'model export m m.json'); echo "exit $?"
(ulimit -f 64; $RISKDESK --db db.sqlite -c 'export profiles p.csv'); echo "exit $?"
(ulimit -f 64; $RISKDESK --db db.sqlite -c 'export customers c.ndjson'); echo "exit $?"
same m.json m.orig; same p.csv p.orig; same c.ndjson c.orig
echo "temporaries: $(temps)"

echo "--- new files are 0600, also over a 0644 file"
$RISKDESK --db db.sqlite -c 'model export m m.json' -c 'export profiles p.csv' \
	-c 'export customers c.ndjson' -c 'rules export r.json'
stat -c '%a %n' m.json p.csv c.ndjson r.json
same m.json m.orig

echo "--- a leftover of a killed writer goes at the next write to its target"
(exit 0) & dead=$!; wait $dead
touch ".p.csv.riskdesk-tmp.$dead.Ab12Cd" ".m.json.riskdesk-tmp.$dead.Ab12Cd"
$RISKDESK --db db.sqlite -c 'export profiles p.csv' >/dev/null
echo "left after export p.csv: $(ls -A | grep 'riskdesk-tmp' | sed "s/$dead/DEAD/")"
$RISKDESK --db db.sqlite -c 'model export m m.json' >/dev/null
echo "left after model export m.json: $(ls -A | grep -c 'riskdesk-tmp')"

echo "--- targets that are not files are refused"
mkdir adir.csv; mkfifo pipe.csv
$RISKDESK --db db.sqlite -c 'export profiles adir.csv'; echo "exit $?"
$RISKDESK --db db.sqlite -c 'export profiles pipe.csv'; echo "exit $?"
$RISKDESK --db db.sqlite -c 'model export m adir.csv'; echo "exit $?"
$RISKDESK --db db.sqlite -c 'rules export pipe.csv'; echo "exit $?"
[ -p pipe.csv ] && [ -d adir.csv ] && echo "both still there"

echo "--- kill -9 during load --skip-bad keeps the previous rejects file"
$RISKDESK -c 'gen big --customers 10000 --seed 3' >/dev/null
$RISKDESK --db db.sqlite -c 'load customers big/customers.csv' >/dev/null
# the previous report: a small orders.csv with two bad rows
head -50 big/orders.csv | awk -F, 'NR == 10 || NR == 20 { $3 = "bad" } 1' OFS=, >orders.csv
$RISKDESK --db db.sqlite -c 'load orders orders.csv --skip-bad' | tail -1
chmod 644 orders.csv.rejects.csv
cp orders.csv.rejects.csv rejects.orig
# now a big one with every 20th row bad, killed once its rejects are being written
awk -F, 'NR > 1 && NR % 20 == 0 { $3 = "bad" } 1' OFS=, big/orders.csv >orders.csv
size=$(stat -c %s rejects.orig)
$RISKDESK --db db.sqlite -c 'load orders orders.csv --skip-bad' >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 3000); do
	[ "$(stat -c %s orders.csv.rejects.csv)" != "$size" ] && break # written in place
	[ -n "$(find . -maxdepth 1 -name '.orders.csv.rejects.csv.riskdesk-tmp.*' -size +0)" ] && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.01
done
# One redirection for both: bash may report the kill ("Killed") at either step.
{ kill -9 $pid; wait $pid; } 2>/dev/null
echo "load status $? (137: killed)"
same orders.csv.rejects.csv rejects.orig
stat -c '%a %n' orders.csv.rejects.csv
echo "temporaries after the kill: $(temps)"
$RISKDESK --db db.sqlite -c 'load orders orders.csv --skip-bad' 2>/dev/null | tail -1
same orders.csv.rejects.csv rejects.orig
echo "rejects rows: $(($(wc -l <orders.csv.rejects.csv) - 1))"
stat -c '%a %n' orders.csv.rejects.csv
echo "temporaries: $(temps)"

echo "--- gen refuses a directory holding a dataset, unless --force"
cp -rp data data.orig
$RISKDESK -c 'gen data --customers 50 --seed 2'; echo "exit $?"
diff -r data data.orig >/dev/null && echo "data unchanged"
mkdir part; echo x >part/orders.csv
$RISKDESK -c 'gen part --customers 50'; echo "exit $?"
$RISKDESK -c 'gen data --customers 50 --seed 2 --force' >/dev/null; echo "exit $?"
wc -l <data/customers.csv
stat -c '%a %n' data/*.csv
echo "temporaries: $(temps data)"
