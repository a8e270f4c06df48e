# No reference: a database loaded but not recomputed (the generated sample without drift,
# fixture drift_gen), then recomputed from the prompt.
gen=$(fixture drift_gen) || { current=drift-none; bad "cannot generate the sample"; }
"$rd" --db "$work/noref.db" -c "load $gen/drift-a" >/dev/null
TUI_DB=$work/noref.db start drift-none 80 24
expect "C0001" "opens on profiles not computed yet"
keys d
expect "no drift reference yet: 'drift baseline' or 'recompute all'" "d shows the hint"
expect "rules@1 has no reference yet" "and the reason"
keys j k Enter G
expect "no drift reference yet" "keys do not crash it"
keys : 'recompute all' Enter
expect "0 of 17 features drifted significantly" "the first recompute all sets the reference"
keys q
expect "exited 0" "quits"

# An empty database: the hint too.
"$rd" --db "$work/empty.db" -c 'models' >/dev/null
TUI_DB=$work/empty.db start drift-empty 40 12
keys d
expect "no drift reference yet" "an empty database shows the hint"
keys j Enter q
expect "exited 0" "quits"
