#!/usr/bin/env bash
# make bench, media part: how many concurrent DTLS-SRTP calls rtpengine
# carries on this machine with under 0.5 % loss, per codec path, and how
# many DTLS-SRTP call setups per second it completes.
#
# iwg-probe drives rtpengine over NG directly (--ng): each call is a
# browser-like leg (ICE, DTLS-SRTP, 20 ms Opus frames of a tone, as a
# browser sends) and a plain RTP leg that the probe echoes back, so the
# measure is rtpengine's, with Kamailio and SIPp out of the way; rtpengine
# runs with the shipped configuration (packaging/rtpengine/rtpengine.conf,
# below). Paths:
# Opus pass-through, Opus <-> PCMA, Opus <-> AMR-WB (BENCH_MEDIA_PATHS;
# the PCMA-only paths of earlier runs are there too, see the list below).
# Levels double from BENCH_MEDIA_START until a level loses more than 0.5 %
# of its frames or fails a call (or halve from there until one passes),
# then up to two levels halfway between the best pass and the lowest
# failure are tried; the largest level that passed is reported.
#
# Output: one line per figure on stdout and $IWG_BUILD/bench/probe-media.json.
# Runs itself in a private network namespace (root).
set -uo pipefail
. "$(dirname "$0")/common.sh" "$0" "$@"

start=${BENCH_MEDIA_START:-100}
max_all=${BENCH_MEDIA_MAX:-3200}
secs=${BENCH_MEDIA_SECONDS:-15}
rate=${BENCH_MEDIA_RATE:-200}
# rtpengine needs about 4 ports a call; keep its range clear of the
# kernel's ephemeral ports (32768-60999) that the probe's sockets use
export IWG_MEDIA_PORTS=${BENCH_MEDIA_PORTS:-10000-32000}
out=$IWG_BUILD/bench/probe-media.json

stack_init bench-probe-media
# rtpengine as shipped: packaging/rtpengine/rtpengine.conf, section [iwg]
# (thread count, options); only the addresses and ports are given here
# (rtpengine's command line wins over its configuration file);
# BENCH_MEDIA_RTPENGINE_ARGS adds options, e.g. --num-threads=4 to
# compare a setting with the shipped one
rtpe_conf=${BENCH_MEDIA_RTPENGINE_CONF:-$top/packaging/rtpengine/rtpengine.conf}
# shellcheck disable=SC2086 # word splitting of the extra options is wanted
_stack_spawn rtpengine "$IWG_LOGDIR/rtpengine.log" rtpengine \
	--config-file="$rtpe_conf" --config-section=iwg --foreground --log-stderr \
	--interface=127.0.0.1 --listen-ng="$IWG_NG_ADDR" \
	--port-min="${IWG_MEDIA_PORTS%-*}" --port-max="${IWG_MEDIA_PORTS#*-}" \
	${BENCH_MEDIA_RTPENGINE_ARGS:-}
wait_until 10 "$IWG_NG_BIN" -s "$IWG_NG_ADDR" -t 200 ping || {
	stack_fail "rtpengine did not answer an NG ping on $IWG_NG_ADDR" \
		"$IWG_LOGDIR/rtpengine.log"
	exit 1
}
rtpe_pid=$(cat "$IWG_RUN/rtpengine.pid")
rtpe_threads=$(find "/proc/$rtpe_pid/task" -mindepth 1 -maxdepth 1 | wc -l)
load_start=$(cut -d' ' -f1 /proc/loadavg)
echo "bench media: rtpengine with $rtpe_conf ${BENCH_MEDIA_RTPENGINE_ARGS:-}:" \
	"$rtpe_threads threads; load average $load_start" >&2
probe=$IWG_BUILD/bin/iwg-probe
logs=$IWG_LOGDIR

# cpu_ticks PID: user+system clock ticks of a process
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# level NAME CODEC N [transcode]: run N calls, print the summary line
level() {
	local name=$1 codec=$2 n=$3 x=${4:-} t0 t1
	t0=$(cpu_ticks "$rtpe_pid")
	"$probe" --ng "$IWG_NG_ADDR" --codec "$codec" --calls "$n" --rate "$rate" \
		--duration "$secs" --timeout 20 ${x:+--transcode "$x"} \
		2>>"$logs/probe-$name.err" | tail -1 >"$logs/level-$name-$n.json"
	t1=$(cpu_ticks "$rtpe_pid")
	jq -c --argjson t $((t1 - t0)) --argjson hz "$(getconf CLK_TCK)" \
		'. + {rtpengine_cpu_s: ($t / $hz)}' "$logs/level-$name-$n.json"
}

# excess LINE L0: loss of a level beyond what its codec pipeline always
# swallows (L0 frames a call, at start and hang-up, measured at light
# load), in percent of the frames sent; the summary line gets it as
# excess_loss_pct. A drop anywhere (on the way in to a transcoder too)
# counts, the fixed start-up cost of transcoding does not.
excess() {
	jq -c --argjson l0 "$2" '. + {swallowed_per_call: $l0,
		excess_loss_pct: (if .sent > 0 then
			([(.sent - .received) - .completed * $l0, 0] | max) * 100 / .sent
			else 100 end)}' <<<"$1" 2>/dev/null || echo null
}

# passes LINE: no call failed and the excess loss is under 0.5 %
passes() {
	jq -e '.failed == 0 and .excess_loss_pct < 0.5' <<<"$1" >/dev/null 2>&1
}

# path NAME:CODEC:TRANSCODE, e.g. opus-to-pcma:opus:PCMA
paths=${BENCH_MEDIA_PATHS:-passthrough-opus:opus: opus-to-pcma:opus:PCMA opus-to-amrwb:opus:AMR-WB}
# also known: passthrough-pcma:PCMA: pcma-to-pcmu:PCMA:PCMU pcma-to-amrwb:PCMA:AMR-WB
results=()
for spec in $paths; do
	IFS=: read -r name codec x <<<"$spec"
	# calibration: frames a call loses at light load (10 calls, 3 s)
	cal=$(secs=3 level "$name-calibration" "$codec" 10 "$x")
	l0=$(jq -r 'if .completed > 0 then ((.sent - .received) / .completed
		| . * 10 | ceil / 10) else 0 end' <<<"$cal" 2>/dev/null) || l0=0
	echo "bench media $name: a call loses $l0 frames at light load" >&2
	best=0 best_line=null fail_line=null fail_n=0 steps=0 n=$start max=$max_all
	while [ "$n" -le "$max" ]; do
		line=$(excess "$(level "$name" "$codec" "$n" "$x")" "$l0")
		if passes "$line"; then
			best=$n best_line=$line
			printf 'bench media %-16s %5d calls: pass (excess loss %s %%, rtpengine cpu %s s)\n' \
				"$name" "$n" "$(jq -r .excess_loss_pct <<<"$line")" \
				"$(jq -r .rtpengine_cpu_s <<<"$line")" >&2
		else
			fail_line=${line:-null} fail_n=$n
			printf 'bench media %-16s %5d calls: FAIL (%s)\n' "$name" "$n" \
				"$(jq -c '{failed, excess_loss_pct, loss_pct}' <<<"$line" 2>/dev/null)" >&2
		fi
		if [ "$fail_n" -eq 0 ]; then
			n=$((n * 2))	# doubling until a failure
		elif [ "$best" -eq 0 ]; then
			# nothing passed yet: halve until a level passes
			[ "$n" -gt 10 ] || break
			n=$((n / 2)) max=$n
		else
			# up to two steps halfway between the best pass and the
			# lowest failure, while they are more than 25 % apart
			steps=$((steps + 1))
			[ "$steps" -le 2 ] && [ $((fail_n - best)) -gt $((best / 4)) ] || break
			n=$(((best + fail_n) / 2)) max=$n
		fi
	done
	results+=("$(jq -nc --arg name "$name" --arg codec "$codec" \
		--arg sip "${x:-$codec}" --argjson best "$best" \
		--argjson pass "$best_line" --argjson fail "${fail_line:-null}" \
		--argjson l0 "$l0" \
		'{path: $name, browser_codec: $codec, sip_codec: $sip,
		  max_calls_under_0_5pct_loss: $best, swallowed_per_call: $l0,
		  last_pass: $pass, first_fail: $fail}')")
	echo "media.max_dtls_srtp_calls.$name $best"
done

# DTLS-SRTP setups per second: as fast as the probe can start them
setup=$("$probe" --ng "$IWG_NG_ADDR" --codec opus --calls 400 --rate 2000 --duration 1 \
	--timeout 20 2>>"$logs/probe-setup.err" | tail -1)
# no summary line (the probe failed): null, so that the JSON is still written
jq -e . <<<"$setup" >/dev/null 2>&1 || setup=null
echo "media.dtls_setups_per_s $(jq -r .setups_per_s <<<"$setup")"

printf '%s\n' "${results[@]}" | jq -s --argjson setup "$setup" \
	--arg secs "$secs" --arg nproc "$(nproc)" --arg conf "$rtpe_conf" \
	--arg args "${BENCH_MEDIA_RTPENGINE_ARGS:-}" --argjson threads "$rtpe_threads" \
	--arg l0 "$load_start" --arg l1 "$(cut -d' ' -f1 /proc/loadavg)" \
	'{bench: "probe-media", call_seconds: ($secs|tonumber),
	  cpus: ($nproc|tonumber), paths: ., dtls_setup: $setup,
	  rtpengine: {conf: $conf, extra_args: $args, threads: $threads},
	  load_average: {start: ($l0|tonumber), end: ($l1|tonumber)}}' >"$out"
echo "bench media: wrote $out" >&2
