#!/usr/bin/env bash
# The evidence benchmarks of issue 4, whole processes timed with hyperfine:
#   bench/evidence_bench.sh BUILD_DIR SOURCE_DB WORK_DIR
# SOURCE_DB is a large ledger from vinledger_bench_gen (its operator key
# beside it as SOURCE_DB's .operator.key); it is copied, never written.
# Measures: `prove` of a 6-entry VIN with a covering checkpoint present and
# without one (prove issues it), `checkpoint` after one more entry (a new
# tree head, no rebuild), and `verify-bundle` of a 20-entry bundle. Then
# the tree's share of append throughput (vinledger_bench_append_tree).
set -euo pipefail
build=$(realpath "$1") source_db=$2 work=$3
vinledger=$build/cli/vinledger
mkdir -p "$work"
cd "$work"
base=base.db

if [[ ! -f $base ]]; then
  cp "$source_db" "$base"
  install -m 600 "${source_db}.operator.key" base.operator.key
  # A vehicle with 20 entries: a maker and a dealer handing it back and forth.
  rm -f bmaker.key bdealer.key
  mk=$("$vinledger" keygen --name bmaker --out bmaker.key | head -1)
  dk=$("$vinledger" keygen --name bdealer --out bdealer.key | head -1)
  "$vinledger" --db $base party add bmaker --name "Bench Maker Twenty" --country JP --roles manufacturer --wmi JTN --vkey "$mk"
  "$vinledger" --db $base party add bdealer --name "Bench Dealer Twenty" --country JP --roles dealer --vkey "$dk"
  "$vinledger" --db $base record manufacture --vin JTNHV05J0Z9000020 --as bmaker --key bmaker.key --country JP \
    --make Toyota --model Crown --year 2024 --time 2024-01-01T00:00:00Z
  for i in $(seq 1 19); do
    if ((i % 2)); then a=bmaker b=bdealer; else a=bdealer b=bmaker; fi
    "$vinledger" --db $base record transfer --vin JTNHV05J0Z9000020 --as $a --key $a.key --from $a --to $b \
      --country JP --time "2024-01-$(printf %02d $((i + 1)))T00:00:00Z" >/dev/null
  done
fi
vin6=$(sqlite3 $base "SELECT chain FROM entries WHERE seq = 500000")
vin20=JTNHV05J0Z9000020
size=$(sqlite3 $base "SELECT max(seq) + 1 FROM entries")
echo "ledger: $size entries; 6-entry VIN $vin6; 20-entry VIN $vin20"

# A copy with a checkpoint of the whole log.
cp $base cp.db && install -m 600 base.operator.key cp.operator.key
"$vinledger" --db cp.db checkpoint >/dev/null
"$vinledger" --db cp.db prove $vin20 --out bundle20.json 2>/dev/null
log_key=$(python3 -c 'import json,sys; print([p["vkey"] for p in json.load(sys.stdin)["parties"] if p["id"]=="operator"][0])' \
  < <("$vinledger" --db cp.db --json party list))

hyperfine -N --warmup 3 --runs 30 --export-json prove-covered.json \
  "$vinledger --db cp.db prove $vin6 --out b6.json"
hyperfine -N --warmup 3 --runs 30 --export-json prove20-covered.json \
  "$vinledger --db cp.db prove $vin20 --out b20.json"
# Each run starts from a ledger without a covering checkpoint: prove issues one.
hyperfine -N --runs 10 --prepare "sh -c 'cp $base run.db; sync'" --export-json prove-issuing.json \
  "$vinledger --db run.db prove $vin6 --operator-key base.operator.key --out b6.json"
# Each run first appends one entry, so checkpoint signs a new tree head.
hyperfine -N --warmup 2 --runs 20 --export-json checkpoint.json \
  --prepare "$vinledger --db cp.db record register --vin $vin20 --as bdealer --key bdealer.key --country JP --owner bench" \
  "$vinledger --db cp.db checkpoint"
hyperfine -N --warmup 3 --runs 30 --export-json verify-bundle.json \
  "$vinledger verify-bundle bundle20.json --log-key $log_key --as-of 2025-01-01"
for f in prove-covered prove20-covered prove-issuing checkpoint verify-bundle; do
  python3 -c "import json,sys; r=json.load(open('$f.json'))['results'][0]; print('%-16s median %.1f ms  mean %.1f ms  min %.1f ms  max %.1f ms' % ('$f', r['median']*1e3, r['mean']*1e3, r['min']*1e3, r['max']*1e3))"
done

# The tree's cost: the same 100,000 statements appended with and without it.
if [[ ! -f tree-base.db ]]; then
  "$build/bench/vinledger_bench_gen" tree-base.db tree.jsonl 100000
fi
"$build/bench/vinledger_bench_append_tree" tree-base.db tree.jsonl . 3
