#!/usr/bin/env bash
# IMS gateway signaling (kamcfg/ims): registration relay with Path flow
# tokens, Service-Route / P-Asserted-Identity, MT through Path, bad input,
# de-REGISTER on WebSocket close. SIPp plays the S-CSCF; the WebSocket
# client is Node (ims.test.mjs). Run inside a private network namespace.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/ims-stack.sh"
ims_stack_start integration-ims-signaling
ims_run_node "$here/ims.test.mjs"
