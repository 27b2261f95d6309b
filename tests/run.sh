#!/usr/bin/env bash
# Runs every test suite of iwg inside a private network namespace (only lo),
# counts TAP results and ends with one line: "N passed, N failed".
#
#   tests/run.sh [FILTER...]   run only suites whose id contains a FILTER
#
# Suites: unit binaries (cmocka, TAP output), each fuzz target briefly
# (FUZZ_JOBS of them at a time, default 2),
# tests/unit/**/test.sh (JavaScript units), tests/integration/**/test.sh
# and tests/e2e/**/test.sh. A suite's output goes
# to build/test-logs/<suite>.log, named in every failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export IWG_TOP=$top
export IWG_BUILD=${IWG_BUILD:-$top/build}

if [ -z "${IWG_IN_NETNS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "tests/run.sh: needs root (network namespace)" >&2; exit 1; }
	exec unshare --net -- env IWG_IN_NETNS=1 "$0" "$@"
fi
ip link set lo up || { echo "tests/run.sh: cannot bring lo up" >&2; exit 1; }
# ephemeral ports (this namespace's own setting) above every fixed port the
# suites bind (SIP, SIPp media 40000-41999, rtpengine 30000-30999), so a
# client's or Chromium's random port never takes one a later step needs
echo "50000 60999" >/proc/sys/net/ipv4/ip_local_port_range ||
	echo "tests/run.sh: ephemeral port range unchanged" >&2

logs=$IWG_BUILD/test-logs
mkdir -p "$logs"
FUZZ_SECONDS_TEST=${FUZZ_SECONDS_TEST:-10}

suites=()
for b in "$IWG_BUILD"/tests/unit/test_*; do
	[ -x "$b" ] && suites+=("unit/${b##*/test_}|env CMOCKA_MESSAGE_OUTPUT=TAP $b|120")
done
for b in "$IWG_BUILD"/tests/fuzz/fuzz_*; do
	[ -x "$b" ] && suites+=("fuzz/${b##*/fuzz_}|$top/tests/fuzz/run-one.sh $IWG_BUILD ${b##*/fuzz_} $FUZZ_SECONDS_TEST|300")
done
while IFS= read -r t; do
	id=${t#"$top"/tests/}; id=${id%/test.sh}
	case $id in e2e/*) limit=900 ;; *) limit=600 ;; esac
	suites+=("$id|bash $t|$limit")
done < <(find "$top/tests/unit" "$top/tests/integration" "$top/tests/e2e" -name test.sh 2>/dev/null | sort)

selected() {
	[ $# -le 1 ] && return 0
	local f
	for f in "${@:2}"; do [[ $1 == *"$f"* ]] && return 0; done
	return 1
}

passed=0 failed=0
# report ID LOG RC LIMIT SECS: the suite's line, its failures, the counts
report() {
	local id=$1 log=$2 rc=$3 limit=$4 secs=$5 ok nok extra=""
	ok=$(grep -c '^ok ' "$log")
	nok=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
		nok=1
		[ "$rc" -eq 124 ] && extra="timed out after ${limit}s" \
			|| extra="exited with status $rc"
	elif [ "$ok" -eq 0 ] && [ "$nok" -eq 0 ]; then
		nok=1; extra="reported no results"
	fi
	passed=$((passed + ok)); failed=$((failed + nok))
	if [ "$nok" -eq 0 ]; then
		printf 'PASS %-45s %3d ok   (%ds)\n' "$id" "$ok" "$secs"
	else
		printf 'FAIL %-45s %3d ok %3d failed (%ds), log: %s\n' "$id" "$ok" \
			"$nok" "$secs" "$log"
		grep -A3 '^not ok ' "$log" | sed 's/^/     /' | head -30
		[ -n "$extra" ] && printf '     suite %s\n' "$extra"
	fi
}

# fuzz targets are CPU-bound and independent: two run at a time (the
# machine's cores), their lines printed in order once all have ended
FUZZ_JOBS=${FUZZ_JOBS:-2}
fuzz_ids=() fuzz_pids=() fuzz_limits=()
fuzz_drain() {
	local i rc
	for i in "${!fuzz_ids[@]}"; do
		wait "${fuzz_pids[$i]}" 2>/dev/null
		rc=$(cat "$logs/${fuzz_ids[$i]//\//_}.rc" 2>/dev/null || echo 1)
		report "${fuzz_ids[$i]}" "$logs/${fuzz_ids[$i]//\//_}.log" "$rc" \
			"${fuzz_limits[$i]}" "$(cat "$logs/${fuzz_ids[$i]//\//_}.secs" 2>/dev/null || echo 0)"
	done
	fuzz_ids=() fuzz_pids=() fuzz_limits=()
}

for s in "${suites[@]}"; do
	IFS='|' read -r id cmd limit <<<"$s"
	selected "$id" "$@" || continue
	log=$logs/${id//\//_}.log
	if [[ $id == fuzz/* ]]; then
		rm -f "${log%.log}.rc" "${log%.log}.secs"
		while [ "$(jobs -rp | wc -l)" -ge "$FUZZ_JOBS" ]; do wait -n; done
		# shellcheck disable=SC2086
		(t0=$SECONDS; cd "$top" && timeout --kill-after=10 "$limit" $cmd >"$log" 2>&1
			rc=$?; echo $((SECONDS - t0)) >"${log%.log}.secs"; echo $rc >"${log%.log}.rc"
			exit $rc) &
		fuzz_ids+=("$id") fuzz_pids+=($!) fuzz_limits+=("$limit")
		continue
	fi
	fuzz_drain
	start=$SECONDS
	# shellcheck disable=SC2086
	(cd "$top" && exec timeout --kill-after=10 "$limit" $cmd) >"$log" 2>&1
	rc=$?
	report "$id" "$log" "$rc" "$limit" $((SECONDS - start))
done
fuzz_drain
[ $((passed + failed)) -gt 0 ] || failed=1
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
