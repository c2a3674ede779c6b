#!/usr/bin/env bash
# Configures and builds vinledger.
#   scripts/build.sh          -> build/            (optimised, with debug info)
#   scripts/build.sh sanitize -> build-sanitize/   (AddressSanitizer + UndefinedBehaviorSanitizer)
set -euo pipefail
cd "$(dirname "$0")/.."

case ${1:-normal} in
  normal) dir=build; options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  sanitize) dir=build-sanitize; options=(-DCMAKE_BUILD_TYPE=Debug -DVINLEDGER_SANITIZE=ON -DVINLEDGER_BENCH=OFF) ;;
  *) echo "usage: scripts/build.sh [normal|sanitize]" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" "${options[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
