#!/usr/bin/env bash
# Runs jsw's property tests (tests/property.rs) with new seeds until SECONDS have
# passed (default 600), and reports how many inputs were tried. Any failure stops
# the run with the seed that reproduces it (JSW_FUZZ_SEED=<seed>).
#   scripts/fuzz.sh [SECONDS] [ITERATIONS-PER-ROUND]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
budget="${1:-600}"
per_round="${2:-1000}"
cargo build --release --locked -p jsw --tests >/dev/null
end=$((SECONDS + budget))
seed=$(( $(date +%s) % 100000 ))
rounds=0
while [ "$SECONDS" -lt "$end" ]; do
  seed=$((seed + 1))
  if ! JSW_FUZZ_SEED=$seed JSW_FUZZ_ITERATIONS=$per_round \
      cargo test --release --locked -p jsw --test property -- --nocapture >"${TMPDIR:-/tmp}/jsw-fuzz.log" 2>&1; then
    echo "fuzz: failure with JSW_FUZZ_SEED=$seed JSW_FUZZ_ITERATIONS=$per_round:" >&2
    tail -30 "${TMPDIR:-/tmp}/jsw-fuzz.log" >&2
    exit 1
  fi
  rounds=$((rounds + 1))
done
echo "fuzz: $rounds rounds, $((rounds * per_round)) compiler inputs and $((rounds * per_round)) runtime iterations, no failure"
