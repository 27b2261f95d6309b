#!/usr/bin/env bash
# Churn against one node of the gateway preset (kamcfg/gateway as shipped:
# digest, its own per-source limits): a warm-up wave, then CHURN_WAVES
# waves of CHURN_CLIENTS SIP-over-WebSocket clients that connect, register,
# one in 20 in a call through rtpengine, and drop without a WebSocket
# close, an un-REGISTER or a BYE (churn.mjs). Afterwards no WebSocket or
# TCP connection, contact, dialog, transaction or rtpengine call may be
# left, and Kamailio's shared and private memory (core.shmmem, pkg.stats)
# must be back near the baseline taken after the warm-up.
#
# The memory bounds (churn.mjs CHURN_SHM_PCT, CHURN_PKG_PCT): 2 % of shm
# used, about 120 KiB of a ~6 MB baseline, that is 24 bytes per client of
# the 5,000 (an open WebSocket connection alone holds about 84 KiB of shm,
# 134 KiB over wss); and 2 % of each process's pkg used, about 26 KiB of
# ~1.3 MB, some 20 bytes per client a TCP reader served. A leak of one
# small object per client or per call exceeds them; what measured runs
# leave (0.2 to 0.4 % of shm, a few bytes of pkg) stays well under.
# Run inside a private network namespace (tests/run.sh).
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/ha/03-churn
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"

: "${CHURN_WAVES:=5}" "${CHURN_CLIENTS:=1000}" "${CHURN_WARMUP:=$CHURN_CLIENTS}"
export CHURN_WAVES CHURN_CLIENTS CHURN_WARMUP
# the clients' sockets (Kamailio's limit is its own: tcp_max_connections)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

stack_init ha-03-churn
if ! stack_start; then
	tap_fail "gateway stack starts" "see $IWG_LOGDIR (kamailio.log, kamailio-check.log)"
	exit 1
fi
# a digest user for every client
users=$((CHURN_WARMUP + CHURN_WAVES * CHURN_CLIENTS))
if node "$here/churn.mjs" sql 0 "$users" "$IWG_TEST_PASSWORD" "$IWG_DOMAIN" |
	sqlite3 "$IWG_DB" 2>"$IWG_LOGDIR/users.log"; then
	tap_ok "$users digest users added"
else
	tap_fail "$users digest users added" "sqlite3 failed: $(tail -3 "$IWG_LOGDIR/users.log")"
	exit 1
fi

out=$IWG_LOGDIR/churn-tap.txt
node "$here/churn.mjs" run "$_tap_n" >"$out" 2>"$IWG_LOGDIR/churn-node.log"
rc=$?
cat "$out"
_tap_n=$((_tap_n + $(grep -cE '^(ok|not ok) ' "$out")))
_tap_failed=$((_tap_failed + $(grep -c '^not ok ' "$out")))
if [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$out"; then
	tap_fail "churn.mjs ran" "node exited $rc; see $IWG_LOGDIR/churn-node.log"
fi
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
echo "# logs: $IWG_LOGDIR"
tap_done
