#!/usr/bin/env bash
# Kamailio restart with the IMS gateway cfg: a browser registers, Kamailio is
# stopped by PID and started again with the same run directory and SQLite
# database, usrloc rows survive, the browser reconnects and re-registers and
# a terminating INVITE from the IMS reaches it. The Node test
# (restart.test.mjs) asks for the restart by creating $IWG_RUN/restart.req;
# this script restarts Kamailio and answers in $IWG_RUN/restart.done.
# Run inside a private network namespace.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/ims-stack.sh"
ims_stack_start integration-ims-restart

# restart_kamailio: stop the running kamailio (this shell started it) by its
# PID, start it again with the same arguments
restart_kamailio() {
	local pid
	pid=$(cat "$IWG_RUN/kamailio.pid") || return 1
	kill -TERM "$pid" 2>/dev/null
	wait_until 10 eval "! kill -0 $pid" || { kill -KILL "$pid"; return 1; }
	mv "$IWG_LOGDIR/kamailio.log" "$IWG_LOGDIR/kamailio-before-restart.log"
	stack_start_kamailio
}

rm -f "$IWG_RUN/restart.req" "$IWG_RUN/restart.done"
ims_node "$here/restart.test.mjs" &
node_pid=$!
while kill -0 "$node_pid" 2>/dev/null; do
	if [ -e "$IWG_RUN/restart.req" ]; then
		rm -f "$IWG_RUN/restart.req"
		if restart_kamailio 2>"$IWG_LOGDIR/restart.err"; then
			echo ok >"$IWG_RUN/restart.done"
		else
			echo failed >"$IWG_RUN/restart.done"
		fi
	fi
	sleep 0.1 # poll interval for the request file
done
wait "$node_pid"
rc=$?
echo "# logs: $IWG_LOGDIR"
exit $rc
