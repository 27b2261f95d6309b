#!/usr/bin/env bash
# Creates (or completes) the SQLite database of Kamailio's tables for iwg.
# Idempotent: existing tables and rows are kept.
#   sql/create-sqlite.sh /var/lib/iwg/iwg.sqlite
set -euo pipefail
db=${1:?usage: create-sqlite.sh DBFILE}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$(dirname "$db")"
sqlite3 "$db" <"$here/sqlite/usrloc.sql"
sqlite3 "$db" <"$here/sqlite/subscriber.sql"
sqlite3 "$db" <"$here/sqlite/uacreg.sql"
