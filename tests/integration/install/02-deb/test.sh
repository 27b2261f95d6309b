#!/usr/bin/env bash
# The Debian packages (scripts/deb.sh, as make deb runs it): they build
# and lintian finds no error; installed on this machine, every preset
# passes `kamailio -c -f /etc/iwg/<preset>/kamailio.cfg`, the first secrets
# are made (and kept on a reinstall, with an operator's edit of a
# conffile), the units verify at their installed place; purged, nothing
# of ours is left in /etc, /usr or /run. The packages are purged on exit
# whatever happened.
set -uo pipefail
top=${IWG_TOP:-$(cd "$(dirname "$0")/../../../.." && pwd)}
build=${IWG_BUILD:-$top/build}
. "$top/tests/lib/tap.sh"
work=$build/test-runs/deb
rm -rf "$work" && mkdir -p "$work"
pkgs=(iwg-config iwg-admind iwg-tools iwg-kamailio-modules)
arch=$(gcc -print-multiarch)

if dpkg-query -W -f='${Status}' iwg-config 2>/dev/null | grep -q installed; then
	tap_fail "no iwg package installed before the test" \
		"iwg-config is installed on this machine; the test would purge it"
	exit 1
fi
purge() { dpkg --purge "${pkgs[@]}" >>"$work/purge.log" 2>&1; }
trap purge EXIT

if BUILD=$build "$top/scripts/deb.sh" >"$work/deb.log" 2>&1; then
	tap_ok "the packages build (dpkg-buildpackage) and lintian reports no error"
else
	tap_fail "the packages build and pass lintian" "$(tail -3 "$work/deb.log")"
	exit 1
fi
debs=()
for p in "${pkgs[@]}"; do debs+=("$(ls "$build"/deb/"${p}"_*.deb)"); done
tap_check "the modules' package pins the Kamailio version it was built against" \
	bash -c "dpkg-deb -f '$build/deb/'iwg-kamailio-modules_*.deb Depends |
		grep -q 'kamailio (= $(dpkg-query -W -f='${Version}' kamailio))'"

tap_check "dpkg -i installs them on this machine (log: $work/install.log)" \
	bash -c "dpkg -i ${debs[*]} >'$work/install.log' 2>&1"
for preset in combined contact-center gateway ims; do
	tap_check "installed: kamailio -c -f /etc/iwg/$preset/kamailio.cfg passes" \
		bash -c "cd / && /usr/sbin/kamailio -c -f /etc/iwg/$preset/kamailio.cfg 2>&1 |
			grep -q 'config file ok'"
done
tap_check "the first secrets were made: TLS certificate and key, secrets.cfg (key not world-readable)" \
	bash -c "openssl x509 -noout -in /etc/iwg/tls/cert.pem &&
		[ \"\$(stat -c %a /etc/iwg/tls/key.pem)\" = 640 ] &&
		grep -q '^#!trydef IWG_RPC_KEY \"[0-9a-f]\{64\}\"' /etc/iwg/secrets.cfg &&
		[ \"\$(stat -c %a /etc/iwg/secrets.cfg)\" = 640 ]"

# a reinstall keeps the secrets and an operator's edit
before=$(md5sum /etc/iwg/secrets.cfg /etc/iwg/tls/key.pem)
echo "# site edit" >>/etc/iwg/gateway/site.cfg
dpkg -i "${debs[@]}" >"$work/reinstall.log" 2>&1
tap_eq "a reinstall keeps the secrets it made" "$before" \
	"$(md5sum /etc/iwg/secrets.cfg /etc/iwg/tls/key.pem)"
tap_eq "and the operator's edit of /etc/iwg/gateway/site.cfg (a conffile)" \
	"# site edit" "$(tail -1 /etc/iwg/gateway/site.cfg)"

tap_check "systemd-analyze verify the installed units (iwg-kamailio@gateway, iwg-rtpengine, iwg-admind)" \
	systemd-analyze verify --man=no iwg-kamailio@gateway.service \
	iwg-rtpengine.service iwg-admind.service

purge
left=()
for p in /etc/iwg "/usr/lib/$arch/iwg" /usr/share/doc/iwg /usr/share/iwg /run/iwg \
	/usr/sbin/iwg-admind /usr/bin/iwg-idctl /usr/lib/systemd/system/iwg-rtpengine.service \
	/usr/lib/tmpfiles.d/iwg.conf; do
	[ -e "$p" ] && left+=("$p")
done
tap_eq "dpkg --purge leaves nothing of ours in /etc, /usr or /run" "" "${left[*]}"
tap_done
