#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang into build-sanitize/ and
# runs each for a bounded time on a copy of its seed corpus, so fixtures/ is
# never written. Fails if any target crashes, leaks, times out or breaks one
# of its properties; the input that did it is left in build-sanitize/artifacts/.
#
#   scripts/fuzz.sh            20 s per target (the CI bound)
#   scripts/fuzz.sh SECONDS    SECONDS per target
#   scripts/fuzz.sh long       4 hours per target, keeping the grown corpus
#                              in build-sanitize/corpus/ from one run to the next
#
# VINLEDGER_FUZZ_JOBS targets run at once (default: the number of cores).
# VINLEDGER_FUZZ_TARGETS="vin jsonl" runs only those.
set -euo pipefail
cd "$(dirname "$0")/.."

keep_corpus=false
case ${1:-20} in
  long) seconds=14400; keep_corpus=true ;;
  '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS|long]" >&2; exit 2 ;;
  *) seconds=$1 ;;
esac
jobs=${VINLEDGER_FUZZ_JOBS:-$(nproc)}

# The fuzz targets live in the sanitizer build (scripts/build.sh sanitize):
# clang, AddressSanitizer + UndefinedBehaviorSanitizer, coverage feedback.
build=build-sanitize
scripts/build.sh sanitize vinledger_fuzz_all

targets=()
if [[ -n ${VINLEDGER_FUZZ_TARGETS:-} ]]; then
  read -ra targets <<<"$VINLEDGER_FUZZ_TARGETS"
else
  for binary in "$build"/tests/fuzz/*_fuzz; do
    name=${binary##*/}
    targets+=("${name%_fuzz}")
  done
fi

mkdir -p "$build/logs" "$build/artifacts"
run_one() {
  local name=$1 corpus=$build/corpus/$1
  $keep_corpus || rm -rf "$corpus"
  mkdir -p "$corpus"
  # Seeds and past crashes (cp -n: a long run's grown corpus is kept).
  for dir in fixtures/fuzz/"$name" fixtures/fuzz/regressions/"$name"; do
    [[ -d $dir ]] && cp -n "$dir"/* "$corpus"/ 2>/dev/null || true
  done
  local status=0
  "$build/tests/fuzz/${name}_fuzz" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/${name}-" >"$build/logs/$name.log" 2>&1 || status=$?
  echo "$status" >"$build/logs/$name.status"
}

for name in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  echo "fuzzing $name for ${seconds}s" >&2
  rm -f "$build/logs/$name.status"
  run_one "$name" &
done
wait

failed=0
printf '%-16s %14s %8s  %s\n' target executions exec/s result
for name in "${targets[@]}"; do
  log=$build/logs/$name.log
  if [[ $(cat "$build/logs/$name.status" 2>/dev/null) == 0 ]]; then result=ok; else result="FAILED (see $log)"; failed=1; fi
  executions=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)
  per_second=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$log" | tail -1)
  printf '%-16s %14s %8s  %s\n' "$name" "${executions:-?}" "${per_second:-?}" "$result"
done
if ((failed)); then
  echo "a fuzz target failed; its input is in $build/artifacts/" >&2
  ls -1 "$build/artifacts" >&2 || true
fi
exit "$failed"
