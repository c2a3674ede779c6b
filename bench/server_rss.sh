#!/usr/bin/env bash
# The server's resident memory over a long write run (docs/performance.md,
# "The server"): STATEMENTS signed statements posted by CLIENTS keep-alive
# clients in batches of BATCH, the server's RSS sampled every second.
#   bench/server_rss.sh [BUILD_DIR] [STATEMENTS] [CLIENTS] [BATCH]
# Flat means the last samples are no higher than the first ones after
# warm-up: the server holds no memory per statement written.
set -euo pipefail
build=$(realpath "${1:-build}")
count=${2:-1000000}
clients=${3:-4}
batch=${4:-1000}
vinledger=$build/cli/vinledger
generate=$build/bench/vinledger_bench_gen
load=$build/bench/vinledger_bench_load
work=$(mktemp -d "${TMPDIR:-/tmp}/vinledger-server-rss-XXXXXX")
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$generate" "$work/l.db" "$work/s.jsonl" "$count"
"$vinledger" --db "$work/l.db" serve --listen 127.0.0.1:0 --operator-key "$work/l.db.operator.key" \
  >"$work/url" 2>/dev/null &
server_pid=$!
for _ in $(seq 100); do [[ -s $work/url ]] && break; sleep 0.1; done
"$load" --url "$(head -1 "$work/url")" --file "$work/s.jsonl" --clients "$clients" --batch "$batch" --pid "$server_pid"
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=
echo "entries in the served ledger: $(sqlite3 "$work/l.db" 'SELECT count(*) FROM entries')"
