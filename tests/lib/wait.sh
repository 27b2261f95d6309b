# Readiness polling helpers (source it). Never a fixed sleep: poll a condition
# with a deadline.

# wait_until SECONDS CMD...: run CMD every 50 ms until it succeeds; 1 on timeout
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# tcp_open HOST PORT: a TCP listener accepts
tcp_open() {
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# udp_bound PORT: something is bound to UDP PORT on this host
udp_bound() {
	ss -Hlun "sport = :$1" 2>/dev/null | grep >/dev/null .
}
