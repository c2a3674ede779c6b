#!/usr/bin/env bash
# Installs what is missing, builds twice (normal, and with AddressSanitizer
# + UndefinedBehaviorSanitizer) and runs every test in both builds, then
# fuzzes every parser for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
for variant in normal sanitize; do
  echo "==> build ($variant)"
  scripts/build.sh "$variant"
  dir=build
  [[ $variant == sanitize ]] && dir=build-sanitize
  echo "==> test ($variant)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$dir" --output-on-failure -j "$(nproc)"
done
# Every libFuzzer target for a bounded time (clang, ASan + UBSan); a crash
# fails the run. `scripts/fuzz.sh long` fuzzes for hours.
echo "==> fuzz (${VINLEDGER_FUZZ_SECONDS:-15} s per target)"
scripts/fuzz.sh "${VINLEDGER_FUZZ_SECONDS:-15}"
echo "==> all tests passed in both builds, fuzzing found nothing"
