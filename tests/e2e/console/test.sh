#!/usr/bin/env bash
# Web console suite: the stack (tests/lib/stack.sh) with iwg_hdrmed on a copy
# of the VoLTE rules and iwg-admind serving build/web/console (make web),
# then the *.test.mjs files (node --test, TAP): roles and login, identities,
# the dashboard, header mediation, calls with the media verdict, accessibility
# (axe-core), CSP and console errors. See README.md.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
here=$top/tests/e2e/console

bail() {
	echo "1..1"
	printf 'not ok 1 - console suite setup\n# %s\n' "$1"
	exit 1
}

[ -d "$top/node_modules/playwright-core" ] && [ -d "$top/node_modules/axe-core" ] \
	|| bail "node_modules missing: run scripts/deps.sh (npm ci)"
[ -s "${IWG_BUILD:-$top/build}/web/console/app.js" ] || bail "build/web/console missing: run make web"
. "$top/tests/lib/stack.sh"
stack_init e2e-console
# a copy of the rules the test may break to see a refused reload
export IWG_HDRMED_RULES=$IWG_RUN/ims-volte.rules
cp "$top/kamcfg/hdrmed/ims-volte.rules" "$IWG_HDRMED_RULES" || bail "cannot copy the VoLTE rules"
IWG_KAM_EXTRA=(-A WITH_HDRMED -A IWG_HDRMED_DISCOVERY=1 -A "IWG_HDRMED_VOLTE=\"ims-volte=$IWG_HDRMED_RULES\"")
# a sample a second: the dashboard's charts have points within seconds
IWG_ADMIND_CONF_EXTRA="series_interval = 1"
stack_start || bail "the gateway stack did not start: see $IWG_LOGDIR"
stack_start_admind || bail "iwg-admind did not start: see $IWG_LOGDIR/admind.log"

cd "$top" || exit 1
node --test --test-reporter=tap "$here"/*.test.mjs
rc=$?
echo "# logs: $IWG_LOGDIR"
exit $rc
