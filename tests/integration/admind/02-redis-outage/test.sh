#!/usr/bin/env bash
# iwg-admind while Redis is down and after it returns. See README.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../lib/stack.sh"
. "$IWG_TOP/tests/lib/tap.sh"
. "$here/../lib.sh"

stack_init integration-admind-02-redis-outage
trap 'admind_stop; stack_stop' EXIT
if ! stack_start; then
	tap_fail "stack starts" "redis/rtpengine/kamailio did not start; logs in $IWG_LOGDIR"
	exit 1
fi

admind_up "redis_timeout_ms = 300" || exit 1
I=$U/api/v1/identities

api POST $I "$KEY_ID" '{"ns":"web","key":"before","sip_uri":"sip:before@iwg.test"}'
api_is "identity written while Redis is up" 201

# stop the Redis this suite started, by its PID
rpid=$(cat "$IWG_RUN/redis.pid")
kill -TERM "$rpid"
if wait_until 10 eval "! kill -0 $rpid"; then tap_ok "redis stopped"
else tap_fail "redis stopped" "pid $rpid still alive"; fi

api GET $U/readyz
api_is "readyz answers 503 with Redis down" 503
tap_eq "readyz: redis down, kamailio and rtpengine up" "not_ready redis:down kamailio:up rtpengine:up" \
	"$(jqb '[.status] + [.dependencies[]|.kind+":"+.status]|join(" ")')"
tap_check "readyz says why redis is down" test -n "$(jqb '.dependencies[0].error')"
api GET $U/metrics "$KEY_NOC"
api_is "metrics still answer with Redis down" 200
tap_check "metrics: iwg_redis_up 0" grep -qx 'iwg_redis_up 0' "$ADMIND_OUT"
tap_check "metrics: kamailio still up" grep -qF 'iwg_up{kind="kamailio",node="kamailio"} 1' "$ADMIND_OUT"
api POST $I "$KEY_ID" '{"ns":"web","key":"during","sip_uri":"sip:during@iwg.test"}'
api_err "identity create with Redis down: 503" 503 unavailable
api PUT $I/web/before "$KEY_ID" '{"sip_uri":"sip:changed@iwg.test"}'
api_err "identity replace with Redis down: 503" 503 unavailable
api DELETE $I/web/before "$KEY_ID"
api_err "identity delete with Redis down: 503" 503 unavailable
api GET $I/web/before "$KEY_NOC"
api_err "identity read with Redis down: 503" 503 unavailable
api POST $U/api/v1/registrations "$KEY_ADMIN" '{"aor":"carol","contact":"sip:carol@127.0.0.1:5097"}'
api_err "other writes refused too while the audit log is down: 503" 503 unavailable
api GET "$U/api/v1/registrations?user=carol" "$KEY_NOC"
tap_eq "the refused registration was not made" 0 "$(jqb .total)"
api GET $U/api/v1/audit "$KEY_ADMIN"
api_err "audit log with Redis down: 503" 503 unavailable
api GET $U/healthz
api_is "healthz still 200 (the process answers)" 200

# Redis back (same data directory), admind not restarted
if stack_start_redis; then tap_ok "redis restarted"
else tap_fail "redis restarted" "see $IWG_LOGDIR/redis.log"; fi
api GET $U/readyz
api_is "readyz back to 200 once Redis returns" 200
api GET $I/web/during "$KEY_NOC"
api_err "nothing was half-written during the outage" 404 not_found
api GET $I/web/before "$KEY_NOC"
tap_eq "data written before the outage is intact" "sip:before@iwg.test" "$(jqb .sip_uri)"
api POST $I "$KEY_ID" '{"ns":"web","key":"after","sip_uri":"sip:after@iwg.test"}'
api_is "identity writes work again" 201
api GET $U/api/v1/audit "$KEY_ADMIN"
tap_eq "audit shows only the writes that happened" "identity.create:web/after identity.create:web/before" \
	"$(jqb '[.items[]|.action+":"+.target]|join(" ")')"

tap_done
