#!/usr/bin/env bash
# Runs CMD… inside a private D-Bus session with an unlocked gnome-keyring Secret Service,
# isolated from the user's real keyring (HOME and XDG_* point into a temp dir that is
# removed afterwards). Used by `make test` for the tests that need a system keychain.
#
#   scripts/with-keyring.sh cargo nextest run --run-ignored all
#
# Needs dbus-run-session (dbus), gnome-keyring-daemon and secret-tool (libsecret-tools):
# `scripts/setup.sh` installs them.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARG…]" >&2
    exit 64
fi
for tool in dbus-run-session gnome-keyring-daemon secret-tool; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "with-keyring: $tool is missing; run scripts/setup.sh" >&2
        exit 69
    fi
done

# The toolchain stays where it is even though HOME moves (computed from the real HOME).
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
case ":$PATH:" in
    *":$CARGO_HOME/bin:"*) ;;
    *) export PATH="$CARGO_HOME/bin:$PATH" ;;
esac
# npm's cache, likewise, so `npm` under this script doesn't start from nothing.
export npm_config_cache="${npm_config_cache:-$HOME/.npm}"

session_dir="$(mktemp -d "${TMPDIR:-/tmp}/rapport-keyring.XXXXXXXX")"
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    # Only ever the directory mktemp made for us. WebKit may have started the document
    # portal, which FUSE-mounts $XDG_RUNTIME_DIR/doc: unmount it first. Cleanup never
    # changes the command's exit status.
    case "$session_dir" in
        "${TMPDIR:-/tmp}"/rapport-keyring.*)
            if [ -d "$session_dir/run/doc" ]; then
                fusermount -uz "$session_dir/run/doc" 2>/dev/null || umount -l "$session_dir/run/doc" 2>/dev/null || true
            fi
            rm -rf -- "$session_dir" 2>/dev/null || true
            ;;
    esac
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export HOME="$session_dir/home"
export XDG_DATA_HOME="$session_dir/data"
export XDG_CONFIG_HOME="$session_dir/config"
export XDG_CACHE_HOME="$session_dir/cache"
export XDG_RUNTIME_DIR="$session_dir/run"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
mkdir -m 700 "$XDG_RUNTIME_DIR"
# Never talk to the caller's own session bus or keyring.
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL SSH_AUTH_SOCK

# A throwaway password for the throwaway login keyring.
RAPPORT_KEYRING_PASSWORD="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export RAPPORT_KEYRING_PASSWORD

# Not `exec`: this shell stays to remove the temp dir when CMD ends (the EXIT trap).
status=0
# shellcheck disable=SC2016  # expanded by the inner bash, inside the session
dbus-run-session -- bash -c '
    set -euo pipefail
    log="$XDG_RUNTIME_DIR/gnome-keyring.log"
    pw="$RAPPORT_KEYRING_PASSWORD"
    unset RAPPORT_KEYRING_PASSWORD
    # Creates the "login" keyring with that password (first run) and unlocks it.
    if ! printf "%s" "$pw" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>"$log"; then
        echo "with-keyring: gnome-keyring-daemon --unlock failed:" >&2
        cat "$log" >&2
        exit 70
    fi
    # Prove the Secret Service really stores and returns secrets before running CMD.
    probe="probe-$$-$RANDOM"
    if ! printf "%s" "$probe" | secret-tool store --label="rapport keyring probe" rapport-probe with-keyring 2>>"$log" \
        || [ "$(secret-tool lookup rapport-probe with-keyring 2>>"$log")" != "$probe" ]; then
        echo "with-keyring: the Secret Service is not usable (store/lookup round-trip failed):" >&2
        cat "$log" >&2
        exit 70
    fi
    secret-tool clear rapport-probe with-keyring 2>>"$log" || true
    exec "$@"
' with-keyring "$@" || status=$?
exit "$status"
