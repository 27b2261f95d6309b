#!/usr/bin/env bash
# The Debian packages (scripts/deb.sh, as make deb runs it): they build
# and lintian finds no error; installed on this machine, every preset
# passes `kamailio -c -f /etc/iwg/<preset>/kamailio.cfg`, the system user
# and the first secrets are made (and kept on a reinstall, with an
# operator's edit of a conffile), the units verify at their installed
# place; rtpengine, Kamailio (gateway) and iwg-admind started by hand from
# their units' ExecStart lines, as their units' users, carry a call of the
# installed iwg-probe (a digest user added with the shipped subscriber.sh)
# to a SIPp peer, and iwg-admind answers with the API keys and the
# JSON-RPC key the package made; purged, nothing of ours is left in /etc,
# /usr or /run. The packages are purged on exit whatever happened.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
install_test_start deb
pkgs=(iwg-config iwg-admind iwg-tools iwg-kamailio-modules)

if dpkg-query -W -f='${Status}' iwg-config 2>/dev/null | grep >/dev/null installed; then
	tap_fail "no iwg package installed before the test" \
		"iwg-config is installed on this machine; the test would purge it"
	exit 1
fi
purge() { dpkg --purge "${pkgs[@]}" >>"$work/purge.log" 2>&1; }
cleanup() {
	stack_stop
	purge
}
trap cleanup EXIT

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

# the system user iwg stays after a purge (as Debian does for system
# users): one left by an earlier run of this test is removed, so that its
# creation is checked
if getent passwd iwg >/dev/null && [ "$(getent passwd iwg | cut -d: -f3)" -lt 1000 ]; then
	userdel iwg && { groupdel iwg 2>/dev/null || true; }
fi
tap_check "dpkg -i installs them on this machine (log: $work/install.log)" \
	bash -c "dpkg -i ${debs[*]} >'$work/install.log' 2>&1"
for preset in combined contact-center gateway ims; do
	tap_check "installed: kamailio -c -f /etc/iwg/$preset/kamailio.cfg passes" \
		bash -c "cd / && /usr/sbin/kamailio -c -f /etc/iwg/$preset/kamailio.cfg 2>&1 |
			grep -q 'config file ok'"
done
tap_check "the system user iwg was made (a system uid, no login)" \
	bash -c "[ \$(getent passwd iwg | cut -d: -f3) -lt 1000 ] &&
		getent passwd iwg | grep >/dev/null ':/usr/sbin/nologin$'"
tap_check "the first secrets were made: TLS certificate and key, secrets.cfg with three keys" \
	bash -c "openssl x509 -noout -in /etc/iwg/tls/cert.pem &&
		openssl pkey -noout -in /etc/iwg/tls/key.pem &&
		[ \$(grep -c '^#!trydef IWG_[A-Z_]* \"[0-9a-f]\{64\}\"' /etc/iwg/secrets.cfg) = 3 ]"
tap_check "the JSON-RPC key and auth secret for iwg-admind equal Kamailio's, the web-token key pair matches" \
	bash -c "grep -q \"IWG_RPC_KEY \\\"\$(cat /etc/iwg/kamailio-rpc.key)\\\"\" /etc/iwg/secrets.cfg &&
		grep -q \"IWG_AUTH_SECRET \\\"\$(cat /etc/iwg/auth-secret)\\\"\" /etc/iwg/secrets.cfg &&
		cmp -s <(openssl pkey -in /etc/iwg/idmap/es256.key -pubout) /etc/iwg/idmap/es256.pub"
tap_check "iwg-admind API keys: one per role, hashes in admind-api-keys.conf" \
	bash -c "[ \$(grep -c '^api_key = [a-z]*1 [a-z]* [0-9a-f]\{64\}$' /etc/iwg/admind-api-keys.conf) = 4 ]"
tap_eq "each secret is readable only by who needs it: Kamailio, iwg-admind, root (credentials secrets root's until iwg-admind.conf uses them)" \
	"/etc/iwg/secrets.cfg 640 kamailio
/etc/iwg/tls/key.pem 640 kamailio
/etc/iwg/kamailio-rpc.key 640 iwg
/etc/iwg/auth-secret 600 root
/etc/iwg/admind-api-keys.conf 640 iwg
/etc/iwg/idmap/es256.key 600 root
/etc/iwg/api-keys.txt 600 root" \
	"$(stat -c '%n %a %G' /etc/iwg/secrets.cfg /etc/iwg/tls/key.pem /etc/iwg/kamailio-rpc.key \
		/etc/iwg/auth-secret /etc/iwg/admind-api-keys.conf /etc/iwg/idmap/es256.key \
		/etc/iwg/api-keys.txt 2>&1)"
tap_check "the SQLite database of the shipped cfgs was made, owned by kamailio" \
	bash -c "[ \"\$(stat -c %U /var/lib/iwg/iwg.sqlite)\" = kamailio ] &&
		sqlite3 /var/lib/iwg/iwg.sqlite 'select count(*) from subscriber' >/dev/null"

# a reinstall keeps the secrets and an operator's edit
secrets=(/etc/iwg/secrets.cfg /etc/iwg/tls/key.pem /etc/iwg/kamailio-rpc.key
	/etc/iwg/auth-secret /etc/iwg/idmap/es256.key /etc/iwg/api-keys.txt /etc/iwg/admind-api-keys.conf)
before=$(md5sum "${secrets[@]}")
echo "# site edit" >>/etc/iwg/gateway/site.cfg
tap_check "a reinstall succeeds (log: $work/reinstall.log)" \
	bash -c "dpkg -i ${debs[*]} >'$work/reinstall.log' 2>&1"
tap_eq "a reinstall keeps the secrets it made" "$before" "$(md5sum "${secrets[@]}")"
tap_eq "and the operator's edit of /etc/iwg/gateway/site.cfg (a conffile)" \
	"# site edit" "$(tail -1 /etc/iwg/gateway/site.cfg)"

tap_check "systemd-analyze verify the installed units (iwg-kamailio@gateway, iwg-rtpengine, iwg-admind)" \
	systemd-analyze verify --man=no iwg-kamailio@gateway.service \
	iwg-rtpengine.service iwg-admind.service

# --- the services as their units start them, carrying a call -------------
# unit_run NAME UNIT: run the unit's ExecStartPre (when it has one) and
# then, in the background, its ExecStart, as the unit's User (with its
# groups), in its RuntimeDirectory/StateDirectory as systemd would make them
unit_run() {
	local name=$1 unit=/usr/lib/systemd/system/$2 inst=${2#*@} user group pre cmd d
	inst=${inst%.service}
	[ -f "$unit" ] || unit=/usr/lib/systemd/system/${2%%@*}@.service
	user=$(sed -n 's/^User=//p' "$unit")
	group=$(sed -n 's/^Group=//p' "$unit")
	pre=$(sed -n 's/^ExecStartPre=//p' "$unit")
	cmd=$(sed -n 's/^ExecStart=//p' "$unit")
	for d in $(sed -n 's/^RuntimeDirectory=//p' "$unit"); do install -d -o "$user" -m 0750 "/run/$d"; done
	for d in $(sed -n 's/^StateDirectory=//p' "$unit"); do install -d -o "$user" -m 0750 "/var/lib/$d"; done
	local as=(setpriv "--reuid=$user" "--regid=${group:-$user}" --init-groups --)
	if [ -n "$pre" ] && ! (cd / && "${as[@]}" ${pre//%i/$inst}) >"$work/$name-pre.log" 2>&1; then
		echo "# $unit ExecStartPre failed: $(tail -3 "$work/$name-pre.log")"
		return 1
	fi
	cd / || return 1
	# shellcheck disable=SC2086
	_stack_spawn "$name" "$work/$name.log" "${as[@]}" ${cmd//%i/$inst}
	cd - >/dev/null || return 1
}
redis_log=$work/redis.log
_stack_spawn redis "$redis_log" redis-server --bind 127.0.0.1 --port 6379 --save "" \
	--appendonly no --dir "$work"
wait_until 10 redis-cli -p 6379 ping >/dev/null || echo "# redis did not start ($redis_log)"
unit_run rtpengine iwg-rtpengine.service
tap_check "rtpengine, started as iwg-rtpengine.service starts it (user rtpengine), answers an NG ping" \
	wait_until 10 /usr/bin/iwg-ng -s 127.0.0.1:2223 -t 200 ping
unit_run kamailio iwg-kamailio@gateway.service
tap_check "Kamailio, started as iwg-kamailio@gateway starts it (user kamailio), listens on ws 8080 and wss 8443" \
	wait_until 20 eval "tcp_open 127.0.0.1 8080 && tcp_open 127.0.0.1 8443"
unit_run admind iwg-admind.service
tap_check "iwg-admind, started as its unit starts it (user iwg), is ready (/readyz 200)" \
	wait_until 15 curl -sf -o /dev/null http://127.0.0.1:8088/readyz

key=$(awk '$2 == "noc" { print $3 }' /etc/iwg/api-keys.txt)
tap_check "iwg-admind takes the noc key the package made and reaches Kamailio with its JSON-RPC key" \
	bash -c "curl -sf -H 'Authorization: Bearer $key' http://127.0.0.1:8088/api/v1/nodes |
		jq -e '[.items[] | select(.kind == \"kamailio\" and .status == \"up\")] | length == 1' >/dev/null"
tap_check "and refuses a request without a key (401)" \
	bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8088/api/v1/nodes)\" = 401 ]"
tap_check "iwg-admind serves the packaged console from /usr/share/iwg/web with its CSP" \
	bash -c "curl -sf -D - -o '$work/console.html' http://127.0.0.1:8088/console/ |
		grep -qi \"^content-security-policy: default-src 'none'; script-src 'self'\" &&
		grep -q 'app.js' '$work/console.html'"
app=$(awk '$2 == "app" { print $3 }' /etc/iwg/api-keys.txt)
tap_check "the app key the package made is known to iwg-admind (whoami: app)" \
	bash -c "curl -sf -H 'Authorization: Bearer $app' http://127.0.0.1:8088/api/v1/whoami |
		jq -e '.role == \"app\"' >/dev/null"

pass=$(/usr/share/iwg/sql/subscriber.sh /var/lib/iwg/iwg.sqlite add probe iwg.test 2>"$work/subscriber.log")
tap_check "the shipped subscriber.sh adds a digest user to the database" test -n "$pass"
(cd "$work" && exec sipp -sf "$top/tests/integration/probe/sipp/echo-uas.xml" \
	-i 127.0.0.1 -p 5090 -mp 40000 -rtp_echo -cp 8892 -m 2 -nostdin -timeout 60 \
	-trace_err -error_file "$work/sipp-errors.log") >"$work/sipp.log" 2>&1 &
sipp_pid=$!
wait_until 10 udp_bound 5090 || echo "# SIPp did not listen on 5090 ($work/sipp.log)"
/usr/bin/iwg-probe --ws ws://127.0.0.1:8080 --password "$pass" --to echo --echo \
	--duration 2 --timeout 10 >"$work/probe-ws.json" 2>"$work/probe-ws.err"
tap_check "iwg-probe over ws calls the SIPp peer through the installed gateway, every echoed payload back (log $work/probe-ws.json)" \
	jq -e '.result == "ok" and .sip_status == 200 and .echo_match > 0 and .echo_mismatch == 0' \
	"$work/probe-ws.json"
/usr/bin/iwg-probe --ws wss://127.0.0.1:8443 --register --password "$pass" --to echo \
	--echo --duration 2 --timeout 10 >"$work/probe-wss.json" 2>"$work/probe-wss.err"
tap_check "and over wss with the package's certificate, after REGISTER (log $work/probe-wss.json)" \
	jq -e '.result == "ok" and .echo_match > 0 and .echo_mismatch == 0' "$work/probe-wss.json"
/usr/bin/iwg-probe --ws ws://127.0.0.1:8080 --password wrong --to echo --timeout 5 \
	>"$work/probe-bad.json" 2>"$work/probe-bad.err"
tap_check "a wrong digest password gets no call: the INVITE is challenged again (407)" \
	jq -e '.result == "failed" and .sip_status == 407' "$work/probe-bad.json"
wait_until 15 eval "! kill -0 $sipp_pid"
wait "$sipp_pid"
tap_eq "SIPp completed both calls (exit 0; $work/sipp.log)" 0 "$?"
stack_stop

# iwg-admind set to issue tokens: the token key, and only it, becomes its
printf '%s\n' 'credential_kind = token' \
	'credential_token_key_file = /etc/iwg/idmap/es256.key' >>/etc/iwg/iwg-admind.conf
/usr/sbin/iwg-first-secrets -u >"$work/first-secrets-again.log" 2>&1
tap_eq "credential_kind = token: es256.key given to group iwg, auth-secret still root's" \
	"640:iwg 600:root" \
	"$(stat -c %a:%G /etc/iwg/idmap/es256.key) $(stat -c %a:%G /etc/iwg/auth-secret)"

# revoking a key: deleted from both files, it is not made again
keys_conf=/etc/iwg/admind-api-keys.conf keys_txt=/etc/iwg/api-keys.txt
mark='^# iwg-first-secrets made keys of: '
# first_secrets_again: run it as the packages do, its output in the log
first_secrets_again() { /usr/sbin/iwg-first-secrets -u >>"$work/first-secrets-again.log" 2>&1; }
# drop_app1: the operator deletes app1 from both files, then a run
drop_app1() {
	sed -i '/^api_key = app1 /d' "$keys_conf"
	sed -i '/^app1 /d' "$keys_txt"
	first_secrets_again
}
# app1_lines: how many lines hold app1 in the hashes, then the plaintext
app1_lines() { echo "$(grep -c '^api_key = app1 ' "$keys_conf") $(grep -c '^app1 ' "$keys_txt")"; }
drop_app1
tap_eq "a key the operator deleted (app1) is not made again by iwg-first-secrets" "0 0" "$(app1_lines)"
# files of the version before the app role: app1 added once
sed -i "/$mark/d" "$keys_conf"
first_secrets_again
tap_eq "older key files (no mark) get app1 in both files" "1 1" "$(app1_lines)"
drop_app1
tap_eq "and once: deleted again, it is not made again (one mark)" "0 1" \
	"$(grep -c '^api_key = app1 ' "$keys_conf") $(grep -c "$mark" "$keys_conf")"

purge
left=()
for p in /etc/iwg "/usr/lib/$arch/iwg" /usr/share/doc/iwg /usr/share/iwg /run/iwg \
	/usr/sbin/iwg-admind /usr/sbin/iwg-first-secrets /usr/bin/iwg-idctl /var/lib/iwg \
	/usr/lib/systemd/system/iwg-rtpengine.service \
	/usr/lib/tmpfiles.d/iwg.conf; do
	[ -e "$p" ] && left+=("$p")
done
tap_eq "dpkg --purge leaves nothing of ours in /etc, /usr or /run" "" "${left[*]}"
tap_done
