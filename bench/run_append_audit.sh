#!/usr/bin/env bash
# Append and audit throughput against the physical limit, measured in the
# same run: OpenSSL's Ed25519 verify rate on every core.
#   bench/run_append_audit.sh [BUILD_DIR] [STATEMENTS ...]
# Needs /usr/bin/time (Debian package `time`) for peak memory.
set -euo pipefail
build=$(realpath "${1:-build}")
shift || true
sizes=("${@:-25000 50000 100000}")
read -r -a sizes <<<"${sizes[*]}"
vinledger=$build/cli/vinledger
generate=$build/bench/vinledger_bench_gen
work=$(mktemp -d "${TMPDIR:-/tmp}/vinledger-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
cores=$(nproc)

echo "machine: $cores cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/ {print $2}') GiB"
limit=$(openssl speed -seconds 5 -multi "$cores" ed25519 2>/dev/null | awk '/Ed25519/ {print $NF}' | tail -1)
echo "openssl speed -seconds 5 -multi $cores ed25519: $limit verifies/s"
echo
echo "| statements | append s | append/s | x limit | append peak RSS | audit s | audit/s | x limit | audit peak RSS |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for n in "${sizes[@]}"; do
  rm -f "$work"/l.db* "$work"/s.jsonl
  "$generate" "$work/l.db" "$work/s.jsonl" "$n"
  /usr/bin/time -f "%e %M" -o "$work/append.time" "$vinledger" --db "$work/l.db" append "$work/s.jsonl" 2>/dev/null
  /usr/bin/time -f "%e %M" -o "$work/audit.time" "$vinledger" --db "$work/l.db" audit >/dev/null 2>&1
  read -r append_s append_kb <"$work/append.time"
  read -r audit_s audit_kb <"$work/audit.time"
  awk -v n="$n" -v as="$append_s" -v ak="$append_kb" -v us="$audit_s" -v uk="$audit_kb" -v limit="$limit" 'BEGIN {
    size = n + 6  # the operator and five parties are entries too
    printf "| %d | %.2f | %.0f | %.2f | %.1f MiB | %.2f | %.0f | %.2f | %.1f MiB |\n",
      n, as, n / as, n / as / limit, ak / 1024, us, size / us, size / us / limit, uk / 1024 }'
done
