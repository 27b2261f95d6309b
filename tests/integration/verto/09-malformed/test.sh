#!/usr/bin/env bash
# Malformed SIP toward a PaaS user gets 4xx, never 5xx: every message of the
# RFC 4475 corpus (tests/corpus/rfc4475), aimed at sip:1008@cc.example from
# 127.0.0.1 (a contact-center peer), as it is and as an INVITE; Kamailio
# stays up. Run inside a private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/09-malformed/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/09-malformed
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
# every INVITE of the corpus rings the same user: no per-user ring cap here
VERTO_KAM_EXTRA=(-A "IWG_VERTO_RING_PER_USER=100000")
. "$top/tests/integration/verto/lib.sh"

verto_stack_start verto-09-malformed || exit 1
verto_node "$here/malformed.mjs" "$top/tests/corpus/rfc4475" 5060
n500=$(grep -c 'cannot create the dialog' "$IWG_LOGDIR/kamailio.log")
tap_eq "no dialog of a malformed INVITE failed inside iwg_verto (kamailio.log)" 0 "$n500"
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
tap_done
