#!/usr/bin/env bash
# PSTN through carrier trunks (kamcfg/edge/pstn.cfg, WITH_PSTN, WITH_STIR):
# registration with digest, calls out with failover, E.164, the caller's
# DID, STIR/SHAKEN signing and verification, calls in to a DID (pstn.mjs).
# Run inside a private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/14-pstn/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/14-pstn
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

# the keys: iwg signs with iwg-key.pem, the carrier with carrier-key.pem
keys=$IWG_BUILD/test-runs/verto-14-pstn-keys
verto_stir_keys "$keys" || { tap_done; exit 1; }

verto_pstn_extra "$keys"
VERTO_KAM_EXTRA=("${VERTO_PSTN_EXTRA[@]}")
verto_stack_start verto-14-pstn || exit 1
verto_provision 2009@cc.example sip:2009@cc.example 1234 "display_name=Caller Two" did=+33123456789 || exit 1

verto_trunk_register

verto_node "$here/pstn.mjs" "$VERTO_URL" "$top/tests/integration/verto/sipp" "$keys"
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
tap_done
