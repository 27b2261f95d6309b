#!/usr/bin/env bash
# iwg-admind without its dependencies: HTTPS, rate limits, readiness, config
# errors. See README.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../../.." && pwd)
export IWG_BUILD=${IWG_BUILD:-$top/build}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/wait.sh"
. "$here/../lib.sh"

run=$IWG_BUILD/test-runs/integration-admind-03-tls-ratelimit
rm -rf "$run"
mkdir -p "$run/logs"
trap admind_stop EXIT
ADMIND_OUT=$run/admind.out
admind_keys

# ---------------------------------------------------------------- config errors
printf 'listen = 127.0.0.1:8089\nthreads = 4\nthreads = 5\n' >"$run/bad.conf"
out=$("$ADMIND_BIN" -c "$run/bad.conf" 2>&1)
rc=$?
tap_eq "a bad config stops the start (exit 1)" 1 "$rc"
tap_eq "the error names file and line" "iwg-admind: $run/bad.conf:3: 'threads' given twice" "$out"
printf 'listen = 127.0.0.1:8089\ntls_cert = %s/none.pem\ntls_key = %s/none.pem\n' "$run" "$run" >"$run/nocert.conf"
out=$("$ADMIND_BIN" -c "$run/nocert.conf" 2>&1)
tap_check "a missing certificate file is named at start" grep -q "none.pem" <<<"$out"

# ---------------------------------------------------------------- HTTPS
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$run/key.pem" -out "$run/cert.pem" >"$run/logs/openssl.log" 2>&1
S=https://127.0.0.1:8443
ADMIND_LOG=$run/logs/admind-tls.log
admind_conf "$run/tls.conf" 8443 "tls_cert = $run/cert.pem" "tls_key = $run/key.pem" \
	"rate_limit_key = 0.01" "rate_burst_key = 3" \
	"rate_limit_addr = 0.01" "rate_burst_addr = 8" \
	"redis = 127.0.0.1:1" "kamailio = k1 http://127.0.0.1:2/RPC" \
	"rtpengine = r1 127.0.0.1:3" "kamailio_timeout_ms = 300" \
	"rtpengine_timeout_ms = 100" "redis_timeout_ms = 300"
if ! admind_start "$run/tls.conf" "$ADMIND_LOG" "$S"; then
	tap_fail "iwg-admind starts with TLS" "no answer on $S/healthz; log: $ADMIND_LOG"
	exit 1
fi
tap_ok "iwg-admind starts with TLS"
tap_check "HTTPS verifies against the configured certificate" \
	curl -sf --cacert "$run/cert.pem" -o /dev/null $S/healthz
code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8443/healthz)
tap_check "plain HTTP on the TLS port gets no HTTP answer" test "$code" = 000
# requests so far from 127.0.0.1: 2 (readiness poll may add more, so the
# per-address budget below is counted from a fresh daemon instead)
admind_stop
admind_start "$run/tls.conf" "$ADMIND_LOG" "$S"
# readiness poll used 1 token of the address bucket (8)

# ---------------------------------------------------------------- readyz
api GET $S/readyz
api_is "readyz 503 when every dependency is unreachable" 503
tap_eq "readyz names each dependency down" "redis:down k1:down r1:down" \
	"$(jqb '[.dependencies[]|.name+":"+.status]|join(" ")')"
# address tokens used: 2

# ---------------------------------------------------------------- rate limits
api GET $S/api/v1/audit "$KEY_ID"
api GET $S/api/v1/audit "$KEY_ID"
api GET $S/api/v1/audit "$KEY_ID"
tap_check "three requests within the key's burst are served" test "$CODE" != 429
api GET $S/api/v1/audit "$KEY_ID"
api_err "the fourth request of that key: 429" 429 rate_limited
ra=$(tr -d '\r' <"$HDRS" | sed -n 's/^[Rr]etry-[Aa]fter: *//p')
tap_check "429 carries Retry-After in seconds (got '$ra')" test "${ra:-0}" -ge 1
tap_eq "the JSON body repeats retry_after" "$ra" "$(jqb .retry_after)"
api GET $S/api/v1/audit "$KEY_ADMIN"
tap_check "another key has its own bucket" test "$CODE" != 429
# address tokens used: 7 of 8
api GET $S/healthz
api_is "the address still has one token" 200
api GET $S/healthz
api_err "then the client address is limited: 429" 429 rate_limited
tap_check "the message says it is the address" grep -q "address" "$ADMIND_OUT"

tap_done
