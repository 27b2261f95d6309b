# iwg_verto integration tests: the contact-center stack with a provisioned
# PaaS user (source it after tests/lib/tap.sh and tests/lib/stack.sh).
#
#   verto_stack_start NAME   stack_init NAME, start redis, rtpengine and
#                            kamailio with kamcfg/contact-center (or
#                            kamcfg/$VERTO_PRESET, or the cfg file $VERTO_CFG,
#                            with the extra -A
#                            arguments of the array VERTO_KAM_EXTRA), then map
#                            paas:1008@cc.example (password 1234) to
#                            sip:1008@cc.example "Web User", tenant acme
#   verto_need_sdk           fail unless the SDK tests' npm packages are there
#   verto_provision LOGIN SIP_URI PASSWORD [FIELD=VALUE...]
#                            one more PaaS user (ha1 from LOGIN's user and
#                            realm parts and PASSWORD)
#   verto_stir_keys DIR      P-256 key pairs DIR/iwg-{key,pub}.pem and
#                            DIR/carrier-{key,pub}.pem (STIR/SHAKEN tests)
#   verto_pstn_extra DIR     sets VERTO_PSTN_EXTRA, the -A arguments of
#                            WITH_PSTN and WITH_STIR as 14-pstn runs them
#                            (its cc.list and rules: trunks 127.0.0.1:5097
#                            and :5098, country FR; keys of verto_stir_keys
#                            DIR, inbound identities "reject")
#   verto_trunk_register     the uacreg row carrier-b (trunk 127.0.0.1:5098,
#                            iwg-trunk / trunk-secret, realm carrier.test)
#                            registered against SIPp (pstn-register.xml):
#                            two checks (the digest, uac.reg_info online)
#   verto_ws_pid             prints the PID of the "iwg_verto WebSocket"
#                            process (kamcmd core.psx)
#   verto_rss_kb PID         prints that process's resident set (kB)
#   verto_node SCRIPT ARGS.. run a node test script that prints TAP lines
#                            numbered after ours; counts them in
# VERTO_NOFILE, when set, is the open-file limit (ulimit -n) of this shell
# and so of Kamailio and the test's clients (flood suites and benches).
# Defaults: Verto on ws://127.0.0.1:8082/verto-ws, contact center (SIPp) on
# 127.0.0.1:5090; header mediation with kamcfg/hdrmed/contact-center.rules;
# calls toward PaaS users ring VERTO_RING_TIMEOUT (4) seconds; VERTO_MAX_JOBS,
# when set, is iwg_verto's max_jobs; VERTO_MAX_LOGINS_PENDING,
# VERTO_MAX_LOGINS_PER_IP and VERTO_LOGIN_TIMEOUT, when set, its
# max_logins_pending, max_logins_per_ip and login_timeout;
# VERTO_GRACE,
# when set, is iwg_verto's grace (seconds a call outlives its WebSocket),
# else the cfg's default.

VERTO_URL=ws://127.0.0.1:8082/verto-ws
[ -n "${VERTO_KAM_EXTRA+set}" ] || VERTO_KAM_EXTRA=()
VERTO_WSS_URL=wss://127.0.0.1:8445/verto-ws

# the ha1 of login 1008@cc.example (user 1008, realm cc.example), password 1234
verto_ha1() {
	printf '%s:%s:%s' "$1" "$2" "$3" | md5sum | cut -d' ' -f1
}

verto_stack_start() {
	stack_init "$1"
	if [ -n "${VERTO_NOFILE:-}" ] && ! ulimit -n "$VERTO_NOFILE"; then
		tap_fail "open-file limit raised to $VERTO_NOFILE" "ulimit -n $VERTO_NOFILE failed (hard limit $(ulimit -Hn))"
		return 1
	fi
	IWG_CFG=${VERTO_CFG:-$IWG_TOP/kamcfg/${VERTO_PRESET:-contact-center}/kamailio.cfg}
	[ "${VERTO_PRESET:-contact-center}" = contact-center ] && IWG_SIP_WS=0
	# the shipped mediation rules; calls from the contact center ring 4 s
	IWG_KAM_EXTRA=(-A "IWG_HDRMED_CC=\"contact-center=$IWG_TOP/kamcfg/hdrmed/contact-center.rules\""
		-A "IWG_VERTO_RING_TIMEOUT=${VERTO_RING_TIMEOUT:-4}" "${VERTO_KAM_EXTRA[@]}")
	[ -z "${VERTO_GRACE:-}" ] || IWG_KAM_EXTRA+=(-A "IWG_VERTO_GRACE=$VERTO_GRACE")
	[ -z "${VERTO_MAX_JOBS:-}" ] || IWG_KAM_EXTRA+=(-A "IWG_VERTO_MAX_JOBS=$VERTO_MAX_JOBS")
	[ -z "${VERTO_MAX_LOGINS_PENDING:-}" ] ||
		IWG_KAM_EXTRA+=(-A "IWG_VERTO_MAX_LOGINS_PENDING=$VERTO_MAX_LOGINS_PENDING")
	[ -z "${VERTO_MAX_LOGINS_PER_IP:-}" ] ||
		IWG_KAM_EXTRA+=(-A "IWG_VERTO_MAX_LOGINS_PER_IP=$VERTO_MAX_LOGINS_PER_IP")
	[ -z "${VERTO_LOGIN_TIMEOUT:-}" ] ||
		IWG_KAM_EXTRA+=(-A "IWG_VERTO_LOGIN_TIMEOUT=$VERTO_LOGIN_TIMEOUT")
	if ! stack_start; then
		tap_fail "contact-center stack starts" "see $IWG_LOGDIR (kamailio.log)"
		return 1
	fi
	if ! wait_until 10 tcp_open 127.0.0.1 8082; then
		tap_fail "verto endpoint listens on ws 127.0.0.1:8082" \
			"no listener; see $IWG_LOGDIR/kamailio.log"
		return 1
	fi
	if ! "$IWG_BUILD/bin/iwg-idctl" -r "$IWG_REDIS_ADDR" set paas 1008@cc.example \
		sip:1008@cc.example "display_name=Web User" tenant=acme queue=sales \
		"ha1=$(verto_ha1 1008 cc.example 1234)" >"$IWG_LOGDIR/idctl.log" 2>&1; then
		tap_fail "PaaS user provisioned" "iwg-idctl failed: $(cat "$IWG_LOGDIR/idctl.log")"
		return 1
	fi
	if [ ! -d "$IWG_TOP/node_modules/playwright-core" ]; then
		tap_fail "browser checks" "node_modules/playwright-core missing: run scripts/deps.sh"
		return 1
	fi
}

# the SDK tests' npm packages are installed (scripts/deps.sh runs npm ci)
verto_need_sdk() {
	local m
	for m in @signalwire/js esbuild playwright-core; do
		if [ ! -d "$IWG_TOP/node_modules/$m" ]; then
			tap_fail "node_modules/$m installed" "missing: run scripts/deps.sh (npm ci)"
			return 1
		fi
	done
}

verto_node() {
	local script=$1 name out rc
	shift
	name=$(basename "$script" .mjs)
	out=$IWG_LOGDIR/$name-tap.txt
	node "$script" "$_tap_n" "$IWG_LOGDIR" "$@" >"$out" 2>"$IWG_LOGDIR/$name-node.log"
	rc=$?
	cat "$out"
	_tap_n=$((_tap_n + $(grep -cE '^(ok|not ok) ' "$out")))
	_tap_failed=$((_tap_failed + $(grep -c '^not ok ' "$out")))
	if [ "$rc" -ne 0 ] && [ "$(grep -c '^not ok ' "$out")" -eq 0 ]; then
		tap_fail "$name ran" "node exited $rc; see $IWG_LOGDIR/$name-node.log"
	fi
	return 0
}

verto_provision() {
	local login=$1 uri=$2 pw=$3 user realm
	shift 3
	user=${login%%@*} realm=${login#*@}
	if ! "$IWG_BUILD/bin/iwg-idctl" -r "$IWG_REDIS_ADDR" set paas "$login" "$uri" \
		"$@" "ha1=$(verto_ha1 "$user" "$realm" "$pw")" >>"$IWG_LOGDIR/idctl.log" 2>&1; then
		tap_fail "PaaS user $login provisioned" "iwg-idctl failed: $(tail -3 "$IWG_LOGDIR/idctl.log")"
		return 1
	fi
}

verto_ws_pid() {
	$IWG_KAMCMD core.psx 2>/dev/null | awk '
		/PID:/ { pid = $2 }
		/DSC:/ && /iwg_verto WebSocket/ { print pid; exit }'
}

verto_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

verto_pstn_extra() {
	local d=$IWG_TOP/tests/integration/verto/14-pstn
	VERTO_PSTN_EXTRA=(-A WITH_PSTN -A WITH_STIR
		-A "IWG_CC_LIST=\"$d/cc.list\"" -A "IWG_CC_RULES=\"$d/cc-routing.rules\""
		-A IWG_CC_ALG=8 -A IWG_CC_FAILOVER_TIMEOUT=2
		-A 'IWG_PSTN_COUNTRY="FR"' -A IWG_PSTN_REG_TIMER=1 -A IWG_PSTN_REG_RETRY=1
		-A "IWG_STIR_KEY=\"$1/iwg-key.pem\"" -A 'IWG_STIR_X5U="https://cert.iwg.test/iwg.pem"'
		-A "IWG_STIR_VERIFY_KEY=\"$1/carrier-pub.pem\"" -A 'IWG_STIR_INBOUND="reject"')
}

verto_stir_keys() {
	local k
	mkdir -p "$1"
	for k in iwg carrier; do
		openssl ecparam -name prime256v1 -genkey -noout -out "$1/$k-key.pem" 2>/dev/null &&
			openssl ec -in "$1/$k-key.pem" -pubout -out "$1/$k-pub.pem" 2>/dev/null ||
			{ tap_fail "P-256 keys made" "openssl failed"; return 1; }
	done
}

# uac's flags: bit 4 (UAC_REG_ONLINE) set once the 200 came
verto_trunk_online() {
	local f
	f=$($IWG_KAMCMD uac.reg_info l_uuid carrier-b 2>/dev/null | awk '/flags:/ { print $2; exit }')
	[ -n "$f" ] && (( f & 4 ))
}

verto_trunk_register() {
	local reg
	# the carrier's registrar challenges, then accepts
	sipp -sf "$IWG_TOP/tests/integration/verto/sipp/pstn-register.xml" -i 127.0.0.1 -p 5098 -m 1 \
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
	if wait_until 5 verto_trunk_online; then
		tap_ok "uac.reg_info shows the trunk registered"
	else
		tap_fail "uac.reg_info shows the trunk registered" "$($IWG_KAMCMD uac.reg_info l_uuid carrier-b 2>&1)"
	fi
}
