#!/usr/bin/env bash
# make run: start the local iwg stack on loopback in the foreground.
# Redis, rtpengine (userspace), Kamailio (kamcfg/gateway, or DEPLOY=ims,
# DEPLOY=contact-center or DEPLOY=combined) and iwg-admind; data, logs and the self-signed
# certificate under run/. Ctrl-C or `make stop` ends it.
set -uo pipefail
export IWG_TOP=$(cd "$(dirname "$0")/.." && pwd)
export IWG_RUN=${IWG_RUN:-$IWG_TOP/run}
. "$IWG_TOP/tests/lib/stack.sh"

# DEPLOY picks the Kamailio configuration (README "Deployments")
deploy=${DEPLOY:-gateway}
case $deploy in
gateway) extra="" ;;
ims)
	IWG_CFG=$IWG_TOP/kamcfg/ims/kamailio.cfg
	IWG_PROFILES=$IWG_TOP/rtpengine-ext/profiles/ims-profiles.conf
	extra="  IMS core             as set in kamcfg/ims/site.cfg (IWG_IMS_CORE); usrloc in $IWG_RUN/iwg.sqlite"
	;;
combined)
	IWG_CFG=$IWG_TOP/kamcfg/combined/kamailio.cfg
	extra="  Verto (PaaS SDK)     ws://127.0.0.1:8082/verto-ws, wss://127.0.0.1:8445/verto-ws; contact center: the entry points of the run's cc.list (sip:127.0.0.1:5090), SIP peer IWG_PEER_URI (kamcfg/combined/site.cfg)"
	;;
contact-center)
	IWG_CFG=$IWG_TOP/kamcfg/contact-center/kamailio.cfg
	IWG_SIP_WS=0
	extra="  Verto (PaaS SDK)     ws://127.0.0.1:8082/verto-ws, wss://127.0.0.1:8445/verto-ws; contact center: the entry points of the run's cc.list (sip:127.0.0.1:5090; kamcfg/edge/cc.cfg)"
	;;
*)
	echo "run: unknown DEPLOY '$deploy' (gateway, ims, contact-center or combined)" >&2
	exit 64
	;;
esac

if ls "$IWG_RUN"/*.pid >/dev/null 2>&1; then
	for f in "$IWG_RUN"/*.pid; do
		if kill -0 "$(cat "$f")" 2>/dev/null; then
			echo "run: a stack is already running (pid files in $IWG_RUN); make stop first" >&2
			exit 1
		fi
	done
fi
stack_init run
echo $$ >"$IWG_RUN/run.pid"
# a requested stop (Ctrl-C, make stop) is a normal end
trap "exit 0" INT TERM
trap 'stack_stop; rm -f "$IWG_RUN/run.pid"' EXIT
stack_start && stack_start_admind || exit 1
# how to log in (made by stack_start: tests/lib/stack.sh, stack_db)
[ "$deploy" = gateway ] || [ "$deploy" = combined ] && extra="${extra:+$extra
}  browsers log in      digest: sip:alice@$IWG_DOMAIN (also bob, caller, probe, echo), password $IWG_TEST_PASSWORD
                       more users: sql/subscriber.sh $IWG_DB add USER $IWG_DOMAIN [PASSWORD]"

cat <<MSG

iwg is running, preset $deploy (logs in $IWG_LOGDIR):
  SIP over WebSocket   ws://127.0.0.1:8080   wss://127.0.0.1:8443 (self-signed: $IWG_RUN/tls/cert.pem)
  SIP (network side)   udp and tcp 127.0.0.1:5060; calls for unknown users go to $IWG_PEER_ADDR
  SIP domain           $IWG_DOMAIN
  rtpengine NG         udp $IWG_NG_ADDR, media ports $IWG_MEDIA_PORTS
  Redis                $IWG_REDIS_ADDR (data in $IWG_RUN/redis)
  Kamailio RPC         $IWG_KAMCMD <command>   or   http://127.0.0.1:5065/RPC with header X-IWG-RPC-Key: \$(cat $IWG_RUN/secrets/rpc_key)
  REST (iwg-admind)    http://127.0.0.1:8088 (/healthz, /readyz, /metrics, /api/v1; API keys in $IWG_RUN/admind/keys)
${extra:+$extra
}Stop with Ctrl-C here, or 'make stop' from another shell.
MSG

# stay until a component dies or we are told to stop
while :; do
	for i in "${!_stack_pids[@]}"; do
		if ! kill -0 "${_stack_pids[$i]}" 2>/dev/null; then
			echo "run: ${_stack_names[$i]} exited; see $IWG_LOGDIR/${_stack_names[$i]}.log" >&2
			exit 1
		fi
	done
	sleep 1
done
