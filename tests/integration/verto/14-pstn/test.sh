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
. "$top/scripts/stack.sh"
. "$top/tests/integration/verto/lib.sh"

# the keys: iwg signs with iwg-key.pem, the carrier with carrier-key.pem
keys=$IWG_BUILD/test-runs/verto-14-pstn-keys
mkdir -p "$keys"
for k in iwg carrier; do
	openssl ecparam -name prime256v1 -genkey -noout -out "$keys/$k-key.pem" 2>/dev/null &&
		openssl ec -in "$keys/$k-key.pem" -pubout -out "$keys/$k-pub.pem" 2>/dev/null ||
		{ tap_fail "P-256 keys made" "openssl failed"; tap_done; exit 1; }
done

VERTO_KAM_EXTRA=(-A WITH_PSTN -A WITH_STIR
	-A "IWG_CC_LIST=\"$here/cc.list\"" -A "IWG_CC_RULES=\"$here/cc-routing.rules\""
	-A IWG_CC_ALG=8 -A IWG_CC_FAILOVER_TIMEOUT=2
	-A 'IWG_PSTN_COUNTRY="FR"' -A IWG_PSTN_REG_TIMER=1 -A IWG_PSTN_REG_RETRY=1
	-A "IWG_STIR_KEY=\"$keys/iwg-key.pem\"" -A 'IWG_STIR_X5U="https://cert.iwg.test/iwg.pem"'
	-A "IWG_STIR_VERIFY_KEY=\"$keys/carrier-pub.pem\"" -A 'IWG_STIR_INBOUND="reject"')
verto_stack_start verto-14-pstn || exit 1
verto_provision 2009@cc.example sip:2009@cc.example 1234 "display_name=Caller Two" did=+33123456789 || exit 1

# the trunk account: the carrier's registrar challenges, then accepts
sipp -sf "$top/tests/integration/verto/sipp/pstn-register.xml" -i 127.0.0.1 -p 5098 -m 1 \
	-cp 8901 -nostdin -timeout 20 -timeout_error -trace_msg -trace_err \
	-message_file "$IWG_LOGDIR/sipp-register-messages.log" \
	-error_file "$IWG_LOGDIR/sipp-register-errors.log" >/dev/null 2>&1 &
reg=$!
sqlite3 "$IWG_DB" "INSERT INTO uacreg (l_uuid, l_username, l_domain, r_username, r_domain, realm,
	auth_username, auth_password, auth_proxy, expires) VALUES ('carrier-b', 'iwg', '127.0.0.1',
	'iwg-trunk', '127.0.0.1:5098', 'carrier.test', 'iwg-trunk', 'trunk-secret',
	'sip:127.0.0.1:5098', 3600);"
$IWG_KAMCMD uac.reg_reload >/dev/null
if wait "$reg"; then
	tap_ok "the trunk registers: 401 answered with the uacreg row's digest, 200"
else
	tap_fail "the trunk registers: 401 answered with the uacreg row's digest, 200" \
		"see $IWG_LOGDIR/sipp-register-*.log"
fi
# uac's flags: bit 4 (UAC_REG_ONLINE) set once the 200 came
reg_online() {
	local f
	f=$($IWG_KAMCMD uac.reg_info l_uuid carrier-b 2>/dev/null | awk '/flags:/ { print $2; exit }')
	[ -n "$f" ] && (( f & 4 ))
}
if wait_until 5 reg_online; then
	tap_ok "uac.reg_info shows the trunk registered"
else
	tap_fail "uac.reg_info shows the trunk registered" "$($IWG_KAMCMD uac.reg_info l_uuid carrier-b 2>&1)"
fi

verto_node "$here/pstn.mjs" "$VERTO_URL" "$top/tests/integration/verto/sipp" "$keys"
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
tap_done
