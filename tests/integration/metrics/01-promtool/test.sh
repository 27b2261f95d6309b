#!/usr/bin/env bash
# GET /metrics of iwg-admind watching the gateway stack, after real traffic
# (iwg-probe registers over WebSocket and calls a SIPp peer through
# Kamailio and rtpengine): promtool check metrics passes, every family is
# typed with a HELP line, counters end in _total, the statistics of
# Kamailio and rtpengine have the types their meaning calls for, counters
# grow with the traffic and never go down, labels stay bounded (no Call-ID,
# no user). See README.md.
set -uo pipefail
# shellcheck source=tests/integration/metrics/lib.sh
. "$(dirname "$0")/../lib.sh"
sipp_pid=
probe_pid=
_cleanup() {
	# shellcheck disable=SC2086 # empty when not started
	stack_kill $probe_pid $sipp_pid
	stack_stop
}
metrics_start integration-metrics-01-promtool
trap _cleanup EXIT
M1=$IWG_RUN/metrics-1.txt M2=$IWG_RUN/metrics-2.txt

# ------------------------------------------------------------ traffic
(cd "$logs" && exec sipp -sf "$top/tests/integration/probe/sipp/echo-uas.xml" \
	-i 127.0.0.1 -p 5090 -mp 40000 -rtp_echo -cp 8893 -m 1 -nostdin \
	-timeout 60 -trace_err -error_file sipp-errors.log) >"$logs/sipp.log" 2>&1 &
sipp_pid=$!
wait_until 10 udp_bound 5090 ||
	tap_fail "SIPp echo peer listens on 5090" "see $logs/sipp.log"
"$IWG_BUILD/bin/iwg-probe" --password "$IWG_TEST_PASSWORD" --ws "$IWG_WS_URL" \
	--register --to echo --echo --duration 2 --timeout 10 \
	>"$logs/probe.json" 2>"$logs/probe.err" &
probe_pid=$!
wait "$probe_pid"
rc=$?
probe_pid=
tap_eq "iwg-probe registers and calls the SIPp peer (see $logs/probe.json)" 0 "$rc"
wait "$sipp_pid"
rc=$?
sipp_pid=
tap_eq "SIPp answered the call and saw it end (exit 0; $logs/sipp.log)" 0 "$rc"
CALL_ID=$(jq -r '.call_id // empty' "$logs/probe.json" 2>/dev/null)

# rtpengine counts a session in its totals once it is deleted
session_counted() {
	[ "$(metrics_fetch "$M1")" = 200 ] &&
		awk -v v="$(prom_sum "$M1" iwg_rtpengine_sessions_total)" 'BEGIN {exit !(v >= 1)}'
}
if wait_until 10 session_counted; then
	tap_ok "/metrics answers 200 and counts the call's rtpengine session"
else
	tap_fail "/metrics answers 200 and counts the call's rtpengine session" \
		"iwg_rtpengine_sessions_total: '$(prom_sum "$M1" iwg_rtpengine_sessions_total)'; body: $(head -c 300 "$M1")"
fi
tap_check "content type is the text format 0.0.4" \
	grep -qi '^content-type: text/plain; version=0.0.4' "$M1.headers"

# ------------------------------------------------------------ promtool
if ! command -v promtool >/dev/null; then
	tap_fail "promtool check metrics passes" \
		"promtool not installed (Debian package prometheus: make deps)"
elif out=$(promtool check metrics <"$M1" 2>&1); then
	tap_ok "promtool check metrics passes"
else
	tap_fail "promtool check metrics passes" "$(printf '%s' "$out" | head -20) (file $M1)"
fi

# ------------------------------------------------------------ families
bad=$(prom_types "$M1" | awk '$2 != "counter" && $2 != "gauge" && $2 != "histogram"')
tap_eq "every family is a counter, gauge or histogram (none untyped)" "" "$bad"
bad=$(awk '$1 == "#" && $2 == "TYPE" {t[$3] = 1} $1 == "#" && $2 == "HELP" {h[$3] = 1}
	END {for (f in t) if (!(f in h)) print f}' "$M1")
tap_eq "every family has a HELP line" "" "$bad"
bad=$(prom_types "$M1" | awk '($2 == "counter") != ($1 ~ /_total$/)')
tap_eq "counters, and only counters, end in _total" "" "$bad"
bad=$(grep -v '^#' "$M1" | sed 's/[{ ].*//' | sort -u | grep -v '^iwg_[a-z0-9_]*$')
tap_eq "every sample name is iwg_ then [a-z0-9_]" "" "$bad"
bad=$(awk '$1 == "#" && $2 == "TYPE" {t[$3] = $4; next} /^#/ {next}
	{n = $1; sub(/[{].*/, "", n); f = n
	 if (!(f in t)) { sub(/_(bucket|sum|count)$/, "", f); if (t[f] != "histogram") print n }}' "$M1" | sort -u)
tap_eq "every sample belongs to a declared family" "" "$bad"

for ft in iwg_up:gauge iwg_probe_latency_seconds:gauge iwg_redis_up:gauge \
	iwg_kamailio_core_rcv_requests_total:counter \
	iwg_kamailio_tmx_2xx_transactions_total:counter \
	iwg_kamailio_tmx_inuse_transactions:gauge \
	iwg_kamailio_sl_sent_replies_total:counter \
	iwg_kamailio_usrloc_registered_users:gauge \
	iwg_kamailio_registrar_accepted_regs_total:counter \
	iwg_kamailio_shmem_used_bytes:gauge iwg_kamailio_shmem_total_bytes:gauge \
	iwg_kamailio_dialog_active_dialogs:gauge \
	iwg_kamailio_dialog_processed_dialogs_total:counter \
	iwg_kamailio_dialog_failed_dialogs_total:counter \
	iwg_kamailio_websocket_ws_current_connections:gauge \
	iwg_kamailio_websocket_ws_received_frames_total:counter \
	iwg_kamailio_tcp_current_opened_connections:gauge \
	iwg_rtpengine_sessions:gauge iwg_rtpengine_sessions_total:counter \
	iwg_rtpengine_closed_sessions_total:counter \
	iwg_rtpengine_packets_total:counter iwg_rtpengine_packet_errors_total:counter \
	iwg_rtpengine_bytes_total:counter iwg_rtpengine_uptime_seconds:gauge \
	iwg_rtpengine_call_duration_seconds_total:counter \
	iwg_rtpengine_ports_used:gauge iwg_rtpengine_ng_requests_total:counter \
	iwg_admind_requests_total:counter iwg_admind_unmapped_statistics:gauge \
	iwg_admind_request_duration_seconds:histogram; do
	tap_eq "${ft%:*} is a ${ft#*:}" "${ft#*:}" "$(prom_type "$M1" "${ft%:*}")"
done

# ------------------------------------------------------------ values
# ge1 DESC VALUE: a TAP line, VALUE >= 1
ge1() {
	if awk -v v="$2" 'BEGIN {exit !(v >= 1)}'; then
		tap_ok "$1"
	else
		tap_fail "$1" "value '$2' (file $M1)"
	fi
}
ge1 "the REGISTER is counted (registrar accepted_regs >= 1)" \
	"$(prom_sum "$M1" iwg_kamailio_registrar_accepted_regs_total)"
ge1 "the call is counted as a dialog (processed_dialogs >= 1)" \
	"$(prom_sum "$M1" iwg_kamailio_dialog_processed_dialogs_total)"
ge1 "rtpengine relayed the call's packets (packets_total >= 1)" \
	"$(prom_sum "$M1" iwg_rtpengine_packets_total)"
ge1 "rtpengine counts the offer (ng_requests_total{request=offer} >= 1)" \
	"$(prom_sum "$M1" iwg_rtpengine_ng_requests_total 'request="offer"')"
ge1 "every dependency is up (iwg_up sums to 3)" \
	"$(awk -v v="$(prom_sum "$M1" iwg_up)" 'BEGIN {print (v == 3)}')"
tap_eq "every statistic of Kamailio and rtpengine is in admind's tables" "0 0" \
	"$(prom_sum "$M1" iwg_admind_unmapped_statistics 'kind="kamailio"') $(prom_sum "$M1" iwg_admind_unmapped_statistics 'kind="rtpengine"')"
tap_eq "shared memory used is below its total" 1 \
	"$(awk -v u="$(prom_sum "$M1" iwg_kamailio_shmem_used_bytes)" \
		-v t="$(prom_sum "$M1" iwg_kamailio_shmem_total_bytes)" \
		'BEGIN {print (u > 0 && u < t)}')"

# ------------------------------------------------------------ labels
bad=$(grep -v '^#' "$M1" | grep -o '[{,][a-z_]*="' | tr -d '{,="' | sort -u |
	grep -vxE 'node|kind|type|reason|request|interface|address|chain|route|method|code|le|set|uri|trunk|rule')
tap_eq "label names are from the bounded set (node, kind, type, reason, ...)" "" "$bad"
if [ -n "$CALL_ID" ] && ! grep -qF "$CALL_ID" "$M1" && ! grep -q '"probe\|probe@' "$M1"; then
	tap_ok "no Call-ID and no user in /metrics"
else
	tap_fail "no Call-ID and no user in /metrics" \
		"Call-ID '$CALL_ID': $(grep -F -e "$CALL_ID" -e probe "$M1" | head -3)"
fi

# ------------------------------------------------------------ monotonic
metrics_fetch "$M2" >/dev/null
bad=$(awk 'FNR == 1 {f++} $1 == "#" && $2 == "TYPE" {t[$3] = $4; next} /^#/ {next}
	{n = $1; sub(/[{].*/, "", n); k = substr($0, 1, length($0) - length($NF))
	 if (t[n] != "counter") next
	 if (f == 1) v[k] = $NF; else if ((k in v) && $NF + 0 < v[k] + 0) print k, v[k], "->", $NF}' "$M1" "$M2")
tap_eq "no counter went down between two scrapes" "" "$bad"
tap_eq "admind counted the earlier scrapes in its own counter" 1 \
	"$(awk -v v="$(prom_sum "$M2" iwg_admind_requests_total 'route="/metrics".*code="200"')" 'BEGIN {print (v >= 1)}')"
n=$(prom_sum "$M2" iwg_admind_request_duration_seconds_count 'route="/metrics"')
tap_eq "the histogram of GET /metrics: +Inf bucket = count (${n:-none}) >= 1" \
	"$n 1" "$(prom_sum "$M2" iwg_admind_request_duration_seconds_bucket \
		'route="/metrics".*le="\+Inf"') $(awk -v v="$n" 'BEGIN {print (v >= 1)}')"

tap_done
