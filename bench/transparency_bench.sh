#!/usr/bin/env bash
# The transparency figures, each ratio measured in one run on one ledger:
#   bench/transparency_bench.sh BUILD_DIR WORK_DIR [STATEMENTS]
# Builds a ledger of STATEMENTS (default 1,000,000) signed statements with
# vinledger_bench_gen, checkpointed at 99% and at 100%, then measures:
#   1. `audit` of the whole ledger against `audit --since` the 99% checkpoint
#      (the last 1% of the entries);
# WORK_DIR keeps the ledger between runs (delete it to rebuild).
set -euo pipefail
build=$(realpath "$1") work=$2 statements=${3:-1000000}
vinledger=$build/cli/vinledger
generate=$build/bench/vinledger_bench_gen
mkdir -p "$work"
cd "$work"

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/ {print $2}') GiB"
if [[ ! -f log.db ]]; then
  rm -f log.db* all.jsonl
  "$generate" log.db all.jsonl "$statements"
  head_lines=$((statements * 99 / 100))
  head -n "$head_lines" all.jsonl >first.jsonl
  tail -n +"$((head_lines + 1))" all.jsonl >last.jsonl
  "$vinledger" --db log.db append first.jsonl >/dev/null
  "$vinledger" --db log.db checkpoint >since.cp
  "$vinledger" --db log.db append last.jsonl >/dev/null
  "$vinledger" --db log.db checkpoint >latest.cp
  rm -f all.jsonl first.jsonl last.jsonl
fi
size=$(sqlite3 log.db "SELECT max(seq) + 1 FROM entries")
since=$(sed -n 2p since.cp)
echo "ledger: $size entries; --since checkpoint at $since ($((size - since)) entries after it)"

seconds() { /usr/bin/time -f "%e" -o time.txt "$@" >/dev/null 2>&1 || true; cat time.txt; }
# Page cache warm for both: one untimed pass first.
"$vinledger" --db log.db audit >/dev/null 2>&1 || true
full=$(seconds "$vinledger" --db log.db audit)
incremental=$(seconds "$vinledger" --db log.db audit --since since.cp)
incremental2=$(seconds "$vinledger" --db log.db audit --since since.cp)
awk -v f="$full" -v i="$incremental" -v j="$incremental2" -v n="$size" 'BEGIN {
  m = i < j ? i : j
  printf "audit (full): %.2f s, %.0f entries/s\n", f, n / f
  printf "audit --since (last 1%%): %.3f s and %.3f s; best / full = %.4f (target < 0.02)\n", i, j, m / f }'
