# TAP helpers for shell tests (source it). The runner counts column-0 lines
# "ok N - ..." and "not ok N - ...".
_tap_n=0
_tap_failed=0

# tap_ok DESC: record a passed check
tap_ok() {
	_tap_n=$((_tap_n + 1))
	printf 'ok %d - %s\n' "$_tap_n" "$1"
}

# tap_fail DESC WHY: record a failed check; WHY should tell a stranger what
# broke and where its logs are
tap_fail() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	printf 'not ok %d - %s\n' "$_tap_n" "$1"
	printf '# %s\n' "${2:-}" | sed '2,$s/^/# /'
}

# tap_check DESC CMD...: passes when CMD exits 0; its output is kept on failure
tap_check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_ok "$desc"
	else
		tap_fail "$desc" "command failed: $* :: $(printf '%s' "$out" | tail -5)"
	fi
}

# tap_eq DESC EXPECTED ACTUAL
tap_eq() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "expected '$2', got '$3'"
	fi
}

# tap_like DESC TEXT HAYSTACK: passes when HAYSTACK contains TEXT (fixed
# string)
tap_like() {
	if [[ "$3" == *"$2"* ]]; then
		tap_ok "$1"
	else
		tap_fail "$1" "'$2' not in: $(printf '%s' "$3" | head -c 1500)"
	fi
}

# tap_done: exit status of the test script (non-zero when a check failed)
tap_done() {
	[ "$_tap_failed" -eq 0 ]
}
