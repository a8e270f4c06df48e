# Personal data: no filter reads email or phone while they are masked, and they show
# only once the audit row of `set pii on` is committed
start pii 120 40
expect "a***@post.example.net" "the profile shows the email masked"
keys f 'email ~ "a.lehmann86@"' Enter
expect "email is personal data" "f refuses a filter on email while pii is off"
expect_not "where email" "the list stays unfiltered"
keys : 'set pii on' Enter
expect "a.lehmann86@post.example.net" "set pii on shows the email"
keys f 'email ~ "a.lehmann86@"' Enter
expect "where email" "with pii on the filter runs"
keys : 'set pii off' Enter
expect "a***@post.example.net" "set pii off masks it again"
keys G
expect "the filter reads email or phone" "the filter stops once pii is off"
keys f C-u Enter # the prompt starts with the filter: emptied, it clears
expect "Activity of C0001" "cleared, the list is back"
rows=$(sqlite3 "$work/pii.db" "SELECT group_concat(command || ':' || detail, ',') FROM audit WHERE command LIKE 'set pii%'")
case "$rows" in
"set pii on:pii shown; session "*",set pii off:pii masked; session "*) ok "both audited, with the session" ;;
*) bad "audit: $rows" ;;
esac
keys q
expect "exited 0" "quits"

start pii-ro 120 40 --read-only
expect "C0001" "opens read-only"
keys : 'set pii on' Enter
expect "set pii on: refused" "read-only, set pii on is refused"
expect_not "a.lehmann86@post.example.net" "the email stays masked"
keys q
expect "exited 0" "quits"

# Another process holds the write lock until pii-lock.release appears.
start pii-lock 120 40
expect "C0001" "opens"
python3 -c '
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2] + ".ready", "w").close()
for _ in range(3000):
    if os.path.exists(sys.argv[2] + ".release"):
        break
    time.sleep(0.02)
db.execute("ROLLBACK")
' "$work/pii-lock.db" "$work/pii-lock" &
holder=$!
for i in $(seq 1 500); do [ -e "$work/pii-lock.ready" ] && break; sleep 0.02; done
keys : 'set pii on' Enter
expect "set pii on: refused" "with the write lock held elsewhere, set pii on is refused"
expect_not "a.lehmann86@post.example.net" "the email stays masked"
touch "$work/pii-lock.release"
wait "$holder"
n=$(sqlite3 "$work/pii-lock.db" "SELECT count(*) FROM audit WHERE command LIKE 'set pii%'")
[ "$n" = 0 ] && ok "no audit row, nothing shown" || bad "audit rows: $n"
keys q
expect "exited 0" "quits"
