# shellcheck shell=bash
# Shared start of the install suites (source it from a test.sh): TAP and
# stack helpers, and a fresh run directory.
#
#   install_test_start NAME   sets top build work (build/test-runs/NAME,
#                             emptied; also IWG_RUN) and arch (multiarch)
top=${IWG_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
build=${IWG_BUILD:-$top/build}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"

install_test_start() {
	IWG_RUN=$build/test-runs/$1
	work=$IWG_RUN
	rm -rf "$work" && mkdir -p "$work"
	arch=$(gcc -print-multiarch)
}
