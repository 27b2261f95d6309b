#!/usr/bin/env bash
# Starts the gateway's Kamailio of the running iwg.js suite stack in the
# foreground with the credential kind KIND (digest, ephemeral or token):
#   tests/e2e/sdk/kamailio.sh KIND
# Run by the suite (lib.mjs) between groups of tests, with IWG_RUN and the
# other stack variables exported by test.sh; it becomes Kamailio (exec), so
# the suite stops it by the PID it started. Its PID is also written to
# $IWG_RUN/kamailio-sdk.pid for test.sh's clean-up.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
. "$top/tests/lib/stack.sh"
case ${1:-} in
digest) IWG_KAM_EXTRA=() ;;
ephemeral) IWG_KAM_EXTRA=(-A WITH_AUTH_EPHEMERAL) ;;
token) IWG_KAM_EXTRA=(-A WITH_AUTH_TOKEN
	-A "IWG_IDMAP_KEY1=\"kid=sdk-test;alg=ES256;file=$IWG_RUN/keys/es256.pub\"") ;;
*) echo "usage: $0 digest|ephemeral|token" >&2; exit 2 ;;
esac
stack_kamailio_args || exit 1
cd "$top" || exit 1
/usr/sbin/kamailio -c "${IWG_KAM_ARGS[@]}" >"$IWG_LOGDIR/kamailio-$1-check.log" 2>&1 || {
	echo "kamailio rejected its cfg with $1 credentials: see $IWG_LOGDIR/kamailio-$1-check.log" >&2
	exit 1
}
echo $$ >"$IWG_RUN/kamailio-sdk.pid"
exec /usr/sbin/kamailio -DD -E "${IWG_KAM_ARGS[@]}"
