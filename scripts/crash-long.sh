#!/usr/bin/env bash
# The crash harness's long mode: thousands of SIGKILL trials instead of CI's 50.
#   scripts/crash-long.sh [TRIALS] [BUILD_DIR]      (defaults: 2000, build)
# VINLEDGER_CRASH_SEED=N replays a run; VINLEDGER_CRASH_BATCH=N sets the batch size.
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-2000}
dir=${2:-build}
if [ ! -x "$dir/tests/vinledger_e2e_tests" ]; then
  if [ "$dir" = build-sanitize ]; then scripts/build.sh sanitize; else scripts/build.sh; fi
fi
VINLEDGER_CRASH_TRIALS=$trials exec "$dir/tests/vinledger_e2e_tests" "[crash]"
