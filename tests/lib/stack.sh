# iwg local stack: start and stop Redis, rtpengine and Kamailio on loopback.
# The test library: sourced by scripts/run.sh (make run) and by the
# integration, e2e and bench suites. A suite starts Kamailio, whatever its
# cfg, through stack_spawn_kamailio (or stack_kamailio_exit when it must
# refuse to start), with the modules of IWG_MODULE_PATH (make bench's
# callgrind runs start theirs through _stack_spawn).
#
#   stack_init NAME   run directory: IWG_RUN if set (data kept), else a fresh
#                     build/test-runs/NAME; EXIT trap stops what was started
#   stack_start       redis, rtpengine, kamailio, each polled until ready
#   stack_start_admind  iwg-admind (REST) on 127.0.0.1:8088, after stack_start
#   stack_stop        stop everything started, by PID, newest first
#   stack_adopt NAME PID  a process the caller started itself (`cmd &`),
#                     stopped by stack_stop like the others
#   stack_spawn_kamailio NAME CTL ARGS...  any Kamailio cfg: checked with
#                     -c, started, polled until it answers RPC on CTL
#   stack_kamailio_exit LOG SECONDS ARGS...  a Kamailio expected to refuse
#                     to start: its exit status (124 or 137: still running)
#   stack_node_cfg    a preset as one of several nodes on this host (its own
#                     site.cfg with its listener addresses and RPC port)
#
# IWG_MODULE_PATH (exported; the environment may set it): Kamailio's mpath
# for every cfg the suites start, our build/modules first, then Debian's
# modules; the gateway cfgs get it as the IWG_MPATH define.
#
# After stack_start these are exported: IWG_RUN IWG_LOGDIR IWG_WS_URL
# IWG_WSS_URL IWG_SIP_ADDR IWG_NG_ADDR IWG_PEER_ADDR IWG_DOMAIN IWG_REDIS_ADDR
# IWG_KAMCMD (command prefix for Kamailio RPC) IWG_NG_BIN, IWG_DB (the
# run's SQLite database), IWG_AUTH_SECRET (time-limited credentials),
# IWG_RPC_KEY (JSON-RPC: header X-IWG-RPC-Key) and
# IWG_TEST_PASSWORD (the digest password of the users IWG_TEST_USERS,
# default "alice bob caller probe echo", made in IWG_DB).
#
# Set before stack_start to change what runs: IWG_CFG (the Kamailio cfg,
# default kamcfg/gateway/kamailio.cfg), IWG_KAM_EXTRA (array of extra kamailio
# arguments, e.g. (-A 'IWG_IMS_CORE="sip:127.0.0.1:6060"')), IWG_PROFILES,
# IWG_SIP_WS=0 for a cfg without SIP-over-WebSocket listeners.
#
# iwg-admind (stack_start_admind) serves $IWG_BUILD/web (make web) with
# connect-src for the ws/wss listeners and sip_domain IWG_DOMAIN; its API
# keys, one per role (noc idadmin admin app), are in run/admind/keys as
# "ROLE KEY" lines. Set before stack_start_admind:
#   IWG_ADMIND_CREDENTIAL  what POST /api/v1/credentials issues: off (the
#                        default), ephemeral (time-limited credentials from
#                        $IWG_RUN/secrets/auth_secret, the IWG_AUTH_SECRET
#                        Kamailio checks with WITH_AUTH_EPHEMERAL) or token
#                        (ES256 web tokens, kid IWG_ADMIND_TOKEN_KID, signed
#                        with the key pair of stack_web_token_key)
#   IWG_ADMIND_TOKEN_ISSUER, IWG_ADMIND_TOKEN_AUDIENCE  iss/aud claims (token)
#   IWG_ADMIND_CONF_EXTRA  further lines for its configuration (e.g.
#                        "series_interval = 1")
# stack_web_token_key makes that ES256 pair under $IWG_RUN/secrets/ (once)
# and exports IWG_ADMIND_TOKEN_KEY (private key), IWG_ADMIND_TOKEN_PUB
# (public key) and IWG_ADMIND_TOKEN_KID (iwg-1): call it before stack_start
# to point Kamailio at the public key, e.g. IWG_KAM_EXTRA=(-A WITH_IDMAP -A
# "IWG_IDMAP_KEY1=\"kid=$IWG_ADMIND_TOKEN_KID;alg=ES256;file=$IWG_ADMIND_TOKEN_PUB\"").

IWG_TOP=${IWG_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
IWG_BUILD=${IWG_BUILD:-$IWG_TOP/build}
. "$IWG_TOP/tests/lib/wait.sh"
# our modules, then Debian's (the only place the tests name that folder)
export IWG_MODULE_PATH=${IWG_MODULE_PATH:-$IWG_BUILD/modules/:/usr/lib/x86_64-linux-gnu/kamailio/modules/}

# defaults of the local stack (README port table); the gateway cfg's own
# listeners are set in kamcfg/gateway/site.cfg
: "${IWG_CFG:=$IWG_TOP/kamcfg/gateway/kamailio.cfg}"
: "${IWG_PROFILES:=$IWG_TOP/rtpengine-ext/profiles/media-profiles.conf}"
: "${IWG_REDIS_PORT:=6390}"
: "${IWG_NG_PORT:=2223}"
: "${IWG_MEDIA_PORTS:=30000-30999}"
: "${IWG_KAM_SHM:=256}"
: "${IWG_TEST_USERS:=alice bob caller probe echo}"
[ -n "${IWG_KAM_EXTRA+set}" ] || IWG_KAM_EXTRA=()
export IWG_WS_URL=ws://127.0.0.1:8080 IWG_WSS_URL=wss://127.0.0.1:8443
export IWG_SIP_ADDR=127.0.0.1:5060 IWG_PEER_ADDR=127.0.0.1:5090
export IWG_DOMAIN=iwg.test
export IWG_NG_ADDR=127.0.0.1:$IWG_NG_PORT IWG_REDIS_ADDR=127.0.0.1:$IWG_REDIS_PORT
export IWG_NG_BIN=$IWG_BUILD/bin/iwg-ng

_stack_pids=()
_stack_names=()

_stack_log() { printf 'stack: %s\n' "$*" >&2; }

# stack_fail WHAT LOG: report a start failure with the tail of its log
stack_fail() {
	_stack_log "error: $1 (log: $2)"
	[ -f "$2" ] && tail -20 "$2" | sed 's/^/stack:   /' >&2
	return 1
}

stack_init() {
	if [ -z "${IWG_RUN:-}" ]; then
		# a test run starts from nothing
		export IWG_RUN=$IWG_BUILD/test-runs/$1
		rm -rf "$IWG_RUN"
	fi
	export IWG_LOGDIR=$IWG_RUN/logs
	rm -rf "$IWG_LOGDIR" "$IWG_RUN"/*.pid
	mkdir -p "$IWG_LOGDIR" "$IWG_RUN/redis" "$IWG_RUN/tls"
	trap stack_stop EXIT
	trap 'exit 130' INT TERM
}

# stack_adopt NAME PID: PID, a process this shell started in the
# background itself (e.g. `(cd DIR && cmd) &`), is stopped by stack_stop
# like the stack's own; its PID goes to $IWG_RUN/NAME.pid
stack_adopt() {
	_stack_pids+=("$2")
	_stack_names+=("$1")
	echo "$2" >"$IWG_RUN/$1.pid"
}

# _stack_spawn NAME LOG CMD...: start CMD in the background, remember its PID
_stack_spawn() {
	local name=$1 log=$2
	shift 2
	"$@" >"$log" 2>&1 &
	stack_adopt "$name" $!
}

# stack_kill PID...: stop processes this shell started (empty and gone
# ones are skipped): TERM, KILL if one is still there after 10 s, then
# reap it
stack_kill() {
	local p
	for p in "$@"; do
		kill -0 "$p" 2>/dev/null || continue
		kill -TERM "$p" 2>/dev/null
		wait_until 10 eval "! kill -0 $p" || kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	return 0
}

stack_stop() {
	local i
	for ((i = ${#_stack_pids[@]} - 1; i >= 0; i--)); do
		stack_kill "${_stack_pids[$i]}"
		rm -f "$IWG_RUN/${_stack_names[$i]}.pid"
	done
	_stack_pids=()
	_stack_names=()
}

stack_start_redis() {
	local log=$IWG_LOGDIR/redis.log
	_stack_spawn redis "$log" redis-server --bind 127.0.0.1 \
		--port "$IWG_REDIS_PORT" --dir "$IWG_RUN/redis" --daemonize no \
		--save 60 1 --appendonly no --protected-mode yes
	wait_until 10 redis-cli -p "$IWG_REDIS_PORT" ping \
		|| stack_fail "redis did not answer PING on $IWG_REDIS_ADDR" "$log"
}

stack_start_rtpengine() {
	local log=$IWG_LOGDIR/rtpengine.log
	_stack_spawn rtpengine "$log" rtpengine --config-file=none --foreground \
		--log-stderr --log-level=6 --table=-1 --interface=127.0.0.1 \
		--listen-ng="$IWG_NG_ADDR" --port-min="${IWG_MEDIA_PORTS%-*}" \
		--port-max="${IWG_MEDIA_PORTS#*-}" --dtls-passive --delete-delay=0 \
		--num-threads=2 --timeout=60 --silent-timeout=3600
	wait_until 10 "$IWG_NG_BIN" -s "$IWG_NG_ADDR" -t 200 ping \
		|| stack_fail "rtpengine did not answer an NG ping on $IWG_NG_ADDR" "$log"
}

# stack_start_rtpengine_node NAME NETNS_PID NG_ADDR INTERFACE PORTS [ARG...]:
# one more rtpengine beside the stack's (several nodes, media failover):
# NG on NG_ADDR (host:port), media on INTERFACE (rtpengine's --interface,
# e.g. 10.17.0.21 or pub/10.17.0.21) and PORTS (min-max), ARGs appended
# (e.g. --redis=...). It runs in the network namespace of process
# NETNS_PID (nsenter; empty: this one) and is polled there until it
# answers an NG ping. Log NAME.log; its PID in $IWG_RUN/NAME.pid and
# STACK_NODE_PID (stack_stop ends it, or the caller by that PID).
stack_start_rtpengine_node() {
	local name=$1 ns=$2 ng=$3 intf=$4 ports=$5 log=$IWG_LOGDIR/$1.log in=()
	shift 5
	[ -z "$ns" ] || in=(nsenter -t "$ns" -n)
	_stack_spawn "$name" "$log" "${in[@]}" rtpengine --config-file=none \
		--foreground --log-stderr --log-level=6 --table=-1 --interface="$intf" \
		--listen-ng="$ng" --port-min="${ports%-*}" --port-max="${ports#*-}" \
		--dtls-passive --delete-delay=0 --num-threads=2 --timeout=60 \
		--silent-timeout=3600 "$@"
	STACK_NODE_PID=${_stack_pids[-1]}
	wait_until 10 "${in[@]}" "$IWG_NG_BIN" -s "$ng" -t 200 ping \
		|| stack_fail "rtpengine $name did not answer an NG ping on $ng" "$log"
}

# stack_tls_cert: self-signed certificate for WSS, made once per run dir
stack_tls_cert() {
	local d=$IWG_RUN/tls
	[ -s "$d/cert.pem" ] && [ -s "$d/key.pem" ] && return 0
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-days 825 -subj "/CN=iwg.test" \
		-addext "subjectAltName=DNS:iwg.test,DNS:localhost,IP:127.0.0.1" \
		-keyout "$d/key.pem" -out "$d/cert.pem" >"$IWG_LOGDIR/openssl.log" 2>&1 \
		|| stack_fail "cannot create a self-signed certificate" "$IWG_LOGDIR/openssl.log"
}

# stack_secret NAME: a secret of this run directory (64 hex characters),
# made on first use in $IWG_RUN/secrets/NAME; printed
stack_secret() {
	local f=$IWG_RUN/secrets/$1
	if [ ! -s "$f" ]; then
		(umask 077; mkdir -p "$IWG_RUN/secrets" && openssl rand -hex 32 >"$f") || return 1
	fi
	cat "$f"
}

# stack_db: the run's SQLite database (usrloc, subscriber), with the test
# users of IWG_TEST_USERS (digest password IWG_TEST_PASSWORD)
stack_db() {
	export IWG_DB=$IWG_RUN/iwg.sqlite
	"$IWG_TOP/sql/create-sqlite.sh" "$IWG_DB" || return 1
	IWG_TEST_PASSWORD=$(stack_secret test_password | cut -c1-16) || return 1
	export IWG_TEST_PASSWORD
	local u
	for u in $IWG_TEST_USERS; do
		"$IWG_TOP/sql/subscriber.sh" "$IWG_DB" add "$u" "$IWG_DOMAIN" \
			"$IWG_TEST_PASSWORD" >/dev/null || return 1
	done
}

# stack_node_cfg DIR PRESET IP RPC_PORT [LINE...]: DIR/kamailio.cfg, preset
# PRESET as one node of several on this host (an edge node on its own
# machine): its own copy of kamcfg/PRESET/site.cfg with the network and
# WebSocket listeners (IWG_SIP_IP, IWG_WS_IP where the preset has it) on IP
# and JSON-RPC on RPC_PORT, then the LINEs (cfg defines or core settings),
# then the shared edge routing. Point IWG_CFG at it.
stack_node_cfg() {
	local d=$1 preset=$2 ip=$3 rpc=$4 want=2
	shift 4
	mkdir -p "$d" || return 1
	sed -E -e "s/^(#!substdef \"!IWG_(SIP|WS)_IP!)127\.0\.0\.1!g\"$/\1$ip!g\"/" \
		-e "s/^(#!substdef \"!IWG_RPC_PORT!)5065!g\"$/\1$rpc!g\"/" \
		"$IWG_TOP/kamcfg/$preset/site.cfg" >"$d/site.cfg" || return 1
	grep -q '^#!substdef "!IWG_WS_IP!' "$d/site.cfg" && want=3
	# every substitution must have happened (site.cfg format changed?)
	[ "$(grep -cE "^#!substdef \"!IWG_(SIP_IP|WS_IP|RPC_PORT)!($ip|$rpc)!g\"$" "$d/site.cfg")" = "$want" ] ||
		stack_fail "kamcfg/$preset/site.cfg has no IWG_SIP_IP/IWG_WS_IP/IWG_RPC_PORT substdef to set" \
			"$d/site.cfg" || return 1
	{
		echo '#!KAMAILIO'
		echo "include_file \"$d/site.cfg\""
		printf '%s\n' "$@"
		echo "include_file \"$IWG_TOP/kamcfg/edge/edge.cfg\""
	} >"$d/kamailio.cfg"
}

# stack_kamailio_args: sets IWG_KAM_ARGS, the command line that points the
# gateway cfg at this run (paths as cfg defines, see kamcfg/*/site.cfg). A
# define given in IWG_KAM_EXTRA replaces the default of the same name.
stack_kamailio_args() {
	IWG_AUTH_SECRET=$(stack_secret auth_secret) || return 1
	IWG_RPC_KEY=$(stack_secret rpc_key) || return 1
	export IWG_AUTH_SECRET IWG_RPC_KEY
	local d defs=(
		"IWG_RPC_KEY=\"$IWG_RPC_KEY\""
		"IWG_FLOW_KEY=\"$(stack_secret flow_key)\""
		"IWG_AUTH_SECRET=\"$IWG_AUTH_SECRET\""
		"IWG_DB_URL=\"sqlite://$IWG_RUN/iwg.sqlite\""
		"IWG_MPATH=\"$IWG_MODULE_PATH\""
		"IWG_TLS_CERT=\"$IWG_RUN/tls/cert.pem\""
		"IWG_TLS_KEY=\"$IWG_RUN/tls/key.pem\""
		"IWG_CTL_SOCK=\"unix:$IWG_RUN/kamailio_ctl\""
		"IWG_MEDIA_PROFILES=\"$IWG_PROFILES\""
		"IWG_NG_SOCK=\"udp:$IWG_NG_ADDR\""
		"IWG_IDMAP_REDIS=\"$IWG_REDIS_ADDR\""
		"IWG_HDRMED_VOLTE=\"ims-volte=$IWG_TOP/kamcfg/hdrmed/ims-volte.rules\""
		"IWG_HDRMED_RCS=\"ims-rcs=$IWG_TOP/kamcfg/hdrmed/ims-rcs.rules\""
		"IWG_HDRMED_CC=\"contact-center=$IWG_TOP/kamcfg/hdrmed/contact-center.rules\""
		"IWG_CC_LIST=\"$IWG_RUN/cc.list\""
		"IWG_CC_RULES=\"$IWG_TOP/kamcfg/cc-routing.rules\"")
	# the contact center of the tests: one entry point, SIPp on 127.0.0.1:5090
	# (not probed: it answers only the calls of its scenario)
	[ -f "$IWG_RUN/cc.list" ] ||
		printf '1 sip:127.0.0.1:5090 0 0 weight=100;name=cc-test\n' >"$IWG_RUN/cc.list"
	IWG_KAM_ARGS=(-f "$IWG_CFG" -m "$IWG_KAM_SHM" -M 16)
	for d in "${defs[@]}"; do
		[[ " ${IWG_KAM_EXTRA[*]} " == *" ${d%%=*}="* ]] || IWG_KAM_ARGS+=(-A "$d")
	done
	IWG_KAM_ARGS+=("${IWG_KAM_EXTRA[@]}")
}

# stack_spawn_kamailio NAME CTL ARGS...: check the cfg with `kamailio -c ARGS`
# (log NAME-check.log), start `kamailio -DD -E ARGS` (log NAME.log, from the
# repository top so relative paths in ARGS work) and wait until it answers
# core.uptime on the ctl socket CTL ("unix:/path"). Callers wait for their
# own listeners after it.
stack_spawn_kamailio() {
	local name=$1 ctl=$2
	shift 2
	(cd "$IWG_TOP" && /usr/sbin/kamailio -c "$@") >"$IWG_LOGDIR/$name-check.log" 2>&1 \
		|| stack_fail "kamailio rejected its cfg ($*)" "$IWG_LOGDIR/$name-check.log" \
		|| return 1
	local here=$PWD
	cd "$IWG_TOP" || return 1
	_stack_spawn "$name" "$IWG_LOGDIR/$name.log" /usr/sbin/kamailio -DD -E "$@"
	cd "$here" || return 1
	wait_until 20 kamcmd -s "$ctl" core.uptime \
		|| stack_fail "kamailio $name did not answer RPC on $ctl" "$IWG_LOGDIR/$name.log"
}

# stack_kamailio_exit LOG SECONDS ARGS...: run `kamailio -DD -E ARGS` in
# the foreground, from the repository top, for a start-up that must fail
# (a cfg or a setting Kamailio refuses); its output goes to LOG. Returns
# Kamailio's exit status, or 124 when it was still running after SECONDS
# (ended by TERM, or by KILL 5 s later): callers count 124 as "started".
stack_kamailio_exit() {
	local log=$1 secs=$2 rc
	shift 2
	(cd "$IWG_TOP" && exec timeout --kill-after=5 "$secs" /usr/sbin/kamailio -DD -E "$@") \
		>"$log" 2>&1
	rc=$?
	[ "$rc" -eq 137 ] && rc=124
	return "$rc"
}

stack_start_kamailio() {
	stack_tls_cert && stack_db || return 1
	stack_kamailio_args || return 1
	export IWG_KAMCMD="kamcmd -s unix:$IWG_RUN/kamailio_ctl"
	stack_spawn_kamailio kamailio "unix:$IWG_RUN/kamailio_ctl" "${IWG_KAM_ARGS[@]}" \
		|| return 1
	# presets without SIP browsers (contact-center) have no ws/wss listener
	if [ "${IWG_SIP_WS:-1}" = 1 ]; then
		wait_until 20 tcp_open 127.0.0.1 8443 && wait_until 5 tcp_open 127.0.0.1 8080
	fi && wait_until 5 udp_bound 5060 \
		|| stack_fail "kamailio listeners did not come up" "$IWG_LOGDIR/kamailio.log"
}

# stack_web_token_key: the ES256 key pair iwg-admind signs web tokens with
# (see the top of this file)
stack_web_token_key() {
	local d=$IWG_RUN/secrets
	export IWG_ADMIND_TOKEN_KEY=$d/web_token.key IWG_ADMIND_TOKEN_PUB=$d/web_token.pub
	export IWG_ADMIND_TOKEN_KID=iwg-1
	[ -s "$IWG_ADMIND_TOKEN_KEY" ] && [ -s "$IWG_ADMIND_TOKEN_PUB" ] && return 0
	(umask 077; mkdir -p "$d" &&
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
			-out "$IWG_ADMIND_TOKEN_KEY" &&
		openssl pkey -in "$IWG_ADMIND_TOKEN_KEY" -pubout -out "$IWG_ADMIND_TOKEN_PUB" &&
		chmod 644 "$IWG_ADMIND_TOKEN_PUB") >>"$IWG_LOGDIR/openssl.log" 2>&1 \
		|| stack_fail "cannot make the web token key pair" "$IWG_LOGDIR/openssl.log"
}

# _stack_admind_credential: the credential lines of iwg-admind's
# configuration for IWG_ADMIND_CREDENTIAL
_stack_admind_credential() {
	case ${IWG_ADMIND_CREDENTIAL:-off} in
	off) echo "credential_kind = off" ;;
	ephemeral)
		stack_secret auth_secret >/dev/null || return 1
		echo "credential_kind = ephemeral"
		echo "credential_secret_file = $IWG_RUN/secrets/auth_secret" ;;
	token)
		stack_web_token_key || return 1
		echo "credential_kind = token"
		echo "credential_token_alg = ES256"
		echo "credential_token_kid = $IWG_ADMIND_TOKEN_KID"
		echo "credential_token_key_file = $IWG_ADMIND_TOKEN_KEY"
		[ -z "${IWG_ADMIND_TOKEN_ISSUER:-}" ] \
			|| echo "credential_token_issuer = $IWG_ADMIND_TOKEN_ISSUER"
		[ -z "${IWG_ADMIND_TOKEN_AUDIENCE:-}" ] \
			|| echo "credential_token_audience = $IWG_ADMIND_TOKEN_AUDIENCE" ;;
	*) _stack_log "error: IWG_ADMIND_CREDENTIAL must be off, ephemeral or token"
		return 1 ;;
	esac
}

# stack_start_admind: iwg-admind on 127.0.0.1:8088 watching this stack. API
# keys (one per role) are made on first start and kept in run/admind/keys
# ("ROLE KEY" lines; a role missing from an older file is added); the
# daemon's config holds only their hashes.
stack_start_admind() {
	local d=$IWG_RUN/admind log=$IWG_LOGDIR/admind.log role key cred
	mkdir -p "$d" && chmod 700 "$d"
	for role in noc idadmin admin app; do
		grep -q "^$role " "$d/keys" 2>/dev/null \
			|| (umask 077; printf '%s %s\n' "$role" "$(openssl rand -hex 24)" >>"$d/keys")
	done
	cred=$(_stack_admind_credential) || return 1
	{
		echo "listen = 127.0.0.1:8088"
		echo "redis = $IWG_REDIS_ADDR"
		echo "kamailio = kamailio http://127.0.0.1:5065/RPC"
		echo "kamailio_rpc_key_file = $IWG_RUN/secrets/rpc_key"
		echo "rtpengine = rtpengine $IWG_NG_ADDR"
		echo "web_root = $IWG_BUILD/web"
		echo "web_connect_src = $IWG_WS_URL $IWG_WSS_URL"
		echo "sip_domain = $IWG_DOMAIN"
		echo "$cred"
		while read -r role key; do
			echo "api_key = $role $role $(printf '%s\n' "$key" | "$IWG_BUILD/bin/iwg-admind" --hash-key)"
		done <"$d/keys"
		[ -z "${IWG_ADMIND_CONF_EXTRA:-}" ] || printf '%s\n' "$IWG_ADMIND_CONF_EXTRA"
	} >"$d/admind.conf"
	_stack_spawn admind "$log" "$IWG_BUILD/bin/iwg-admind" -c "$d/admind.conf"
	wait_until 10 curl -sf -o /dev/null http://127.0.0.1:8088/readyz \
		|| stack_fail "iwg-admind not ready on http://127.0.0.1:8088 (keys in $d/keys)" "$log"
}

stack_start() {
	stack_start_redis && stack_start_rtpengine && stack_start_kamailio
}
