#!/usr/bin/env bash
# The transparency figures, each ratio measured in one run on one ledger:
#   bench/transparency_bench.sh BUILD_DIR WORK_DIR [STATEMENTS]
# Builds a ledger of STATEMENTS (default 1,000,000) signed statements with
# vinledger_bench_gen, checkpointed at 99% and at 100%, then measures:
#   1. `audit` of the whole ledger against `audit --since` the 99% checkpoint
#      (the last 1% of the entries);
#   2. `mirror --server` of the whole log from a `serve --read-only` on
#      127.0.0.1 against the same full `audit` (entries per second);
#   3. tile requests per second from 32 keep-alive clients (GET /tile/0/N,
#      vinledger_bench_load --get).
# WORK_DIR keeps the ledger between runs (delete it to rebuild).
set -euo pipefail
build=$(realpath "$1") work=$2 statements=${3:-1000000}
source "$(dirname "$0")/lib.sh"
vinledger=$build/cli/vinledger
generate=$build/bench/vinledger_bench_gen
mkdir -p "$work"
cd "$work"

machine_line
if [[ ! -f log.db ]]; then
  rm -f log.db* all.jsonl
  "$generate" log.db all.jsonl "$statements"
  # The generator leaves the key as log.db.operator.key; commands look beside
  # the database as log.operator.key.
  [[ -f log.operator.key ]] || mv log.db.operator.key log.operator.key
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

# 2. A mirror of the whole log over HTTP, from a server on this machine.
log_key=$("$vinledger" --db log.db --json party list | jq -r '.parties[] | select(.registered_seq == 0) | .vkey')
trap stop_server EXIT
serve_ledger log.db url serve.log --read-only
rm -f mirror.db*
mirror=$(seconds "$vinledger" --db mirror.db mirror --server "$url" --log-key "$log_key")
mirrored=$(sqlite3 mirror.db "SELECT max(seq) + 1 FROM entries")
awk -v f="$full" -v m="$mirror" -v n="$size" -v got="$mirrored" 'BEGIN {
  printf "mirror --server (%d entries): %.2f s, %.0f entries/s; mirror / audit throughput = %.2f (target >= 0.7)\n",
    got, m, got / m, (got / m) / (n / f) }'

# 3. Tile requests from 32 keep-alive clients: every full level-0 tile (up
# to 2,000 of them), over and over, 200,000 requests.
tiles=$((size / 256 < 2000 ? size / 256 : 2000))
python3 -c '
import sys
def path(n):  # 1234067 -> x001/x234/067
    parts = []
    while True:
        parts.append("%03d" % (n % 1000)); n //= 1000
        if n == 0: break
    return "/".join(["x" + p for p in reversed(parts[1:])] + [parts[0]])
for i in range(int(sys.argv[1])): print("/tile/0/" + path(i))' "$tiles" >tiles.txt
for ((r = 0; r < 200000 / tiles; r++)); do cat tiles.txt; done >requests.txt
"$build/bench/vinledger_bench_load" --url "$url" --get requests.txt --clients 32 | sed 's/statements/requests/g'
stop_server
