#!/usr/bin/env bash
# Quick start: run osarchiver on a small OpenStack-like dataset, on a private MariaDB.
#
#   scripts/demo.sh            # from the repository root, or from anywhere
#   KEEP=1 scripts/demo.sh     # leave the MariaDB server running afterwards, to look around
#
# What it does:
#   1. builds the release binary (cargo build --release);
#   2. starts a private MariaDB server in ./demo-run/mariadb on a free loopback port (it installs
#      mariadb-server with apt-get if it is missing and we are root); the system's server, if any,
#      is never touched;
#   3. loads examples/demo.sql (databases nova, cinder, glance) and writes ./demo-run/demo.ini from
#      examples/demo.ini (port and directory filled in);
#   4. prints per-table counts: total, live, deleted within the retention, eligible (deleted more
#      than 30 days ago);
#   5. osarchiver --check-config, then --dry-run (which must change nothing), then the real run;
#   6. prints the counts again next to the archive databases' counts, checks that only eligible
#      rows left the source and that the archive has them, and lists the files written;
#   7. stops the server (unless KEEP=1).
# Exits non-zero if osarchiver or a check fails.
#
# Environment:
#   KEEP=1          do not stop the server at the end (it prints how to connect and stop it)
#   DEMO_DIR=DIR    where to put the server, the generated ini and the archive (default ./demo-run)
#   OSARCHIVER=BIN  use this binary instead of building target/release/osarchiver
#   FRESH=1         recreate the server's data directory from scratch
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/mariadb.sh
. "$ROOT/scripts/lib/mariadb.sh"
# shellcheck source=lib/build.sh
. "$ROOT/scripts/lib/build.sh"

DIR=${DEMO_DIR:-$ROOT/demo-run}
KEEP=${KEEP:-0}
RETENTION="30 DAY"
DATABASES="nova cinder glance"
# The same cut as osarchiver's default where: deleted_at <= SUBDATE('{now}', INTERVAL retention),
# {now} in UTC.
CUT="SUBDATE(UTC_TIMESTAMP(), INTERVAL $RETENTION)"
EXCLUDED_TABLES_RE='^shadow_.*$'

say() { printf '\n=== %s\n' "$*"; }
die() {
    printf 'demo.sh: %s\n' "$*" >&2
    exit 1
}

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
SERVER_DIR=$DIR/mariadb

# 1. The binary.
BIN=$(osarchiver_binary "$ROOT")

# 2. The server. A server left running by an earlier KEEP=1 run is stopped first.
mariadb_stop "$SERVER_DIR"
if [ "${FRESH:-0}" = 1 ]; then
    rm -rf "$SERVER_DIR"
fi
cleanup() {
    local rc=$?
    if [ "$KEEP" = 1 ] && [ -n "${MARIADB_PORT:-}" ]; then
        printf '\nKEEP=1: the server is still running.\n'
        printf '  connect: mariadb -h127.0.0.1 -P%s -uroot\n' "$MARIADB_PORT"
        printf '  stop:    . scripts/lib/mariadb.sh && mariadb_stop %q\n' "$SERVER_DIR"
    else
        mariadb_stop "$SERVER_DIR" || true
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
say "Starting a private MariaDB in $SERVER_DIR"
mariadb_start "$SERVER_DIR"

sql() {
    # shellcheck disable=SC2086 # MYSQL is a command line
    $MYSQL --default-character-set=utf8mb4 "$@"
}

# 3. Data and configuration.
say "Loading examples/demo.sql"
sql <"$ROOT/examples/demo.sql"
INI=$DIR/demo.ini
rm -rf "$DIR/archive"
sed -e "s|@PORT@|$MARIADB_PORT|g" -e "s|@DEMO_DIR@|$DIR|g" "$ROOT/examples/demo.ini" >"$INI"
echo "configuration: $INI (from examples/demo.ini, port $MARIADB_PORT)"

# One line per table of the given databases: db, table, total, live, recent, eligible, note.
# recent = deleted within the retention; tables without deleted_at get '-'.
counts() {
    local in="" db q="" t has
    for db in "$@"; do in+="${in:+,}'$db'"; done
    while IFS=$'\t' read -r db t has; do
        if [ "$has" = 1 ]; then
            q+="${q:+ UNION ALL }SELECT '$db', '$t', COUNT(*), COALESCE(SUM(deleted_at IS NULL), 0),"
            q+=" COALESCE(SUM(deleted_at > $CUT), 0), COALESCE(SUM(deleted_at <= $CUT), 0) FROM \`$db\`.\`$t\`"
        else
            q+="${q:+ UNION ALL }SELECT '$db', '$t', COUNT(*), '-', '-', '-' FROM \`$db\`.\`$t\`"
        fi
    done < <(sql -N -B -e "
        SELECT t.table_schema, t.table_name,
          EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = t.table_schema
                  AND c.table_name = t.table_name AND c.column_name = 'deleted_at')
        FROM information_schema.tables t
        WHERE t.table_schema IN ($in) AND t.table_type = 'BASE TABLE' ORDER BY 1, 2")
    [ -n "$q" ] || return 0
    sql -N -B -e "$q" | while IFS=$'\t' read -r db t total live recent eligible; do
        note=""
        if [ "$live" = "-" ]; then
            note="no deleted_at: not archived"
        elif [[ $t =~ $EXCLUDED_TABLES_RE ]]; then
            note="excluded (excluded_tables)"
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$db" "$t" "$total" "$live" "$recent" "$eligible" "$note"
    done
}

print_counts() {
    awk -F'\t' 'BEGIN { printf "%-8s %-24s %7s %7s %7s %9s  %s\n", "db", "table", "total", "live", "recent", "eligible", "";
                        printf "%-8s %-24s %7s %7s %7s %9s\n", "--", "-----", "-----", "----", "------", "--------" }
                { printf "%-8s %-24s %7s %7s %7s %9s  %s\n", $1, $2, $3, $4, $5, $6, $7;
                  if ($3 ~ /^[0-9]+$/) tt += $3; if ($6 ~ /^[0-9]+$/ && $7 == "") te += $6 }
                END { printf "%-8s %-24s %7s %7s %7s %9s\n", "all", "", tt, "", "", te }' "$1"
}

# shellcheck disable=SC2086 # DATABASES is a list
counts $DATABASES >"$DIR/counts-before.tsv"
say "Before: rows per table (recent = deleted less than $RETENTION ago, kept; eligible = deleted earlier)"
print_counts "$DIR/counts-before.tsv"

# 5. osarchiver.
say "osarchiver --check-config"
"$BIN" --config "$INI" --check-config

say "osarchiver --dry-run"
rc=0
"$BIN" --config "$INI" --dry-run || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
    die "osarchiver --dry-run failed (exit $rc)"
fi
# shellcheck disable=SC2086
counts $DATABASES >"$DIR/counts-dry-run.tsv"
if ! cmp -s "$DIR/counts-before.tsv" "$DIR/counts-dry-run.tsv"; then
    diff "$DIR/counts-before.tsv" "$DIR/counts-dry-run.tsv" || true
    die "CHECK FAILED: --dry-run changed the source"
fi
archive_dbs=$(sql -N -B -e "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name LIKE '%\\_archive'")
[ "$archive_dbs" = 0 ] || die "CHECK FAILED: --dry-run created archive databases"
[ ! -e "$DIR/archive" ] || die "CHECK FAILED: --dry-run wrote files in $DIR/archive"
echo "dry run: the source is unchanged, no archive database, no file"

say "osarchiver (the real run)"
rc=0
"$BIN" --config "$INI" --log-file "$DIR/osarchiver.log" || rc=$?
# 3: finished with rows left on purpose (the demo's 5 rows blocked by live children).
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
    die "osarchiver failed (exit $rc); log in $DIR/osarchiver.log"
fi

# 6. Results and checks.
# shellcheck disable=SC2086
counts $DATABASES >"$DIR/counts-after.tsv"
archive_list=""
for db in $DATABASES; do archive_list+="${archive_list:+ }${db}_archive"; done
# shellcheck disable=SC2086
counts $archive_list >"$DIR/counts-archive.tsv"

say "After: rows per table"
print_counts "$DIR/counts-after.tsv"

say "Moved rows: before vs after vs archive databases"
awk -F'\t' -v retention="$RETENTION" '
    FILENAME == ARGV[1] { bt[$1"."$2] = $3; bl[$1"."$2] = $4; br[$1"."$2] = $5; be[$1"."$2] = $6; bn[$1"."$2] = $7; order[++n] = $1"."$2; next }
    FILENAME == ARGV[2] { at[$1"."$2] = $3; al[$1"."$2] = $4; ar[$1"."$2] = $5; ae[$1"."$2] = $6; next }
    { db = $1; sub(/_archive$/, "", db); arch[db"."$2] = $3 }
    END {
        printf "%-30s %7s %7s %8s %8s %9s  %s\n", "table", "before", "after", "moved", "archive", "blocked", "check"
        bad = 0; blocked = 0
        for (i = 1; i <= n; i++) {
            k = order[i]; moved = bt[k] - at[k]; a = (k in arch) ? arch[k] : 0
            check = "ok"
            if (!(k in at)) { check = "TABLE GONE"; bad++ }
            else if (bn[k] != "") { if (moved != 0) { check = "CHANGED, but " bn[k]; bad++ } }
            else if (al[k] != bl[k]) { check = "LIVE ROWS LOST"; bad++ }
            else if (ar[k] != br[k]) { check = "RECENT ROWS LOST"; bad++ }
            else if (moved != be[k] - ae[k]) { check = "MOVED != ELIGIBLE GONE"; bad++ }
            else if (a < moved) { check = "MISSING FROM ARCHIVE"; bad++ }
            b = (bn[k] == "") ? ae[k] : "-"
            if (bn[k] == "") blocked += ae[k]
            printf "%-30s %7s %7s %8s %8s %9s  %s\n", k, bt[k], at[k], moved, (bn[k] == "" ? a : "-"), b, check
            tm += moved; ta += (bn[k] == "" ? a : 0)
        }
        printf "%-30s %7s %7s %8s %8s %9s\n", "all", "", "", tm, ta, blocked
        printf "\nblocked = eligible rows still in the source: a live child row references them (the demo has 5:\n"
        printf "nova.instances 5 and 15, one nova.instance_actions row, cinder volume 9, glance image 6).\n"
        if (blocked != 5) printf "WARNING: %d blocked rows, the demo expects 5\n", blocked
        if (bad) { printf "CHECK FAILED: %d table(s)\n", bad; exit 1 }
        printf "checks: live and recent rows untouched, excluded tables untouched, every moved row is in the archive\n"
    }' "$DIR/counts-before.tsv" "$DIR/counts-after.tsv" "$DIR/counts-archive.tsv" ||
    die "the checks above failed"

say "Files written under $DIR/archive"
if [ -d "$DIR/archive" ]; then
    (cd "$DIR/archive" && find . -type f -printf '%10s  %P\n' | sort -k2)
    first_csv=$(find "$DIR/archive" -type f -name '*instances*csv*' | sort | head -n 1)
    if [ -n "$first_csv" ]; then
        echo
        echo "first lines of $(basename "$first_csv"):"
        case "$first_csv" in
            *.tar.gz | *.tgz) tar -xzOf "$first_csv" | head -n 4 || true ;;
            *.csv) head -n 4 "$first_csv" || true ;;
        esac
    fi
else
    echo "(none: $DIR/archive does not exist)"
    die "CHECK FAILED: the file destination wrote nothing"
fi

say "Done"
echo "server log: $SERVER_DIR/error.log   osarchiver log: $DIR/osarchiver.log"
