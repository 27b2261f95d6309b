#!/usr/bin/env bash
# Unit tests of the browser packages' JavaScript, without a browser or a
# gateway: every tests/unit/js/**/*.test.mjs with node:test (TAP output).
# Needs node_modules (scripts/deps.sh: npm ci). Run: tests/run.sh unit/js
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
here=$top/tests/unit/js

for m in esbuild typescript @signalwire/js; do
	if [ ! -d "$top/node_modules/$m" ]; then
		echo "1..1"
		echo "not ok 1 - JavaScript unit tests could not start"
		echo "# node_modules/$m missing: run scripts/deps.sh (npm ci)"
		exit 1
	fi
done
mapfile -t files < <(find "$here" -name '*.test.mjs' | sort)
cd "$top" || exit 1
node --test --test-reporter=tap "${files[@]}"
