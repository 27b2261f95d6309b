# shellcheck shell=bash
# Start and helpers of the capacity benchmarks: source it first, with
# "$0" "$@". It re-runs the calling script in a private network namespace
# (only lo, as root), sources the stack helpers, raises the open-file limit
# to the hard limit (bash's `ulimit -n N` would lower the hard limit too,
# when N is refused) and makes $IWG_BUILD/bench. Sets top and here.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
here=$top/tests/bench/capacity
export IWG_TOP=$top IWG_BUILD=${IWG_BUILD:-$top/build}
[ -n "${IWG_IN_NETNS:-}" ] || exec unshare --net -- env IWG_IN_NETNS=1 "$@"
ip link set lo up
. "$top/tests/lib/stack.sh"
ulimit -S -n "$(ulimit -H -n)" 2>/dev/null
mkdir -p "$IWG_BUILD/bench"

# tree_ticks PID...: user+system clock ticks of each PID and its children
# (a Kamailio instance: main process and every worker), summed
tree_ticks() {
	local s=0 f st p
	for f in /proc/[0-9]*/stat; do
		{ read -r -a st <"$f"; } 2>/dev/null || continue
		for p in "$@"; do
			# field 4 is the parent pid (no blanks in these processes' comm)
			if [ "${st[0]}" = "$p" ] || [ "${st[3]}" = "$p" ]; then
				s=$((s + st[13] + st[14]))
				break
			fi
		done
	done
	echo "$s"
}

