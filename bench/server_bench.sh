#!/usr/bin/env bash
# The HTTP write path against `append` from a file, measured in the same run
# on copies of one ledger (docs/performance.md, "The server"):
#   bench/server_bench.sh [BUILD_DIR] [STATEMENTS] [CLIENTS]
# 1. `vinledger append FILE` of STATEMENTS signed statements;
# 2. `vinledger serve` with CLIENTS keep-alive clients posting one statement
#    per request (latency percentiles, server RSS every second);
# 3. the same server with 2 clients posting batches of 1,000.
# Throughputs are statements per second; the ratios are against step 1.
set -euo pipefail
build=$(realpath "${1:-build}")
count=${2:-100000}
clients=${3:-64}
vinledger=$build/cli/vinledger
generate=$build/bench/vinledger_bench_gen
load=$build/bench/vinledger_bench_load
work=$(mktemp -d "${TMPDIR:-/tmp}/vinledger-server-bench-XXXXXX")
source "$(dirname "$0")/lib.sh"
trap 'stop_server; rm -rf "$work"' EXIT

machine_line
"$generate" "$work/base.db" "$work/s.jsonl" "$count"
key=$work/base.db.operator.key

cp "$work/base.db" "$work/append.db"
start=$(date +%s.%N)
"$vinledger" --db "$work/append.db" append "$work/s.jsonl" 2>/dev/null
append_s=$(echo "$(date +%s.%N) - $start" | bc)
append_rate=$(echo "$count / $append_s" | bc -l)
printf 'append from a file: %d statements in %.2f s = %.0f statements/s\n' "$count" "$append_s" "$append_rate"

# Serves a copy of the base ledger; sets server_pid and url.
serve() {
  cp "$work/base.db" "$work/$1.db"
  serve_ledger "$work/$1.db" "$work/$1.url" "$work/$1.log" --operator-key "$key"
}
rate_of() { sed -n 's/.*= \([0-9]*\) statements\/s.*/\1/p' "$1"; }

serve single
"$load" --url "$url" --file "$work/s.jsonl" --clients "$clients" --batch 1 --pid "$server_pid" | tee "$work/single.out"
stop_server
"$vinledger" --db "$work/single.db" audit >/dev/null && echo "audit of the served ledger: clean"

serve batch
"$load" --url "$url" --file "$work/s.jsonl" --clients 2 --batch 1000 --pid "$server_pid" | tee "$work/batch.out"
stop_server

single_rate=$(rate_of "$work/single.out")
batch_rate=$(rate_of "$work/batch.out")
printf 'ratio, %d clients x 1 statement: %.2f of append\n' "$clients" "$(echo "$single_rate / $append_rate" | bc -l)"
printf 'ratio, batches of 1,000: %.2f of append\n' "$(echo "$batch_rate / $append_rate" | bc -l)"
