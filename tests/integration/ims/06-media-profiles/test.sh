#!/usr/bin/env bash
# The IMS media profile variants (rtpengine-ext/profiles/ims-profiles.conf)
# through kamcfg/ims: video as RTP/AVPF toward the IMS (the
# browser-offer-to-ims-avpf / browser-answer-to-ims-avpf pair, selected in
# the run's copy of the profile file under the names the cfg uses) and an
# AMR-NB-only IMS side, MO and MT, asserted on the SDPs each side gets and on
# rtpengine's NG query. Run inside a private network namespace.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../../../.." && pwd)
# the run directory made here (kept by stack_init) for the profile copy
export IWG_RUN=${IWG_BUILD:-$top/build}/test-runs/integration-ims-media-profiles
rm -rf "$IWG_RUN" && mkdir -p "$IWG_RUN"
profiles=$IWG_RUN/ims-profiles.conf
. "$here/../lib/ims-stack.sh"
ims_avpf_profiles "$profiles" || ims_bail "IMS media profiles could not run" "cannot write $profiles"
ims_stack_start integration-ims-media-profiles -A "IWG_MEDIA_PROFILES=\"$profiles\""
ims_run_node "$here/media.test.mjs"
