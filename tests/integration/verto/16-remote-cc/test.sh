#!/usr/bin/env bash
# A contact center that is not on this host: iwg's network listener on
# 10.9.0.1, the contact center (SIPp) on 10.9.0.2 in a network namespace of
# its own, joined by a veth pair (all inside the test's namespace). A Verto
# call goes through the contact-center router on the loopback listener;
# the dialog's later requests (ACK, BYE) must leave from the network
# listener and reach the contact center. Run inside a private network
# namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/16-remote-cc/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/16-remote-cc
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

# the contact center's namespace: a process that only waits, ended by PID
unshare --net -- sleep 600 &
ccns=$!
trap 'kill "$ccns" 2>/dev/null' EXIT
other_ns() { [ "$(readlink "/proc/$ccns/ns/net")" != "$(readlink /proc/self/ns/net)" ]; }
if ! wait_until 5 other_ns; then
	tap_fail "the contact center's namespace exists" "unshare --net failed"
	tap_done
	exit 1
fi
ip link add iwg-cc0 type veth peer name iwg-cc1 &&
	ip addr add 10.9.0.1/24 dev iwg-cc0 && ip link set iwg-cc0 up &&
	ip link set iwg-cc1 netns "$ccns" &&
	nsenter -t "$ccns" -n sh -c 'ip link set lo up && ip addr add 10.9.0.2/24 dev iwg-cc1 && ip link set iwg-cc1 up' ||
	{ tap_fail "veth pair 10.9.0.1 - 10.9.0.2" "ip failed"; tap_done; exit 1; }
link_up() { ip -br link show iwg-cc0 | grep >/dev/null -w UP; }
tap_check "the veth pair to 10.9.0.2 is up" wait_until 10 link_up

# the contact-center preset with its network listener on 10.9.0.1
stack_init verto-16-remote-cc
# from here stack_stop (stack_init's EXIT trap) ends the namespace's process too
stack_adopt cc-netns "$ccns"
stack_node_cfg "$IWG_RUN/cfg" contact-center 10.9.0.1 5065 ||
	{ tap_fail "site.cfg with IWG_SIP_IP 10.9.0.1" "substdef not found"; tap_done; exit 1; }
printf '1 sip:10.9.0.2:5090 0 0 name=remote-cc\n' >"$IWG_RUN/cc.list"
VERTO_CFG=$IWG_RUN/cfg/kamailio.cfg
VERTO_KAM_EXTRA=(-A 'IWG_CC_URI="sip:10.9.0.2:5090"' -A 'IWG_CC_PEERS="10.9.0.2/32"')
verto_stack_start verto-16-remote-cc || exit 1

verto_node "$here/remote.mjs" "$VERTO_URL" "$top/tests/integration/verto/sipp" "$ccns"
if grep -qE 'sendto|Invalid argument' "$IWG_LOGDIR/kamailio.log"; then
	tap_fail "no send error in kamailio.log" "$(grep -E 'sendto|Invalid argument' "$IWG_LOGDIR/kamailio.log" | head -3)"
else
	tap_ok "no send error in kamailio.log"
fi
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
tap_done
