#!/usr/bin/env bash
# make bench: benchmarks measured side by side in one run (see docs/building.md).
# No benchmark exists yet; this says so instead of printing made-up figures.
echo "bench: no benchmarks yet (tests/bench/ is where they go)"
