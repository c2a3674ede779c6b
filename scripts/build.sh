#!/usr/bin/env bash
# Configures and builds vinledger.
#   scripts/build.sh          -> build/            (g++, optimised, no debug info)
#   scripts/build.sh sanitize -> build-sanitize/   (clang: AddressSanitizer + UndefinedBehaviorSanitizer
#                                                   at -O1, and the libFuzzer targets that scripts/fuzz.sh runs)
#   scripts/build.sh VARIANT TARGET...             only those targets
set -euo pipefail
cd "$(dirname "$0")/.."

case ${1:-normal} in
  # Without debug info (a quarter of the compile time at -O2): CI builds from
  # scratch; configure build/ yourself with RelWithDebInfo to debug.
  normal) dir=build; options=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG") ;;
  # One clang build is both the sanitized test build and the fuzz build, so
  # CI compiles the library twice, not three times. -O1 with line tables:
  # the sanitized tests run two to three times faster than at -O0 (most of
  # their time is the binary itself, spawned thousands of times), asserts
  # stay on, and reports keep file and line. Everything, the library
  # included, also gets libFuzzer's coverage feedback (CMakeLists.txt).
  sanitize) dir=build-sanitize
    options=(-DCMAKE_CXX_COMPILER="${CXX_SANITIZE:-clang++-16}" -DCMAKE_BUILD_TYPE=RelWithDebInfo
             "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only"
             -DVINLEDGER_SANITIZE=ON -DVINLEDGER_FUZZ=ON -DVINLEDGER_BENCH=OFF) ;;
  *) echo "usage: scripts/build.sh [normal|sanitize] [TARGET...]" >&2; exit 2 ;;
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
targets=()
for target in "${@:2}"; do targets+=(--target "$target"); done
cmake --build "$dir" -j "$(nproc)" "${targets[@]}"
