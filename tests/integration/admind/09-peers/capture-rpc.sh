#!/usr/bin/env bash
# Captures the JSON-RPC answers iwg-admind's peer parsers (admin/src/peers.c)
# are tested and fuzzed with, from a real Kamailio (admind-test.cfg with
# WITH_DISPATCHER and WITH_UAC) in a private network namespace:
#   dispatcher.list  set 1: a SIPp target answering OPTIONS (up) and a port
#                    where nothing answers (inactive, probing); again after
#                    dispatcher.set_state dx on the second (disabled)
#   htable.dump peerfail  two entries seeded as the routing script writes them
#   uac.reg_dump     a trunk registered to a SIPp registrar and one toward
#                    the silent port (failed, retried)
#   ccroute.list     kamcfg/cc-routing.rules after two calls routed by
#                    billing-fr (iwg_ccroute, built in build/modules)
#   ccroute.test     "queue=billing;language=fr" and an empty context
#   and the faults of a missing htable, of an unknown method and of a bad
#   ccroute.test context.
# Writes tests/fuzz/corpus/admind_peers/*.json (the seeds of the fuzzer,
# read by tests/unit/test_admind_peers.c). Run it as root from anywhere:
#   tests/integration/admind/09-peers/capture-rpc.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${IWG_IN_NETNS:-}" ]; then
	exec unshare --net -- env IWG_IN_NETNS=1 "$0" "$@"
fi
ip link set lo up
. "$here/../../../lib/stack.sh"
. "$IWG_TOP/tests/lib/tap.sh"
. "$here/../lib.sh"

out=$IWG_TOP/tests/fuzz/corpus/admind_peers
mkdir -p "$out"
stack_init integration-admind-09-capture
trap 'stack_stop' EXIT
UP_PORT=15291 DEAD_PORT=15292 REG_PORT=15293
printf '1 sip:127.0.0.1:%s 0 10 weight=60;duid=cc-a\n1 sip:127.0.0.1:%s 0 5 weight=40;duid=cc-b\n' \
	"$UP_PORT" "$DEAD_PORT" >"$IWG_RUN/dispatcher.list"
sqlite3 "$IWG_RUN/uac.sqlite" <<EOF
CREATE TABLE version (table_name VARCHAR(32) NOT NULL, table_version INTEGER DEFAULT 0 NOT NULL);
INSERT INTO version VALUES ('uacreg', 5);
CREATE TABLE uacreg (id INTEGER PRIMARY KEY NOT NULL, l_uuid VARCHAR(64) DEFAULT '' NOT NULL,
 l_username VARCHAR(64) DEFAULT '' NOT NULL, l_domain VARCHAR(64) DEFAULT '' NOT NULL,
 r_username VARCHAR(64) DEFAULT '' NOT NULL, r_domain VARCHAR(64) DEFAULT '' NOT NULL,
 realm VARCHAR(64) DEFAULT '' NOT NULL, auth_username VARCHAR(64) DEFAULT '' NOT NULL,
 auth_password VARCHAR(64) DEFAULT '' NOT NULL, auth_ha1 VARCHAR(128) DEFAULT '' NOT NULL,
 auth_proxy VARCHAR(255) DEFAULT '' NOT NULL, expires INTEGER DEFAULT 0 NOT NULL,
 flags INTEGER DEFAULT 0 NOT NULL, reg_delay INTEGER DEFAULT 0 NOT NULL,
 contact_addr VARCHAR(255) DEFAULT '' NOT NULL, socket VARCHAR(128) DEFAULT '' NOT NULL);
INSERT INTO uacreg (l_uuid, l_username, l_domain, r_username, r_domain, realm,
 auth_username, auth_password, auth_proxy, expires)
 VALUES ('trunk-a', 'cc', 'iwg.test', 'iwg-gw', '127.0.0.1:$REG_PORT', 'cc.test',
 'iwg-gw', 'not-a-real-secret', 'sip:127.0.0.1:$REG_PORT', 60),
 ('trunk-b', 'cc', 'iwg.test', 'iwg-gw2', '127.0.0.1:$DEAD_PORT', 'cc.test',
 'iwg-gw2', 'not-a-real-secret', 'sip:127.0.0.1:$DEAD_PORT', 60);
EOF

sp=$here/../sipp
_stack_spawn uas "$IWG_LOGDIR/uas.log" sipp -sf "$sp/uas-options.xml" -i 127.0.0.1 \
	-p "$UP_PORT" -m 100000 -nostdin -cp 18993
_stack_spawn reg "$IWG_LOGDIR/reg.log" sipp -sf "$sp/uas-register.xml" -i 127.0.0.1 \
	-p "$REG_PORT" -m 100000 -nostdin -cp 18994
wait_until 5 udp_bound "$UP_PORT" && wait_until 5 udp_bound "$REG_PORT" ||
	{ echo "SIPp did not start" >&2; exit 1; }
cp "$IWG_TOP/kamcfg/cc-routing.rules" "$IWG_RUN/cc-routing.rules"
admind_kamailio -A WITH_DISPATCHER -A WITH_UAC -A WITH_CCROUTE \
	-A "AT_CC_RULES=\"$IWG_RUN/cc-routing.rules\"" \
	-A "AT_DS_LIST=\"$IWG_RUN/dispatcher.list\"" \
	-A "AT_UAC_DB=\"sqlite:///$IWG_RUN/uac.sqlite\"" \
	-A "AT_UAC_CONTACT=\"127.0.0.1:$AT_SIP_PORT\"" || exit 1

# save NAME METHOD [PARAMS]: the answer as Kamailio sent it
save() {
	kamrpc "$2" "${3:-[]}" | jq -c . >"$out/$1.json"
}
states() {
	[ "$(kamrpc dispatcher.list | jq -r '[.result.RECORDS[].SET.TARGETS[].DEST.FLAGS]|join(" ")')" = "AP IP" ]
}
# trunk-a online (flags 20: ONLINE|INIT), trunk-b waiting for its retry
# after a timeout (16: INIT alone)
# (the second state lasts 0.5 s: the matching answer is the one kept)
registered() {
	kamrpc uac.reg_dump | jq -c . >"$IWG_RUN/reg_dump.json"
	[ "$(jq -r '[.result[]|.l_uuid+":"+(.flags|tostring)]|sort|join(" ")' "$IWG_RUN/reg_dump.json")" = "trunk-a:20 trunk-b:16" ]
}
wait_until 20 states || { echo "targets did not reach AP IP: $(kamrpc dispatcher.list)" >&2; exit 1; }
wait_until 20 registered || { echo "trunks not in the expected states: $(kamrpc uac.reg_dump)" >&2; exit 1; }
kamrpc htable.sets '["peerfail","sip:127.0.0.1:'$DEAD_PORT'::last","503 1767225600"]' >/dev/null
kamrpc htable.seti '["peerfail","sip:127.0.0.1:'$DEAD_PORT'::count",3]' >/dev/null
kamrpc htable.sets '["peerfail","sip:127.0.0.1:'$UP_PORT'::last","408 1767225000"]' >/dev/null
kamrpc htable.seti '["peerfail","sip:127.0.0.1:'$UP_PORT'::count",1]' >/dev/null
save dispatcher-list dispatcher.list
save htable-dump htable.dump '["peerfail"]'
cp "$IWG_RUN/reg_dump.json" "$out/uac-reg-dump.json"
save htable-missing htable.dump '["nope"]'
save method-not-found nope.list
# two calls routed by billing-fr (as 09-peers/test.sh sends them)
for i in 1 2; do
	printf 'OPTIONS sip:cc@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:15299;branch=z9hG4bK-cap%s\r\nFrom: <sip:alice@iwg.test>;tag=c%s\r\nTo: <sip:cc@127.0.0.1>\r\nCall-ID: admind-capture-%s\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nX-Queue: billing\r\nX-Language: fr\r\nContent-Length: 0\r\n\r\n' \
		"$i" "$i" "$i" >"$IWG_RUN/msg.sip"
	cat "$IWG_RUN/msg.sip" >/dev/udp/127.0.0.1/"$AT_SIP_PORT"
done
hits() {
	[ "$(kamrpc ccroute.list | jq -r '.result.rules[0].hits')" = 2 ]
}
wait_until 10 hits || { echo "no hits: $(kamrpc ccroute.list)" >&2; exit 1; }
save ccroute-list ccroute.list
save ccroute-test ccroute.test '["queue=billing;language=fr"]'
save ccroute-test-default ccroute.test '[""]'
save ccroute-test-bad ccroute.test '["queue"]'
kamrpc dispatcher.set_state '["dx",1,"sip:127.0.0.1:'$DEAD_PORT'"]' >/dev/null
save dispatcher-list-disabled dispatcher.list
ls -l "$out"
