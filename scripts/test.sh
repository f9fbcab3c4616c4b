#!/usr/bin/env bash
# Runs the whole test suite: unit tests, the configparser comparison (needs python3) and the
# integration tests, which start a private MariaDB server of their own (needs mariadb-server and
# mariadb-client) unless OSARCHIVER_TEST_MYSQL=mysql://user[:password]@host:port names one, and
# open the file destination's archives with tar, gzip, bzip2, xz, zstd and unzip, and upload to
# a Swift (swift-* servers, memcached) and an S3 server (moto) on loopback. Whatever is
# missing is installed with apt-get when run as root, or named and the script stops.
#
# Usage: scripts/test.sh [cargo test arguments...]
#   scripts/test.sh                     # everything
#   scripts/test.sh config_compat       # tests whose name contains config_compat
#   scripts/test.sh -- --nocapture      # show the tests' output
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian puts mariadbd in /usr/sbin, which a user's PATH may lack.
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

missing=()
have mariadb || missing+=(mariadb-client)
if [ -z "${OSARCHIVER_TEST_MYSQL:-}" ]; then
    { have mariadbd && have mariadb-install-db; } || missing+=(mariadb-server)
    # The Galera throttling test runs a two-node cluster (Debian's mariadb-server pulls these).
    galera=no
    for lib in /usr/lib/galera/libgalera_smm.so /usr/lib/galera-4/libgalera_smm.so \
        /usr/lib64/galera-4/libgalera_smm.so /usr/lib/libgalera_smm.so; do
        [ -e "$lib" ] && galera=yes
    done
    [ "$galera" = yes ] || missing+=(galera-4)
    have rsync || missing+=(rsync)
    have ss || missing+=(iproute2)
fi
have python3 || missing+=(python3)
# The TLS tests make their CA and certificates with the openssl command.
have openssl || missing+=(openssl)
# The file destination's tests open its archives with the standard tools.
for tool in tar gzip bzip2 zstd unzip; do
    have "$tool" || missing+=("$tool")
done
have xz || missing+=(xz-utils)
# The remote store tests run a real Swift (and memcached for its TempAuth) on loopback; without
# them those tests skip (loudly), so they are installed when we can and only named otherwise.
swift=()
for tool in swift-proxy-server swift-account-server swift-container-server swift-object-server; do
    have "$tool" || swift+=("${tool%-server}")
done
have swift-ring-builder || swift+=(swift)
have memcached || swift+=(memcached)
if [ "${#swift[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        missing+=("${swift[@]}")
    else
        echo "scripts/test.sh: ${swift[*]} missing: the Swift tests will be skipped." >&2
        echo "  Install it (Debian/Ubuntu: sudo apt-get install ${swift[*]})." >&2
    fi
fi

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "scripts/test.sh: installing ${missing[*]} with apt-get" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "scripts/test.sh: missing ${missing[*]}." >&2
        echo "  Install it (Debian/Ubuntu: sudo apt-get install ${missing[*]})." >&2
        case " ${missing[*]} " in
            *" mariadb-server "*)
                echo "  Instead of mariadb-server, the tests can use an existing server:" >&2
                echo "  OSARCHIVER_TEST_MYSQL=mysql://root:PASSWORD@127.0.0.1:3306 scripts/test.sh" >&2
                ;;
        esac
        exit 1
    fi
fi

# The S3 remote store tests run moto (PyPI's moto[server]) on loopback, 5.2.5 or later: older
# ones answer multipart uploads in a form aws-sdk-s3 cannot parse.
moto_ok() {
    have moto_server && python3 -c 'import moto, sys
v = tuple(int(p) for p in moto.__version__.split(".")[:3])
sys.exit(v < (5, 2, 5))' 2>/dev/null
}
if ! moto_ok; then
    if [ "$(id -u)" = 0 ]; then
        echo "scripts/test.sh: installing moto[server] with pip" >&2
        if ! python3 -m pip --version >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
        fi
        python3 -m pip install -q 'moto[server]>=5.2.5' 2>/dev/null \
            || python3 -m pip install -q --break-system-packages 'moto[server]>=5.2.5'
    else
        echo "scripts/test.sh: moto_server is missing or older than 5.2.5: the S3 tests will skip or fail." >&2
        echo "  Install it: pip install 'moto[server]>=5.2.5'" >&2
    fi
fi

# --tests: unit and integration tests (the crate has no doctests; examples have no tests).
cargo test --tests "$@"
# With no arguments, the safety tests once more with every row through osarchiver instead of
# copied inside the server (the default for an archive database on the source's server), so
# that both ways stay tested: foreign keys, conflicts, key types, the faithful round trips.
if [ "$#" -eq 0 ]; then
    echo "scripts/test.sh: the safety tests again, with server_side_copy = false" >&2
    OSARCHIVER_TEST_SERVER_SIDE_COPY=false cargo test --test integration -- \
        adversarial:: pipeline::foreign_keys pipeline::conflicts pipeline::faithful \
        pipeline::basics pipeline::killed
fi
