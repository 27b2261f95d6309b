#!/usr/bin/env bash
# The containers (docker/): the images `make images` built with podman
# hold no secret; podman-compose starts docker/compose.yaml (the gateway
# preset) in this network namespace, every service as its own user; each
# service's health check passes (Redis PING, rtpengine NG ping, Kamailio
# SIP OPTIONS, iwg-admind /readyz); iwg-probe, as a browser, completes
# echo calls (ws, and wss with REGISTER) through Kamailio and rtpengine in
# their containers to a SIPp peer outside them; iwg-admind answers
# /readyz and /api/v1 with an API key made on first start; the first
# secrets survive the containers being recreated; `podman-compose down`
# leaves no container of ours. The images are built before the suites
# (make test runs make images in the host's network namespace; this one
# has no route to the Debian mirror): missing images are a failure.
#
# podman-compose 1.0.3 (Debian 12) runs podman through ./podman-host-net
# (its own comment says why); CONTAINERS_CONF is tests/containers.conf
# (runc, lowered limits: facts of the development machines).
set -uo pipefail
# the probe tests' helpers (jq_ok, sipp_finished, sipp_got_call, the
# clean-up of $probe_pid and $sipp_pid); no local stack is started
. "$(dirname "$0")/../../probe/lib.sh"
build=$IWG_BUILD
work=$build/test-runs/containers
logs=$work/logs
rm -rf "$work" && mkdir -p "$logs"
export CONTAINERS_CONF=$top/tests/containers.conf
proj=iwg-test
services=(redis rtpengine kamailio admind)
compose=(podman-compose --podman-path "$here/podman-host-net" -p "$proj"
	-f "$top/docker/compose.yaml")
# the stack's settings: media ports apart from SIPp's (40000)
export IWG_PRESET=gateway IWG_PUBLIC_ADDR=127.0.0.1 \
	IWG_MEDIA_PORT_MIN=30000 IWG_MEDIA_PORT_MAX=30999
ctr() { echo "${proj}_$1_1"; }

# remove: every container, volume and network of this project (by its
# label and names), whatever state a run left them in
remove() {
	local ids v
	ids=$(podman ps -aq --filter "label=io.podman.compose.project=$proj" 2>/dev/null)
	[ -z "$ids" ] || podman rm -f -t 2 $ids >>"$logs/remove.log" 2>&1
	for v in iwg-etc iwg-data iwg-redis; do
		podman volume rm -f "${proj}_$v" >>"$logs/remove.log" 2>&1
	done
	podman network rm -f "${proj}_default" >>"$logs/remove.log" 2>&1
	return 0
}
# save_logs [SUFFIX]: each service's output in $logs/SERVICE[SUFFIX].log,
# while its container exists
save_logs() {
	local s
	for s in "${services[@]}"; do
		podman container exists "$(ctr "$s")" &&
			podman logs "$(ctr "$s")" >"$logs/$s${1:-}.log" 2>&1
	done
	return 0
}
cleanup() {
	_probe_cleanup
	save_logs
	remove
}

# --- the images ---------------------------------------------------------------
status=$(cat "$build/images.status" 2>/dev/null)
if [[ $status == failed* ]]; then
	tap_fail "make images built the images" "$status"
	tap_done
	exit 1
fi
missing=()
for i in iwg iwg-redis; do
	podman image exists "$i" || missing+=("$i")
done
if [ ${#missing[@]} -gt 0 ]; then
	tap_fail "the images iwg and iwg-redis exist (make images builds them before the suites)" \
		"missing: ${missing[*]}; run 'make images' (make test does), log: $build/images.log"
	tap_done
	exit 1
fi
tap_ok "the images iwg and iwg-redis exist (${status:-built outside make images})"

leaks=$(podman run --rm --network host --no-healthcheck --entrypoint sh iwg -c \
	'ls -d /etc/iwg/secrets.cfg /etc/iwg/kamailio-rpc.key /etc/iwg/api-keys.txt \
		/etc/iwg/admind-api-keys.conf /etc/iwg/tls/*.pem /etc/iwg/idmap/* \
		/var/lib/iwg/iwg.sqlite 2>/dev/null; grep -rl "PRIVATE KEY" /etc/iwg; \
		[ -x /usr/sbin/iwg-first-secrets ] || echo "no iwg-first-secrets"; echo END' \
	2>"$logs/leaks.err")
tap_eq "the iwg image holds no secret (made on first start, not at build)" "END" "$leaks"

# --- the stack ----------------------------------------------------------------
trap cleanup EXIT
remove
up() {
	(cd "$top/docker" && "${compose[@]}" up -d --no-build) >"$logs/$1.log" 2>&1
}
healthy() {
	local s
	for s in "$@"; do
		podman healthcheck run "$(ctr "$s")" >/dev/null 2>&1 || return 1
	done
}
start=$SECONDS
if up up; then
	tap_ok "podman-compose up -d starts docker/compose.yaml (gateway preset)"
else
	tap_fail "podman-compose up -d starts docker/compose.yaml" "see $logs/up.log"
fi
if wait_until 90 healthy "${services[@]}"; then
	tap_ok "every service is healthy within $((SECONDS - start)) s"
else
	tap_fail "every service is healthy within 90 s" \
		"$(podman ps -a --filter "label=io.podman.compose.project=$proj" \
			--format '{{.Names}} {{.Status}}' 2>&1); logs: $logs (written on exit)"
fi
tap_check "redis: its health check (redis-cli PING) passes" podman healthcheck run "$(ctr redis)"
tap_check "rtpengine: its health check (NG ping) passes" podman healthcheck run "$(ctr rtpengine)"
tap_check "kamailio: its health check (SIP OPTIONS) passes" podman healthcheck run "$(ctr kamailio)"
tap_check "admind: its health check (/readyz) passes" podman healthcheck run "$(ctr admind)"

# the user PID 1 of a container runs as
runs_as() {
	podman exec "$(ctr "$1")" sh -c \
		'getent passwd "$(awk "/^Uid:/ { print \$2 }" /proc/1/status)" | cut -d: -f1'
}
for pair in redis:redis rtpengine:rtpengine kamailio:kamailio admind:iwg; do
	tap_eq "${pair%%:*} runs as user ${pair#*:}" "${pair#*:}" "$(runs_as "${pair%%:*}" 2>&1)"
done

kam=$(ctr kamailio)
tap_check "the first secrets are made once in the volume: IWG_RPC_KEY of secrets.cfg is kamailio-rpc.key" \
	podman exec "$kam" sh -c 'k=$(head -n 1 /etc/iwg/kamailio-rpc.key) && [ ${#k} -ge 32 ] &&
		grep -q "^#!trydef IWG_RPC_KEY \"$k\"" /etc/iwg/secrets.cfg'

# --- a call through the containers -------------------------------------------
pw=$(openssl rand -hex 8)
tap_check "a digest user is added with the shipped subscriber.sh (as kamailio)" \
	podman exec -u kamailio "$kam" /usr/share/iwg/sql/subscriber.sh \
	/var/lib/iwg/iwg.sqlite add probe iwg.test "$pw"

(cd "$logs" && exec sipp -sf "$top/tests/integration/probe/sipp/echo-uas.xml" \
	-i 127.0.0.1 -p 5090 -mp 40000 -rtp_echo -cp 8892 -m 2 -nostdin -timeout 60 \
	-trace_msg -trace_err -fd 1 -message_file sipp-messages.log \
	-error_file sipp-errors.log) >"$logs/sipp.log" 2>&1 &
sipp_pid=$!
wait_until 10 udp_bound 5090 || tap_fail "SIPp echo peer listens on 5090" "see $logs/sipp.log"

probe=("$build/bin/iwg-probe" --password "$pw")
"${probe[@]}" --ws "$IWG_WS_URL" --to echo --echo --duration 2 --timeout 10 \
	>"$logs/probe-ws.json" 2>"$logs/probe-ws.err"
tap_eq "iwg-probe over ws exits 0 (see $logs/probe-ws.json, probe-ws.err)" 0 "$?"
"${probe[@]}" --ws "$IWG_WSS_URL" --register --to echo --echo --duration 2 \
	--timeout 10 >"$logs/probe-wss.json" 2>"$logs/probe-wss.err"
tap_eq "iwg-probe over wss with REGISTER exits 0 (see $logs/probe-wss.json)" 0 "$?"
for f in probe-ws probe-wss; do
	jq_ok "$f: call ok, DTLS-SRTP through rtpengine, every echoed payload matches" \
		'.result == "ok" and .sip_status == 200 and .sent > 0 and .echo_match > 0
		 and .echo_mismatch == 0 and .srtp_errors == 0' "$logs/$f.json"
done
sipp_finished "SIPp completed both calls (exit 0; $logs/sipp.log, sipp-errors.log)"
for f in probe-ws probe-wss; do
	sipp_got_call "$f"
done

# --- iwg-admind ---------------------------------------------------------------
code() { curl -s -o "$logs/$1.json" -w '%{http_code}' --max-time 5 "${@:2}"; }
tap_eq "admind: GET /readyz answers 200 (Redis, Kamailio, rtpengine up)" 200 \
	"$(code readyz http://127.0.0.1:8088/readyz)"
key=$(podman exec "$(ctr admind)" awk '$2 == "noc" { print $3 }' /etc/iwg/api-keys.txt 2>/dev/null)
tap_eq "admind: GET /api/v1/nodes without a key answers 401" 401 \
	"$(code nodes-nokey http://127.0.0.1:8088/api/v1/nodes)"
tap_eq "admind: GET /api/v1/nodes with the noc key of api-keys.txt answers 200" 200 \
	"$(code nodes -H "Authorization: Bearer $key" http://127.0.0.1:8088/api/v1/nodes)"
tap_eq "admind: GET /console/ (the web console the image holds) answers 200" 200 \
	"$(code console http://127.0.0.1:8088/console/)"

# --- recreated, the secrets stay ------------------------------------------------
before=$(podman exec "$kam" md5sum /etc/iwg/secrets.cfg /etc/iwg/tls/key.pem 2>&1)
save_logs -1
(cd "$top/docker" && "${compose[@]}" down) >"$logs/down.log" 2>&1
tap_eq "podman-compose down leaves no container of ours" "0:" \
	"$(out=$(podman ps -aq --filter "label=io.podman.compose.project=$proj") && echo "0:$out")"

# the volume as a newer image finds it: an operator's edit of site.cfg, and
# edge/limits.cfg as an older image shipped it (its checksum recorded)
podman run --rm --network host --no-healthcheck -v "${proj}_iwg-etc:/etc/iwg" \
	--entrypoint sh iwg -c 'echo "# site edit" >>/etc/iwg/gateway/site.cfg &&
		echo "# an older shipped version" >/etc/iwg/edge/limits.cfg &&
		sum=$(md5sum </etc/iwg/edge/limits.cfg | cut -d" " -f1) &&
		sed -i "s|^[0-9a-f]*  edge/limits.cfg\$|$sum  edge/limits.cfg|" \
			/etc/iwg/.shipped.md5sums' >"$logs/volume-edit.log" 2>&1
up up-again
if wait_until 90 healthy kamailio admind; then
	tap_eq "recreated from the same volumes, the containers keep the first secrets" \
		"$before" "$(podman exec "$kam" md5sum /etc/iwg/secrets.cfg /etc/iwg/tls/key.pem 2>&1)"
	tap_check "the image's configuration reaches the volume: a file left as shipped is updated" \
		podman exec "$kam" cmp -s /usr/share/iwg/etc-dist/edge/limits.cfg /etc/iwg/edge/limits.cfg
	tap_check "an operator's edit is kept, the image's version written beside it (site.cfg.dist)" \
		podman exec "$kam" sh -c 'tail -n 1 /etc/iwg/gateway/site.cfg | grep >/dev/null -x "# site edit" &&
			cmp -s /usr/share/iwg/etc-dist/gateway/site.cfg /etc/iwg/gateway/site.cfg.dist'
else
	tap_fail "recreated, kamailio and admind are healthy again" "see $logs/up-again.log"
fi

save_logs -2
(cd "$top/docker" && "${compose[@]}" down -v) >"$logs/down-v.log" 2>&1
tap_eq "podman-compose down -v leaves no container of ours" "0:" \
	"$(out=$(podman ps -aq --filter "label=io.podman.compose.project=$proj") && echo "0:$out")"
tap_done
