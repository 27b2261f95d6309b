#!/usr/bin/env bash
# IMS gateway with a real browser: headless Chromium (JsSIP) registers
# through kamcfg/ims at a SIPp S-CSCF and calls a SIPp VoLTE UE answering
# AMR-WB; a Node UDP receiver is the UE's media endpoint (AMR-WB payload
# format, RFC 4733 DTMF payload type); then an audio + H.264 video call and
# hold/resume (ims.test.mjs); then, Kamailio restarted with video as
# RTP/AVPF toward the IMS, the video call again, H.264 decoded in Chromium.
# Run inside a private network namespace (make
# test does).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tests/integration/ims/lib/ims-stack.sh"
[ -d "$top/node_modules/jssip" ] && [ -d "$top/node_modules/playwright-core" ] \
	|| ims_bail "e2e IMS could not run" "node_modules missing: run scripts/deps.sh (npm ci)"
ims_stack_start e2e-ims
ims_node "$here/ims.test.mjs"
rc=$?

# part 2: Kamailio again with video as RTP/AVPF toward the IMS; only the
# video call runs
ims_avpf_profiles "$IWG_RUN/ims-profiles-avpf.conf" || ims_bail "e2e IMS part 2 could not run" "cannot write the profiles"
if ims_restart_kamailio kamailio-part1.log "with the RTP/AVPF video profiles" \
	-A "IWG_MEDIA_PROFILES=\"$IWG_RUN/ims-profiles-avpf.conf\""; then
	IWG_E2E_IMS_PART=avpf ims_node "$here/ims.test.mjs" || rc=1
else
	rc=1
fi
echo "# logs: $IWG_LOGDIR"
exit $rc
