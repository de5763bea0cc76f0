# Rapport: the everyday commands. `make run` starts the app, `make test` runs everything CI
# runs. Each target installs what it needs first (scripts/setup.sh skips what is there).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
# Steps run in the order written, even under `make -j`.
.NOTPARALLEL:

CARGO ?= cargo
NPM ?= npm
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)

.PHONY: help setup ui app run lint fmt test test-ui test-rust test-e2e test-fuzz bench-desktop

help:
	@echo "make setup   install system packages, npm packages and test tools (idempotent)"
	@echo "make run     build the desktop app with the UI embedded and start it"
	@echo "make lint    rustfmt, clippy, prettier + eslint, svelte-check"
	@echo "make test    lint, UI tests, the Rust suite (with a private keyring), desktop e2e, fuzzing"
	@echo "make fmt     format Rust and UI sources"
	@echo "make bench-desktop  start-to-paint and memory with 100k customers vs a minimal window"

setup:
	scripts/setup.sh

# The UI, built into ui/dist (embedded in the app by the custom-protocol feature).
ui:
	$(NPM) --prefix ui run build

app: ui
	$(CARGO) build -p rapport-desktop --features custom-protocol

# Data lives in the platform data dir (~/.local/share/rapport) unless RAPPORT_DATA_DIR is
# set; a new store gets demo data on first run.
run: setup app
	$(TARGET_DIR)/debug/rapport-desktop

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(NPM) --prefix ui run lint
	$(NPM) --prefix ui run check

fmt:
	$(CARGO) fmt --all
	$(NPM) --prefix ui run format

test: setup ui lint test-ui test-rust test-e2e test-fuzz

test-ui:
	$(NPM) --prefix ui test

# Default members (protocol, core, cli, server), including the tests marked
# #[ignore = "needs a Secret Service session: run via make test"] (inside a private D-Bus
# session with an unlocked gnome-keyring) and #[ignore = "needs PostgreSQL: run via make
# test"] (against a private throwaway PostgreSQL cluster).
test-rust:
	scripts/with-postgres.sh scripts/with-keyring.sh $(CARGO) nextest run --run-ignored all --no-fail-fast

test-e2e:
	scripts/e2e.sh

# 20 s of libFuzzer per target (CSV and vCard readers, search-query builder); longer runs:
# RAPPORT_FUZZ_SECONDS=3600 scripts/fuzz.sh TARGET
test-fuzz:
	scripts/fuzz.sh

# Not part of `make test`: start -> first list painted and memory (PSS of the app and its
# WebKit processes) with 100k demo customers, against a minimal Tauri window, in release
# builds. RAPPORT_BENCH_RUNS=N for more runs (default 5).
bench-desktop: setup ui
	scripts/bench-desktop.sh
