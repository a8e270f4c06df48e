#!/bin/sh
# Writes PAGE to standard output with the lines between its markers
#   .\" BEGIN NAME …   and   .\" END NAME
# replaced by SECTION (tools/mancmds' output for NAME). `make man` and `make check-man`
# use it, once for COMMANDS and once for KEYS.
# usage: tools/mansplice.sh PAGE NAME SECTION
set -eu
page=$1
name=$2
section=$3
[ "$(grep -c "^\.\\\\\" BEGIN $name\$" "$page")" = 1 ] && [ "$(grep -c "^\.\\\\\" END $name\$" "$page")" = 1 ] || {
	echo "mansplice: $page needs one '.\\\" BEGIN $name' and one '.\\\" END $name' line" >&2
	exit 1
}
awk -v section="$section" -v begin=".\\\\\" BEGIN $name" -v end=".\\\\\" END $name" '
	$0 == end { skip = 0 }
	!skip { print }
	$0 == begin { while ((getline l < section) > 0) print l; skip = 1 }
' "$page"
