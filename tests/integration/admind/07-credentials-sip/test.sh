#!/usr/bin/env bash
# Credentials from iwg-admind accepted by the real gateway (REGISTER over
# WebSocket): ephemeral, then ES256 token. See README.md. Runs inside the
# private network namespace of tests/run.sh.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../lib/stack.sh"
. "$IWG_TOP/tests/lib/tap.sh"

run_mode() {
	local mode=$1 out rc
	IWG_RUN=
	stack_init "integration-admind-07-$mode"
	# read by stack_start (tests/lib/stack.sh)
	# shellcheck disable=SC2034
	IWG_KAM_EXTRA=(-A WITH_AUTH_EPHEMERAL)
	if [ "$mode" = token ]; then
		stack_web_token_key || { tap_fail "the web token key pair is made" "see $IWG_LOGDIR/openssl.log"; return 1; }
		export IWG_ADMIND_TOKEN_ISSUER=iwg-admind IWG_ADMIND_TOKEN_AUDIENCE=iwg
		# shellcheck disable=SC2034
		IWG_KAM_EXTRA=(-A WITH_IDMAP
			-A "IWG_IDMAP_KEY1=\"kid=$IWG_ADMIND_TOKEN_KID;alg=ES256;file=$IWG_ADMIND_TOKEN_PUB\""
			-A "IWG_IDMAP_ISSUER=\"$IWG_ADMIND_TOKEN_ISSUER\"" -A "IWG_IDMAP_AUDIENCE=\"$IWG_ADMIND_TOKEN_AUDIENCE\"")
	fi
	if ! stack_start; then
		tap_fail "gateway stack starts ($mode)" "see $IWG_LOGDIR (kamailio.log, kamailio-check.log)"
		stack_stop
		return 1
	fi
	if ! IWG_ADMIND_CREDENTIAL=$mode stack_start_admind; then
		tap_fail "iwg-admind starts with credential_kind $mode" "see $IWG_LOGDIR/admind.log"
		stack_stop
		return 1
	fi
	tap_ok "gateway and iwg-admind up (credential_kind $mode)"
	out=$IWG_LOGDIR/credentials-tap.txt
	(cd "$IWG_TOP" && IWG_ADMIND_CREDENTIAL=$mode IWG_ADMIND_KEYS=$IWG_RUN/admind/keys \
		node --experimental-websocket --no-warnings --test --test-reporter=tap \
		"$here/credentials-sip.test.mjs") >"$out" 2>&1
	rc=$?
	# the node runner's own TAP lines, renumbered into this script's
	while IFS= read -r line; do
		case $line in
		"ok "*) tap_ok "${line#ok * - }" ;;
		"not ok "*) tap_fail "${line#not ok * - }" "see $out and $IWG_LOGDIR (kamailio.log, admind.log, ws-ua.log)" ;;
		esac
	done < <(grep -E '^(not )?ok ' "$out")
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$out"; then
		tap_fail "credentials-sip.test.mjs ran ($mode)" "node exited $rc; see $out"
	fi
	stack_stop
}

run_mode ephemeral
run_mode token
tap_done
