# shellcheck shell=bash
# Shared start of the iwg-probe integration tests (source it from a
# test.sh): TAP and stack helpers, a run directory named after the test,
# the gateway stack started (a TAP line either way; the test ends when it
# does not start), and an EXIT trap that stops, by PID, the background
# SIPp and probe of the test ($sipp_pid, $probe_pid: set them when started,
# empty them once waited for) and then the stack.
#
#   probe_test_start NAME   sets here top logs probe; starts the stack
#                           (after calling probe_before_start, if the test
#                           defines it, in the fresh run directory)
#   jq_ok DESC FILTER FILE  a TAP line: the jq filter is true for FILE
# (and the helpers below: probe_fails, sipp_got_call, tone_echo_ok,
# sipp_finished; install/03-containers uses them without the stack)
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
probe=$IWG_BUILD/bin/iwg-probe
sipp_pid=
probe_pid=

_probe_cleanup() {
	# shellcheck disable=SC2086 # empty when not started
	stack_kill $probe_pid $sipp_pid
	stack_stop
}

probe_test_start() {
	stack_init "$1"
	logs=$IWG_LOGDIR
	# a test's own preparation of the run directory (e.g. its profiles)
	if declare -F probe_before_start >/dev/null; then
		probe_before_start
	fi
	trap _probe_cleanup EXIT
	if ! stack_start; then
		tap_fail "gateway stack starts" "see $logs/kamailio.log, $logs/rtpengine.log"
		tap_done
		exit 1
	fi
	tap_ok "gateway stack starts"
	# the gateway authenticates browsers: the probe logs in as a test user
	# (digest, tests/lib/stack.sh); "${probe[@]}" runs it with that password
	probe=("$IWG_BUILD/bin/iwg-probe" --password "$IWG_TEST_PASSWORD")
}

jq_ok() {
	if jq -e "$2" "$3" >/dev/null 2>&1; then
		tap_ok "$1"
	else
		tap_fail "$1" "jq '$2' is not true for: $(head -c 1500 "$3") (logs: $logs)"
	fi
}

# probe_fails DESC REASON_RE OUT ARGS...: a TAP line: iwg-probe with ARGS
# exits 1 with a JSON result "failed" whose reason matches REASON_RE (its
# output kept in $logs/OUT)
probe_fails() {
	local desc=$1 re=$2 out=$logs/$3 rc
	shift 3
	"${probe[@]}" "$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" -eq 1 ] && jq -e --arg re "$re" \
		'.result == "failed" and (.reason | test($re))' "$out" >/dev/null 2>&1; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "exit $rc, output: $(head -c 500 "$out")"
	fi
}

# sipp_got_call NAME: a TAP line: the Call-ID of the probe's result
# $logs/NAME.json is in SIPp's message trace ($logs/sipp-messages.log)
sipp_got_call() {
	local id
	id=$(jq -r .call_id "$logs/$1.json" 2>/dev/null)
	if [ -n "$id" ] && grep -q "Call-ID: $id" "$logs/sipp-messages.log" 2>/dev/null; then
		tap_ok "SIPp received the $1 call ($id)"
	else
		tap_fail "SIPp received the $1 call" "Call-ID '$id' not in $logs/sipp-messages.log"
	fi
}

# tone_echo_ok DESC FILE: a TAP line: the Opus call of FILE got its tone
# back (at least half the frames sent, mismatches within the probe's own
# allowance of 2 + 1 %)
tone_echo_ok() {
	jq_ok "$1" '.result == "ok" and .codec == "opus" and .sent > 0
		and .echo_match >= (.sent / 2)
		and .echo_mismatch <= 2 + (.received / 100)' "$2"
}

# ng_call_id: waits up to 10 s for rtpengine to hold a call and prints the
# Call-ID of the first one (nothing if there is none)
ng_call_id() {
	wait_until 10 eval '[ -n "$("$IWG_NG_BIN" list 2>/dev/null | jq -r ".calls[0] // empty")" ]'
	"$IWG_NG_BIN" list 2>/dev/null | jq -r '.calls[0] // empty'
}

# ng_call_check DESC COND: sets cid to the call rtpengine holds (ng_call_id);
# a TAP line: the shell condition COND (it may use $cid) turns true within
# 10 s; on failure the NG query of the call is shown
ng_call_check() {
	cid=$(ng_call_id)
	if [ -n "$cid" ] && wait_until 10 eval "$2"; then
		tap_ok "$1"
	else
		tap_fail "$1" "call '$cid': $("$IWG_NG_BIN" query "$cid" 2>&1 | head -c 1500) (log $logs/rtpengine.log)"
	fi
}

# sipp_finished DESC: wait up to 15 s for the background SIPp ($sipp_pid)
# to end; a TAP line: it exited 0 (all its calls completed)
sipp_finished() {
	local rc
	wait_until 15 eval "! kill -0 $sipp_pid"
	wait "$sipp_pid"
	rc=$?
	sipp_pid=
	tap_eq "$1" 0 "$rc"
}
