# shellcheck shell=bash
# Shared start of the /metrics suites (source it from a test.sh): TAP and
# stack helpers, the gateway stack with iwg-admind (tests/lib/stack.sh), and
# readers of the Prometheus text format.
#
#   metrics_start NAME      stack + iwg-admind; sets here top logs M_KEY
#                           (the noc key of run/admind/keys); ends the test
#                           with a TAP failure when they do not start
#   metrics_fetch FILE      GET /metrics with the noc key into FILE; prints
#                           the HTTP status
#   prom_types FILE         "family type" per # TYPE line
#   prom_type FILE FAMILY   the type of FAMILY ("" when not declared)
#   prom_sum FILE NAME [RE] sum of the samples of NAME (exact sample name)
#                           whose label text matches the regex RE
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
M_URL=http://127.0.0.1:8088

metrics_start() {
	stack_init "$1"
	logs=$IWG_LOGDIR
	if ! stack_start || ! stack_start_admind; then
		tap_fail "gateway stack and iwg-admind start" \
			"see $logs/kamailio.log, $logs/rtpengine.log, $logs/admind.log"
		tap_done
		exit 1
	fi
	tap_ok "gateway stack and iwg-admind start"
	M_KEY=$(awk '$1 == "noc" {print $2}' "$IWG_RUN/admind/keys")
}

metrics_fetch() {
	curl -s -o "$1" -D "$1.headers" -w '%{http_code}' \
		-H "Authorization: Bearer $M_KEY" "$M_URL/metrics"
}

prom_types() {
	awk '$1 == "#" && $2 == "TYPE" {print $3, $4}' "$1"
}

prom_type() {
	prom_types "$1" | awk -v f="$2" '$1 == f {print $2; exit}'
}

prom_sum() {
	awk -v n="$2" -v re="${3:-}" '
		$1 !~ /^#/ {
			name = $1; labels = ""
			i = index($0, "{")
			if (i) {
				name = substr($0, 1, i - 1)
				labels = substr($0, i, index($0, "}") - i + 1)
			}
			if (name == n && labels ~ re) { s += $NF; found = 1 }
		}
		END { if (found) printf "%.6g\n", s }' "$1"
}
