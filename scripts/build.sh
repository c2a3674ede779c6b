#!/usr/bin/env bash
# Configures and builds vinledger.
#   scripts/build.sh          -> build/            (optimised, no debug info)
#   scripts/build.sh sanitize -> build-sanitize/   (AddressSanitizer + UndefinedBehaviorSanitizer, -O1)
set -euo pipefail
cd "$(dirname "$0")/.."

case ${1:-normal} in
  # Without debug info (a quarter of the compile time at -O2): CI builds from
  # scratch; configure build/ yourself with RelWithDebInfo to debug.
  normal) dir=build; options=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG") ;;
  # -O1 with line tables: the sanitized tests run two to three times faster
  # than at -O0 (most of their time is the binary itself, spawned thousands
  # of times), asserts stay on, and reports keep file and line.
  sanitize) dir=build-sanitize
    options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1"
             -DVINLEDGER_SANITIZE=ON -DVINLEDGER_BENCH=OFF) ;;
  *) echo "usage: scripts/build.sh [normal|sanitize]" >&2; exit 2 ;;
esac
# A compiler cache, where the machine has one, makes rebuilds of several
# checkouts cheap; CI's fresh machine has none and builds from scratch, where
# precompiled headers save more (ccache cannot cache their users).
# VINLEDGER_NO_CCACHE=1 builds as CI does on a machine that has ccache.
if [[ ${VINLEDGER_NO_CCACHE:-0} != 1 ]] && command -v ccache >/dev/null; then
  options+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DVINLEDGER_PCH=OFF)
else
  options+=(-DCMAKE_CXX_COMPILER_LAUNCHER= -DVINLEDGER_PCH=ON)
fi
cmake -S . -B "$dir" "${options[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
