#!/usr/bin/env bash
# `make install` (scripts/install.sh) into a DESTDIR: the layout an operator
# finds (modules where the shipped cfgs' mpath looks, configurations under
# /etc/iwg, tools, docs, schemas, tmpfiles entry); every preset passes
# `kamailio -c` with the installed paths and no -A flag (the DESTDIR's
# /etc/iwg and module directory bind-mounted at their real places in a
# private mount namespace); the systemd units verify (systemd-analyze) and
# rtpengine started as iwg-rtpengine.service starts it, with the installed
# /etc/iwg/rtpengine.conf, answers NG pings; an operator's edit survives a
# reinstall while an unedited file is updated.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
install_test_start install
dest=$work/root
moddir=/usr/lib/$arch/iwg/modules

inst() {
	DESTDIR=$dest PREFIX=/usr SYSCONFDIR=/etc BUILD=$build "$top/scripts/install.sh"
}
if inst >"$work/install.log" 2>&1; then
	tap_ok "scripts/install.sh into a DESTDIR"
else
	tap_fail "scripts/install.sh into a DESTDIR" "$(tail -3 "$work/install.log")"
fi

missing=()
for f in "$moddir"/iwg_edge.so "$moddir"/iwg_verto.so "$moddir"/iwg_ccroute.so \
	/etc/iwg/ims/kamailio.cfg /etc/iwg/ims/site.cfg /etc/iwg/edge/edge.cfg \
	/etc/iwg/hdrmed/ims-volte.rules /etc/iwg/cc-routing.rules \
	/usr/share/doc/iwg/modules/iwg_ccroute.md \
	/etc/iwg/media-profiles.conf /etc/iwg/ims-profiles.conf /etc/iwg/iwg-admind.conf \
	/usr/bin/iwg-idctl /usr/bin/iwg-probe /usr/sbin/iwg-admind /usr/sbin/iwg-first-secrets \
	/usr/share/iwg/sql/create-sqlite.sh /usr/share/iwg/sql/subscriber.sh \
	/usr/share/doc/iwg/operating.md /usr/share/doc/iwg/modules/iwg_verto.md \
	/usr/share/iwg/sql/sqlite/usrloc.sql /usr/lib/tmpfiles.d/iwg.conf \
	/etc/iwg/rtpengine.conf /usr/lib/systemd/system/iwg-kamailio@.service \
	/usr/lib/systemd/system/iwg-rtpengine.service \
	/usr/lib/systemd/system/iwg-admind.service /usr/share/iwg/web/console/index.html \
	/usr/share/iwg/web/portal/index.html /usr/share/iwg/web/sdk/iwg.js \
	/usr/share/iwg/web/sdk/iwg.d.ts /usr/share/iwg/grafana/iwg-dashboard.json; do
	[ -f "$dest$f" ] || missing+=("$f")
done
tap_eq "the installed tree holds modules, presets, rules, profiles, tools, docs, schemas, web bundles" \
	"" "${missing[*]}"
tap_eq "an install into a DESTDIR makes no secret (iwg-first-secrets runs only on the system)" \
	"" "$(ls "$dest/etc/iwg/secrets.cfg" "$dest/etc/iwg/tls" 2>/dev/null)"

# every tool has a manual page naming each option its usage text lists
nopage=()
for t in "$dest"/usr/bin/iwg-* "$dest"/usr/sbin/iwg-*; do
	n=${t##*/} sec=1
	[[ $t == */sbin/* ]] && sec=8
	page=$dest/usr/share/man/man$sec/$n.$sec
	if [ ! -f "$page" ]; then
		nopage+=("$n: no $n.$sec")
		continue
	fi
	text=$(sed 's/\\-/-/g' "$page")
	for o in $("$t" --help 2>&1 | grep -oE '(^|[ [,])--?[A-Za-z][A-Za-z-]*' | grep -oE -- '--?[A-Za-z][A-Za-z-]*' | sort -u); do
		grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|\$)" <<<"$text" || nopage+=("$n: $o")
	done
done
tap_eq "every installed tool has a manual page naming each option of its usage text" \
	"" "${nopage[*]}"

# the real places must exist as mount points; made here when missing,
# removed again (only if empty and ours)
made=()
for d in /etc/iwg "/usr/lib/$arch/iwg"; do
	[ -d "$d" ] || { mkdir -p "$d" && made+=("$d"); }
done
cleanup() {
	local d
	stack_stop
	for d in "${made[@]}"; do rmdir "$d" 2>/dev/null; done
}
trap cleanup EXIT

for preset in combined contact-center gateway ims; do
	out=$(unshare --mount --propagation private -- bash -c \
		"mount --bind '$dest/etc/iwg' /etc/iwg &&
		 mount --bind '$dest/usr/lib/$arch/iwg' '/usr/lib/$arch/iwg' &&
		 cd / && /usr/sbin/kamailio -c -f /etc/iwg/$preset/kamailio.cfg" 2>&1)
	printf '%s\n' "$out" >"$work/check-$preset.log"
	if grep -q "config file ok" <<<"$out"; then
		tap_ok "preset $preset: kamailio -c -f /etc/iwg/$preset/kamailio.cfg passes with the installed paths, no -A"
	else
		tap_fail "preset $preset: kamailio -c with the installed paths" \
			"$(grep -E 'ERROR|CRITICAL' <<<"$out" | head -4); log: $work/check-$preset.log"
	fi
done

# the units: every ExecStart exists (iwg-admind's in the installed tree)
units=$dest/usr/lib/systemd/system
mkdir -p "$work/units"
cp "$units"/*.service "$work/units/"
for preset in gateway ims; do
	ln -sf iwg-kamailio@.service "$work/units/iwg-kamailio@$preset.service"
done
tap_check "systemd-analyze verify iwg-kamailio@gateway, @ims and iwg-rtpengine" \
	systemd-analyze verify --man=no "$work/units/iwg-kamailio@gateway.service" \
	"$work/units/iwg-kamailio@ims.service" "$work/units/iwg-rtpengine.service"
tap_check "systemd-analyze verify iwg-admind (its ExecStart from the installed tree)" \
	unshare --mount --propagation private -- bash -c \
	"mount --bind '$dest/usr/sbin' /usr/sbin &&
	 systemd-analyze verify --man=no '$work/units/iwg-admind.service'"

# rtpengine as its unit starts it, with the installed configuration
exec_start=$(sed -n 's/^ExecStart=//p' "$units/iwg-rtpengine.service")
exec_start=${exec_start//\/etc\/iwg\//$dest\/etc\/iwg\/}
_stack_spawn rtpengine "$work/rtpengine.log" $exec_start
if wait_until 10 "$IWG_NG_BIN" -s "$IWG_NG_ADDR" -t 200 ping; then
	tap_ok "rtpengine started by the unit's ExecStart with /etc/iwg/rtpengine.conf answers an NG ping"
else
	tap_fail "rtpengine with the installed rtpengine.conf answers an NG ping" \
		"$(tail -3 "$work/rtpengine.log"); command: $exec_start"
fi
stack_stop

# an operator's edit is kept, an unedited file is updated
echo "# site edit" >>"$dest/etc/iwg/gateway/site.cfg"
old="# an older shipped version"
echo "$old" >"$dest/etc/iwg/edge/limits.cfg"
sum=$(md5sum <"$dest/etc/iwg/edge/limits.cfg" | cut -d' ' -f1)
sed -i "s|^[0-9a-f]*  edge/limits.cfg\$|$sum  edge/limits.cfg|" \
	"$dest/usr/share/iwg/conf.md5sums"
inst >"$work/reinstall.log" 2>&1
tap_eq "a reinstall keeps the operator's edit of gateway/site.cfg" \
	"# site edit" "$(tail -1 "$dest/etc/iwg/gateway/site.cfg")"
tap_check "and writes the shipped one beside it (site.cfg.dist), saying so" \
	bash -c "cmp -s '$top/kamcfg/gateway/site.cfg' '$dest/etc/iwg/gateway/site.cfg.dist' &&
		grep -q 'kept .*gateway/site.cfg (edited)' '$work/reinstall.log'"
tap_check "an unedited file of an older version is updated (edge/limits.cfg)" \
	cmp -s "$top/kamcfg/edge/limits.cfg" "$dest/etc/iwg/edge/limits.cfg"
tap_done
