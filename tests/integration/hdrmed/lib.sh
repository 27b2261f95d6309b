# Helpers of the iwg_hdrmed integration tests (source it): a kamailio with
# hdrmed-test.cfg and SIPp peers on private ports, started through
# tests/lib/stack.sh's helpers and stopped by PID on exit.
top=${IWG_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
export IWG_BUILD=${IWG_BUILD:-$top/build}
hd_dir=$top/tests/integration/hdrmed
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"

HD_KPORT=15160 HD_UAS_PORT=15190 HD_UAC_PORT=15170
_hd_cp=18960

# hd_init NAME: run directory build/test-runs/hdrmed-NAME, logs in $logs
hd_init() {
	stack_init "hdrmed-$1"
	run=$IWG_RUN
	logs=$IWG_LOGDIR
}

# hd_kamailio P1 P2 P3: start kamailio with three "name=path" profiles
# (discovery on unless HD_DISCOVERY=0; extra kamailio options in
# HD_KAM_OPTS, e.g. "-x tlsf -X tlsf"); sets KAMCMD
hd_kamailio() {
	local log=$logs/kamailio.log
	local args=(-f "$hd_dir/hdrmed-test.cfg" -m 64 -M 8 -w "$run" ${HD_KAM_OPTS:-}
		-A "HD_PORT=$HD_KPORT" -A "HD_DISCOVERY=${HD_DISCOVERY:-1}"
		-A "HD_MPATH=\"$IWG_MODULE_PATH\""
		-A "HD_CTL=\"unix:$run/kamailio.ctl\""
		-A "HD_UAS=\"sip:127.0.0.1:$HD_UAS_PORT\""
		-A "HD_P1=\"$1\"" -A "HD_P2=\"$2\"" -A "HD_P3=\"$3\"")
	KAMCMD="kamcmd -s unix:$run/kamailio.ctl"
	stack_spawn_kamailio kamailio "unix:$run/kamailio.ctl" "${args[@]}" || return 1
	KAM_PID=$(cat "$run/kamailio.pid")
	wait_until 5 udp_bound $HD_KPORT ||
		{ echo "# kamailio did not come up, log $log"; return 1; }
}

# hd_uas NAME SCENARIO [SIPP ARGS...]: SIPp UAS in the background; UAS_PID
hd_uas() {
	local name=$1 sf=$2
	shift 2
	_hd_cp=$((_hd_cp + 1))
	_stack_spawn "$name" "$logs/$name.log" sipp -sf "$hd_dir/sipp/$sf" \
		-i 127.0.0.1 -p $HD_UAS_PORT -nostdin -cp $_hd_cp \
		-trace_err -error_file "$logs/$name.err" "$@"
	UAS_PID=$(cat "$run/$name.pid")
	wait_until 5 udp_bound $HD_UAS_PORT
}

# hd_uac NAME SCENARIO [SIPP ARGS...]: SIPp UAC in the foreground toward
# kamailio; its exit status (0: every call passed)
hd_uac() {
	local name=$1 sf=$2
	shift 2
	_hd_cp=$((_hd_cp + 1))
	(cd "$run" && sipp -sf "$hd_dir/sipp/$sf" -i 127.0.0.1 -p $HD_UAC_PORT \
		-nostdin -cp $_hd_cp -timeout 30s -timeout_error -trace_err \
		-error_file "$logs/$name.err" "$@" 127.0.0.1:$HD_KPORT) \
		>"$logs/$name.log" 2>&1
}

# hd_stop PID: stop one process started here and wait for it
hd_stop() {
	stack_kill "$1"
}
