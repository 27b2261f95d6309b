#!/usr/bin/env bash
# Every built module loads into the system's kamailio binary.
set -uo pipefail
top=${IWG_TOP:-$(cd "$(dirname "$0")/../../../.." && pwd)}
build=${IWG_BUILD:-$top/build}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
work=$build/test-runs/module-load
rm -rf "$work" && mkdir -p "$work"

found=0
for so in "$build"/modules/*.so; do
	[ -f "$so" ] || continue
	found=1
	m=$(basename "$so" .so)
	cfg=$work/$m.cfg
	{
		echo "#!KAMAILIO"
		echo "listen=udp:127.0.0.1:15060"
		echo "mpath=\"$IWG_MODULE_PATH\""
		for dep in kex tm sl pv rr; do echo "loadmodule \"$dep.so\""; done
		echo "loadmodule \"$m.so\""
		[ -f "$top/modules/$m/tests/load.cfg" ] && cat "$top/modules/$m/tests/load.cfg"
		echo "request_route { drop; }"
	} >"$cfg"
	if out=$(cd "$top" && /usr/sbin/kamailio -c -f "$cfg" 2>&1) &&
		grep -q "config file ok" <<<"$out"; then
		tap_ok "module $m loads into /usr/sbin/kamailio ($(kamailio -v | head -1 | cut -d' ' -f3))"
	else
		tap_fail "module $m loads into /usr/sbin/kamailio" \
			"kamailio -c -f $cfg said: $(grep -E 'ERROR|CRITICAL' <<<"$out" | head -5)"
	fi
done
[ "$found" = 1 ] || tap_fail "modules were built" "no .so in $build/modules (run make)"

# the gateway configuration, as make run starts it, is accepted
IWG_RUN=$work/gateway
mkdir -p "$IWG_RUN/tls" "$IWG_RUN/logs"
export IWG_LOGDIR=$IWG_RUN/logs
stack_kamailio_args
if stack_tls_cert && out=$(/usr/sbin/kamailio -c "${IWG_KAM_ARGS[@]}" 2>&1) &&
	grep -q "config file ok" <<<"$out"; then
	tap_ok "kamcfg/gateway/kamailio.cfg is accepted by kamailio -c"
else
	tap_fail "kamcfg/gateway/kamailio.cfg is accepted by kamailio -c" \
		"$(grep -E 'ERROR|CRITICAL' <<<"$out" | head -5)"
fi
tap_done
