#!/usr/bin/env bash
# Token sign-on through the IMS gateway (kamcfg/ims with -A WITH_IDMAP,
# kamcfg/edge/idmap.cfg): REGISTER with "Authorization: Bearer <JWT>"
# besides the IMS's Digest, the token never forwarded, wrong AOR refused.
# SIPp plays the S-CSCF; Node is the browser (token.test.mjs). Run inside a
# private network namespace.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/ims-stack.sh"
[ -x "${IWG_BUILD:-$ims_top/build}/bin/iwg-idctl" ] && [ -f "${IWG_BUILD:-$ims_top/build}/modules/iwg_idmap.so" ] \
	|| ims_bail "IMS token sign-on could not run" "iwg_idmap.so or iwg-idctl not built: run make"
ims_stack_start integration-ims-token -A WITH_IDMAP \
	-A "IWG_IDMAP_KEY1=\"kid=test-hs;alg=HS256;file=$ims_top/tests/integration/idmap/keys/hs256.key\"" \
	-A 'IWG_IDMAP_AUDIENCE="iwg"' -A 'IWG_IDMAP_ISSUER="paas"'
for m in "ann-web sip:ann@ims.test" "eve-web sip:eve@ims.test"; do
	# shellcheck disable=SC2086
	"$IWG_BUILD/bin/iwg-idctl" -r "$IWG_REDIS_ADDR" add web $m >>"$IWG_LOGDIR/idctl.log" 2>&1 \
		|| ims_bail "IMS token sign-on could not run" "iwg-idctl add failed (log $IWG_LOGDIR/idctl.log)"
done
ims_run_node "$here/token.test.mjs"
