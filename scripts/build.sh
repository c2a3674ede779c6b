#!/usr/bin/env bash
# Configures and builds vinledger.
#   scripts/build.sh          -> build/            (optimised, with debug info)
#   scripts/build.sh sanitize -> build-sanitize/   (AddressSanitizer + UndefinedBehaviorSanitizer)
set -euo pipefail
cd "$(dirname "$0")/.."

case ${1:-normal} in
  # Without debug info (a quarter of the compile time at -O2): CI builds from
  # scratch; configure build/ yourself with RelWithDebInfo to debug.
  normal) dir=build; options=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG") ;;
  sanitize) dir=build-sanitize; options=(-DCMAKE_BUILD_TYPE=Debug -DVINLEDGER_SANITIZE=ON -DVINLEDGER_BENCH=OFF) ;;
  *) echo "usage: scripts/build.sh [normal|sanitize]" >&2; exit 2 ;;
esac
# A compiler cache, where the machine has one, makes rebuilds of several
# checkouts cheap; CI's fresh machine has none and builds from scratch.
if command -v ccache >/dev/null; then options+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$dir" "${options[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
