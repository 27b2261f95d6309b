#!/usr/bin/env bash
# iwg_verto WebSocket endpoint: the contact-center cfg with the full stack,
# raw Verto JSON-RPC frames from Chromium's WebSocket over ws (endpoint.mjs)
# and wss (wss.mjs); wss logins from Node after each of VERTO_RESTARTS (10)
# Kamailio restarts; Kamailio stops at start-up with an unusable wss
# certificate or key. Run inside a private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/01-endpoint/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/01-endpoint
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

wss_url=wss://127.0.0.1:8445/verto-ws
restarts=${VERTO_RESTARTS:-10}

# wss_login: one Verto login over wss from Node, the certificate verified
# against the run's self-signed one; prints the reason when it fails
wss_login() {
	NODE_EXTRA_CA_CERTS=$IWG_RUN/tls/cert.pem node --experimental-websocket \
		"$here/wss-login.mjs" "$wss_url" 2>>"$IWG_LOGDIR/wss-login-node.log"
}

# kam_restart NAME: stop the running Kamailio, start it again (log NAME.log)
# and wait for the wss listener
kam_restart() {
	stack_kill "$(cat "$IWG_RUN/$kam_name.pid")"
	kam_name=$1
	stack_spawn_kamailio "$kam_name" "unix:$IWG_RUN/kamailio_ctl" "${IWG_KAM_ARGS[@]}" \
		&& wait_until 10 tcp_open 127.0.0.1 8445
}

# kam_refuses LOG DEFINE...: Kamailio started with these extra -A defines
# must stop by itself within 20 s (iwg_verto's mod_init refuses the files;
# should the WebSocket process find them unusable after the fork, it exits
# and the main process shuts down with status 0)
kam_refuses() {
	local log=$1 rc d args=()
	shift
	for d in "$@"; do args+=(-A "$d"); done
	stack_kamailio_exit "$log" 20 "${IWG_KAM_ARGS[@]}" "${args[@]}"
	rc=$?
	[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] && return 0
	echo "kamailio was still running after 20 s (status $rc)"
	return 1
}

# check_login DESC LOG: a wss login from Node works
check_login() {
	local out
	out=$(wss_login)
	if [ -z "$out" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "$out (log: $2)"
		return 1
	fi
}

verto_stack_start verto-01-endpoint || exit 1
tap_ok "verto endpoint listens on ws 127.0.0.1:8082"
tap_check "verto endpoint listens on wss 127.0.0.1:8445 (contact-center default; log: $IWG_LOGDIR/kamailio.log)" \
	wait_until 10 tcp_open 127.0.0.1 8445
verto_node "$here/endpoint.mjs" "$VERTO_URL"
verto_node "$here/wss.mjs" "$wss_url"
tap_check "kamailio still running after the bad input (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
check_login "Node logs in over wss, the certificate verified" "$IWG_LOGDIR/kamailio.log"

# the certificate is loaded on every start: restart Kamailio and log in
kam_name=kamailio
t0=$SECONDS
for ((i = 1; i <= restarts; i++)); do
	if ! kam_restart kamailio-restart; then
		tap_fail "restart $i/$restarts: wss listener up" \
			"see $IWG_LOGDIR/kamailio-restart.log and kamailio-restart-check.log"
		break
	fi
	check_login "restart $i/$restarts: a wss login works" \
		"$IWG_LOGDIR/kamailio-restart.log" || break
done
echo "# $restarts restarts with wss logins in $((SECONDS - t0)) s"
stack_kill "$(cat "$IWG_RUN/$kam_name.pid")"

# an unusable certificate: Kamailio stops at start-up naming the file
missing=$IWG_RUN/tls/missing-cert.pem
log=$IWG_LOGDIR/kamailio-missing-cert.log
tap_check "a missing wss certificate stops Kamailio at start-up (log: $log)" \
	kam_refuses "$log" "IWG_VERTO_TLS_CERT=\"$missing\""
tap_check "the start-up error names the missing certificate file and the reason" \
	grep -q "wss certificate '$missing': No such file or directory" "$log"
bad=$IWG_RUN/tls/not-pem.pem
echo "not a certificate" >"$bad"
log=$IWG_LOGDIR/kamailio-bad-cert.log
tap_check "a certificate file that is not PEM stops Kamailio at start-up (log: $log)" \
	kam_refuses "$log" "IWG_VERTO_TLS_CERT=\"$bad\""
tap_check "the start-up error names the file and OpenSSL's reason (no start line)" \
	grep -q "wss certificate '$bad' is not a usable PEM certificate chain: .*no start line" "$log"
# a key of another pair; a key with a pass phrase (never asked for)
other=$IWG_RUN/tls/other-key.pem
locked=$IWG_RUN/tls/locked-key.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$other" 2>/dev/null
openssl pkey -in "$IWG_RUN/tls/key.pem" -aes256 -passout pass:secret -out "$locked" 2>/dev/null
log=$IWG_LOGDIR/kamailio-other-key.log
tap_check "a key that does not match the certificate stops Kamailio at start-up (log: $log)" \
	kam_refuses "$log" "IWG_VERTO_TLS_KEY=\"$other\""
tap_check "the start-up error names the key and the certificate" \
	grep -q "wss private key '$other' does not match certificate '$IWG_RUN/tls/cert.pem'" "$log"
log=$IWG_LOGDIR/kamailio-locked-key.log
tap_check "a key with a pass phrase stops Kamailio at start-up, no prompt (log: $log)" \
	kam_refuses "$log" "IWG_VERTO_TLS_KEY=\"$locked\""
tap_check "the start-up error names the encrypted key file" \
	grep -q "wss private key '$locked' is not a usable unencrypted PEM key: " "$log"

# a parameter out of its range: Kamailio stops at start-up naming it
log=$IWG_LOGDIR/kamailio-bad-grace.log
tap_check "a grace period out of range stops Kamailio at start-up (log: $log)" \
	kam_refuses "$log" "IWG_VERTO_GRACE=99999"
tap_check "the start-up error names the parameter and its range" \
	grep -q "parameter 'grace' must be 0..3600, not 99999" "$log"
tap_done
