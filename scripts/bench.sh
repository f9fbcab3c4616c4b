#!/usr/bin/env bash
# Benchmark: osarchiver against the floor (the same archive-and-purge job done entirely inside the
# server), on the shared deterministic dataset. Not a timed test: it measures and prints.
#
#   scripts/bench.sh [N...]         # N instances, default 100000 (about 14.8 rows per instance)
#   scripts/bench.sh 25000 100000 400000              # several sizes
#   MODE=files scripts/bench.sh     # osarchiver writes CSV+SQL gztar files instead of an archive db
#   MODE="db files" RUNS=3 scripts/bench.sh 25000 100000 400000   # the full table of README
#   OUT=bench-results/$(date +%F).txt scripts/bench.sh   # also write the results to a file
#
# Steps, on a private MariaDB (a free loopback port, its own data directory; tuned like a sane
# production box: innodb_buffer_pool_size=2G, innodb_log_file_size=512M, durability defaults):
#   1. gen_dataset.sh N, then the floor: floor.sh timed with /usr/bin/time -v;
#   2. gen_dataset.sh N again, then target/release/osarchiver with a generated ini (archive db
#      <db>_archive on the same server, delete_data, delete_loop_delay 0, the floor's where),
#      timed with /usr/bin/time -v (wall time, peak RSS);
#   3. per table: rows that left the source and rows in the archive, floor vs osarchiver;
#      osarchiver must remove exactly the rows the floor removed, and archive every one of them;
#   4. a summary: floor wall time, osarchiver wall time, ratio, peak RSS, rows moved;
#   steps 1-4 run RUNS times for every size and mode (floor and osarchiver alternate, each on
#   fresh data), then a table gives min / median / max of the floor, osarchiver, the ratio
#   (of each run) and peak RSS per size and mode.
#
# Environment:
#   BENCH_DIR=DIR   gen_dataset.sh and floor.sh (default: ../shared/bench from the repository root,
#                   else the copy in tests/corpus/bench)
#   MODE=db|files|both  osarchiver's destination: the archive db (default), CSV+SQL files in a
#                   gztar per table, or both; a list ("db files") runs each
#   RUNS=K          runs per size and mode (default 3)
#   OUT=FILE        write the comparison and the summary to FILE as well
#   RUN_DIR=DIR     where to put the server and the files (default: a new directory in /tmp,
#                   removed at the end unless KEEP=1)
#   KEEP=1          leave the server running and RUN_DIR in place at the end
#   OSARCHIVER=BIN  use this binary instead of building target/release/osarchiver
#   SKIP_FLOOR=1    skip the floor run (the comparison then has no floor column)
#   SKIP_OURS=1     only run the floor
#   JOBS=N          run osarchiver with --jobs N (tables sharing no foreign-key path at the same time)
#   SRC_KEYS=TEXT   extra lines for the source section (e.g. $'select_limit = 2000\ndelete_limit = 2000')
#   LOG_LEVEL=L     osarchiver's --log-level (default info); its output goes to RUN_DIR/n<N>-<MODE>-r<run>/osarchiver.log
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/mariadb.sh
. "$ROOT/scripts/lib/mariadb.sh"
# shellcheck source=lib/build.sh
. "$ROOT/scripts/lib/build.sh"

SIZES=${*:-100000}
for N in $SIZES; do
    case "$N" in '' | *[!0-9]* | 0) echo "usage: $0 [N...]   (N instances, positive integers)" >&2 && exit 2 ;; esac
done
MODES=${MODE:-db}
MODES=${MODES//,/ }
for MODE in $MODES; do
    case "$MODE" in db | files | both) ;; *) echo "MODE must be db, files or both (or a list of them)" >&2 && exit 2 ;; esac
done
RUNS=${RUNS:-3}
case "$RUNS" in '' | *[!0-9]* | 0) echo "RUNS must be a positive integer" >&2 && exit 2 ;; esac
# The shared bench beside the repository, else the copy kept in tests/corpus/bench.
if [ -z "${BENCH_DIR:-}" ]; then
    if [ -r "$ROOT/../shared/bench/floor.sh" ]; then
        BENCH_DIR=../shared/bench
    else
        BENCH_DIR=tests/corpus/bench
    fi
fi
case "$BENCH_DIR" in /*) ;; *) BENCH_DIR=$ROOT/$BENCH_DIR ;; esac
KEEP=${KEEP:-0}
DATABASES="nova cinder freezer"
WHERE="deleted_at <= SUBDATE('2026-11-01 00:00:00', INTERVAL 12 MONTH)"
EXCLUDED_TABLES_RE='^shadow_.*$'

say() { printf '\n=== %s\n' "$*" >&2; }
die() {
    printf 'bench.sh: %s\n' "$*" >&2
    exit 1
}

for f in gen_dataset.sh floor.sh; do
    [ -r "$BENCH_DIR/$f" ] || die "no $f in $BENCH_DIR (set BENCH_DIR)"
done
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)

# The binary.
if [ "${SKIP_OURS:-0}" != 1 ]; then
    BIN=$(osarchiver_binary "$ROOT")
fi

# GNU time, for wall time and peak RSS.
if [ ! -x /usr/bin/time ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "Installing GNU time"
        DEBIAN_FRONTEND=noninteractive apt-get update &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y time
    fi
    [ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing: install the 'time' package"
fi

# The server.
if [ -n "${RUN_DIR:-}" ]; then
    mkdir -p "$RUN_DIR"
    RUN_DIR=$(cd "$RUN_DIR" && pwd)
    OWN_RUN_DIR=0
else
    RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/osarchiver-bench.XXXXXX")
    OWN_RUN_DIR=1
fi
SERVER_DIR=$RUN_DIR/mariadb
cleanup() {
    local rc=$?
    if [ "$KEEP" = 1 ] && [ -n "${MARIADB_PORT:-}" ]; then
        printf '\nKEEP=1: the server is still running: mariadb -h127.0.0.1 -P%s -uroot\n' "$MARIADB_PORT" >&2
        printf '  stop it: . scripts/lib/mariadb.sh && mariadb_stop %q\n' "$SERVER_DIR" >&2
    else
        mariadb_stop "$SERVER_DIR" || true
        if [ "$OWN_RUN_DIR" = 1 ]; then
            rm -rf "$RUN_DIR"
        elif [ "${DROP_DATA:-0}" = 1 ]; then
            rm -rf "$SERVER_DIR/data"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "Starting a private MariaDB in $SERVER_DIR"
mariadb_start "$SERVER_DIR" --innodb-buffer-pool-size=2G --innodb-log-file-size=512M --max-connections=200

sql() {
    # shellcheck disable=SC2086 # MYSQL is a command line
    $MYSQL --default-character-set=utf8mb4 "$@"
}

# Prints "Elapsed (wall clock)" of a GNU time -v report, in seconds.
wall_seconds() {
    sed -n 's/^[[:space:]]*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
        awk -F: '{ if (NF == 3) printf "%.2f\n", $1 * 3600 + $2 * 60 + $3; else printf "%.2f\n", $1 * 60 + $2 }'
}
time_field() {
    sed -n "s/^[[:space:]]*$2: //p" "$1"
}

# The source tables that have a deleted_at column and are not excluded, "db table" per line.
source_tables() {
    local in="" db
    for db in $DATABASES; do in+="${in:+,}'$db'"; done
    sql -N -B -e "
        SELECT t.table_schema, t.table_name FROM information_schema.tables t
        WHERE t.table_schema IN ($in) AND t.table_type = 'BASE TABLE'
          AND EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = t.table_schema
                      AND c.table_name = t.table_name AND c.column_name = 'deleted_at')
        ORDER BY 1, 2" | while read -r db t; do
        [[ $t =~ $EXCLUDED_TABLES_RE ]] || printf '%s %s\n' "$db" "$t"
    done
}

# db.table, total rows, eligible rows (the where) of each source table.
source_counts() {
    local q="" db t
    while read -r db t; do
        q+="${q:+ UNION ALL }SELECT '$db.$t', COUNT(*), COALESCE(SUM($WHERE), 0) FROM \`$db\`.\`$t\`"
    done <"$W/tables.txt"
    sql -N -B -e "$q"
}

# db.table, rows in <db>_archive.<table> (0 if there is no such table).
archive_counts() {
    local db t exists
    while read -r db t; do
        exists=$(sql -N -B -e "SELECT COUNT(*) FROM information_schema.tables
            WHERE table_schema = '${db}_archive' AND table_name = '$t'")
        if [ "$exists" = 1 ]; then
            printf '%s.%s\t%s\n' "$db" "$t" "$(sql -N -B -e "SELECT COUNT(*) FROM \`${db}_archive\`.\`$t\`")"
        else
            printf '%s.%s\t0\n' "$db" "$t"
        fi
    done <"$W/tables.txt"
}

# db.table, CSV records in the file destination's <db>.<table>.csv (inside a tarball or not).
file_counts() {
    if ! command -v python3 >/dev/null 2>&1; then
        echo "python3 not found: the archive files are not counted" >&2
        return 0
    fi
    python3 - "$1" <<'PY'
import csv, io, os, sys, tarfile
root = sys.argv[1]
counts = {}
csv.field_size_limit(1 << 30)
def count(name, stream):
    # latin-1 never fails, and only the ASCII quote, comma and newline matter for counting records.
    rows = sum(1 for _ in csv.reader(io.TextIOWrapper(stream, encoding="latin-1", newline="")))
    key = os.path.basename(name)[: -len(".csv")]
    counts[key] = counts.get(key, 0) + max(rows - 1, 0)  # minus the header
for dirpath, _, files in os.walk(root):
    for f in files:
        path = os.path.join(dirpath, f)
        if f.endswith(".csv"):
            with open(path, "rb") as fh:
                count(f, fh)
        elif ".csv." in f and tarfile.is_tarfile(path):
            with tarfile.open(path) as tar:
                for m in tar.getmembers():
                    if m.isfile() and m.name.endswith(".csv"):
                        count(m.name, tar.extractfile(m))
for k in sorted(counts):
    print(f"{k}\t{counts[k]}")
PY
}

generate() {
    say "Generating the dataset (gen_dataset.sh $N)"
    local t0 t1
    t0=$(date +%s.%N)
    bash "$BENCH_DIR/gen_dataset.sh" "$N" >&2
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "generated in %.1f s\n", b - a }' >&2
    source_tables >"$W/tables.txt"
    source_counts >"$W/$1-before.tsv"
    settle
}

# Waits (60 s at most) until the server is idle: under 2% of a core over half a second. The
# generation leaves InnoDB purging and flushing for a while, which would otherwise run, and
# count, during the timed run that follows it (floor and osarchiver alike).
settle() {
    local t0 a b
    t0=$(date +%s)
    while [ $(($(date +%s) - t0)) -lt 60 ]; do
        a=$(server_cpu)
        sleep 0.5
        b=$(server_cpu)
        case "$a$b" in *-*) return ;; esac
        awk -v a="$a" -v b="$b" 'BEGIN { exit !(b - a < 0.01) }' && break
    done
    echo "server idle after $(($(date +%s) - t0)) s" >&2
}

SUMMARY=$RUN_DIR/summary.txt
: >"$SUMMARY"
report() { printf '%s\n' "$*" | tee -a "$SUMMARY"; }

report "osarchiver benchmark: N=${SIZES// /,}, MODE=${MODES// /,}, RUNS=$RUNS, JOBS=${JOBS:-1}, $(date -u '+%F %T UTC'), $(nproc) cores,"
report "  MariaDB $(sql -N -B -e 'SELECT VERSION()'), innodb_buffer_pool_size=2G, innodb_log_file_size=512M"
report "  where: $WHERE"

# The server's CPU time so far (user + system, seconds), from /proc; "-" where there is none.
server_cpu() {
    local pid
    pid=$(cat "$SERVER_DIR/mysqld.pid" 2>/dev/null) || { echo -; return; }
    [ -r "/proc/$pid/stat" ] || { echo -; return; }
    # Fields 14 and 15 (utime, stime), counted after the command name's closing parenthesis.
    sed 's/.*) //' "/proc/$pid/stat" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($12 + $13) / hz }'
}
# The server's CPU time since $1 (a server_cpu reading).
server_cpu_since() {
    local now
    now=$(server_cpu)
    case "$1$now" in *-*) echo - ;; *) awk -v a="$1" -v b="$now" 'BEGIN { printf "%.2f", b - a }' ;; esac
}

# One run of size $N and mode $MODE (run $RUN of $RUNS): the floor then osarchiver on the same
# fresh data, the comparison, and one line per run in RESULTS. Its files are in $W.
one_run() {
W=$RUN_DIR/n$N-$MODE-r$RUN
mkdir -p "$W"
report ""
report "--- N=$N MODE=$MODE run $RUN/$RUNS"
floor_wall="" ours_wall="" ours_rss_kb="" ours_cpu="" floor_server_cpu="" ours_server_cpu=""

# (a) The floor.
if [ "${SKIP_FLOOR:-0}" != 1 ]; then
    generate floor
    say "Floor: floor.sh (INSERT ... SELECT and DELETE IGNORE per table, inside the server)"
    cpu0=$(server_cpu)
    /usr/bin/time -v -o "$W/floor.time" bash "$BENCH_DIR/floor.sh"
    floor_server_cpu=$(server_cpu_since "$cpu0")
    floor_wall=$(wall_seconds "$W/floor.time")
    echo "floor: ${floor_wall}s" >&2
    source_counts >"$W/floor-after.tsv"
    archive_counts >"$W/floor-archive.tsv"
fi

# (b) osarchiver.
if [ "${SKIP_OURS:-0}" != 1 ]; then
    generate ours
    if [ -f "$W/floor-before.tsv" ] && ! cmp -s "$W/floor-before.tsv" "$W/ours-before.tsv"; then
        diff "$W/floor-before.tsv" "$W/ours-before.tsv" >&2 || true
        die "the regenerated dataset differs from the floor's"
    fi
    INI=$W/bench.ini
    FILES_DIR=$W/archive-files
    rm -rf "$FILES_DIR"
    case "$MODE" in
        db) dst="archive_db" ;;
        files) dst="archive_files" ;;
        both) dst="archive_db, archive_files" ;;
    esac
    cat >"$INI" <<EOF
# Generated by scripts/bench.sh
[DEFAULT]
host = 127.0.0.1
port = $MARIADB_PORT
user = root
retention = 12 MONTH
delete_loop_delay = 0
excluded_tables = shadow_.*

[archiver:bench]
src = bench
dst = $dst

[src:bench]
backend = db
databases = ${DATABASES// /, }
tables = *
where = $WHERE
archive_data = true
delete_data = true
${SRC_KEYS:-}

[dst:archive_db]
backend = db
db_suffix = _archive

[dst:archive_files]
backend = file
directory = $FILES_DIR/{date}
formats = csv, sql
archive_format = gztar
EOF
    "$BIN" --config "$INI" --check-config >&2
    say "osarchiver ($MODE): $BIN --config $INI"
    rc=0
    cpu0=$(server_cpu)
    /usr/bin/time -v -o "$W/ours.time" "$BIN" --config "$INI" --log-level "${LOG_LEVEL:-info}" \
        ${JOBS:+--jobs "$JOBS"} >"$W/osarchiver.log" 2>&1 || rc=$?
    ours_server_cpu=$(server_cpu_since "$cpu0")
    # 3: finished with rows left on purpose (the dataset's parents blocked by live children).
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
        tail -n 30 "$W/osarchiver.log" >&2
        [ "$OWN_RUN_DIR" = 1 ] && OWN_RUN_DIR=0 DROP_DATA=1 # keep the log and the ini, not the data
        die "osarchiver failed (exit $rc); its log is $W/osarchiver.log, its configuration $INI"
    fi
    ours_wall=$(wall_seconds "$W/ours.time")
    ours_rss_kb=$(time_field "$W/ours.time" "Maximum resident set size (kbytes)")
    ours_cpu=$(awk -v u="$(time_field "$W/ours.time" "User time (seconds)")" \
        -v s="$(time_field "$W/ours.time" "System time (seconds)")" 'BEGIN { printf "%.2f", u + s }')
    echo "osarchiver: ${ours_wall}s, peak RSS ${ours_rss_kb} kB" >&2
    source_counts >"$W/ours-after.tsv"
    if [ "$MODE" = files ]; then
        : >"$W/ours-archive.tsv"
    else
        archive_counts >"$W/ours-archive.tsv"
    fi
    if [ "$MODE" != db ]; then
        file_counts "$FILES_DIR" >"$W/ours-files.tsv" || echo "could not count the records in the files" >&2
        say "Files written"
        (cd "$FILES_DIR" && find . -type f -printf '%s\n' | awk '{ n++; s += $1 } END { printf "%d files, %.1f MB\n", n, s / 1048576 }') >&2
    fi
fi

# (c) The comparison.
for f in floor-before floor-after floor-archive ours-before ours-after ours-archive ours-files; do
    [ -f "$W/$f.tsv" ] || : >"$W/$f.tsv"
done
say "Rows per table: floor vs osarchiver"
set +e
awk -F'\t' -v mode="$MODE" '
    function load(file, arr, col,   line, a, c) {
        c = 0
        while ((getline line < file) > 0) { split(line, a, "\t"); arr[a[1]] = a[col]; c++ }
        close(file)
        return c
    }
    BEGIN {
        hasfloor = load(ARGV[1], fb, 2) > 0; load(ARGV[1], fe, 3); load(ARGV[2], fa, 2); load(ARGV[3], farch, 2)
        hasours = load(ARGV[4], ob, 2) > 0; load(ARGV[4], oe, 3); load(ARGV[5], oa, 2); load(ARGV[6], oarch, 2)
        load(ARGV[7], ofile, 2)
        while ((getline line < ARGV[8]) > 0) { split(line, a, " "); keys[++n] = a[1] "." a[2] }
        printf "%-32s %9s %9s %9s %9s %9s %9s %9s  %s\n", "table", "rows", "eligible", "floor-out", "floor-arc", "ours-out", "ours-db", "ours-file", "check"
        bad = 0
        for (i = 1; i <= n; i++) {
            k = keys[i]
            rows = hasfloor ? fb[k] : ob[k]; elig = hasfloor ? fe[k] : oe[k]
            fout = hasfloor ? fb[k] - fa[k] : "-"; farc = hasfloor ? farch[k] + 0 : "-"
            oout = hasours ? ob[k] - oa[k] : "-"
            odb = (hasours && mode != "files") ? oarch[k] + 0 : "-"
            ofi = (hasours && mode != "db") ? ((k in ofile) ? ofile[k] : 0) : "-"
            check = "ok"
            if (hasours && hasfloor && oout != fout) { check = "OUT != FLOOR"; bad++ }
            else if (hasours && mode != "files" && odb < oout) { check = "MISSING FROM ARCHIVE DB"; bad++ }
            else if (hasours && mode != "db" && ofi < oout) { check = "MISSING FROM FILES"; bad++ }
            else if (hasfloor && farc < fout) { check = "FLOOR ARCHIVE SHORT"; bad++ }
            if (!hasours) check = "-"
            printf "%-32s %9s %9s %9s %9s %9s %9s %9s  %s\n", k, rows, elig, fout, farc, oout, odb, ofi, check
            trows += rows; telig += elig; tfout += fout; tfarc += farc; toout += oout; todb += odb; tofi += ofi
        }
        printf "%-32s %9d %9d %9s %9s %9s %9s %9s\n", "all", trows, telig, hasfloor ? tfout : "-", hasfloor ? tfarc : "-", \
            hasours ? toout : "-", (hasours && mode != "files") ? todb : "-", (hasours && mode != "db") ? tofi : "-"
        print "out = rows that left the source; arc/db/file = rows in the archive (the floor archives the blocked parents too; osarchiver takes their copies back)"
        if (bad) { printf "CHECK FAILED: %d table(s)\n", bad; exit 1 }
    }' "$W/floor-before.tsv" "$W/floor-after.tsv" "$W/floor-archive.tsv" \
    "$W/ours-before.tsv" "$W/ours-after.tsv" "$W/ours-archive.tsv" "$W/ours-files.tsv" \
    "$W/tables.txt" >"$W/compare.txt"
check_rc=$?
set -e
tee -a "$SUMMARY" <"$W/compare.txt"
# Rows that left the source: osarchiver's run, or the floor's when osarchiver did not run.
moved_of() {
    awk -F'\t' 'FILENAME == ARGV[1] { b[$1] = $2; next } { m += b[$1] - $2 } END { print m + 0 }' "$W/$1-before.tsv" "$W/$1-after.tsv"
}
if [ -s "$W/ours-after.tsv" ]; then rows_moved=$(moved_of ours); else rows_moved=$(moved_of floor); fi

report ""
report "Summary (N=$N, MODE=$MODE)"
[ -n "$floor_wall" ] && report "$(printf '  floor wall time:        %10.2f s   (server CPU %s s)' "$floor_wall" "$floor_server_cpu")"
if [ -n "$ours_wall" ]; then
    report "$(printf '  osarchiver wall time:   %10.2f s   (CPU user+sys %.2f s, server CPU %s s)' "$ours_wall" "$ours_cpu" "$ours_server_cpu")"
    [ -n "$floor_wall" ] && report "$(awk -v o="$ours_wall" -v f="$floor_wall" \
        'BEGIN { if (f > 0) printf "  ratio osarchiver/floor: %10.2f x", o / f; else print "  ratio osarchiver/floor:        n/a" }')"
    report "$(awk -v k="$ours_rss_kb" 'BEGIN { printf "  osarchiver peak RSS:    %10.1f MB", k / 1024 }')"
fi
report "$(printf '  rows moved:             %10s' "${rows_moved:-?}")"

printf "%s %s %s %s %s %s %s %s %s\n" "$N" "$MODE" "$RUN" "${floor_wall:--}" "${ours_wall:--}" "${ours_rss_kb:--}" "${ours_cpu:--}" \
    "${floor_server_cpu:--}" "${ours_server_cpu:--}" >>"$RESULTS"
[ "$check_rc" -eq 0 ] || FAILED=1
}

# min/median/max of the numbers on stdin ("-" when there are none).
stats() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f / %.2f / %.2f\n", v[1], m, v[NR] }'
}

RESULTS=$RUN_DIR/results.txt
: >"$RESULTS"
FAILED=0
for N in $SIZES; do
    for MODE in $MODES; do
        for RUN in $(seq 1 "$RUNS"); do one_run; done
    done
done

# The table over all runs: per size and mode, min / median / max of the floor, of osarchiver, of
# the ratio (each run's osarchiver time over the floor time of the same run), of peak RSS and of
# the server's CPU time during the floor and during osarchiver.
report ""
report "Summary over $RUNS run(s) each: min / median / max"
report "$(printf '%-8s %-6s %-22s %-22s %-22s %-22s %-22s %-22s' N MODE 'floor s' 'osarchiver s' ratio 'peak RSS MB' \
    'server CPU floor s' 'server CPU ours s')"
for N in $SIZES; do
    for MODE in $MODES; do
        sel() { awk -v n="$N" -v m="$MODE" "\$1 == n && \$2 == m && \$$1 != \"-\" { print $2 }" "$RESULTS"; }
        f=$(sel 4 '$4' | stats)
        o=$(sel 5 '$5' | stats)
        r=$(sel 4 '($4 > 0 && $5 != "-") ? $5 / $4 : ""' | sed '/^$/d' | stats)
        m=$(sel 6 '$6 / 1024' | stats)
        fc=$(sel 8 '$8' | stats)
        oc=$(sel 9 '$9' | stats)
        report "$(printf '%-8s %-6s %-22s %-22s %-22s %-22s %-22s %-22s' "$N" "$MODE" "$f" "$o" "$r" "$m" "$fc" "$oc")"
    done
done
report "(timings are noisy on a shared machine: compare ratios of the same run, floor and osarchiver alternate)"
if [ -n "${OUT:-}" ]; then
    mkdir -p "$(dirname "$OUT")"
    cp "$SUMMARY" "$OUT"
    echo "results written to $OUT" >&2
fi
[ "$FAILED" = 0 ] || die "CHECK FAILED: see the tables above"
