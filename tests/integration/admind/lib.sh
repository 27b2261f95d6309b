# Helpers for the iwg-admind integration tests (source after tap.sh; brings
# in tests/lib/stack.sh if it is not loaded yet). The daemon is started by
# PID and stopped by admind_stop (call it from the EXIT trap).
#
#   admind_keys                 sets KEY_NOC KEY_ID KEY_ADMIN KEY_APP (raw keys)
#   admind_conf FILE PORT [LINE...]  private config with the four keys
#                                    (ids noc1 id1 adm1 app1)
#                                    (and the stack's Redis unless a LINE
#                                    sets redis)
#   admind_start CONF LOG URL   start, poll /healthz at URL until it answers
#   api METHOD URL [KEY] [BODY] sets CODE and BODY (file $ADMIND_OUT) and
#                               HDRS (response headers file)
#   jqb FILTER                  jq -r FILTER on the last body

declare -F stack_kill >/dev/null ||
	. "$(dirname "${BASH_SOURCE[0]}")/../../lib/stack.sh"
ADMIND_BIN=${ADMIND_BIN:-${IWG_BUILD:-/work/main/build}/bin/iwg-admind}
_admind_pids=()

# One run of a suite at a time per checkout. A suite's run directory is
# fixed (build/test-runs/<suite>): a second run of the same suite started
# meanwhile (two people testing in one checkout) empties it and writes the
# same files, so each run reads the other's answers ($ADMIND_OUT: a check
# failing with another request's body). The lock is taken here, before the
# suite makes its directory; it is held until the test's shell and the
# processes it started have exited; another run waits for it.
admind_suite_lock() {
	local dir=${IWG_BUILD:-/work/main/build}/test-runs id
	id=$(cd "$(dirname "$0")" && pwd)
	id=${id##*/tests/}
	id=${id//\//-}
	mkdir -p "$dir" && exec {_admind_lock_fd}>"$dir/.lock-$id" &&
		flock -w 480 "$_admind_lock_fd" && return 0
	echo "not ok - another run of $id holds $dir/.lock-$id: PIDs $(fuser "$dir/.lock-$id" 2>/dev/null)"
	exit 1
}
admind_suite_lock

admind_keys() {
	KEY_NOC=noc-$RANDOM$RANDOM-secret
	KEY_ID=idadmin-$RANDOM$RANDOM-secret
	KEY_ADMIN=admin-$RANDOM$RANDOM-secret
	KEY_APP=app-$RANDOM$RANDOM-secret
}

admind_conf() {
	local f=$1 port=$2
	shift 2
	{
		echo "listen = 127.0.0.1:$port"
		[[ " $* " == *" redis = "* ]] || echo "redis = $IWG_REDIS_ADDR"
		echo "api_key = noc1 noc $(printf '%s\n' "$KEY_NOC" | "$ADMIND_BIN" --hash-key)"
		echo "api_key = id1 idadmin $(printf '%s\n' "$KEY_ID" | "$ADMIND_BIN" --hash-key)"
		echo "api_key = adm1 admin $(printf '%s\n' "$KEY_ADMIN" | "$ADMIND_BIN" --hash-key)"
		echo "api_key = app1 app $(printf '%s\n' "$KEY_APP" | "$ADMIND_BIN" --hash-key)"
		for l in "$@"; do echo "$l"; done
	} >"$f"
}

admind_start() {
	local conf=$1 log=$2 url=$3
	"$ADMIND_BIN" -c "$conf" >"$log" 2>&1 &
	_admind_pids+=($!)
	wait_until 10 curl -sfk -o /dev/null "$url/healthz"
}

admind_stop() {
	local pid
	for pid in "${_admind_pids[@]}"; do
		stack_kill "$pid"
	done
	_admind_pids=()
}

api() {
	local method=$1 url=$2 key=${3:-} body=${4:-}
	local args=(-sk -o "$ADMIND_OUT" -D "$ADMIND_OUT.h" -w '%{http_code}' -X "$method")
	[ -n "$key" ] && args+=(-H "Authorization: Bearer $key")
	[ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	: >"$ADMIND_OUT" # an answer without a body leaves it empty
	CODE=$(curl "${args[@]}" "$url")
	BODY=$(cat "$ADMIND_OUT")
	HDRS=$ADMIND_OUT.h
}

jqb() {
	jq -r "$1" <"$ADMIND_OUT" 2>/dev/null
}

# api_is DESC CODE: the last call answered CODE (body shown otherwise)
api_is() {
	if [ "$CODE" = "$2" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "expected HTTP $2, got $CODE: $(head -c 400 "$ADMIND_OUT") (admind log: ${ADMIND_LOG:-?})"
	fi
}

# api_err DESC CODE ERROR [FIELD]: status, JSON error code and field
api_err() {
	local got
	got="$CODE $(jqb .error) $(jqb '.field // ""')"
	if [ "$got" = "$2 $3 ${4:-}" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "expected '$2 $3 ${4:-}', got '$got': $(head -c 400 "$ADMIND_OUT") (admind log: ${ADMIND_LOG:-?})"
	fi
}

# admind_kamailio [-A DEFINE...]: start kamailio with admind-test.cfg on
# private ports (SIP udp 127.0.0.1:$AT_SIP_PORT, JSON-RPC over HTTP on
# 127.0.0.1:$AT_RPC_PORT/RPC), after stack_init; the arguments select its
# parts (-A WITH_HDRMED, -A WITH_DIALOG). Sets AT_KAMCMD; stopped by
# stack_stop. AT_RULES (WITH_HDRMED) is the profile's rule file.
AT_SIP_PORT=15260 AT_RPC_PORT=15265 AT_UAS_PORT=15290 AT_UAC_PORT=15270
admind_kamailio() {
	AT_KAMCMD="kamcmd -s unix:$IWG_RUN/kamailio.ctl"
	admind_kamailio_node kamailio 127.0.0.1 "$AT_SIP_PORT" "$AT_RPC_PORT" "$@"
}

# admind_kamailio_node NAME ADDR SIP_PORT RPC_PORT [-A DEFINE...]: one more
# instance of admind-test.cfg (a node of a cluster) listening on ADDR (a
# 127.0.0.x address), its control socket unix:$IWG_RUN/NAME.ctl, its PID in
# $IWG_RUN/NAME.pid, its log $IWG_LOGDIR/NAME.log; stopped by stack_stop.
admind_kamailio_node() {
	local name=$1 addr=$2 sip=$3 rpc=$4
	shift 4
	local args=(-f "$IWG_TOP/tests/integration/admind/admind-test.cfg"
		-m 64 -M 8 -w "$IWG_RUN"
		-A "AT_ADDR=$addr" -A "AT_SIP_PORT=$sip" -A "AT_RPC_PORT=$rpc"
		-A "AT_MPATH=\"$IWG_MODULE_PATH\""
		-A "AT_CTL=\"unix:$IWG_RUN/$name.ctl\""
		-A "AT_PROFILE=\"ims-volte=${AT_RULES:-}\""
		-A "AT_NG_SOCK=\"udp:$IWG_NG_ADDR\""
		-A "AT_UAS=\"sip:127.0.0.1:$AT_UAS_PORT\"" "$@")
	stack_spawn_kamailio "$name" "unix:$IWG_RUN/$name.ctl" "${args[@]}" ||
		return 1
	wait_until 5 udp_bound "$sip" &&
		wait_until 5 tcp_open "$addr" "$rpc" ||
		stack_fail "kamailio $name (admind-test.cfg) did not come up" "$IWG_LOGDIR/$name.log"
}

# kamrpc METHOD [JSON-PARAMS]: JSON-RPC to the test kamailio, answer on stdout
kamrpc() {
	curl -s --data-binary "{\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":${2:-[]},\"id\":1}" \
		"http://127.0.0.1:$AT_RPC_PORT/RPC"
}

# admind_up [LINE...]: keys, a private config (port 8088, rate limits off,
# the edge's JSON-RPC key if the stack made one, plus LINEs) and the
# daemon, after stack_init; sets U ADMIND_LOG
# ADMIND_OUT. Returns 1 after a TAP failure when it does not answer.
admind_up() {
	U=http://127.0.0.1:8088
	ADMIND_LOG=$IWG_LOGDIR/admind.log
	ADMIND_OUT=$IWG_RUN/admind.out
	admind_keys
	# the edge's JSON-RPC key, when the stack is the edge (tests/lib/stack.sh)
	local key=()
	[ -s "$IWG_RUN/secrets/rpc_key" ] && key=("kamailio_rpc_key_file = $IWG_RUN/secrets/rpc_key")
	admind_conf "$IWG_RUN/admind.conf" 8088 "rate_limit_key = 0" \
		"rate_limit_addr = 0" "${key[@]}" "$@"
	admind_start "$IWG_RUN/admind.conf" "$ADMIND_LOG" "$U" && return 0
	tap_fail "iwg-admind starts" "no answer on $U/healthz; log: $ADMIND_LOG"
	return 1
}
