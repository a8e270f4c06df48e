#!/bin/sh
# Writes PAGE to standard output with the lines between its markers
#   .\" BEGIN COMMANDS …   and   .\" END COMMANDS
# replaced by SECTION (tools/mancmds' output). `make man` and `make check-man` use it.
# usage: tools/mansplice.sh PAGE SECTION
set -eu
page=$1
section=$2
[ "$(grep -c '^\.\\" BEGIN COMMANDS' "$page")" = 1 ] && [ "$(grep -c '^\.\\" END COMMANDS' "$page")" = 1 ] || {
	echo "mansplice: $page needs one '.\\\" BEGIN COMMANDS' and one '.\\\" END COMMANDS' line" >&2
	exit 1
}
awk -v section="$section" '
	/^\.\\" END COMMANDS/ { skip = 0 }
	!skip { print }
	/^\.\\" BEGIN COMMANDS/ { while ((getline l < section) > 0) print l; skip = 1 }
' "$page"
