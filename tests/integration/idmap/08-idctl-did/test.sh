#!/usr/bin/env bash
# iwg-idctl: language, priority and did; DID uniqueness and reverse-did;
# iwg_idmap sees the fields. See README.md.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
idm_init idctl-did
RPORT=16398 KPORT=15078
idm_redis redis $RPORT || { tap_fail "redis-server starts" "see $logs"; exit 1; }
export IWG_REDIS_ADDR=127.0.0.1:$RPORT
R="redis-cli -p $RPORT"

# ---------------------------------------------------------------- set, get
tap_check "set with language, priority and did" \
	$IDCTL set web ann sip:ann@iwg.test language=fr priority=5 did=+33123456789
tap_eq "get shows them" '"fr" "5" "+33123456789"' \
	"$($IDCTL get web ann | jq -c '.language,.priority,.did' | tr '\n' ' ' | sed 's/ $//')"
tap_eq "reverse-did finds web/ann" "web ann" \
	"$($IDCTL reverse-did +33123456789 | jq -r '[.ns,.key]|join(" ")')"

# ---------------------------------------------------------------- refusals
refused() { # DESC EXPECTED_STATUS EXPECTED_STDERR_LINE ARGS...
	local desc=$1 st=$2 msg=$3
	shift 3
	$IDCTL "$@" >/dev/null 2>"$logs/err"
	local rc=$?
	if [ "$rc" = "$st" ] && grep -qxF "$msg" "$logs/err"; then tap_ok "$desc"
	else tap_fail "$desc" "status $rc (want $st), stderr: $(cat "$logs/err") (want: $msg)"; fi
}
refused "priority=10 exits 1 naming priority" 1 \
	"iwg-idctl: priority: must be an integer from 0 to 9" \
	set web bad sip:bad@iwg.test priority=10
refused "did without + exits 1 naming did" 1 \
	"iwg-idctl: did: must be an E.164 number: '+' then 6 to 15 digits" \
	set web bad sip:bad@iwg.test did=0612345678
refused "language fr_FR exits 1 naming language" 1 \
	"iwg-idctl: language: must be 1 to 16 letters, digits or '-' (a language tag like fr or en-GB)" \
	set web bad sip:bad@iwg.test language=fr_FR
refused "an unknown field lists the fields, did among them" 1 \
	"iwg-idctl: 'colour=red' is not FIELD=VALUE with a field of: display_name impi tenant agent_id queue language priority did ha1 enabled not_after" \
	set web bad sip:bad@iwg.test colour=red
refused "reverse-did of a malformed DID exits 1" 1 \
	"iwg-idctl: did: must be an E.164 number: '+' then 6 to 15 digits" \
	reverse-did 33123456789
tap_eq "none of the refused writes reached Redis" 0 "$($R exists iwg:idm:map:{web}:bad)"

# ---------------------------------------------------------------- uniqueness
refused "the same DID for another mapping (other namespace) exits 3" 3 \
	"iwg-idctl: set: did +33123456789 is already mapped by key ann (namespace web)" \
	set paas eve sip:eve@iwg.test did=+33123456789
$IDCTL get paas eve >/dev/null 2>&1
tap_eq "the refused mapping was not written" 2 $?

# ---------------------------------------------------------------- iwg_idmap
idm_kamailio kam $KPORT "modparam(\"iwg_idmap\", \"redis_addr\", \"127.0.0.1:$RPORT\")" ||
	{ tap_fail "kamailio with iwg_idmap starts" "see $logs"; exit 1; }
out=$($KAMCMD idmap.lookup web ann 2>&1)
tap_check "idmap.lookup shows language, priority and did" \
	grep -q 'language: fr' <<<"$out"
tap_check "... the did" grep -q 'did: +33123456789' <<<"$out"
tap_check "... the priority" grep -q 'priority: 5' <<<"$out"

# ---------------------------------------------------------------- updates
tap_check "ann moves to another DID" \
	$IDCTL set web ann sip:ann@iwg.test language=de priority=1 did=+33111111111
$IDCTL reverse-did +33123456789 >/dev/null 2>"$logs/err"
tap_eq "the old DID finds nothing (status 2)" 2 $?
tap_eq "the new DID finds ann" "ann de" \
	"$($IDCTL reverse-did +33111111111 | jq -r '[.key,.language]|join(" ")')"
if wait_until 5 eval "$KAMCMD idmap.lookup web ann 2>&1 | grep >/dev/null 'did: +33111111111'"; then
	tap_ok "Kamailio's cache follows the change (notice)"
else
	tap_fail "Kamailio's cache follows the change (notice)" "$($KAMCMD idmap.lookup web ann 2>&1)"
fi
tap_check "the freed DID goes to eve" \
	$IDCTL add paas eve sip:eve@iwg.test did=+33123456789
tap_check "ann disabled" $IDCTL disable web ann
tap_eq "a disabled mapping keeps its DID" "ann false" \
	"$($IDCTL reverse-did +33111111111 | jq -r '[.key,.enabled]|join(" ")')"
tap_check "ann deleted" $IDCTL del web ann
$IDCTL reverse-did +33111111111 >/dev/null 2>&1
tap_eq "after delete its DID finds nothing (status 2)" 2 $?
tap_eq "and its reverse entry is gone" 0 "$($R exists 'iwg:idm:did:+33111111111')"

# ---------------------------------------------------------------- files
cat >"$run/did.csv" <<'CSV'
ns,key,sip_uri,language,priority,did
web,zed,sip:zed@iwg.test,it,2,+39061234567
web,mallory,sip:mallory@iwg.test,,,+33123456789
CSV
$IDCTL import "$run/did.csv" >/dev/null 2>"$logs/did.err"
tap_eq "an import giving eve's DID to another key exits 3" 3 $?
tap_check "the error names line 3 and did" \
	grep -qF 'did.csv:3: did: already mapped by key eve (namespace paas)' "$logs/did.err"
$IDCTL get web zed >/dev/null 2>&1
tap_eq "the clean row was not written either" 2 $?
printf 'ns,key,sip_uri,did\nweb,a1,sip:a1@iwg.test,+33700000001\npaas,a2,sip:a2@iwg.test,+33700000001\nweb,a3,sip:a3@iwg.test,+3370\n' >"$run/dup.csv"
$IDCTL validate "$run/dup.csv" >/dev/null 2>"$logs/dup.err"
tap_eq "a file with one DID twice is invalid (status 1)" 1 $?
tap_check "the duplicate names both lines" grep -qF 'dup.csv:3: did: duplicate of line 2' "$logs/dup.err"
tap_check "the short DID is named too" grep -qF "dup.csv:4: did: must be an E.164 number" "$logs/dup.err"
sed -i '3d' "$run/did.csv"
tap_check "without the conflicting row the import succeeds" $IDCTL import "$run/did.csv"
$IDCTL export >"$run/export.csv" 2>"$logs/export.err"
tap_eq "export has the new columns" "ns,key,sip_uri,display_name,impi,tenant,agent_id,queue,language,priority,did,ha1,enabled,not_after" \
	"$(head -1 "$run/export.csv")"
tap_check "export keeps zed's attributes" grep -qx 'web,zed,sip:zed@iwg.test,,,,,,it,2,+39061234567,,1,0' "$run/export.csv"
$R flushall >/dev/null
tap_check "the exported CSV imports again" $IDCTL import "$run/export.csv"
tap_eq "... with the same content" "$(cat "$run/export.csv")" "$($IDCTL export)"
tap_eq "... and the DID index rebuilt" "zed" "$($IDCTL reverse-did +39061234567 | jq -r .key)"
$IDCTL -f jsonl export >"$run/export.jsonl"
$R flushall >/dev/null
tap_check "the JSON-lines export imports again" $IDCTL import "$run/export.jsonl"
tap_eq "... with the DIDs" "eve" "$($IDCTL reverse-did +33123456789 | jq -r .key)"
tap_done
