#!/usr/bin/env bash
# make bench, capacity: the per-node figures of docs/scaling.md's capacity
# model, each measured side by side in one run:
#   memory.sh   memory per idle SIP-over-WebSocket connection at 1,000 and
#               10,000 connections, ws and wss (-> capacity-memory.json)
#   cluster.sh  one edge node against two (WITH_CLUSTER): Kamailio CPU per
#               call, the hand-off's cost (-> capacity-cluster.json)
# About 4-5 minutes on the 2-core development VM. BENCH_CAPACITY_PARTS
# ("memory cluster") picks the parts.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rc=0
for part in ${BENCH_CAPACITY_PARTS:-memory cluster}; do
	echo "-- capacity $part"
	bash "$here/$part.sh" || { echo "capacity $part failed"; rc=1; }
done
exit $rc
