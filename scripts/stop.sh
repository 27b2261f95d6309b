#!/usr/bin/env bash
# make stop: end a stack started by make run, by the PIDs it recorded.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
run=${IWG_RUN:-$top/run}
f=$run/run.pid
if [ ! -f "$f" ]; then
	echo "stop: no stack recorded in $run"
	exit 0
fi
pid=$(cat "$f")
# the run script stops its children in its EXIT trap
if kill -0 "$pid" 2>/dev/null && grep -q 'scripts/run.sh' "/proc/$pid/cmdline" 2>/dev/null; then
	kill -TERM "$pid"
	for _ in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
fi
# anything the run script could not stop (it was killed hard, say)
for p in "$run"/*.pid; do
	[ -f "$p" ] || continue
	n=$(basename "$p" .pid)
	q=$(cat "$p")
	if [ "$n" != run ] && kill -0 "$q" 2>/dev/null; then
		exe=$(readlink "/proc/$q/exe" 2>/dev/null)
		case $exe in
		*/redis-server | */rtpengine | */kamailio) kill -TERM "$q" ;;
		esac
	fi
	rm -f "$p"
done
echo "stop: stack in $run stopped"
