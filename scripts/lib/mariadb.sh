# shellcheck shell=bash
# Helpers to run a PRIVATE, throw-away MariaDB server, next to (never instead of) any server the
# machine already runs: its own data directory, its own socket, a free loopback TCP port.
#
#   . scripts/lib/mariadb.sh
#   mariadb_start DIR [extra mariadbd options...]   # e.g. --innodb-buffer-pool-size=2G
#   $MYSQL -e 'SELECT VERSION()'                     # mariadb -h127.0.0.1 -P$MARIADB_PORT -uroot
#   mariadb_stop DIR
#
# mariadb_start installs the server with apt-get when it is missing and we are root, creates
# DIR/data with mariadb-install-db on first use (an existing DIR/data is reused), starts mariadbd
# in the background and waits until it answers. It exports:
#   MARIADB_DIR     DIR, absolute
#   MARIADB_PORT    the TCP port, on 127.0.0.1
#   MARIADB_SOCKET  the unix socket
#   MARIADB_PID     the server's process id
#   MYSQL           "mariadb -h127.0.0.1 -P$MARIADB_PORT -uroot" (root has no password)
# and writes them to DIR/server.env, so that `mariadb_env DIR` finds a running server again.
# Logs: DIR/error.log (the server's), DIR/install.log, DIR/mariadbd.out.
#
# mariadb_stop DIR shuts down the server of DIR (cleanly, then by its pid if it must); the data
# stays in DIR/data. Only the process recorded for DIR is ever signalled.
#
# Environment: MARIADB_START_TIMEOUT (seconds to wait for the server, default 120).

# Debian installs mariadbd in /usr/sbin, which is not on every user's PATH.
_mariadb_path() {
    local d
    for d in /usr/sbin /usr/local/sbin /sbin; do
        case ":$PATH:" in
            *":$d:"*) ;;
            *) [ -d "$d" ] && PATH="$PATH:$d" ;;
        esac
    done
    export PATH
}

_mariadb_say() {
    printf 'mariadb.sh: %s\n' "$*" >&2
}

# Makes sure mariadbd, mariadb-install-db and the mariadb client are there.
mariadb_ensure_installed() {
    _mariadb_path
    if command -v mariadbd >/dev/null 2>&1 && command -v mariadb-install-db >/dev/null 2>&1 &&
        command -v mariadb >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        _mariadb_say "mariadbd not found: installing mariadb-server and mariadb-client with apt-get"
        if ! { DEBIAN_FRONTEND=noninteractive apt-get update &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y mariadb-server mariadb-client; }; then
            _mariadb_say "apt-get install mariadb-server mariadb-client failed"
            return 1
        fi
        _mariadb_path
        command -v mariadbd >/dev/null 2>&1 && return 0
        _mariadb_say "mariadbd is still not found after installing mariadb-server"
        return 1
    fi
    _mariadb_say "mariadbd (the MariaDB server) is not installed, and it cannot be installed from here" \
        "(not root, or no apt-get). Install MariaDB 10.6 or later (server, client and mariadb-install-db)," \
        "e.g. 'sudo apt-get install mariadb-server mariadb-client', then run this again."
    return 1
}

# Whether something accepts TCP connections on 127.0.0.1:$1.
_mariadb_port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a loopback port that nothing listens on right now (the server may still lose a race for
# it: mariadb_start then tries another one).
_mariadb_free_port() {
    local tries=0 port
    while [ "$tries" -lt 200 ]; do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        if ! _mariadb_port_busy "$port"; then
            echo "$port"
            return 0
        fi
        tries=$((tries + 1))
    done
    _mariadb_say "no free loopback port found"
    return 1
}

# Prints the pid of DIR's server if it is alive, from DIR/mysqld.pid.
_mariadb_running_pid() {
    local dir=$1 pid
    [ -s "$dir/mysqld.pid" ] || return 1
    pid=$(cat "$dir/mysqld.pid" 2>/dev/null) || return 1
    case "$pid" in '' | *[!0-9]*) return 1 ;; esac
    kill -0 "$pid" 2>/dev/null || return 1
    # The pid file may be stale and the pid reused by another program: check it is our mariadbd.
    if [ -r "/proc/$pid/cmdline" ] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "--datadir=$dir/data"; then
        return 1
    fi
    echo "$pid"
}

# Re-exports MARIADB_PORT, MARIADB_SOCKET, MARIADB_PID and MYSQL for the running server of DIR.
mariadb_env() {
    local dir=${1:?usage: mariadb_env DIR}
    dir=$(cd "$dir" 2>/dev/null && pwd) || {
        _mariadb_say "no such directory: $1"
        return 1
    }
    [ -r "$dir/server.env" ] || {
        _mariadb_say "no server was started in $dir"
        return 1
    }
    # shellcheck disable=SC1091
    . "$dir/server.env"
    export MARIADB_DIR MARIADB_PORT MARIADB_SOCKET MARIADB_PID MYSQL
}

mariadb_start() {
    local dir=${1:?usage: mariadb_start DIR [mariadbd options...]}
    shift
    mariadb_ensure_installed || return 1
    mkdir -p "$dir" || return 1
    dir=$(cd "$dir" && pwd) || return 1

    if _mariadb_running_pid "$dir" >/dev/null; then
        _mariadb_say "a server is already running for $dir (pid $(cat "$dir/mysqld.pid")); stop it with mariadb_stop $dir"
        return 1
    fi

    # A unix socket path must fit in 108 bytes; put it under /tmp when DIR is too deep.
    local socket="$dir/mysqld.sock"
    if [ "${#socket}" -gt 100 ]; then
        socket="$(mktemp -d /tmp/mariadb-sock.XXXXXX)/mysqld.sock" || return 1
    fi

    local user
    user=$(id -un)
    if [ ! -d "$dir/data/mysql" ]; then
        rm -rf "$dir/data"
        _mariadb_say "creating a new data directory in $dir/data"
        if ! mariadb-install-db --no-defaults --auth-root-authentication-method=normal \
            --user="$user" --datadir="$dir/data" --skip-test-db >"$dir/install.log" 2>&1; then
            _mariadb_say "mariadb-install-db failed; $dir/install.log says:"
            tail -n 30 "$dir/install.log" >&2
            return 1
        fi
    fi

    local attempt port pid waited timeout=${MARIADB_START_TIMEOUT:-120}
    for attempt in 1 2 3 4 5; do
        port=$(_mariadb_free_port) || return 1
        rm -f "$dir/mysqld.pid" "$socket"
        : >"$dir/error.log"
        # setsid: keep the server out of the terminal's process group, so that a Ctrl-C meant for
        # the calling script does not reach it (the script's EXIT trap stops it instead). With -w,
        # $! stays alive exactly as long as mariadbd does, even when setsid has to fork.
        local launcher=()
        setsid -w true >/dev/null 2>&1 && launcher=(setsid -w)
        # A tmpdir of its own: a starting mariadbd deletes every #sql* file of its tmpdir, which
        # in a shared /tmp are the temporary tables of the other servers.
        mkdir -p "$dir/tmp"
        "${launcher[@]}" mariadbd --no-defaults --user="$user" --tmpdir="$dir/tmp" \
            --datadir="$dir/data" --socket="$socket" --port="$port" --bind-address=127.0.0.1 \
            --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" --skip-name-resolve \
            --character-set-server=utf8mb4 "$@" \
            </dev/null >>"$dir/mariadbd.out" 2>&1 &
        pid=$!
        waited=0
        while :; do
            # Ours answers on the port, and says so: another server could hold the port.
            if [ "$(mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot -N -e 'SELECT @@socket' 2>/dev/null)" = "$socket" ]; then
                break
            fi
            if ! kill -0 "$pid" 2>/dev/null; then
                break
            fi
            if [ "$waited" -ge $((timeout * 5)) ]; then
                _mariadb_say "the server did not answer within ${timeout}s; $dir/error.log says:"
                tail -n 30 "$dir/error.log" >&2
                kill -TERM "$pid" 2>/dev/null
                return 1
            fi
            sleep 0.2
            waited=$((waited + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            # $! may be setsid's pid: the pid file names mariadbd itself.
            [ -s "$dir/mysqld.pid" ] && pid=$(cat "$dir/mysqld.pid")
            break
        fi
        wait "$pid" 2>/dev/null
        if grep -q 'Address already in use' "$dir/error.log" 2>/dev/null; then
            _mariadb_say "port $port was taken meanwhile, trying another one"
            continue
        fi
        _mariadb_say "mariadbd exited at startup; $dir/error.log says:"
        tail -n 30 "$dir/error.log" >&2
        return 1
    done
    if ! kill -0 "$pid" 2>/dev/null; then
        _mariadb_say "could not start mariadbd on a free port after $attempt attempts"
        return 1
    fi

    MARIADB_DIR=$dir
    MARIADB_PORT=$port
    MARIADB_SOCKET=$socket
    MARIADB_PID=$pid
    MYSQL="mariadb -h127.0.0.1 -P$port -uroot"
    export MARIADB_DIR MARIADB_PORT MARIADB_SOCKET MARIADB_PID MYSQL
    {
        printf 'MARIADB_DIR=%q\n' "$MARIADB_DIR"
        printf 'MARIADB_PORT=%q\n' "$MARIADB_PORT"
        printf 'MARIADB_SOCKET=%q\n' "$MARIADB_SOCKET"
        printf 'MARIADB_PID=%q\n' "$MARIADB_PID"
        printf 'MYSQL=%q\n' "$MYSQL"
    } >"$dir/server.env"
    _mariadb_say "MariaDB $(mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot -N -e 'SELECT VERSION()' 2>/dev/null) is up on 127.0.0.1:$port (pid $pid, data in $dir/data)"
}

mariadb_stop() {
    local dir=${1:?usage: mariadb_stop DIR}
    dir=$(cd "$dir" 2>/dev/null && pwd) || return 0
    _mariadb_path
    local pid socket="" port=""
    if ! pid=$(_mariadb_running_pid "$dir"); then
        return 0
    fi
    if [ -r "$dir/server.env" ]; then
        socket=$(
            # shellcheck disable=SC1091
            . "$dir/server.env"
            echo "$MARIADB_SOCKET"
        )
        port=$(
            # shellcheck disable=SC1091
            . "$dir/server.env"
            echo "$MARIADB_PORT"
        )
    fi
    # A clean shutdown through the server's own socket (or port); SIGTERM to its pid otherwise.
    if [ -n "$socket" ] && [ -S "$socket" ]; then
        mariadb-admin --no-defaults --socket="$socket" -uroot shutdown >/dev/null 2>&1 ||
            kill -TERM "$pid" 2>/dev/null
    elif [ -n "$port" ]; then
        mariadb-admin --no-defaults -h127.0.0.1 -P"$port" -uroot shutdown >/dev/null 2>&1 ||
            kill -TERM "$pid" 2>/dev/null
    else
        kill -TERM "$pid" 2>/dev/null
    fi
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$waited" -ge 600 ]; then
            _mariadb_say "mariadbd (pid $pid) still running after 120s, killing it"
            kill -KILL "$pid" 2>/dev/null
            break
        fi
        sleep 0.2
        waited=$((waited + 1))
    done
    case "$socket" in
        /tmp/mariadb-sock.*/mysqld.sock) rm -rf "${socket%/mysqld.sock}" ;;
    esac
    _mariadb_say "stopped the server of $dir"
}
