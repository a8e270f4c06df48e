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
