#!/usr/bin/env bash
# IMS gateway with a real browser: headless Chromium (JsSIP) registers
# through kamcfg/ims at a SIPp S-CSCF and calls a SIPp VoLTE UE answering
# AMR-WB; a Node UDP receiver is the UE's media endpoint (AMR-WB payload
# format, RFC 4733 DTMF payload type); then an audio + H.264 video call and
# hold/resume (ims.test.mjs). Run inside a private network namespace (make
# test does).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tests/integration/ims/lib/ims-stack.sh"
[ -d "$top/node_modules/jssip" ] && [ -d "$top/node_modules/playwright-core" ] \
	|| ims_bail "e2e IMS could not run" "node_modules missing: run scripts/deps.sh (npm ci)"
ims_stack_start e2e-ims
ims_run_node "$here/ims.test.mjs"
