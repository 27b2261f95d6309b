# The IMS gateway stack for the suites of tests/integration/ims and
# tests/e2e/ims (source it): tests/lib/stack.sh with kamcfg/ims, the IMS media
# profiles, a fresh SQLite usrloc database, the S-CSCF at 127.0.0.1:6060.
#
#   ims_stack_start NAME [ARG...]
#                          start redis, rtpengine and kamailio for suite NAME
#                          (ARGs: more kamailio arguments, e.g. -A WITH_IDMAP;
#                          a define replaces the default of the same name,
#                          e.g. -A 'IWG_IMS_CORE="sip:...;transport=tcp"');
#                          on failure prints "not ok 1" with the log place
#                          and exits 1
#   ims_hdrmed_rules       copies the shipped header mediation profiles
#                          (kamcfg/hdrmed/ims-*.rules) to $IWG_RUN/hdrmed with
#                          the trusted network set to the test IMS core,
#                          127.0.0.2/32 (browsers at 127.0.0.1 stay untrusted)
#   ims_avpf_profiles FILE writes to FILE the shipped IMS media profiles
#                          with video as RTP/AVPF toward the IMS: the
#                          browser-offer/answer-to-ims-avpf pair under the
#                          names the cfg uses (for IWG_MEDIA_PROFILES)
#   ims_restart_kamailio OLDLOG WHAT [ARG...]
#                          a suite's next part: stops the Kamailio this shell
#                          started (by its PID), keeps its log as
#                          $IWG_LOGDIR/OLDLOG, starts it again with the ARGs
#                          added (a define replacing the earlier one of its
#                          name); on failure prints "not ok" naming WHAT and
#                          returns 1
#   ims_run_node FILE      runs a node:test file with the TAP reporter (Node
#                          20 built-in WebSocket); exits with its status
#   ims_node FILE          the same, returning its status
# Env after start: everything stack.sh exports (IWG_LOGDIR, IWG_KAMCMD, ...).

ims_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)

# ims_kam_extra ARG...: adds kamailio ARGs to IWG_KAM_EXTRA; a define
# (-A NAME[=VALUE]) replaces the one of the same NAME already there
# (Kamailio refuses a name defined twice)
ims_kam_extra() {
	local a i keep=() names=" "
	for ((i = 1; i < $#; i++)); do
		a=$((i + 1))
		[ "${!i}" = -A ] && names+="${!a%%=*} "
	done
	for ((i = 0; i < ${#IWG_KAM_EXTRA[@]}; i++)); do
		if [ "${IWG_KAM_EXTRA[i]}" = -A ] && [[ $names == *" ${IWG_KAM_EXTRA[i + 1]%%=*} "* ]]; then
			i=$((i + 1))
			continue
		fi
		keep+=("${IWG_KAM_EXTRA[i]}")
	done
	IWG_KAM_EXTRA=("${keep[@]}" "$@")
}

ims_bail() {
	echo "not ok 1 - $1"
	echo "# $2"
	exit 1
}

ims_avpf_profiles() {
	sed -e 's/^\[browser-offer-to-ims\]/[browser-offer-to-ims-avp]/' \
		-e 's/^\[browser-answer-to-ims\]/[browser-answer-to-ims-avp]/' \
		"$ims_top/rtpengine-ext/profiles/ims-profiles.conf" >"$1" || return 1
	printf '[browser-offer-to-ims]\n@browser-offer-to-ims-avpf\n[browser-answer-to-ims]\n@browser-answer-to-ims-avpf\n' >>"$1"
}

ims_restart_kamailio() {
	local old=$1 what=$2
	shift 2
	stack_kill "$(cat "$IWG_RUN/kamailio.pid")"
	wait_until 10 eval "! udp_bound 5060" || { echo "not ok 1 - Kamailio $what: port 5060 still taken"; return 1; }
	mv "$IWG_LOGDIR/kamailio.log" "$IWG_LOGDIR/$old"
	ims_kam_extra "$@"
	stack_start_kamailio && return 0
	echo "not ok 1 - Kamailio $what did not start"
	echo "# see $IWG_LOGDIR/kamailio.log, kamailio-check.log"
	return 1
}

ims_hdrmed_rules() {
	local f
	mkdir -p "$IWG_RUN/hdrmed"
	for f in ims-volte ims-rcs; do
		sed 's|^trusted .*|trusted 127.0.0.2/32|' "$ims_top/kamcfg/hdrmed/$f.rules" \
			>"$IWG_RUN/hdrmed/$f.rules" || return 1
	done
}

ims_stack_start() {
	local name=$1
	shift
	[ -f "${IWG_BUILD:-$ims_top/build}/modules/iwg_webrtc.so" ] \
		|| ims_bail "$name could not run" "iwg_webrtc.so not built: run make"
	IWG_CFG=$ims_top/kamcfg/ims/kamailio.cfg
	IWG_PROFILES=$ims_top/rtpengine-ext/profiles/ims-profiles.conf
	. "$ims_top/tests/lib/stack.sh"
	stack_init "$name"
	IWG_KAM_EXTRA=(-A 'IWG_IMS_CORE="sip:127.0.0.1:6060"'
		-A "IWG_HDRMED_VOLTE=\"ims-volte=$IWG_RUN/hdrmed/ims-volte.rules\""
		-A "IWG_HDRMED_RCS=\"ims-rcs=$IWG_RUN/hdrmed/ims-rcs.rules\""
		-A 'IWG_HDRMED_DISCOVERY=1')
	ims_kam_extra "$@"
	ims_hdrmed_rules || ims_bail "$name could not run" "cannot copy the hdrmed rules to $IWG_RUN/hdrmed"
	stack_start || ims_bail "$name could not run" \
		"the IMS gateway stack did not start: see $IWG_LOGDIR (kamailio.log, kamailio-check.log, rtpengine.log)"
}

# ims_node FILE: runs a node:test file with the TAP reporter, returns its status
ims_node() {
	(cd "$ims_top" && exec node --experimental-websocket --no-warnings --test \
		--test-reporter=tap "$1")
}

ims_run_node() {
	local rc
	ims_node "$1"
	rc=$?
	echo "# logs: $IWG_LOGDIR"
	exit $rc
}
