#!/usr/bin/env bash
# IMS gateway calls (kamcfg/ims): MO and MT INVITE dialogs between a
# SIP-over-WebSocket client and the IMS side (SIPp registrar as S-CSCF, a
# Node UDP UA as the originating S-CSCF and far end), with rtpengine in the
# path: early media, hold/resume, UPDATE, INFO, CANCEL, BYE both ways, 430,
# WebSocket close during a call. Run inside a private network namespace.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/ims-stack.sh"
ims_stack_start integration-ims-calls
ims_run_node "$here/calls.test.mjs"
