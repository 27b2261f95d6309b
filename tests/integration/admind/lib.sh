# Helpers for the iwg-admind integration tests (source after tap.sh and
# wait.sh, or after scripts/stack.sh). The daemon is started by PID and
# stopped by admind_stop (call it from the EXIT trap).
#
#   admind_keys                 sets KEY_NOC KEY_ID KEY_ADMIN (raw keys)
#   admind_conf FILE PORT [LINE...]  private config with the three keys
#   admind_start CONF LOG URL   start, poll /healthz at URL until it answers
#   api METHOD URL [KEY] [BODY] sets CODE and BODY (file $ADMIND_OUT) and
#                               HDRS (response headers file)
#   jqb FILTER                  jq -r FILTER on the last body

ADMIND_BIN=${ADMIND_BIN:-${IWG_BUILD:-/work/main/build}/bin/iwg-admind}
_admind_pids=()

admind_keys() {
	KEY_NOC=noc-$RANDOM$RANDOM-secret
	KEY_ID=idadmin-$RANDOM$RANDOM-secret
	KEY_ADMIN=admin-$RANDOM$RANDOM-secret
}

admind_conf() {
	local f=$1 port=$2
	shift 2
	{
		echo "listen = 127.0.0.1:$port"
		echo "api_key = noc1 noc $(printf '%s\n' "$KEY_NOC" | "$ADMIND_BIN" --hash-key)"
		echo "api_key = id1 idadmin $(printf '%s\n' "$KEY_ID" | "$ADMIND_BIN" --hash-key)"
		echo "api_key = adm1 admin $(printf '%s\n' "$KEY_ADMIN" | "$ADMIND_BIN" --hash-key)"
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
		kill -TERM "$pid" 2>/dev/null || continue
		wait_until 10 eval "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	_admind_pids=()
}

api() {
	local method=$1 url=$2 key=${3:-} body=${4:-}
	local args=(-sk -o "$ADMIND_OUT" -D "$ADMIND_OUT.h" -w '%{http_code}' -X "$method")
	[ -n "$key" ] && args+=(-H "Authorization: Bearer $key")
	[ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
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
