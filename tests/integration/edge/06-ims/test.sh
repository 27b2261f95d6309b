#!/usr/bin/env bash
# The access edge of the ims preset (ims.test.mjs): what an unregistered or
# malicious peer gets, and a browser that vanishes mid-call (BYE, media,
# de-REGISTER at the IMS core). Inside the private network namespace of
# tests/run.sh.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../../ims/lib/ims-stack.sh"
ims_stack_start edge-ims
ims_run_node "$here/ims.test.mjs"
