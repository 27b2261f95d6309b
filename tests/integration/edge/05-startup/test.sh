#!/usr/bin/env bash
# Start-up policy of the access edge: a placeholder or short secret stops
# Kamailio with the setting named (IWG_RPC_KEY, IWG_AUTH_SECRET,
# IWG_FLOW_KEY), two authentication methods stop it at parse time, a
# WITH_CLUSTER without a list of node addresses or in a preset without
# WITH_REGISTRAR stops it with the setting or switch named, open
# access starts with a warning and says so over RPC, and JSON-RPC without
# the key gets 403. Inside the private network namespace of tests/run.sh.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
stack_init edge-startup
stack_tls_cert && stack_db || { tap_fail "run directory" "see $IWG_LOGDIR"; tap_done; exit 1; }

# refused DESC CFG PATTERN DEFINE...: kamailio with CFG and the DEFINEs
# (after this run's own) exits non-zero and its log matches PATTERN
refused() {
	local desc=$1 cfg=$2 pattern=$3 log rc
	shift 3
	log=$IWG_LOGDIR/refused-$_tap_n.log
	IWG_CFG=$top/kamcfg/$cfg/kamailio.cfg IWG_KAM_EXTRA=()
	for d in "$@"; do IWG_KAM_EXTRA+=(-A "$d"); done
	stack_kamailio_args
	stack_kamailio_exit "$log" 20 "${IWG_KAM_ARGS[@]}"
	rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q -- "$pattern" "$log"; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "exit $rc, want non-zero and '$pattern' in $log: $(grep -E 'ERROR|CRIT' "$log" | head -3)"
	fi
}

refused "a placeholder IWG_RPC_KEY stops start-up, naming it" gateway \
	"modparam 'rpc_key' (IWG_RPC_KEY in site.cfg) is a placeholder" 'IWG_RPC_KEY="change-me"'
refused "a short IWG_RPC_KEY stops start-up, naming it" gateway \
	"modparam 'rpc_key' (IWG_RPC_KEY in site.cfg) is 16 characters long" 'IWG_RPC_KEY="0123456789abcdef"'
refused "the shipped IWG_AUTH_SECRET stops time-limited credentials, naming it" gateway \
	"modparam 'auth_secret' (IWG_AUTH_SECRET in site.cfg) is a placeholder" \
	WITH_AUTH_EPHEMERAL 'IWG_AUTH_SECRET="change-me"'
refused "the shipped IWG_FLOW_KEY stops the ims preset, naming it" ims \
	"modparam 'flow_key' (IWG_FLOW_KEY in site.cfg) is a placeholder" \
	'IWG_FLOW_KEY="change-me"' "IWG_MEDIA_PROFILES=\"$top/rtpengine-ext/profiles/ims-profiles.conf\""
refused "two authentication methods stop start-up, naming the switches" gateway \
	"ERROR-site.cfg-sets-more-than-one-of-WITH_AUTH_TOKEN-WITH_AUTH_DIGEST" WITH_AUTH_EPHEMERAL WITH_AUTH_TOKEN
refused "WITH_CLUSTER without IWG_CLUSTER_NODES stops start-up, naming it" gateway \
	"modparam 'cluster_nodes' (IWG_CLUSTER_NODES in site.cfg" WITH_CLUSTER 'IWG_CLUSTER_PEER="sip:127.0.0.2:5060;transport=tcp"'
refused "a cluster node that is not an address stops start-up, naming it" gateway \
	"'node-b.example' is not an address or CIDR" WITH_CLUSTER \
	'IWG_CLUSTER_NODES="127.0.0.1/32,node-b.example"' 'IWG_CLUSTER_PEER="sip:127.0.0.2:5060;transport=tcp"'
refused "a cluster node list wider than /16 stops start-up, naming it" gateway \
	"'0.0.0.0/0' is too wide a network" WITH_CLUSTER \
	'IWG_CLUSTER_NODES="127.0.0.1/32,0.0.0.0/0"' 'IWG_CLUSTER_PEER="sip:127.0.0.2:5060;transport=tcp"'
refused "a cluster peer that is not TCP stops start-up, naming it" gateway \
	"modparam 'cluster_peer' (IWG_CLUSTER_PEER in site.cfg" WITH_CLUSTER \
	'IWG_CLUSTER_NODES="127.0.0.1/32,127.0.0.2/32"' 'IWG_CLUSTER_PEER="sip:127.0.0.2:5060"'
refused "WITH_CLUSTER in a preset without WITH_REGISTRAR stops start-up, naming it" ims \
	"WITH_CLUSTER-needs-WITH_REGISTRAR" WITH_CLUSTER \
	"IWG_MEDIA_PROFILES=\"$top/rtpengine-ext/profiles/ims-profiles.conf\""

# open access: starts, warns, says so
IWG_CFG=$top/kamcfg/gateway/kamailio.cfg IWG_KAM_EXTRA=(-A WITH_OPEN_ACCESS)
if stack_start_redis && stack_start_rtpengine && stack_start_kamailio; then
	tap_ok "the gateway starts with WITH_OPEN_ACCESS"
	if grep -q "OPEN ACCESS: browsers are not authenticated" "$IWG_LOGDIR/kamailio.log"; then
		tap_ok "open access logs a warning at start"
	else
		tap_fail "open access logs a warning at start" "not in $IWG_LOGDIR/kamailio.log"
	fi
	info=$($IWG_KAMCMD edge.info 2>&1)
	if grep -q "auth: open" <<<"$info" && grep -q "open: 1" <<<"$info" && grep -q "preset: gateway" <<<"$info"; then
		tap_ok "edge.info: preset gateway, auth open, open 1"
	else
		tap_fail "edge.info: preset gateway, auth open, open 1" "got: $info"
	fi
	rpc='{"jsonrpc":"2.0","method":"core.uptime","id":1}'
	code=$(curl -s -o "$IWG_LOGDIR/rpc-nokey.json" -w '%{http_code}' --data-binary "$rpc" http://127.0.0.1:5065/RPC)
	if [ "$code" = 403 ] && jq -e '.error == "forbidden"' "$IWG_LOGDIR/rpc-nokey.json" >/dev/null 2>&1; then
		tap_ok "JSON-RPC without X-IWG-RPC-Key: 403 with a JSON body"
	else
		tap_fail "JSON-RPC without X-IWG-RPC-Key: 403 with a JSON body" "HTTP $code: $(cat "$IWG_LOGDIR/rpc-nokey.json")"
	fi
	code=$(curl -s -o "$IWG_LOGDIR/rpc-badkey.json" -w '%{http_code}' -H "X-IWG-RPC-Key: ${IWG_RPC_KEY}x" \
		--data-binary "$rpc" http://127.0.0.1:5065/RPC)
	tap_eq "JSON-RPC with a wrong key: 403" 403 "$code"
	code=$(curl -s -o "$IWG_LOGDIR/rpc-key.json" -w '%{http_code}' -H "X-IWG-RPC-Key: $IWG_RPC_KEY" \
		--data-binary "$rpc" http://127.0.0.1:5065/RPC)
	if [ "$code" = 200 ] && jq -e '.result.uptime >= 0' "$IWG_LOGDIR/rpc-key.json" >/dev/null 2>&1; then
		tap_ok "JSON-RPC with the key answers"
	else
		tap_fail "JSON-RPC with the key answers" "HTTP $code: $(cat "$IWG_LOGDIR/rpc-key.json")"
	fi
else
	tap_fail "the gateway starts with WITH_OPEN_ACCESS" "see $IWG_LOGDIR/kamailio.log"
fi
tap_done
