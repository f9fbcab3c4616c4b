# shellcheck shell=bash
# Sourceable: osarchiver_binary ROOT prints the path of the osarchiver binary to use: $OSARCHIVER
# when set, else target/release/osarchiver built with cargo (found on PATH or in ~/.cargo/bin).
# Messages go to stderr; it exits the calling script when no binary can be had.

osarchiver_binary() {
    local root=$1 bin
    if [ -n "${OSARCHIVER:-}" ]; then
        bin=$OSARCHIVER
    else
        printf '\n=== %s\n' "Building osarchiver (cargo build --release)" >&2
        if ! command -v cargo >/dev/null 2>&1; then
            [ -x "$HOME/.cargo/bin/cargo" ] && PATH="$HOME/.cargo/bin:$PATH"
        fi
        if ! command -v cargo >/dev/null 2>&1; then
            echo "cargo not found: install Rust 1.94.1 or later (https://rustup.rs), or set OSARCHIVER=/path/to/osarchiver" >&2
            exit 1
        fi
        (cd "$root" && cargo build --release >&2) || exit 1
        bin=$root/target/release/osarchiver
    fi
    if [ ! -x "$bin" ]; then
        echo "no osarchiver binary at $bin" >&2
        exit 1
    fi
    printf '%s\n' "$bin"
}
