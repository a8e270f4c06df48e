# The default screen at 120x40, moving, paging
start browse 120 40
expect "Customers" "opens on the customer list"
expect "C0001" "first customer listed"
expect "Activity of C0001" "activity follows the selection"
golden first_screen_120x40
keys j j
expect "Activity of C0003" "j moves the selection"
keys G
expect "Activity of C2000" "G jumps to the last customer"
keys g
expect "Activity of C0001" "g goes back to the first"
keys NPage
expect_not " C0001 " "PgDn pages"
keys PPage
expect " C0001 " "PgUp pages back"

# --- the mouse (SGR reports, as xterm sends them): click selects, the wheel scrolls
keys -l $'\e[<0;11;5M'
keys -l $'\e[<0;11;5m'
expect "Activity of C0003" "a click selects the row under it"
keys -l $'\e[<65;11;5M'
expect_not " C0001 " "the wheel scrolls the list"
keys g

# --- search, filter, sort
keys / C05 Enter
expect "Activity of C0500" "/ finds by id prefix"
keys / C12
expect "Activity of C1200" "search is incremental, before Enter"
keys Escape
keys f band=E Enter
expect "where band=E" "f filters with the where language"
expect "Activity of C0007" "the filtered list starts at the first band E customer"
keys f C-u Enter # the prompt starts with the filter: emptied, it clears
expect_not "where band=E" "an empty filter clears it"
keys s
expect "sort name" "s changes the sort"
keys s
expect "sort score" "s again sorts by score"
expect "Activity of C0010" "the lowest score comes first"

# --- recompute the selected customer: new history row, profile shown
before=$(sqlite3 "$work/browse.db" "SELECT count(*) FROM score_history WHERE customer_id = 'C0010'")
keys r
expect "recompute: done" "r recomputes the selected customer"
after=$(sqlite3 "$work/browse.db" "SELECT count(*) FROM score_history WHERE customer_id = 'C0010'")
if [ "$after" -eq $((before + 1)) ]; then ok "history grew by one"; else bad "history $before -> $after"; fi
expect "history " "the profile shows a score-history sparkline"

# --- the prompt: completion and commands
keys : rec Tab
expect ":recompute" "Tab completes a command"
keys C-u "show C005" Tab Tab
expect "C0050" "Tab lists customer ids"
keys C-u "show C0042" Enter
expect "C0042" "show selects a customer"
keys : "theme dark" Enter
expect "theme dark" "theme switches"
keys : "theme nope" Enter
expect "not found" "an unknown theme is an error in the status line"
keys : "frob" Enter
expect "unknown command 'frob'" "unknown commands show in the status line"
keys '?'
expect "Keys" "? shows the keys"
# The Requests pane's keys (issue 13) pushed the commands below the first page.
keys NPage
expect "rescore one customer" "? lists the commands from the table"
keys q
keys l
expect "Runs" "l shows the log"
keys m
expect "champion" "m shows the model registry"
keys Escape
keys q
expect "exited 0" "q quits with status 0"
expect_not "customers  sort" "the terminal is restored (the console's screen is gone)"
