#!/usr/bin/env bash
# IMS gateway header mediation (kamcfg/ims + iwg_hdrmed, shipped profiles
# ims-volte and ims-rcs): P-Charging-Vector, P-Access-Network-Info, feature
# tags, masking and the trust domain, "out" toward the IMS and "in" from it.
# SIPp plays the S-CSCF registrar, Node UAs the browser and the IMS side
# (hdrmed.test.mjs). Run inside a private network namespace.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/ims-stack.sh"
ims_stack_start integration-ims-hdrmed
ims_run_node "$here/hdrmed.test.mjs"
