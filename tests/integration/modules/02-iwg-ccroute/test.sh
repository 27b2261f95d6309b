#!/usr/bin/env bash
# iwg_ccroute in Debian's Kamailio: the shipped rules load, a broken file
# stops startup with file:line (kamailio -c and a real start, no RPC), and
# a live instance routes requests and tm local requests, answers
# ccroute.test / ccroute.list / ccroute.reload and counts hits.
#
# Run alone in a private namespace:
#   unshare --net bash -c 'ip link set lo up; \
#       bash tests/integration/modules/02-iwg-ccroute/test.sh'
set -uo pipefail
TOP=${IWG_TOP:-$(cd "$(dirname "$0")/../../../.." && pwd)}
BUILD=${IWG_BUILD:-$TOP/build}
MOD=$BUILD/modules/iwg_ccroute.so
SHIPPED=$TOP/kamcfg/cc-routing.rules
KAM=/usr/sbin/kamailio
KAMCMD=/usr/sbin/kamcmd
# shellcheck source=/dev/null
. "$TOP/tests/lib/tap.sh"
# shellcheck source=/dev/null
. "$TOP/tests/lib/stack.sh"
# check DESC CONDITION-RESULT DIAG
check() { if [ "$2" -eq 0 ]; then tap_ok "$1"; else tap_fail "$1" "${3:-}"; fi; }

# run directory build/test-runs/modules-ccroute; Kamailio stopped by PID on
# exit
# a run directory of its own, never one inherited from the environment
unset IWG_RUN
stack_init modules-ccroute
tmp=$IWG_RUN
kamlog=$IWG_LOGDIR/kam.log

for f in "$MOD" "$SHIPPED" "$KAM" "$KAMCMD"; do
	if [ ! -e "$f" ]; then
		tap_fail "prerequisite $f exists" "build it first: make -C $TOP $BUILD/modules/iwg_ccroute.so"
		tap_done; exit 1
	fi
done

port=$((20000 + RANDOM % 20000))
port2=$((port + 1))
sock=$tmp/ctl.sock

# write_cfg FILE RULES-PATH (empty: no modparam)
write_cfg() {
	local param=""
	[ -n "$2" ] && param="modparam(\"iwg_ccroute\", \"rules\", \"$2\")"
	cat >"$1" <<CFG
#!KAMAILIO
debug=2
children=2
auto_aliases=no
listen=udp:127.0.0.1:$port
listen=udp:127.0.0.1:$port2
mpath="$IWG_MODULE_PATH"
loadmodule "kex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "textops.so"
loadmodule "ctl.so"
loadmodule "jsonrpcs.so"
loadmodule "$MOD"
modparam("ctl", "binrpc", "unix:$sock")
modparam("jsonrpcs", "transport", 2)
modparam("jsonrpcs", "fifo_name", "$tmp/jsonrpc.fifo")
modparam("jsonrpcs", "fifo_reply_dir", "$tmp/")
$param
request_route {
	# the second listener stands for the contact center: it shows what
	# arrived and answers
	if (\$Rp == $port2) {
		xlog("L_INFO", "RECV \$rm ci=\$ci skill=[\$hdr(X-Skill)] lang=[\$hdr(X-Language)] prio=[\$hdr(X-Priority)]\n");
		sl_send_reply("200", "OK");
		exit;
	}
	if (!is_method("OPTIONS")) {
		exit;
	}
	\$xavp(ccx=>source) = "sip";
	if (is_present_hf("X-Queue")) {
		\$xavp(ccx[0]=>queue) = \$hdr(X-Queue);
	}
	if (is_present_hf("X-Lang")) {
		\$xavp(ccx[0]=>language) = \$hdr(X-Lang);
	}
	if (is_present_hf("X-Prio")) {
		\$xavp(ccx[0]=>priority) = \$(hdr(X-Prio){s.int});
	}
	ccroute_apply("ccx");
	\$var(rc) = \$rc;
	xlog("L_INFO", "APPLY ci=\$ci rc=\$var(rc) rule=[\$xavp(ccr=>rule)] set=[\$xavp(ccr=>set)]\n");
	\$du = "sip:127.0.0.1:$port2";
	forward();
	exit;
}
event_route[tm:local-request] {
	\$xavp(ccx=>queue) = "sales";
	ccroute_apply("ccx");
	xlog("L_INFO", "LOCAL ci=\$ci rc=\$rc rule=[\$xavp(ccr=>rule)]\n");
}
CFG
}

# ------------------------------------------------------------ startup checks
write_cfg "$tmp/shipped.cfg" "$SHIPPED"
out=$("$KAM" -c -f "$tmp/shipped.cfg" 2>&1)
echo "$out" | grep >/dev/null "config file ok"
check "kamailio -c accepts iwg_ccroute with the shipped kamcfg/cc-routing.rules" $? "$out"

printf '# a comment\n\nbilling | queue=billing | 2 | X-Skill: billing\nvip | priority>=high | 3 |\ndefault | * | 1 |\n' >"$tmp/broken.rules"
write_cfg "$tmp/broken.cfg" "$tmp/broken.rules"
want="$tmp/broken.rules:4: condition 'priority>=high': 'high' is not an integer"
out=$("$KAM" -c -f "$tmp/broken.cfg" 2>&1); rc=$?
[ "$rc" -ne 0 ] && ! echo "$out" | grep >/dev/null "config file ok" && echo "$out" | grep >/dev/null -F "$want"
check "kamailio -c refuses a broken rules file, naming file:line and the reason" $? "$out"

stack_kamailio_exit "$tmp/broken.log" 20 -f "$tmp/broken.cfg" -Y "$tmp" -m 32 -M 8; rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -qF "$want" "$tmp/broken.log"
check "kamailio does not start with a broken rules file and logs file:line: reason" $? "$(tail -5 "$tmp/broken.log")"

write_cfg "$tmp/noparam.cfg" ""
stack_kamailio_exit "$tmp/noparam.log" 20 -f "$tmp/noparam.cfg" -Y "$tmp" -m 32 -M 8; rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q "modparam 'rules' is required" "$tmp/noparam.log"
check "kamailio does not start without the rules modparam" $? "$(tail -5 "$tmp/noparam.log")"

# ------------------------------------------------------------ live instance
rules=$tmp/cc.rules
cp "$SHIPPED" "$rules"
write_cfg "$tmp/live.cfg" "$rules"
stack_spawn_kamailio kam "unix:$sock" -f "$tmp/live.cfg" -Y "$tmp" -w "$tmp" -m 64 -M 8
ready=$?
kpid=$(cat "$tmp/kam.pid" 2>/dev/null)
rpc() { "$KAMCMD" -s "unix:$sock" "$@" 2>&1; }
check "kamailio starts with iwg_ccroute and answers RPC" $ready "$(tail -20 "$kamlog")"
if ! kill -0 "$kpid" 2>/dev/null; then tap_done; exit 1; fi

out=$(rpc ccroute.test "queue=billing;language=fr")
echo "$out" | grep >/dev/null "rule: billing-fr" && echo "$out" | grep >/dev/null "set: 2" &&
	echo "$out" | grep >/dev/null "X-Skill: billing-fr" && echo "$out" | grep >/dev/null "X-Language: fr"
check "ccroute.test names the matching rule, its set and substituted headers" $? "$out"

out=$(rpc ccroute.test "queue=billing")
echo "$out" | grep >/dev/null "rule: billing$" && ! echo "$out" | grep >/dev/null "X-Language"
check "ccroute.test leaves out a header whose value is empty" $? "$out"

out=$(rpc ccroute.test)
echo "$out" | grep >/dev/null "rule: default" && echo "$out" | grep >/dev/null "set: 1"
check "ccroute.test without a context picks the default rule" $? "$out"

out=$(rpc ccroute.test "queue")
echo "$out" | grep >/dev/null "400" && echo "$out" | grep >/dev/null "'queue' is not key=value"
check "ccroute.test of a malformed context faults with 400" $? "$out"

n_shipped=$(grep -cE '^[A-Za-z0-9_.-]+ *\|' "$SHIPPED")
out=$(rpc ccroute.list)
[ "$(echo "$out" | grep -c 'name:')" -eq "$n_shipped" ] && echo "$out" | grep >/dev/null "file: $rules" &&
	echo "$out" | grep >/dev/null -E "loaded: [1-9][0-9]+" && echo "$out" | grep >/dev/null "when: queue=billing language=fr" &&
	echo "$out" | grep >/dev/null "X-Language: {language}" && [ "$(echo "$out" | grep -c 'hits: 0')" -eq "$n_shipped" ]
check "ccroute.list shows the $n_shipped rules as written, no hit counted by ccroute.test" $? "$out"

# jrpc METHOD [PARAMS-JSON]: the JSON-RPC answer (jsonrpcs over its FIFO),
# as iwg-admind and other JSON clients see it
jrpc() {
	local r=reply-$RANDOM
	mkfifo "$tmp/$r" || return 1
	timeout 10 cat "$tmp/$r" >"$tmp/$r.out" &
	local cpid=$!
	printf '{"jsonrpc":"2.0","method":"%s","params":%s,"reply_name":"%s","id":1}\n' \
		"$1" "${2:-[]}" "$r" | timeout 10 tee "$tmp/jsonrpc.fifo" >/dev/null
	wait "$cpid"
	cat "$tmp/$r.out"
	rm -f "$tmp/$r" "$tmp/$r.out"
}
out=$(jrpc ccroute.list)
jq -e '.result | (keys == ["file", "loaded", "rules", "unmatched"])
	and (.file | type == "string") and (.loaded > 0) and (.unmatched == 0)
	and (.rules[0] | keys == ["headers", "hits", "last_hit", "name", "set", "when"])
	and (.rules[0] | .name == "billing-fr" and .when == "queue=billing language=fr"
		and .set == 2 and .hits == 0 and .last_hit == 0
		and .headers == ["X-Skill: billing-fr", "X-Language: {language}"])
	and (.rules[-1] | .name == "default" and .when == "*" and .headers == [])' \
	<<<"$out" >/dev/null
check "ccroute.list over JSON-RPC: {file, loaded, unmatched, rules: [{name, when, set, headers, hits, last_hit}]}" $? "$out"
out=$(jrpc ccroute.test '["queue=billing;language=fr"]')
jq -e '.result == {"rule": "billing-fr", "set": 2, "headers": ["X-Skill: billing-fr", "X-Language: fr"]}' \
	<<<"$out" >/dev/null
check "ccroute.test over JSON-RPC: {rule, set, headers}" $? "$out"
out=$(jrpc ccroute.test '["queue=none"]')
jq -e '.result == {"rule": "default", "set": 1, "headers": []}' <<<"$out" >/dev/null
check "ccroute.test over JSON-RPC: the default rule with no header" $? "$out"
out=$(jrpc ccroute.reload)
jq -e ".result == {\"rules\": $n_shipped}" <<<"$out" >/dev/null
check "ccroute.reload over JSON-RPC: {rules: N}" $? "$out"

# send_options CALL-ID [EXTRA-HEADER-LINES]: one OPTIONS to the first port
send_options() {
	printf 'OPTIONS sip:cc@127.0.0.1:%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-%s\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:cc@127.0.0.1>\r\nCall-ID: %s\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 5\r\n%sContent-Length: 0\r\n\r\n' \
		"$port" "$1" "$1" "${2:-}" >"$tmp/req.sip"
	cat "$tmp/req.sip" >"/dev/udp/127.0.0.1/$port" # one write: one datagram
}
logged() { grep -q -- "$1" "$kamlog"; }

send_options ccr-1 $'X-Queue: billing\r\nX-Lang: fr\r\n'
wait_until 10 logged "RECV OPTIONS ci=ccr-1"
grep -q "APPLY ci=ccr-1 rc=1 rule=\[billing-fr\] set=\[2\]" "$kamlog" &&
	grep -q "RECV OPTIONS ci=ccr-1 skill=\[billing-fr\] lang=\[fr\]" "$kamlog"
check "ccroute_apply in request_route: returns 1, sets \$xavp(ccr) and adds the headers" $? "$(grep 'ci=ccr-1' "$kamlog")"

# a tm local request (kamcmd's binrpc passes the optional body so that tm
# wants a Content-Type even without one)
out=$(rpc tm.t_uac_start OPTIONS "sip:cc@127.0.0.1:$port2" . . \
	$'From: <sip:iwg@127.0.0.1>;tag=l1\r\nTo: <sip:cc@127.0.0.1>\r\nCall-ID: ccr-local-1\r\nContent-Type: text/plain\r\n')
wait_until 10 logged "RECV OPTIONS ci=ccr-local-1"
grep -q "LOCAL ci=ccr-local-1 rc=1 rule=\[sales\]" "$kamlog" &&
	grep -q "RECV OPTIONS ci=ccr-local-1 skill=\[sales\]" "$kamlog"
check "ccroute_apply in event_route[tm:local-request] adds the headers to the local request" $? \
	"$out $(grep 'ccr-local-1' "$kamlog")"

out=$(rpc ccroute.list)
hits_of() { echo "$out" | grep -A8 "name: $1\$" | grep -m1 'hits:' | awk '{print $2}'; }
last_of() { echo "$out" | grep -A8 "name: $1\$" | grep -m1 'last_hit:' | awk '{print $2}'; }
[ "$(hits_of billing-fr)" = 1 ] && [ "$(hits_of sales)" = 1 ] && [ "$(hits_of default)" = 0 ] &&
	[ "$(last_of billing-fr)" -gt 0 ] && [ "$(last_of default)" = 0 ]
check "ccroute.list counts one hit each for billing-fr and sales, with the time" $? "$out"

# a broken edit: the reload faults with file:line, the old rules stay
cp "$rules" "$tmp/cc.good"
sed -i '0,/^billing-fr/s//oops | queue= | 1 |\nbilling-fr/' "$rules"
line=$(grep -n '^oops' "$rules" | cut -d: -f1)
out=$(rpc ccroute.reload)
echo "$out" | grep >/dev/null -F "$rules:$line: condition 'queue=' has no value"
check "ccroute.reload of a broken file faults with file:line: reason" $? "$out"
out=$(rpc ccroute.list)
[ "$(echo "$out" | grep -c 'name:')" -eq "$n_shipped" ] && ! echo "$out" | grep >/dev/null "name: oops" &&
	[ "$(hits_of billing-fr)" = 1 ]
check "after a refused reload the old rules and their counters stay" $? "$out"

# a good edit: a vip rule first, no default; counters carried over by name
{
	echo "vip | priority>=5 | 3 | X-Priority: {priority}"
	grep -v '^default' "$tmp/cc.good"
} >"$rules"
out=$(rpc ccroute.reload)
echo "$out" | grep >/dev/null "rules: $n_shipped"
check "ccroute.reload of a good file answers the number of rules" $? "$out"
out=$(rpc ccroute.list)
echo "$out" | grep >/dev/null "name: vip" && ! echo "$out" | grep >/dev/null "name: default" &&
	[ "$(hits_of billing-fr)" = 1 ] && [ "$(hits_of sales)" = 1 ] && [ "$(hits_of vip)" = 0 ]
check "ccroute.reload carries the hit counters of rules of the same name" $? "$out"

send_options ccr-2 $'X-Queue: other\r\n'
wait_until 10 logged "RECV OPTIONS ci=ccr-2"
grep -q "APPLY ci=ccr-2 rc=-1 rule=\[<null>\]" "$kamlog" &&
	grep -q "RECV OPTIONS ci=ccr-2 skill=\[<null>\]" "$kamlog"
check "ccroute_apply returns -1 and adds nothing when no rule matches" $? "$(grep 'ci=ccr-2' "$kamlog")"

send_options ccr-3 $'X-Queue: billing\r\nX-Lang: fr\r\nX-Prio: 7\r\n'
wait_until 10 logged "RECV OPTIONS ci=ccr-3"
grep -q "APPLY ci=ccr-3 rc=1 rule=\[vip\] set=\[3\]" "$kamlog" &&
	grep -q "RECV OPTIONS ci=ccr-3 skill=\[<null>\] lang=\[<null>\] prio=\[7\]" "$kamlog"
check "the reloaded table is used: an integer context field matches priority>=5" $? "$(grep 'ci=ccr-3' "$kamlog")"

out=$(rpc ccroute.list)
echo "$out" | grep >/dev/null "unmatched: 1" && [ "$(hits_of vip)" = 1 ]
check "ccroute.list counts the unmatched call and the vip hit" $? "$out"
out=$(rpc stats.get_statistics ccroute:)
echo "$out" | grep >/dev/null "ccroute:matched = 3" && echo "$out" | grep >/dev/null "ccroute:unmatched = 1"
check "statistics ccroute:matched and ccroute:unmatched" $? "$out"

kill -0 "$kpid" 2>/dev/null
check "kamailio is still running after the RPC calls" $? "$(tail -20 "$kamlog")"
[ -n "${KEEP_LOG:-}" ] && cp "$kamlog" "$KEEP_LOG"
tap_done
