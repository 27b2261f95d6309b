#!/usr/bin/env bash
# make bench, media part: how many concurrent DTLS-SRTP calls rtpengine
# carries on this machine with under 0.5 % loss, per codec path, and how
# many DTLS-SRTP call setups per second it completes.
#
# iwg-probe drives rtpengine over NG directly (--ng): each call is a
# browser-like leg (ICE, DTLS-SRTP, 20 ms PCMA) and a plain RTP leg that the
# probe echoes back, so the measure is rtpengine's, with Kamailio and SIPp
# out of the way. Levels double from BENCH_MEDIA_START until a level loses
# more than 0.5 % of its frames or fails a call; the largest level that
# passed is reported.
#
# Output: one line per figure on stdout and $IWG_BUILD/bench/probe-media.json.
# Runs itself in a private network namespace (root).
set -uo pipefail
. "$(dirname "$0")/common.sh" "$0" "$@"

start=${BENCH_MEDIA_START:-100}
max_all=${BENCH_MEDIA_MAX:-3200}
secs=${BENCH_MEDIA_SECONDS:-20}
rate=${BENCH_MEDIA_RATE:-200}
# rtpengine needs about 4 ports a call; keep its range clear of the
# kernel's ephemeral ports (32768-60999) that the probe's sockets use
export IWG_MEDIA_PORTS=${BENCH_MEDIA_PORTS:-10000-32000}
out=$IWG_BUILD/bench/probe-media.json

stack_init bench-probe-media
stack_start_rtpengine || { echo "bench media: rtpengine did not start" >&2; exit 1; }
rtpe_pid=$(cat "$IWG_RUN/rtpengine.pid")
probe=$IWG_BUILD/bin/iwg-probe
logs=$IWG_LOGDIR

# cpu_ticks PID: user+system clock ticks of a process
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# level NAME N [transcode]: run N calls, print the summary line
level() {
	local name=$1 n=$2 x=${3:-} t0 t1
	t0=$(cpu_ticks "$rtpe_pid")
	"$probe" --ng "$IWG_NG_ADDR" --calls "$n" --rate "$rate" \
		--duration "$secs" --timeout 20 ${x:+--transcode "$x"} \
		2>>"$logs/probe-$name.err" | tail -1 >"$logs/level-$name-$n.json"
	t1=$(cpu_ticks "$rtpe_pid")
	jq -c --argjson t $((t1 - t0)) --argjson hz "$(getconf CLK_TCK)" \
		'. + {rtpengine_cpu_s: ($t / $hz)}' "$logs/level-$name-$n.json"
}

results=()
for spec in passthrough-pcma: pcma-to-pcmu:PCMU pcma-to-amrwb:AMR-WB; do
	name=${spec%%:*} x=${spec#*:}
	best=0 best_line=null fail_line=null n=$start max=$max_all
	while [ "$n" -le "$max" ]; do
		line=$(level "$name" "$n" "$x")
		# pass-through: frames lost end to end; transcoding: gaps in the
		# returned stream (the codec pipeline swallows a few frames per call
		# at start and hang-up, which is not loss)
		if jq -e --arg x "$x" '.failed == 0 and
			(if $x == "" then .loss_pct else .rx_gap_pct end) < 0.5' \
			<<<"$line" >/dev/null 2>&1; then
			best=$n best_line=$line
			printf 'bench media %-16s %5d calls: pass (loss %s %%, gaps %s %%, rtpengine cpu %s s)\n' \
				"$name" "$n" "$(jq -r .loss_pct <<<"$line")" \
				"$(jq -r .rx_gap_pct <<<"$line")" \
				"$(jq -r .rtpengine_cpu_s <<<"$line")" >&2
			n=$((n * 2))
		else
			fail_line=${line:-null}
			printf 'bench media %-16s %5d calls: FAIL (%s)\n' "$name" "$n" \
				"$(jq -c '{failed, loss_pct, rx_gap_pct}' <<<"$line" 2>/dev/null)" >&2
			# nothing passed yet: halve until a level passes
			[ "$best" -eq 0 ] && [ "$n" -gt 10 ] || break
			n=$((n / 2))
			max=$n
		fi
	done
	results+=("$(jq -nc --arg name "$name" --arg codec "${x:-PCMA}" \
		--argjson best "$best" --argjson pass "$best_line" \
		--argjson fail "${fail_line:-null}" \
		'{path: $name, sip_codec: $codec, max_calls_under_0_5pct_loss: $best,
		  last_pass: $pass, first_fail: $fail}')")
	echo "media.max_dtls_srtp_calls.$name $best"
done

# DTLS-SRTP setups per second: as fast as the probe can start them
setup=$("$probe" --ng "$IWG_NG_ADDR" --calls 400 --rate 2000 --duration 1 \
	--timeout 20 2>>"$logs/probe-setup.err" | tail -1)
echo "media.dtls_setups_per_s $(jq -r .setups_per_s <<<"$setup")"

printf '%s\n' "${results[@]}" | jq -s --argjson setup "$setup" \
	--arg secs "$secs" --arg nproc "$(nproc)" \
	'{bench: "probe-media", call_seconds: ($secs|tonumber),
	  cpus: ($nproc|tonumber), paths: ., dtls_setup: $setup}' >"$out"
echo "bench media: wrote $out" >&2
