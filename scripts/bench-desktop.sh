#!/usr/bin/env bash
# The desktop benchmark (DESIGN §7): Rapport with 100k demo customers against a minimal
# Tauri window (tools/minimal-window), both release builds, measured in the same run under
# Xvfb in a private D-Bus session: start -> first paint, and PSS of each process tree.
#   scripts/bench-desktop.sh                      5 runs of each after 1 warm-up
#   RAPPORT_BENCH_RUNS=20 scripts/bench-desktop.sh
# More knobs (RAPPORT_BENCH_WARMUP, _CUSTOMERS, _SETTLE_MS): tools/bench-desktop/src/main.rs.
# The store is made once (a few minutes) and kept in RAPPORT_BENCH_CACHE
# (default ~/.cache/rapport-bench); delete it to start over.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac

# The app embeds ui/dist: `make bench-desktop` builds it first (`make ui`).
[ -f ui/dist/index.html ] || { echo "bench: ui/dist is missing; run make ui" >&2; exit 1; }
# One invocation, so the app and the reference share one set of dependency builds.
cargo build --release --quiet -p rapport-desktop -p rapport-cli -p minimal-window \
  -p bench-desktop --features rapport-desktop/custom-protocol

# Computed here: with-keyring.sh points HOME at a throwaway directory.
RAPPORT_BENCH_CACHE="${RAPPORT_BENCH_CACHE:-$HOME/.cache/rapport-bench}"
mkdir -p "$RAPPORT_BENCH_CACHE"
export RAPPORT_BENCH_CACHE
export RAPPORT_BENCH_APP="$target/release/rapport-desktop"
export RAPPORT_BENCH_MINIMAL="$target/release/minimal-window"
export RAPPORT_BENCH_CLI="$target/release/rapport"
exec scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x800x24" \
  "$target/release/bench-desktop"
