#!/usr/bin/env bash
# The IMS core over TCP and over TLS (kamcfg/ims), in two parts on one Redis
# and rtpengine, core.test.mjs each time:
#  1. IWG_IMS_CORE ";transport=tcp", the Node S-CSCF over TCP;
#  2. Kamailio again with -A WITH_NET_TLS and IWG_IMS_CORE ";transport=tls",
#     the Node S-CSCF over TLS (the run's self-signed certificate).
# IWG_PATH_HOST names iwg's listener of that transport, as an operator sets
# it (docs/ims-gateway.md). Node is the browser and the core (SIPp here has
# no TLS). Run inside a private network namespace.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/ims-stack.sh"
ims_stack_start integration-ims-core-transports \
	-A 'IWG_IMS_CORE="sip:127.0.0.1:6060;transport=tcp"' \
	-A 'IWG_PATH_HOST="127.0.0.1:5060;transport=tcp"'
IWG_CORE_TRANSPORT=tcp ims_node "$here/core.test.mjs"
rc=$?

# part 2: the core over TLS
if ims_restart_kamailio kamailio-tcp.log "with WITH_NET_TLS" -A WITH_NET_TLS \
	-A 'IWG_IMS_CORE="sip:127.0.0.1:6060;transport=tls"' \
	-A 'IWG_PATH_HOST="127.0.0.1:5061;transport=tls"'; then
	if wait_until 10 tcp_open 127.0.0.1 5061; then
		IWG_CORE_TRANSPORT=tls ims_node "$here/core.test.mjs" || rc=1
	else
		echo "not ok 1 - the TLS listener on 127.0.0.1:5061 (see $IWG_LOGDIR/kamailio.log)"
		rc=1
	fi
else
	rc=1
fi
echo "# logs: $IWG_LOGDIR"
exit $rc
