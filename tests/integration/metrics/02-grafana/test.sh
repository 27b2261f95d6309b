#!/usr/bin/env bash
# docs/grafana/iwg-dashboard.json against a live /metrics of iwg-admind
# watching the gateway stack: every metric name a panel or template query
# uses is served, counters are only read through rate()/increase() and
# gauges never are, every query goes to the ${DS_PROMETHEUS} input, the
# schema is Grafana 10/11's and the panels the README lists are there.
# See README.md.
set -uo pipefail
# shellcheck source=tests/integration/metrics/lib.sh
. "$(dirname "$0")/../lib.sh"
metrics_start integration-metrics-02-grafana
dashboard=$top/docs/grafana/iwg-dashboard.json
M=$IWG_RUN/metrics.txt R=$IWG_RUN/dashboard-check.json

# the admind histogram has samples once a request was answered
api_seen() {
	[ "$(metrics_fetch "$M")" = 200 ] &&
		grep -q '^iwg_admind_request_duration_seconds_bucket{' "$M"
}
if wait_until 10 api_seen; then
	tap_ok "/metrics answers 200 with the admind histogram"
else
	tap_fail "/metrics answers 200 with the admind histogram" "body: $(head -c 300 "$M")"
fi
if node "$here/../dashboard-check.mjs" "$dashboard" "$M" >"$R" 2>"$R.err"; then
	tap_ok "the dashboard is JSON and its queries were read"
else
	tap_fail "the dashboard is JSON and its queries were read" "$(head -5 "$R.err")"
fi
jr() { jq -r "$1" "$R" 2>/dev/null; }

tap_eq "schemaVersion is Grafana 10/11's (38-41)" true \
	"$(jr '.schemaVersion >= 38 and .schemaVersion <= 41')"
tap_eq "one datasource input, DS_PROMETHEUS" DS_PROMETHEUS "$(jr '.inputs|join(",")')"
tap_eq "every panel and target queries \${DS_PROMETHEUS}" "" "$(jr '.datasources|join(", ")')"
tap_eq "panel ids are unique" "" "$(jr '.dup_ids|join(", ")')"
tap_eq "the panels use at least 20 iwg_ names" true "$(jr '(.names|length) >= 20')"
tap_eq "every metric name in the queries is in the live /metrics" "" \
	"$(jr '.missing|join(", ")')"
tap_eq "counters and histogram buckets only inside rate()/increase()" "" \
	"$(jr '.raw_counters|join(", ")')"
tap_eq "no gauge inside rate()/increase()" "" "$(jr '.rated_gauges|join(", ")')"
for title in "Nodes and dependencies" "Registrations" "Active calls" \
	"Calls and failures per second" "Media sessions" \
	"Packets relayed and errors per second" "Streams ended one-way or silent" \
	"Request latency" "Requests per second" "Shared memory use"; do
	tap_eq "panel '$title' is there" true \
		"$(jq -r --arg t "$title" '.panels|index($t) != null' "$R" 2>/dev/null)"
done
tap_eq "calls and failures per second are rate() of the dialog counters" true \
	"$(jr '[.exprs[]|select(test("rate\\(iwg_kamailio_dialog_(processed|failed)_dialogs_total"))]|length == 2')"
tap_eq "latency comes from the histogram (histogram_quantile over _bucket)" true \
	"$(jr '[.exprs[]|select(test("histogram_quantile\\(0\\.95, sum by \\(le\\) \\(rate\\(iwg_admind_request_duration_seconds_bucket"))]|length == 1')"

tap_done
