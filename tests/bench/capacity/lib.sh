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
. "$top/scripts/stack.sh"
ulimit -S -n "$(ulimit -H -n)" 2>/dev/null
mkdir -p "$IWG_BUILD/bench"

# cap_cfg DIR IP RPC_PORT [LINE...]: DIR/kamailio.cfg, the gateway preset
# as a node at IP (its own copy of kamcfg/gateway/site.cfg with IWG_SIP_IP
# and IWG_WS_IP set to IP and JSON-RPC on RPC_PORT), with the core settings
# LINEs (e.g. tcp_max_connections=16384) before the shared edge routing
cap_cfg() {
	local d=$1 ip=$2 rpc=$3
	shift 3
	mkdir -p "$d" || return 1
	sed -E -e "s/^(#!substdef \"!IWG_(SIP|WS)_IP!)127\.0\.0\.1!g\"$/\1$ip!g\"/" \
		-e "s/^(#!substdef \"!IWG_RPC_PORT!)5065!g\"$/\1$rpc!g\"/" \
		"$top/kamcfg/gateway/site.cfg" >"$d/site.cfg" || return 1
	# all three substitutions must have happened (site.cfg format changed?)
	[ "$(grep -cE "^#!substdef \"!IWG_(SIP_IP|WS_IP|RPC_PORT)!($ip|$rpc)!g\"$" "$d/site.cfg")" = 3 ] \
		|| { echo "cap_cfg: site.cfg has no IWG_SIP_IP/IWG_WS_IP/IWG_RPC_PORT substdef to set" >&2; return 1; }
	{
		echo '#!KAMAILIO'
		echo "include_file \"$d/site.cfg\""
		printf '%s\n' "$@"
		echo "include_file \"$top/kamcfg/edge/edge.cfg\""
	} >"$d/kamailio.cfg"
}

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

