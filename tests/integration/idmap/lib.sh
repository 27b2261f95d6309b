# Helpers of the iwg_idmap integration tests (source it after tap.sh):
# throwaway redis-server, redis-sentinel and kamailio instances on private
# ports, SIPp probes. Everything is started through tests/lib/stack.sh
# (stack_spawn_kamailio, _stack_spawn; stack_adopt for what a test starts
# itself) and stopped by stack_stop, by PID, on exit.
top=${IWG_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
build=${IWG_BUILD:-$top/build}
idm_dir=$top/tests/integration/idmap
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
IDCTL=$build/bin/iwg-idctl

# idm_init NAME: run directory build/test-runs/idmap-NAME ($run, logs in
# $logs), stack_stop on exit
idm_init() {
	unset IWG_RUN # a fresh directory of its own, whatever the caller's
	stack_init "idmap-$1"
	run=$IWG_RUN
	logs=$IWG_LOGDIR
}

# idm_kill PID: stop one process started here
idm_kill() {
	stack_kill "$1"
}

# idm_redis NAME PORT [ARGS...]: start redis-server, sets REDIS_PID
idm_redis() {
	local name=$1 port=$2
	shift 2
	mkdir -p "$run/$name"
	_stack_spawn "$name" "$logs/$name.log" redis-server --bind 127.0.0.1 \
		--port "$port" --dir "$run/$name" --save "" --appendonly no \
		--daemonize no "$@"
	REDIS_PID=$(cat "$run/$name.pid")
	wait_until 10 redis-cli -p "$port" ping ||
		{ echo "# redis $name did not start, log $logs/$name.log"; return 1; }
}

# idm_kamailio NAME PORT REDIS_PARAMS [CACHE_TTL]: start kamailio with
# idmap-test.cfg (stack_spawn_kamailio: log $logs/NAME.log); sets KAMCMD
# (kamcmd prefix)
idm_kamailio() {
	local name=$1 port=$2 params=$3 ttl=${4:-60} cfg=$run/$1.cfg
	sed -e "s|@PORT@|$port|g" -e "s|@CTL@|$run/$name.ctl|g" \
		-e "s|@MPATH@|$IWG_MODULE_PATH|" \
		-e "s|@KEYS@|$idm_dir/keys|g" -e "s|@CACHE_TTL@|$ttl|" \
		-e "s|@UAS_PORT@|${UAS_PORT:-15099}|" \
		-e "s|@REDIS_PARAMS@|$params|" "$idm_dir/idmap-test.cfg" >"$cfg"
	KAMCMD="kamcmd -s unix:$run/$name.ctl"
	stack_spawn_kamailio "$name" "unix:$run/$name.ctl" -f "$cfg" \
		-m 64 -M 8 -w "$run" || return 1
	wait_until 5 udp_bound "$port" ||
		{ echo "# kamailio $name did not come up, log $logs/$name.log"; return 1; }
}

# idm_probe PORT EXPECT REGEX USER [OP] [TOKEN] [URI]: one OPTIONS through
# SIPp; succeeds when the reply has status EXPECT and matches REGEX
_idm_cp=18900
idm_probe() {
	local port=$1 expect=$2 regex=$3 user=$4 op=${5:-lookup} token=${6:-none}
	local uri=${7:-sip:none@x} sc
	_idm_cp=$((_idm_cp + 1))
	sc=$run/uac-$_idm_cp.xml
	sed -e "s|@EXPECT@|$expect|" -e "s|@REGEX@|$regex|" \
		"$idm_dir/sipp/uac.xml.in" >"$sc"
	(cd "$run" && sipp 127.0.0.1:"$port" -sf "$sc" -m 1 -l 1 -nostdin \
		-i 127.0.0.1 -p $((_idm_cp + 1000)) -cp "$_idm_cp" -timeout 10s \
		-timeout_error -key user "$user" -key op "$op" -key token "$token" \
		-key uri "$uri" -trace_err -error_file "$logs/sipp-$_idm_cp.err" \
		>"$logs/sipp-$_idm_cp.log" 2>&1)
}

# idm_uas NAME SCENARIO CP: a SIPp UAS on 127.0.0.1:$UAS_PORT that takes one
# request with sipp/SCENARIO (control port CP, log $logs/NAME.log), stopped
# by stack_stop; polled until bound; sets UAS_PID (wait for it to read the
# scenario's verdict)
idm_uas() {
	(cd "$run" && sipp -sf "$idm_dir/sipp/$2" -i 127.0.0.1 -p "$UAS_PORT" \
		-m 1 -nostdin -cp "$3" -timeout 15s -timeout_error -trace_err \
		-error_file "$logs/$1.err" >"$logs/$1.log" 2>&1) &
	UAS_PID=$!
	stack_adopt "$1" "$UAS_PID"
	wait_until 5 udp_bound "$UAS_PORT"
}

# idm_check DESC PORT EXPECT REGEX USER [OP] [TOKEN] [URI]: TAP line
idm_check() {
	local desc=$1
	shift
	if idm_probe "$@"; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "expected $2 matching '$3'; SIPp log $logs/sipp-$_idm_cp.log, $(ls "$run"/uac-"$_idm_cp"_*errors.log 2>/dev/null | head -1); kamailio logs in $logs"
	fi
}

# idm_token ALG KID CLAIMS_JSON: a signed JWT from the test keys
idm_token() {
	python3 "$idm_dir/mktoken.py" "$idm_dir/keys" "$@"
}

# idm_sentinel NAME PORT MASTER_PORT QUORUM DOWN_MS: start redis-sentinel
# on 127.0.0.1:PORT watching "mymaster" at 127.0.0.1:MASTER_PORT (its
# config, which it rewrites, under $run/NAME); failover-timeout 4 s, so a
# split vote is retried after 8 s
idm_sentinel() {
	local name=$1 port=$2 conf=$run/$1/sentinel.conf
	mkdir -p "$run/$name"
	printf '%s\n' "port $port" "bind 127.0.0.1" "dir $run/$name" \
		"sentinel monitor mymaster 127.0.0.1 $3 $4" \
		"sentinel down-after-milliseconds mymaster $5" \
		"sentinel failover-timeout mymaster 4000" >"$conf"
	_stack_spawn "$name" "$logs/$name.log" redis-sentinel "$conf" --daemonize no
	wait_until 10 redis-cli -p "$port" sentinel myid && return 0
	echo "# sentinel $name did not start, log $logs/$name.log"
	return 1
}

# idm_master_replica MASTER_PORT REPLICA_PORT: a master and its replica for
# a Sentinel test (redis-sentinel must be installed), both serving a new
# replica at once (repl-diskless-sync-delay 0, not 5 s); sets MASTER_PID.
# Returns 1 after a TAP failure.
IDM_NODELAY=(--repl-diskless-sync-delay 0)
idm_master_replica() {
	if ! command -v redis-sentinel >/dev/null; then
		tap_fail "redis-sentinel is installed" "apt-get install redis-sentinel (lib/idstore/packages.txt)"
		return 1
	fi
	idm_redis master "$1" "${IDM_NODELAY[@]}" ||
		{ tap_fail "master starts" "see $logs/master.log"; return 1; }
	MASTER_PID=$REDIS_PID
	idm_redis replica "$2" --replicaof 127.0.0.1 "$1" "${IDM_NODELAY[@]}" ||
		{ tap_fail "replica starts" "see $logs/replica.log"; return 1; }
}
