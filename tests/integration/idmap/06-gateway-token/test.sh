#!/usr/bin/env bash
# Token sign-on through the gateway deployment: the real stack
# (tests/lib/stack.sh) with -A WITH_IDMAP, mappings added with iwg-idctl, a
# Node SIP-over-WebSocket client sending REGISTER/INVITE with bearer tokens
# (HS256 and ES256) and SIPp as the SIP peer on 127.0.0.1:5090. Run it inside
# a private network namespace (tests/run.sh does).
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/idmap/06-gateway-token

bail() {
	echo "not ok 1 - gateway token sign-on suite could not run"
	echo "# $1"
	exit 1
}

. "$top/tests/lib/stack.sh"
[ -f "$IWG_BUILD/modules/iwg_idmap.so" ] && [ -x "$IWG_BUILD/bin/iwg-idctl" ] \
	|| bail "iwg_idmap.so or iwg-idctl not built: run make"
stack_init idmap-gateway-token

# ES256 keys of this run: the issuer's, and a rogue one for bad signatures
keys=$IWG_RUN/keys
mkdir -p "$keys"
for k in es256 rogue; do
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-out "$keys/$k.key" 2>>"$IWG_LOGDIR/openssl.log" &&
		openssl pkey -in "$keys/$k.key" -pubout -out "$keys/$k.pub" \
			2>>"$IWG_LOGDIR/openssl.log" ||
		bail "openssl cannot make a P-256 key (log $IWG_LOGDIR/openssl.log)"
done
IWG_KAM_EXTRA=(-A WITH_IDMAP
	-A "IWG_IDMAP_KEY1=\"kid=test-hs;alg=HS256;file=$top/tests/integration/idmap/keys/hs256.key\""
	-A "IWG_IDMAP_KEY2=\"kid=test-es;alg=ES256;file=$keys/es256.pub\""
	-A 'IWG_IDMAP_AUDIENCE="iwg"' -A 'IWG_IDMAP_ISSUER="paas"')
stack_start || bail "the gateway stack with WITH_IDMAP did not start: see $IWG_LOGDIR (kamailio.log, kamailio-check.log)"

idctl() { "$IWG_BUILD/bin/iwg-idctl" -r "$IWG_REDIS_ADDR" "$@" >>"$IWG_LOGDIR/idctl.log" 2>&1; }
idctl add web ann-web sip:ann@iwg.test "display_name=Ann Example" &&
	idctl add web eve-web sip:eve@iwg.test "display_name=Eve Example" &&
	idctl add web fay-web sip:fay@iwg.test "display_name=Fay Example" &&
	idctl add web dan-web sip:dan@iwg.test "display_name=Dan Example" enabled=0 ||
	bail "iwg-idctl could not add the test mappings (log $IWG_LOGDIR/idctl.log)"

cd "$top" || exit 1
node --experimental-websocket --no-warnings --test --test-reporter=tap \
	"$here/gateway-token.test.mjs"
rc=$?
echo "# logs: $IWG_LOGDIR"
exit $rc
