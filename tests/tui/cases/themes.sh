# Themes and terminals: mono, 8 colours, NO_COLOR, a non-UTF-8 locale.
start mono 80 24 --theme mono
expect "C0001" "the mono theme works"
keys q
expect "exited 0" "quits"

TUI_TERM=xterm start eight 80 24 --theme dark
expect "C0001" "8 colours (TERM=xterm) with the dark theme"
keys : "theme light" Enter
expect "theme light" "switching themes on 8 colours"
keys q
expect "exited 0" "quits"

TUI_ENV=NO_COLOR=1 start nocolor 80 24
expect "C0001" "NO_COLOR starts in mono"
keys : "theme dark" Enter
expect "NO_COLOR is set" "NO_COLOR keeps mono"
keys q
expect "exited 0" "quits"

TUI_LANG=C start ascii 80 24
expect "C0001" "a non-UTF-8 locale works"
expect "#" "the gauge falls back to ASCII"
keys q
expect "exited 0" "quits"
