#!/usr/bin/env bash
# The VIN index's figures, in one run:
#   bench/index_bench.sh BUILD_DIR WORK_DIR [CHAINS] [STATEMENTS]
# 1. vinledger_bench_index: recomputation, stored index, proof size and
#    time, verification, at CHAINS chains (default 1,000,000).
# 2. Append with the index against append without it (the same STATEMENTS,
#    default 100,000, alternating, three rounds; vinledger_bench_append_tree
#    in index mode).
# 3. `audit` of that ledger (whole process), for the index's share.
# 4. verify-bundle of a 20-entry bundle as v2 (with the index proof) and the
#    same bundle as v1 (without), hyperfine in one run.
set -euo pipefail
build=$(realpath "$1") work=$2 chains=${3:-1000000} statements=${4:-100000}
vinledger=$build/cli/vinledger
mkdir -p "$work"
cd "$work"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/ {print $2}') GiB; load: $(cut -d' ' -f1-3 /proc/loadavg)"

"$build/bench/vinledger_bench_index" . "$chains" 1000

rm -f base.db* s.jsonl
"$build/bench/vinledger_bench_gen" base.db s.jsonl "$statements" >/dev/null
"$build/bench/vinledger_bench_append_tree" base.db s.jsonl . 3 index

cp with-tree.db audit.db
/usr/bin/time -f "audit of $((statements + 6)) entries: %e s, %M KiB" "$vinledger" --db audit.db audit >/dev/null
# prove on that ledger: a 6-entry VIN, with a covering checkpoint.
install -m 600 base.db.operator.key audit.operator.key 2>/dev/null || install -m 600 base.operator.key audit.operator.key
"$vinledger" --db audit.db checkpoint >/dev/null
vin6=$(sqlite3 audit.db "SELECT chain FROM entries WHERE seq = $((statements / 2))")
hyperfine -N --warmup 3 --runs 30 "$vinledger --db audit.db prove $vin6 --out p6.json" \
  "$vinledger --db audit.db prove JTNHV05J0Z9999999 --out absent.json"

# A vehicle with 20 entries, proved; the same bundle without its index proof.
rm -f b.db* m.key d.key
"$vinledger" --db b.db init --origin bench.vinledger.example >/dev/null 2>&1
mk=$("$vinledger" keygen --name bmaker --out m.key | head -1)
dk=$("$vinledger" keygen --name bdealer --out d.key | head -1)
"$vinledger" --db b.db party add bmaker --name "Bench Maker" --country JP --roles manufacturer --wmi JTN --vkey "$mk" >/dev/null
"$vinledger" --db b.db party add bdealer --name "Bench Dealer" --country JP --roles dealer --vkey "$dk" >/dev/null
"$vinledger" --db b.db record manufacture --vin JTNHV05J0Z9000020 --as bmaker --key m.key --country JP \
  --make Toyota --model Crown --year 2024 --time 2024-01-01T00:00:00Z >/dev/null
for i in $(seq 1 19); do
  if ((i % 2)); then a=bmaker k=m.key b=bdealer; else a=bdealer k=d.key b=bmaker; fi
  "$vinledger" --db b.db record transfer --vin JTNHV05J0Z9000020 --as $a --key $k --from $a --to $b \
    --country JP --time "2024-01-$(printf %02d $((i + 1)))T00:00:00Z" >/dev/null
done
"$vinledger" --db b.db prove JTNHV05J0Z9000020 --out v2.json 2>/dev/null
python3 -c 'import json; b=json.load(open("v2.json")); del b["checkpoint"]; del b["index_proof"]; b["format"]="vinledger-bundle/v1"; json.dump(b, open("v1.json","w"), indent=2)'
log_key=$(python3 -c 'import json,sys; print([p["vkey"] for p in json.load(sys.stdin)["parties"] if p["id"]=="operator"][0])' \
  < <("$vinledger" --db b.db --json party list))
hyperfine -N --warmup 3 --runs 40 \
  "$vinledger verify-bundle v1.json --log-key $log_key --as-of 2025-01-01" \
  "$vinledger verify-bundle v2.json --log-key $log_key --as-of 2025-01-01"
