#!/usr/bin/env bash
# Digest users of the gateway (WITH_AUTH_DIGEST) in an SQLite database made
# by sql/create-sqlite.sh. Only hashes are stored (ha1, ha1b); the realm is
# the SIP domain (IWG_DOMAIN in site.cfg).
#
#   sql/subscriber.sh DBFILE add USER DOMAIN [PASSWORD]   prints the password
#                                                          (random if none given)
#   sql/subscriber.sh DBFILE del USER DOMAIN
#   sql/subscriber.sh DBFILE list
set -euo pipefail
usage() { echo "usage: subscriber.sh DBFILE add USER DOMAIN [PASSWORD] | del USER DOMAIN | list" >&2; exit 64; }
[ $# -ge 2 ] || usage
db=$1 cmd=$2
[ -f "$db" ] || { echo "subscriber.sh: $db: no such database (sql/create-sqlite.sh makes it)" >&2; exit 1; }
# user and domain: SIP token characters only (no quoting needed in SQL)
valid() { [[ $1 =~ ^[A-Za-z0-9._~+-]{1,64}$ ]]; }
md5() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }
case $cmd in
add)
	[ $# -ge 4 ] || usage
	user=$3 domain=$4 pass=${5:-$(openssl rand -hex 12)}
	valid "$user" && valid "$domain" || { echo "subscriber.sh: bad user or domain" >&2; exit 64; }
	sqlite3 "$db" "INSERT INTO subscriber (username, domain, ha1, ha1b) VALUES
		('$user', '$domain', '$(md5 "$user:$domain:$pass")', '$(md5 "$user@$domain:$domain:$pass")')
		ON CONFLICT (username, domain) DO UPDATE SET ha1 = excluded.ha1, ha1b = excluded.ha1b;"
	echo "$pass"
	;;
del)
	[ $# -eq 4 ] || usage
	valid "$3" && valid "$4" || { echo "subscriber.sh: bad user or domain" >&2; exit 64; }
	sqlite3 "$db" "DELETE FROM subscriber WHERE username = '$3' AND domain = '$4';"
	;;
list) sqlite3 "$db" "SELECT username || '@' || domain FROM subscriber ORDER BY 1;" ;;
*) usage ;;
esac
