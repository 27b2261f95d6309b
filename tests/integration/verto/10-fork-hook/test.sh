#!/usr/bin/env bash
# The fork hook of iwg_verto (module README, section 3.2) under bursts of
# TLS handshakes: Kamailio (contact-center cfg with SIP over TLS on
# 127.0.0.1:5061, WITH_NET_TLS, beside the Verto wss listener on 8445) is
# restarted FORK_STARTS (15) times while burst.mjs throws complete, broken
# and non-TLS handshakes at both listeners from before the fork until the
# start is checked. Each start must reach readiness within 30 s (ctl,
# listeners, then tls-check.mjs: 8 SIP OPTIONS over TLS answered, a Verto
# login over wss), stop on SIGTERM within 10 s, and leave no crash in its
# log. Run inside a private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/10-fork-hook/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/10-fork-hook
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

starts=${FORK_STARTS:-20}
deadline=30
wss_url=wss://127.0.0.1:8445/verto-ws
VERTO_KAM_EXTRA=(-A WITH_NET_TLS)
verto_stack_start verto-10-fork-hook || exit 1
tap_check "SIP over TLS listens on 127.0.0.1:5061 (WITH_NET_TLS)" wait_until 10 tcp_open 127.0.0.1 5061
tap_check "the Verto wss listener is up on 127.0.0.1:8445" wait_until 10 tcp_open 127.0.0.1 8445
tap_check "without bursts: SIP OPTIONS over TLS answered and a wss Verto login works" \
	node "$here/tls-check.mjs" 127.0.0.1:5061 "$wss_url" "$IWG_RUN/tls/cert.pem" 8

# kam_stop PID: SIGTERM; fails when the process is still there after 10 s
# (then killed); a hung process would show here
kam_stop() {
	kill -TERM "$1" 2>/dev/null
	if wait_until 10 eval "! kill -0 $1"; then
		wait "$1" 2>/dev/null
		return 0
	fi
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 1
}

# crashes LOG: prints the lines of LOG that tell of a crashed or killed process
crashes() {
	grep -aE 'signal 11|signal 6|core dumped|died|exited by a signal|segfault' "$1"
}

pid=$(cat "$IWG_RUN/kamailio.pid")
kam_stop "$pid" || tap_fail "the first Kamailio stops on SIGTERM within 10 s" "see $IWG_LOGDIR/kamailio.log"
failed_starts=0 hung=0 crashed=0 slowest=0
for ((i = 1; i <= starts; i++)); do
	name=kamailio-start-$i
	log=$IWG_LOGDIR/$name.log
	stop=$IWG_RUN/burst-stop-$i out=$IWG_LOGDIR/burst-$i.json
	rm -f "$stop"
	node "$here/burst.mjs" "$stop" "$out" 127.0.0.1:5061 127.0.0.1:8445 \
		2>"$IWG_LOGDIR/burst-$i.err" &
	burst=$!
	t0=$(date +%s%N)
	why=""
	if ! stack_spawn_kamailio "$name" "unix:$IWG_RUN/kamailio_ctl" "${IWG_KAM_ARGS[@]}" 2>>"$IWG_LOGDIR/starts.log"; then
		why="no answer on the ctl socket"
	elif ! wait_until $deadline eval "tcp_open 127.0.0.1 5061 && tcp_open 127.0.0.1 8445"; then
		why="TLS listeners not up"
	else
		why=$(node "$here/tls-check.mjs" 127.0.0.1:5061 "$wss_url" "$IWG_RUN/tls/cert.pem" 8 2>&1)
	fi
	ms=$((($(date +%s%N) - t0) / 1000000))
	touch "$stop"
	wait "$burst"
	pid=$(cat "$IWG_RUN/$name.pid")
	if [ -z "$why" ] && [ "$ms" -le $((deadline * 1000)) ]; then
		tap_ok "start $i/$starts under TLS bursts: ready in $ms ms (OPTIONS over TLS answered, wss login; bursts $(jq -c '[.[] | .started] | add' "$out" 2>/dev/null) handshakes)"
	else
		failed_starts=$((failed_starts + 1))
		tap_fail "start $i/$starts under TLS bursts: ready within ${deadline} s" "${why:-took $ms ms}; log: $log"
	fi
	[ "$ms" -gt "$slowest" ] && slowest=$ms
	if ! kam_stop "$pid"; then
		hung=$((hung + 1))
		tap_fail "start $i/$starts: Kamailio stops on SIGTERM within 10 s" "still running after 10 s, killed; log: $log"
	fi
	if c=$(crashes "$log"); then
		crashed=$((crashed + 1))
		tap_fail "start $i/$starts: no process crashed" "$(printf '%s' "$c" | head -3); log: $log"
	fi
done
tap_eq "every one of the $starts starts under bursts became ready, none hung, none crashed" \
	"0 0 0" "$failed_starts $hung $crashed"
echo "# fork hook: $starts starts, $failed_starts failed, $hung hung at stop, $crashed with a crash; slowest ready $slowest ms"
echo "# logs: $IWG_LOGDIR"
tap_done
