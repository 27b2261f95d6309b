# shellcheck shell=bash
# Shared start of the iwg-probe benchmarks (source it first, with "$0" "$@"):
# re-runs the calling script in a private network namespace (only lo, as
# root), sources the stack helpers, raises the open-file limit and makes
# $IWG_BUILD/bench. Sets top.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
export IWG_TOP=$top IWG_BUILD=${IWG_BUILD:-$top/build}
if [ -z "${IWG_IN_NETNS:-}" ]; then
	exec unshare --net -- env IWG_IN_NETNS=1 "$@"
fi
ip link set lo up
. "$top/tests/lib/stack.sh"
ulimit -n 65536 2>/dev/null || ulimit -n 8192
mkdir -p "$IWG_BUILD/bench"
