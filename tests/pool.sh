# pool JOBS FUNCTION ITEM...: FUNCTION ITEM for every item, JOBS at a time (at least 1);
# returns once all are done. Sourced by the batch and console runners.
pool() {
	local jobs=$1 fn=$2 item
	shift 2
	[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
	for item in "$@"; do
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
		"$fn" "$item" &
	done
	wait
}

# longest_first "NAME..." ITEM...: the items into the array `ordered`, those whose base name
# is in the list first (in its order), then the rest in theirs: a pool then does not end
# on one long job alone.
longest_first() {
	local longest=" $1 " name item
	shift
	ordered=()
	for name in $longest; do
		for item in "$@"; do [ "${item##*/}" = "$name" ] && ordered+=("$item"); done
	done
	for item in "$@"; do [[ $longest == *" ${item##*/} "* ]] || ordered+=("$item"); done
}
