#!/usr/bin/env bash
# iwg_media loads into Debian's Kamailio 5.6 with the shipped profiles,
# refuses a profile file with a typo (file:line in the output), serves
# $mprof() and media_profile_exists() to the script, and media.list /
# media.show / media.reload / media.check over RPC (ctl unix socket, kamcmd).
# A reload of a broken file must fail and keep the old set.
#
# Run alone in a private namespace:
#   unshare --net bash -c 'ip link set lo up; \
#       bash tests/integration/modules/01-iwg-media-loads/test.sh'
set -uo pipefail
TOP=${IWG_TOP:-$(cd "$(dirname "$0")/../../../.." && pwd)}
BUILD=${IWG_BUILD:-$TOP/build}
MOD=$BUILD/modules/iwg_media.so
SHIPPED=$TOP/rtpengine-ext/profiles/media-profiles.conf
KAM=/usr/sbin/kamailio
KAMCMD=/usr/sbin/kamcmd
# shellcheck source=/dev/null
. "$TOP/tests/lib/tap.sh"
# shellcheck source=/dev/null
. "$TOP/tests/lib/stack.sh"
# check DESC CONDITION-RESULT DIAG
check() { if [ "$2" -eq 0 ]; then tap_ok "$1"; else tap_fail "$1" "${3:-}"; fi; }

# run directory build/test-runs/modules-media; Kamailio stopped by PID on exit
# a run directory of its own, never one inherited from the environment
unset IWG_RUN
stack_init modules-media
tmp=$IWG_RUN
kamlog=$IWG_LOGDIR/kam.log

for f in "$MOD" "$SHIPPED" "$KAM" "$KAMCMD"; do
	if [ ! -e "$f" ]; then
		tap_fail "prerequisite $f exists" "build it first: make -C $TOP $BUILD/modules/iwg_media.so"
		tap_done; exit 1
	fi
done

port=$((20000 + RANDOM % 20000))
sock=$tmp/ctl.sock

# write_cfg FILE PROFILES [EXTRA-SCRIPT-LINE]
write_cfg() {
	cat >"$1" <<CFG
#!KAMAILIO
debug=2
children=1
auto_aliases=no
listen=udp:127.0.0.1:$port
mpath="$IWG_MODULE_PATH"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "sl.so"
loadmodule "ctl.so"
loadmodule "$MOD"
modparam("ctl", "binrpc", "unix:$sock")
modparam("iwg_media", "profiles", "$2")
request_route {
	if (media_profile_exists("browser-offer-to-sip")) {
		xlog("L_INFO", "MPROF-EXISTS yes\n");
	}
	if (!media_profile_exists("no-such-profile")) {
		xlog("L_INFO", "MPROF-MISSING yes\n");
	}
	\$var(p) = "sip-answer-to-browser";
	xlog("L_INFO", "MPROF-LIT [\$mprof(browser-answer-to-sip)]\n");
	xlog("L_INFO", "MPROF-DYN [\$mprof(\$var(p))]\n");
	\$var(q) = "test-added";
	if (media_profile_exists("\$var(q)")) {
		xlog("L_INFO", "MPROF-ADDED [\$mprof(\$var(q))]\n");
	}
	${3:-}
	sl_send_reply("200", "OK");
	exit;
}
CFG
}

# ------------------------------------------------------------ kamailio -c
cp "$SHIPPED" "$tmp/profiles.conf"
# the checks below follow however many profiles the shipped file holds
shipped=$(grep -c '^\[' "$SHIPPED")
plus1=$((shipped + 1))
write_cfg "$tmp/ok.cfg" "$tmp/profiles.conf"
out=$("$KAM" -c -f "$tmp/ok.cfg" -Y "$tmp" 2>&1)
echo "$out" | grep >/dev/null "config file ok"
check "kamailio -c accepts iwg_media with the shipped profiles" $? "$out"

printf '[good]\nICE=remove RTP/AVP\n[bad]\nICE=force\nDTLS=passive full-rtcp-attributes\n' >"$tmp/typo.conf"
write_cfg "$tmp/typo.cfg" "$tmp/typo.conf"
out=$("$KAM" -c -f "$tmp/typo.cfg" -Y "$tmp" 2>&1); rc=$?
[ "$rc" -ne 0 ] && ! echo "$out" | grep >/dev/null "config file ok" \
	&& echo "$out" | grep >/dev/null "$tmp/typo.conf:5:14: unknown rtpengine flag 'full-rtcp-attributes' (did you mean 'full-rtcp-attribute'?)"
check "kamailio -c fails on a typo flag with file:line:column and a hint" $? "$out"

write_cfg "$tmp/missing.cfg" "$tmp/does-not-exist.conf"
out=$("$KAM" -c -f "$tmp/missing.cfg" -Y "$tmp" 2>&1); rc=$?
[ "$rc" -ne 0 ] && echo "$out" | grep >/dev/null "modparam 'profiles': $tmp/does-not-exist.conf: cannot open"
check "kamailio -c fails on an unreadable profiles file, naming the parameter" $? "$out"

write_cfg "$tmp/badname.cfg" "$tmp/profiles.conf" '$var(x) = $mprof(browser-ofer-to-sip);'
out=$("$KAM" -c -f "$tmp/badname.cfg" -Y "$tmp" 2>&1); rc=$?
[ "$rc" -ne 0 ] && echo "$out" | grep >/dev/null "browser-ofer-to-sip): no such profile"
check "kamailio -c fails on \$mprof() of an unknown literal profile name" $? "$out"

sed '/modparam("iwg_media"/d' "$tmp/ok.cfg" >"$tmp/noparam.cfg"
stack_kamailio_exit "$tmp/noparam.log" 20 -f "$tmp/noparam.cfg" -Y "$tmp" -m 32 -M 8; rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q "modparam 'profiles' is required" "$tmp/noparam.log"
check "kamailio refuses to start without the profiles modparam" $? "$(tail -5 "$tmp/noparam.log")"

# ------------------------------------------------------------ live instance
stack_spawn_kamailio kam "unix:$sock" -f "$tmp/ok.cfg" -Y "$tmp" -w "$tmp" -m 32 -M 8
ready=$?
kpid=$(cat "$tmp/kam.pid" 2>/dev/null)
check "kamailio starts with iwg_media and answers RPC on the ctl socket" $ready "$(tail -20 "$kamlog")"
if [ "$ready" -ne 0 ]; then tap_done; exit 1; fi

rpc() { "$KAMCMD" -s "unix:$sock" "$@" 2>&1; }

out=$(rpc media.list)
n=$(echo "$out" | grep -c 'name:')
echo "$out" | grep >/dev/null 'flags: ICE=force UDP/TLS/RTP/SAVPF rtcp-mux-require DTLS=passive SDES-off replace-origin replace-session-connection' \
	&& [ "$n" -eq "$shipped" ]
check "media.list shows the $shipped shipped profiles with expanded flag strings" $? "$out"

out=$(rpc media.show browser-answer-to-sip)
echo "$out" | grep >/dev/null 'flags: ICE=remove RTP/AVP rtcp-mux-demux DTLS=off SDES-off replace-origin replace-session-connection'
check "media.show returns one profile" $? "$out"

out=$(rpc media.show nope)
echo "$out" | grep >/dev/null "404" && echo "$out" | grep >/dev/null "no media profile 'nope'"
check "media.show of an unknown name faults with 404" $? "$out"

# the script side: $mprof (literal and dynamic name), media_profile_exists()
printf 'OPTIONS sip:probe@127.0.0.1:%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-iwg-media-1\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:probe@127.0.0.1>\r\nCall-ID: iwg-media-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 5\r\nContent-Length: 0\r\n\r\n' "$port" \
	>"$tmp/options.sip"
# one write(): one datagram
cat "$tmp/options.sip" >"/dev/udp/127.0.0.1/$port"
wait_until 5 grep -q 'MPROF-DYN' "$kamlog"
seen=$?
[ "$seen" -eq 0 ] \
	&& grep -q 'MPROF-LIT \[ICE=remove RTP/AVP rtcp-mux-demux DTLS=off SDES-off replace-origin replace-session-connection\]' "$kamlog" \
	&& grep -q 'MPROF-DYN \[ICE=force UDP/TLS/RTP/SAVPF rtcp-mux-require' "$kamlog" \
	&& grep -q 'MPROF-EXISTS yes' "$kamlog" && grep -q 'MPROF-MISSING yes' "$kamlog"
check "\$mprof(name), \$mprof(\$var(x)) and media_profile_exists() work in the script" $? "$(grep MPROF "$kamlog")"

# reload after an edit
cat >>"$tmp/profiles.conf" <<'P'

# added by the test
[test-added]
@browser-answer-to-sip ptime=20 label=$ci
P
out=$(rpc media.reload)
echo "$out" | grep >/dev/null "profiles: $plus1"
check "media.reload picks up an edited file" $? "$out"
out=$(rpc media.show test-added)
echo "$out" | grep >/dev/null 'flags: ICE=remove RTP/AVP rtcp-mux-demux DTLS=off SDES-off replace-origin replace-session-connection ptime=20 label=\$ci' \
	&& echo "$out" | grep >/dev/null 'dynamic: 1'
check "the reloaded set serves the new profile (with a dynamic token)" $? "$out"

# the script sees it, with the pseudo-variable evaluated for the message
sed -i 's/iwg-media-1/iwg-media-2/' "$tmp/options.sip"
cat "$tmp/options.sip" >"/dev/udp/127.0.0.1/$port"
wait_until 5 grep -q 'MPROF-ADDED' "$kamlog"
seen=$?
[ "$seen" -eq 0 ] && grep -q 'MPROF-ADDED \[.* ptime=20 label=iwg-media-2\]' "$kamlog"
check "a reloaded profile with \$ci is served to the script with the value filled in" $? "$(grep MPROF-ADDED "$kamlog")"

# a broken file on reload keeps the old set
cp "$tmp/profiles.conf" "$tmp/profiles.good"
printf '[broken]\nICE=remove DTLS=pasive\n' >>"$tmp/profiles.conf"
line=$(grep -n 'DTLS=pasive' "$tmp/profiles.conf" | cut -d: -f1)
out=$(rpc media.reload)
echo "$out" | grep >/dev/null "$tmp/profiles.conf:$line:17: invalid value for flag 'DTLS=pasive' (did you mean 'DTLS=passive'?)"
check "media.reload of a broken file faults with file:line:column" $? "$out"
out=$(rpc media.list)
n=$(echo "$out" | grep -c 'name:')
[ "$n" -eq "$plus1" ] && ! echo "$out" | grep >/dev/null 'broken'
check "after a failed reload the old set ($plus1 profiles) stays active" $? "$out"

out=$(rpc media.check)
echo "$out" | grep >/dev/null "profiles.conf:$line:17"
check "media.check without a path validates the configured file" $? "$out"
out=$(rpc media.check "$tmp/profiles.good")
echo "$out" | grep >/dev/null 'result: ok' && echo "$out" | grep >/dev/null "profiles: $plus1"
check "media.check PATH validates another file without loading it" $? "$out"
out=$(rpc media.list | grep -c 'name:')
[ "$out" -eq "$plus1" ]
check "media.check does not change the active set" $? "$out"

kill -0 "$kpid" 2>/dev/null
check "kamailio is still running after the RPC calls" $? "$(tail -20 "$kamlog")"
[ -n "${KEEP_LOG:-}" ] && cp "$kamlog" "$KEEP_LOG"
tap_done
