#!/usr/bin/env bash
# Desktop end-to-end tests: the real Rapport window (UI embedded), driven through
# tauri-driver + WebKitWebDriver under Xvfb, inside a private Secret Service session.
#   scripts/e2e.sh                     run the tests
#   RAPPORT_SCREENSHOTS_DIR=DIR ...    also save screenshots of what the tests see
#   scripts/e2e.sh NAME                run only the tests whose names contain NAME
set -euo pipefail
cd "$(dirname "$0")/.."

tools="${RAPPORT_TOOLS_DIR:-$HOME/.cache/rapport-tools}"
driver="$tools/bin/tauri-driver"
[ -x "$driver" ] || { echo "e2e: $driver not found; run scripts/setup.sh" >&2; exit 1; }
command -v WebKitWebDriver >/dev/null || { echo "e2e: WebKitWebDriver missing; run scripts/setup.sh" >&2; exit 1; }

npm --prefix ui run build --silent
cargo build -p rapport-cli --quiet
# Build first (outside the time-sensitive session) so the run below only runs.
cargo test -p rapport-desktop --features custom-protocol --test desktop_e2e --no-run --quiet

export RAPPORT_E2E_DRIVER="$driver"
export RAPPORT_E2E_CLI="${CARGO_TARGET_DIR:-$PWD/target}/debug/rapport"
if [ -n "${RAPPORT_SCREENSHOTS_DIR:-}" ]; then
  mkdir -p "$RAPPORT_SCREENSHOTS_DIR"
  RAPPORT_SCREENSHOTS_DIR="$(cd "$RAPPORT_SCREENSHOTS_DIR" && pwd)"
  export RAPPORT_SCREENSHOTS_DIR
fi
# WebDriver screenshots hang without WebKit's compositing, which the app turns off by
# itself when there is no GPU (as under Xvfb): keep it on here.
export RAPPORT_COMPOSITING=on
exec scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test -p rapport-desktop --features custom-protocol --test desktop_e2e -- \
  --ignored --test-threads=1 "$@"
