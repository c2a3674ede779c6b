#!/usr/bin/env bash
# The screen benchmark: builds a ledger of VEHICLES vehicles x 6 events
# (manufacture, transfer, export, ship, import, register; signed by five
# parties) with vinledger_bench_gen + `vinledger append`, then times
# `vinledger --json screen` and reports entries/s and the peak RSS.
#
#   bench/screen_bench.sh BUILD_DIR VEHICLES [WORK_DIR]
#
# Run it at two sizes to see that memory stays flat as the ledger grows.
set -euo pipefail

build=$1 vehicles=$2 work=${3:-$(mktemp -d)}
vinledger=$build/cli/vinledger
generator=$build/bench/vinledger_bench_gen
statements=$((vehicles * 6))
db=$work/screen-$vehicles.db
mkdir -p "$work"

if [[ ! -f $db ]]; then
  "$generator" "$db" "$work/screen-$vehicles.jsonl" "$statements"
  "$vinledger" --db "$db" append "$work/screen-$vehicles.jsonl" >/dev/null
  rm -f "$work/screen-$vehicles.jsonl"
fi

/usr/bin/time -f "%e %M" -o "$work/time.txt" "$vinledger" --db "$db" --json screen >"$work/screen.json" || [[ $? == 1 ]]
read -r seconds max_rss_kb <"$work/time.txt"
entries=$(sed -nE 's/.*"summary":\{.*"entries":([0-9]+).*/\1/p' "$work/screen.json")
checked=$(sed -nE 's/.*"summary":\{.*"vehicles":([0-9]+).*/\1/p' "$work/screen.json")
rate=$(awk -v e="$entries" -v s="$seconds" 'BEGIN { printf "%d", e / s }')
echo "vehicles=$checked entries=$entries seconds=$seconds entries_per_second=$rate max_rss_kb=$max_rss_kb"
