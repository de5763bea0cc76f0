#!/usr/bin/env bash
# Fuzzes the file readers and the search-query builder with libFuzzer (cargo-fuzz on the
# nightly toolchain; scripts/setup.sh installs both). `make test` gives each target a short
# run; for a long one:
#   RAPPORT_FUZZ_SECONDS=3600 scripts/fuzz.sh vcard_reader
# The corpus grows in target/fuzz-corpus/TARGET, seeded from tests/corpus; a crash is saved
# under fuzz/artifacts/TARGET and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="${RAPPORT_TOOLS_DIR:-$HOME/.cache/rapport-tools}"
SECONDS_EACH="${RAPPORT_FUZZ_SECONDS:-20}"
target_dir="${CARGO_TARGET_DIR:-$PWD/target}/fuzz"

# target name -> seed directory
declare -A seeds=(
    [csv_reader]=tests/corpus/csv
    [vcard_reader]=tests/corpus/vcard
    [search_query]=tests/corpus/search
)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^rapport-fuzz$')

# Our code forbids `unsafe`, so the bugs to find are panics and hangs: no sanitizer needed,
# which keeps the build to a few minutes.
cargo +nightly --version >/dev/null
logs="${CARGO_TARGET_DIR:-$PWD/target}/fuzz-logs"
mkdir -p "$logs"
for t in "${targets[@]}"; do
    corpus="${CARGO_TARGET_DIR:-$PWD/target}/fuzz-corpus/$t"
    mkdir -p "$corpus"
    seed="${seeds[$t]:-}"
    [ -n "$seed" ] && [ -d "$seed" ] || seed=""
    echo "fuzz: $t for ${SECONDS_EACH} s (log: $logs/$t.log)"
    if ! PATH="$TOOLS/bin:$PATH" cargo +nightly fuzz run --sanitizer none --release \
        --target-dir "$target_dir" "$t" "$corpus" ${seed:+"$seed"} -- \
        -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$logs/$t.log" 2>&1; then
        tail -40 "$logs/$t.log" >&2
        echo "fuzz: $t failed; the input is saved under fuzz/artifacts/$t" >&2
        exit 1
    fi
    grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$logs/$t.log" | sed "s/^/fuzz: $t: /"
done
