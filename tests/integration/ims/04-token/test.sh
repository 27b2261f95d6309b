#!/usr/bin/env bash
# Token sign-on through the IMS gateway (kamcfg/ims with -A WITH_IDMAP,
# kamcfg/edge/idmap.cfg), in two parts on one Redis and rtpengine:
#  1. token.test.mjs: REGISTER with "Authorization: Bearer <JWT>" besides
#     the IMS's Digest, the token never forwarded, wrong AOR refused.
#  2. webcred.test.mjs: Kamailio again with -A WITH_IMS_WEBCRED: the token
#     alone registers the browser, iwg tells the S-CSCF "auth-done" with the
#     mapping's IMPI; GRUUs; an MT call to a GRUU; the de-REGISTER on close.
# SIPp plays the S-CSCF; Node is the browser. Run inside a private network
# namespace.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/ims-stack.sh"
[ -x "${IWG_BUILD:-$ims_top/build}/bin/iwg-idctl" ] && [ -f "${IWG_BUILD:-$ims_top/build}/modules/iwg_idmap.so" ] \
	|| ims_bail "IMS token sign-on could not run" "iwg_idmap.so or iwg-idctl not built: run make"
ims_stack_start integration-ims-token -A WITH_IDMAP \
	-A "IWG_IDMAP_KEY1=\"kid=test-hs;alg=HS256;file=$ims_top/tests/integration/idmap/keys/hs256.key\"" \
	-A 'IWG_IDMAP_AUDIENCE="iwg"' -A 'IWG_IDMAP_ISSUER="paas"'
for m in "ann-web sip:ann@ims.test impi=ann.priv@ims.test" "eve-web sip:eve@ims.test impi=eve.priv@ims.test" \
	"nim-web sip:nim@ims.test" "dig-web sip:dig@ims.test impi=dig.priv@ims.test" \
	"zed-web sip:zed@ims.test impi=zed.priv@ims.test"; do
	# shellcheck disable=SC2086
	"$IWG_BUILD/bin/iwg-idctl" -r "$IWG_REDIS_ADDR" add web $m >>"$IWG_LOGDIR/idctl.log" 2>&1 \
		|| ims_bail "IMS token sign-on could not run" "iwg-idctl add failed (log $IWG_LOGDIR/idctl.log)"
done
ims_node "$here/token.test.mjs"
rc=$?

# part 2: Kamailio again with WITH_IMS_WEBCRED
if ims_restart_kamailio kamailio-token.log "with WITH_IMS_WEBCRED" -A WITH_IMS_WEBCRED; then
	ims_node "$here/webcred.test.mjs" || rc=1
else
	rc=1
fi
echo "# logs: $IWG_LOGDIR"
exit $rc
