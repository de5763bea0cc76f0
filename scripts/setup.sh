#!/usr/bin/env bash
# Sets up everything a fresh Debian 12 machine needs to build, run and test Rapport:
# system packages (apt), the UI's npm packages, cargo-nextest and tauri-driver.
# Idempotent and non-interactive: it only installs what is missing, so a second run
# takes seconds.
#
#   scripts/setup.sh
#   RAPPORT_TOOLS_DIR=/somewhere scripts/setup.sh   # where tauri-driver is cached
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

TAURI_DRIVER_VERSION=2.1.0
CARGO_FUZZ_VERSION=0.13.2
TOOLS="${RAPPORT_TOOLS_DIR:-$HOME/.cache/rapport-tools}"

# Tauri 2 build deps, then what the tests use (virtual display, WebDriver, screenshots,
# a private Secret Service, sqlite3 for inspecting and benchmarking, PostgreSQL for the sync
# server's tests).
APT_PACKAGES=(
    libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
    libayatana-appindicator3-dev librsvg2-dev pkg-config libdbus-1-dev
    xvfb xauth imagemagick webkit2gtk-driver xdotool
    gnome-keyring dbus dbus-x11 libsecret-tools
    sqlite3 fonts-dejavu-core
    postgresql
)

summary=()
note() { summary+=("$1"); }
say() { printf 'setup: %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "setup: need root (or sudo) to run: $*" >&2
        exit 1
    fi
}

apt_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

install_apt_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        apt_installed "$pkg" || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        note "apt: all $# packages present"
        return
    fi
    say "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -o DPkg::Lock::Timeout=600
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y \
        -o DPkg::Lock::Timeout=600 "${missing[@]}"
    note "apt: installed ${missing[*]}"
}

# PostgreSQL (the sync server's production database) comes from apt above. Tests never use
# the system's cluster: scripts/with-postgres.sh starts a private one per run with initdb,
# so this only checks initdb is there.
setup_postgres() {
    local initdb="" candidate
    for candidate in /usr/lib/postgresql/*/bin/initdb; do
        [ -x "$candidate" ] && initdb="$candidate"
    done
    if [ -n "$initdb" ]; then
        note "postgresql: $initdb (scripts/with-postgres.sh makes private clusters)"
    else
        echo "setup: PostgreSQL's initdb is missing under /usr/lib/postgresql/*/bin" >&2
        exit 1
    fi
}

setup_ui() {
    if ! command -v npm >/dev/null 2>&1; then
        echo "setup: npm is missing; install Node.js 20.19+ (https://nodejs.org)" >&2
        exit 1
    fi
    if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules ]; then
        say "npm ci in ui/"
        (cd ui && npm ci --no-audit --no-fund)
        touch ui/node_modules
        note "npm: installed ui/node_modules"
    else
        note "npm: ui/node_modules up to date"
    fi
}

setup_cargo_tools() {
    if ! command -v cargo >/dev/null 2>&1; then
        echo "setup: cargo is missing; install Rust with rustup (https://rustup.rs)" >&2
        exit 1
    fi
    if cargo nextest --version >/dev/null 2>&1; then
        note "cargo-nextest: present"
    else
        say "cargo install cargo-nextest"
        cargo install cargo-nextest --locked
        note "cargo-nextest: installed"
    fi
    if [ -x "$TOOLS/bin/tauri-driver" ]; then
        note "tauri-driver: $TOOLS/bin/tauri-driver"
    else
        say "cargo install tauri-driver $TAURI_DRIVER_VERSION into $TOOLS (about 2 min)"
        cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --root "$TOOLS"
        note "tauri-driver: installed $TOOLS/bin/tauri-driver"
    fi
    # Fuzzing (scripts/fuzz.sh) builds with libFuzzer on the nightly toolchain.
    if [ -x "$TOOLS/bin/cargo-fuzz" ]; then
        note "cargo-fuzz: $TOOLS/bin/cargo-fuzz"
    else
        say "cargo install cargo-fuzz $CARGO_FUZZ_VERSION into $TOOLS (about 2 min)"
        cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --root "$TOOLS"
        note "cargo-fuzz: installed $TOOLS/bin/cargo-fuzz"
    fi
    if rustup run nightly rustc --version >/dev/null 2>&1; then
        note "nightly toolchain: present (for fuzzing)"
    else
        say "rustup toolchain install nightly (for fuzzing)"
        rustup toolchain install nightly --profile minimal
        note "nightly toolchain: installed"
    fi
}

install_apt_packages "${APT_PACKAGES[@]}"
setup_postgres
setup_ui
setup_cargo_tools

say "done"
for line in "${summary[@]}"; do
    printf '  %s\n' "$line"
done
