#!/usr/bin/env bash
# iwg-admind's web side: static files and headers, whoami, the app role,
# credentials. See README.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../lib/stack.sh"
. "$IWG_TOP/tests/lib/tap.sh"
. "$here/../lib.sh"

stack_init integration-admind-06-web
trap 'admind_stop; stack_stop' EXIT
if ! stack_start_redis; then
	tap_fail "redis starts" "see $IWG_LOGDIR/redis.log"
	exit 1
fi

CSP="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' wss://gw.example.net:8443 ws://127.0.0.1:8080; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

# ------------------------------------------------------------- fixtures
W=$IWG_RUN/web S=$IWG_RUN/secrets
mkdir -p "$W/console/help" "$W/console/empty" "$W/portal" "$W/sdk" "$S"
echo '<!doctype html><title>console</title><script src="app.js"></script>' >"$W/console/index.html"
echo 'export const x = 1;' >"$W/console/app.js"
echo 'help' >"$W/console/help/index.html"
echo 'portal' >"$W/portal/index.html"
echo 'declare const iwg: unknown;' >"$W/sdk/iwg.d.ts"
echo 'OUTSIDE-SECRET' >"$IWG_RUN/outside.txt"
echo 'OUTSIDE-SECRET' >"$W/console/.htpasswd"
ln -s ../../outside.txt "$W/console/escape.txt"
ln -s app.js "$W/console/alias.js"
ln -s / "$W/sdk/rootdir"
mkfifo "$W/console/pipe"
truncate -s 33M "$W/sdk/huge.js"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$S/es256.key" 2>/dev/null &&
	openssl pkey -in "$S/es256.key" -pubout -out "$S/es256.pub" 2>/dev/null ||
	{ tap_fail "openssl makes a P-256 key" "openssl genpkey failed"; exit 1; }
SECRET=$(openssl rand -hex 24)
echo "$SECRET" >"$S/auth_secret"

admind_up "web_root = $W" "web_connect_src = wss://gw.example.net:8443  ws://127.0.0.1:8080" \
	"sip_domain = iwg.test" "credential_kind = token" \
	"credential_token_key_file = $S/es256.key" "credential_token_kid = k1" \
	"credential_token_issuer = paas" "credential_token_audience = iwg" \
	"max_body = 1024" || exit 1
# a second daemon: ephemeral credentials, 5 at most per key (no refill
# within the test), no sip_domain
admind_conf "$IWG_RUN/admind-eph.conf" 8089 "credential_kind = ephemeral" \
	"credential_secret_file = $S/auth_secret" "credential_rate = 0.001" \
	"credential_burst = 5" "rate_limit_key = 0" "rate_limit_addr = 0"
admind_start "$IWG_RUN/admind-eph.conf" "$IWG_LOGDIR/admind-eph.log" http://127.0.0.1:8089 ||
	tap_fail "the ephemeral daemon starts" "see $IWG_LOGDIR/admind-eph.log"
# a third: credentials off
admind_conf "$IWG_RUN/admind-off.conf" 8090 "web_root ="
admind_start "$IWG_RUN/admind-off.conf" "$IWG_LOGDIR/admind-off.log" http://127.0.0.1:8090 ||
	tap_fail "the credential-less daemon starts" "see $IWG_LOGDIR/admind-off.log"

# hdr NAME: the value of response header NAME of the last call
hdr() { grep -i "^$1:" "$HDRS" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
# raw METHOD PATH [CURL-ARGS]: a request without URL normalisation; sets
# CODE, SIZE (body bytes received) and HDRS
raw() {
	local m=$1 p=$2 out
	shift 2
	: >"$ADMIND_OUT"
	out=$(curl -s --path-as-is -o "$ADMIND_OUT" -D "$ADMIND_OUT.h" \
		-w '%{http_code} %{size_download}' -X "$m" "$@" "$U$p")
	CODE=${out% *} SIZE=${out#* }
	HDRS=$ADMIND_OUT.h
}
sec_headers() {
	tap_eq "$1: Content-Security-Policy" "$CSP" "$(hdr Content-Security-Policy)"
	tap_eq "$1: nosniff and no-referrer" "nosniff no-referrer" \
		"$(hdr X-Content-Type-Options) $(hdr Referrer-Policy)"
}

# ------------------------------------------------------------- static files
raw GET /
tap_eq "/ redirects to /console/" "302 /console/" "$CODE $(hdr Location)"
sec_headers "the redirect"
raw GET /console/
tap_eq "/console/ serves its index.html as HTML" "200 text/html; charset=utf-8" "$CODE $(hdr Content-Type)"
tap_check "the index is the file" grep -q '<title>console</title>' "$ADMIND_OUT"
sec_headers "a static file"
etag=$(hdr ETag)
tap_check "a static file has an ETag and Last-Modified" test -n "$etag" -a -n "$(hdr Last-Modified)"
raw GET /console/ -H "If-None-Match: $etag"
tap_eq "If-None-Match with its ETag: 304, no body" "304 0" "$CODE $SIZE"
raw GET /console/app.js
tap_eq "a .js file: JavaScript" "200 text/javascript; charset=utf-8" "$CODE $(hdr Content-Type)"
raw HEAD /console/app.js --head
tap_eq "HEAD: the headers, Content-Length, no body" "200 20 0" \
	"$CODE $(hdr Content-Length) $SIZE"
raw GET /sdk/iwg.d.ts
tap_eq "a .d.ts file: text/plain" "200 text/plain; charset=utf-8" "$CODE $(hdr Content-Type)"
raw GET /console/alias.js
tap_eq "a symlink inside web_root is served" 200 "$CODE"
raw GET /console/help
tap_eq "a folder without its slash redirects to it" "302 /console/help/" "$CODE $(hdr Location)"
raw GET /portal
tap_eq "/portal redirects to /portal/" "302 /portal/" "$CODE $(hdr Location)"
raw GET /console/empty/
tap_eq "a folder without index.html: 404 JSON, no listing" "404 not_found" "$CODE $(jqb .error)"
for p in /console/../outside.txt /console/%2e%2e/outside.txt /console/..%2f..%2foutside.txt \
	/console/%252e%252e/outside.txt '/console/..\outside.txt' /console/escape.txt \
	/sdk/rootdir/etc/passwd /console/.htpasswd /console/pipe /sdk/huge.js /console//app.js \
	/console/./app.js /console/app.js%00.png /consolex/app.js /outside.txt /etc/passwd; do
	raw GET "$p"
	if [ "$CODE" = 404 ] && [ "$(jqb .error)" = not_found ] && ! grep -q OUTSIDE-SECRET "$ADMIND_OUT"; then
		tap_ok "refused: $p (404 JSON)"
	else
		tap_fail "refused: $p (404 JSON)" "got $CODE: $(head -c 200 "$ADMIND_OUT")"
	fi
done
for m in POST PUT DELETE PATCH OPTIONS; do
	raw "$m" /console/app.js
	tap_eq "$m on a static file: 405 Allow: GET, HEAD" "405 GET, HEAD" "$CODE $(hdr Allow)"
done
raw POST /console/ --data-binary @"$W/sdk/huge.js"
tap_eq "a large body on a static path: 413 before reading it" 413 "$CODE"

# ------------------------------------------------------------- whoami, roles
api GET $U/api/v1/nodes
tap_eq "API errors carry the headers too: 401" 401 "$CODE"
sec_headers "an API answer"
for kr in "$KEY_NOC noc1 noc" "$KEY_ID id1 idadmin" "$KEY_ADMIN adm1 admin" "$KEY_APP app1 app"; do
	set -- $kr
	api GET $U/api/v1/whoami "$1"
	tap_eq "whoami for the $3 key" "200 $2 $3" "$CODE $(jqb .id) $(jqb .role)"
done
api GET $U/api/v1/whoami
api_err "whoami without a key: 401" 401 unauthorized
api GET $U/api/v1/whoami "nonsense-key"
api_err "whoami with an unknown key: 401" 401 unauthorized
for mp in "GET /metrics" "GET /api/v1/nodes" "GET /api/v1/registrations" \
	"GET /api/v1/calls" "GET /api/v1/calls/x" "GET /api/v1/identities" \
	"GET /api/v1/identities/web/ann" "GET /api/v1/audit" "GET /api/v1/hdrmed/stats" \
	"POST /api/v1/identities" "PUT /api/v1/identities/web/ann" \
	"DELETE /api/v1/identities/web/ann" "POST /api/v1/registrations" \
	"DELETE /api/v1/registrations/ann" "POST /api/v1/hdrmed/reload" \
	"POST /api/v1/hdrmed/discovered/reset"; do
	set -- $mp
	api "$1" "$U$2" "$KEY_APP" '{"ns":"web","key":"ann","sip_uri":"sip:ann@iwg.test"}'
	api_err "the app key is refused: $mp (403)" 403 forbidden
done
api POST $U/api/v1/credentials "$KEY_NOC" '{"user":"ann"}'
api_err "a noc key forging a credential: 403" 403 forbidden
api POST $U/api/v1/credentials "$KEY_ID" '{"user":"ann"}'
api_err "an idadmin key asking a credential: 403" 403 forbidden
api POST $U/api/v1/identities "$KEY_NOC" '{"ns":"web","key":"mallory","sip_uri":"sip:m@iwg.test"}'
api_err "a noc key forging an identity write: 403" 403 forbidden

# ------------------------------------------------------------- token credentials
C=$U/api/v1/credentials
api POST $C "$KEY_APP" '{"user":"ann"}'
api_err "token for a user without a web mapping: 404 (field user)" 404 not_found user
api POST $U/api/v1/identities "$KEY_ADMIN" '{"ns":"web","key":"ann","sip_uri":"sip:ann@iwg.test"}'
api_is "the web mapping of ann is made" 201
api POST $U/api/v1/identities "$KEY_ADMIN" '{"ns":"web","key":"dan","sip_uri":"sip:dan@iwg.test","enabled":false}'
api_is "a disabled web mapping of dan is made" 201
api POST $C "$KEY_APP" '{"user":"dan"}'
api_err "token for a disabled mapping: 403 (field user)" 403 forbidden user
redis-cli -p "${IWG_REDIS_ADDR##*:}" HSET 'iwg:idm:map:{web}:eve' sip_uri '' >/dev/null 2>&1
api POST $C "$KEY_APP" '{"user":"eve"}'
api_err "token for a stored mapping that fails validation: 409 (field sip_uri)" 409 stored_invalid sip_uri
now=$(date +%s)
api POST $C "$KEY_APP" '{"user":"ann"}'
api_is "token for ann (app key): 201" 201
sec_headers "the credential answer"
tap_eq "token: kind, user, uri" "token ann sip:ann@iwg.test" "$(jqb '[.kind,.user,.uri]|join(" ")')"
exp=$(jqb .expires)
tap_check "token: expires is now + credential_ttl (300 s)" test "$exp" -ge $((now + 300)) -a "$exp" -le $((now + 310))
TOKEN=$(jqb .token)
verdict=$(node -e '
const crypto = require("crypto"), fs = require("fs");
const [h, c, s] = process.argv[1].split(".");
const dec = (x) => JSON.parse(Buffer.from(x, "base64url"));
const ok = crypto.verify("sha256", Buffer.from(h + "." + c), { key: fs.readFileSync(process.argv[2]),
  dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"));
const hd = dec(h), cl = dec(c);
console.log([ok, hd.alg, hd.kid, hd.typ, cl.sub, cl.iss, cl.aud, cl.exp === Number(process.argv[3]),
  cl.nbf === cl.iat, typeof cl.jti].join(" "));' "$TOKEN" "$S/es256.pub" "$exp" 2>&1)
tap_eq "the token verifies with the public key and carries the claims" \
	"true ES256 k1 JWT ann paas iwg true true string" "$verdict"
api POST $C "$KEY_ADMIN" '{"user":"ann","ttl":3600}'
tap_eq "an admin key may ask too, ttl up to credential_ttl_max" "201 true" \
	"$CODE $([ "$(jqb .expires)" -ge $((now + 3600)) ] && echo true)"
for b in '{"user":"ann","ttl":9}' '{"user":"ann","ttl":3601}' '{"user":"ann","ttl":-1}' \
	'{"user":"ann","ttl":99999999999999999999}' '{"user":"ann","ttl":"300"}' '{"user":"ann","ttl":3.5}' \
	'{"user":"ann","ttl":null}'; do
	api POST $C "$KEY_APP" "$b"
	api_err "ttl abuse refused: $b" 400 bad_request ttl
done
long=$(printf 'a%.0s' $(seq 65))
for b in '{"user":""}' '{"user":"a b"}' '{"user":"ann@iwg.test"}' '{"user":"../ann"}' \
	"{\"user\":\"$long\"}" '{"user":"ann\u0000x"}' '{"user":"\u00e9"}' '{"user":1}' '{"user":["ann"]}' '{"ttl":300}'; do
	api POST $C "$KEY_APP" "$b"
	api_err "bad user refused: $b" 400 bad_request user
done
for b in '{"user":"ann","admin":true}' '{"user":"ann","user":"bob"}' 'user=ann' '{"user":"ann"} x' '[]' ''; do
	api POST $C "$KEY_APP" "$b"
	tap_eq "malformed body refused: '$b'" "400 bad_request" "$CODE $(jqb .error)"
done
api POST $C "$KEY_APP" "{\"user\":\"ann\",\"pad\":\"$(printf 'x%.0s' $(seq 1100))\"}"
api_err "a body over max_body: 413" 413 payload_too_large

# ------------------------------------------------------------- audit
api GET "$U/api/v1/audit?per_page=100" "$KEY_ADMIN"
tap_eq "credentials are not in the log of writes" "0" \
	"$(jqb '[.items[]|select(.action=="credentials.issue")]|length')"
api GET "$U/api/v1/audit?log=nope" "$KEY_ADMIN"
api_err "an unknown audit log names the parameter" 400 bad_request log
api GET "$U/api/v1/audit?per_page=100&log=credentials" "$KEY_ADMIN"
tap_eq "audit: the issues and refusals, user as target" \
	"ann:201:adm1 ann:201:app1 eve:409:app1 dan:403:app1 ann:404:app1" \
	"$(jqb '[.items[]|select(.action=="credentials.issue")|.target+":"+(.status|tostring)+":"+.key_id]|join(" ")')"
if grep -qF "${TOKEN:0:40}" <(redis-cli -p "${IWG_REDIS_ADDR##*:}" XRANGE iwg:audit:credentials - +); then
	tap_fail "the audit stream holds no token" "the token is in iwg:audit:credentials"
else
	tap_ok "the audit stream holds no token"
fi

# ------------------------------------------------------------- ephemeral
E=http://127.0.0.1:8089/api/v1/credentials
now=$(date +%s)
api POST $E "$KEY_APP" '{"user":"bob","ttl":60}'
api_is "ephemeral for bob: 201" 201
user=$(jqb .username) pass=$(jqb .password) exp=$(jqb .expires)
tap_eq "ephemeral: kind, user, username <expires>:bob, uri null without sip_domain" \
	"ephemeral bob $exp:bob null" "$(jqb '[.kind,.user,.username,(.uri|tostring)]|join(" ")')"
tap_check "ephemeral: expires is now + ttl" test "$exp" -ge $((now + 60)) -a "$exp" -le $((now + 70))
tap_eq "ephemeral: password = base64(HMAC-SHA1(secret, username))" \
	"$(printf '%s' "$user" | openssl dgst -sha1 -hmac "$SECRET" -binary | base64)" "$pass"
api GET "http://127.0.0.1:8089/api/v1/audit" "$KEY_ADMIN"
if grep -qF "$pass" "$ADMIND_OUT" || grep >/dev/null -F "$pass" <(redis-cli -p "${IWG_REDIS_ADDR##*:}" XRANGE iwg:audit - +); then
	tap_fail "the audit log holds no password" "the password is in the audit log"
else
	tap_ok "the audit log holds no password"
fi
for i in 2 3 4 5; do api POST $E "$KEY_APP" "{\"user\":\"bob$i\"}"; done
tap_eq "ephemeral: the 5th credential of the key (credential_burst 5) still 201" 201 "$CODE"
api POST $E "$KEY_APP" '{"user":"bob6"}'
tap_eq "the 6th: 429 with Retry-After" "429 rate_limited true" \
	"$CODE $(jqb .error) $([ "$(hdr Retry-After)" -ge 1 ] 2>/dev/null && echo true)"
api POST $E "$KEY_ADMIN" '{"user":"bob6"}'
tap_eq "the limit is per key: the admin key still gets one" 201 "$CODE"

# ------------------------------------------------------------- start-up errors
# check_start DESC EXPECTED-STDERR-PREFIX LINE...: iwg-admind -t on a
# configuration of LINEs refuses it with "FILE:LINE: ..." on stderr
check_start() {
	local desc=$1 want=$2 f=$IWG_RUN/bad.conf err
	shift 2
	printf '%s\n' "$@" >"$f"
	err=$("$ADMIND_BIN" -c "$f" -t 2>&1 >/dev/null)
	if [ $? -ne 0 ] && [[ $err == "iwg-admind: $f:$want"* ]] && [[ $err != *"$SECRET"* ]]; then
		tap_ok "start refused: $desc"
	else
		tap_fail "start refused: $desc" "wanted 'iwg-admind: $f:$want...', got '$err'"
	fi
}
short=$S/short.secret
echo "0123456789abcdef0123456789abcde" >"$short"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$S/p384.key" 2>/dev/null
check_start "a bad credential_kind" "2: credential_kind: 'jwt' is not off, token or ephemeral" \
	"# x" "credential_kind = jwt"
check_start "token without a key file" "1: credential_kind token needs credential_token_key_file" \
	"credential_kind = token"
check_start "a missing key file" "3: credential_token_key_file: '$S/none.key': No such file" \
	"credential_kind = token" "" "credential_token_key_file = $S/none.key"
check_start "a P-384 key" "2: credential_token_key_file: '$S/p384.key': not a P-256" \
	"credential_kind = token" "credential_token_key_file = $S/p384.key"
check_start "a public key where the private one belongs" \
	"2: credential_token_key_file: '$S/es256.pub': not a PEM private key" \
	"credential_kind = token" "credential_token_key_file = $S/es256.pub"
check_start "an HS256 secret shorter than 32 bytes" \
	"3: credential_token_key_file: '$short': the secret is shorter than 32 bytes" \
	"credential_kind = token" "credential_token_alg = HS256" "credential_token_key_file = $short"
check_start "an ephemeral secret shorter than 32 bytes" \
	"2: credential_secret_file: '$short': the secret is shorter than 32 bytes" \
	"credential_kind = ephemeral" "credential_secret_file = $short"
chmod 000 "$S/auth_secret"
if [ "$(id -u)" != 0 ]; then
	check_start "an unreadable secret file" "2: credential_secret_file: '$S/auth_secret': Permission denied" \
		"credential_kind = ephemeral" "credential_secret_file = $S/auth_secret"
fi
chmod 600 "$S/auth_secret"
check_start "a CSP source that would inject a directive" "1: web_connect_src: ';' is not allowed" \
	"web_connect_src = wss://a; script-src *"

# ------------------------------------------------------------- off, Redis down
api POST http://127.0.0.1:8090/api/v1/credentials "$KEY_APP" '{"user":"ann"}'
api_err "credential_kind off: 409 credentials_off" 409 credentials_off
api GET http://127.0.0.1:8090/console/
api_err "web_root empty: static paths 404" 404 not_found
rpid=$(cat "$IWG_RUN/redis.pid")
stack_kill "$rpid"
api POST $C "$KEY_APP" '{"user":"ann"}'
api_err "credentials with Redis (the audit log) down: 503" 503 unavailable
api GET $U/console/app.js
tap_eq "static files still served with Redis down" 200 "$CODE"

tap_done
