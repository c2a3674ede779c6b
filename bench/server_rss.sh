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
source "$(dirname "$0")/lib.sh"
trap 'stop_server; rm -rf "$work"' EXIT

machine_line
"$generate" "$work/l.db" "$work/s.jsonl" "$count"
serve_ledger "$work/l.db" "$work/url" "$work/serve.log" --operator-key "$work/l.db.operator.key"
"$load" --url "$url" --file "$work/s.jsonl" --clients "$clients" --batch "$batch" --pid "$server_pid"
stop_server
echo "entries in the served ledger: $(sqlite3 "$work/l.db" 'SELECT count(*) FROM entries')"
