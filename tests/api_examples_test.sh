#!/usr/bin/env bash
# Runs every `sh` example of docs/api.md against a real `vinledger serve`
# on a fresh ledger and checks that each gets the status shown in the
# answer after it, so the examples stay true.
#   tests/api_examples_test.sh VINLEDGER SOURCE_DIR
set -euo pipefail
vinledger=$(realpath "$1")
doc=$(realpath "$2/docs/api.md")
work=$(mktemp -d "${TMPDIR:-/tmp}/vinledger-api-examples-XXXXXX")
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

"$vinledger" --db l.db init --origin api.vinledger.example >/dev/null 2>&1
"$vinledger" keygen --name toyota --out toyota.key >toyota.vkey 2>/dev/null
"$vinledger" --db l.db party add toyota --name "Toyota Motor Corporation" --country JP --roles manufacturer \
  --wmi JTJ --vkey "$(cat toyota.vkey)" 2>/dev/null
manufacture() {
  printf '{"type":"manufacture","vin":"%s","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":"LX 600","year":2023}\n' "$1"
}
export VIN=JTJHY7AX0N4000321 NEW_VIN=JTJHY7AX2N4000322
manufacture "$VIN" | "$vinledger" --db l.db sign --key toyota.key --link - | "$vinledger" --db l.db append - 2>/dev/null
manufacture "$NEW_VIN" | "$vinledger" --db l.db sign --key toyota.key --link - >statement.json
{ manufacture JTJHY7AX4N4000323; manufacture JTJHY7AX6N4000324; } |
  "$vinledger" --db l.db sign --key toyota.key --link - >batch.jsonl

"$vinledger" --db l.db serve --listen 127.0.0.1:0 >url 2>server.log &
server_pid=$!
for _ in $(seq 200); do [[ -s url ]] && break; sleep 0.05; done
[[ -s url ]] || { echo "the server did not start:"; cat server.log; exit 1; }
export SERVER=$(head -1 url)

# Each ```sh block, and the first line of the ```http block after it.
awk -v out="$work/example" '
  /^```sh$/ { capture = 1; block = ""; next }
  /^```http$/ { want = 1; next }
  /^```/ { if (capture) { capture = 0; pending = block } next }
  capture { block = block $0 "\n"; next }
  want { want = 0; if (pending != "") { printf "%s", pending > (out "." ++n ".sh"); print $0 > (out "." n ".status"); pending = "" } }
' "$doc"
examples=0
failed=0
count=$(ls "$work"/example.*.sh | wc -l)
for n in $(seq "$count"); do  # in the order of the document: a retry follows its first post
  example=$work/example.$n.sh
  expected=$(cat "${example%.sh}.status")
  [[ $expected =~ ^HTTP/1\.1\ [0-9]{3}\  ]] || { echo "example $n: no status line after it in docs/api.md"; failed=$((failed + 1)); }
  # The final status line (curl -i prints "100 Continue" first for large bodies).
  got=$(bash -euo pipefail "$example" | tr -d '\r' | grep -E '^HTTP/1\.1 [0-9]{3}' | grep -v '^HTTP/1.1 1[0-9][0-9] ' | head -1 || true)
  examples=$((examples + 1))
  if [[ $got != "$expected" ]]; then
    echo "example $(basename "$example"): expected '$expected', got '$got':"
    cat "$example"
    failed=$((failed + 1))
  fi
done
# Every sh block ran, each against a status (none dropped by the parsing above).
blocks=$(grep -c '^```sh$' "$doc")
echo "$examples examples run ($blocks in the document), $failed failed"
[[ $examples -gt 10 && $examples -eq $blocks && $failed -eq 0 ]]
