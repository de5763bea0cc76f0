#!/usr/bin/env bash
# Refreshes docs/screenshots/ from the real window: runs the desktop E2E tests, which save
# WebDriver screenshots of each screen they reach (and an X screenshot of the whole
# Xvfb screen for the main list).
set -euo pipefail
cd "$(dirname "$0")/.."
RAPPORT_SCREENSHOTS_DIR=docs/screenshots exec scripts/e2e.sh
