#!/usr/bin/env bash
# Loads a scenario from fixtures/scenarios/ into an existing ledger, the way
# real parties would: each party gets a key generated on the spot and is
# registered by the operator; each statement is signed by its own actor's
# key (`vinledger sign --link`) and appended.
#
#   scripts/load-scenario.sh VINLEDGER DB KEY_DIR SCENARIO_DIR [OPERATOR_KEY]
#
# Scenario files hold one JSON object per line (our own fixture format):
# parties.jsonl ({"id","name","country","roles",["wmi"]}) and statements.jsonl
# (unsigned statements; "actor" names the party whose key signs).
set -euo pipefail

vinledger=$1 db=$2 keys=$3 scenario=$4
operator_key=${5:-"${db%.*}.operator.key"}
mkdir -p "$keys"
chmod 700 "$keys"

field() {  # field NAME JSON-LINE: the value of a top-level string field
  sed -nE "s/.*\"$1\": *\"([^\"]*)\".*/\1/p" <<<"$2"
}

while IFS= read -r party || [[ -n $party ]]; do
  [[ -z $party ]] && continue
  id=$(field id "$party")
  if "$vinledger" --db "$db" --json party list | grep -q "\"id\":\"$id\""; then
    continue  # already registered by an earlier scenario
  fi
  [[ -f $keys/$id.key ]] || "$vinledger" keygen --name "$id" --out "$keys/$id.key" >"$keys/$id.vkey"
  vkey=$(cat "$keys/$id.vkey")
  printf '%s\n' "${party%\}},\"type\":\"party\",\"actor\":\"$("$vinledger" --db "$db" --json party list |
    sed -nE 's/.*"id":"([^"]*)","key_seq":0.*/\1/p')\",\"vkey\":\"$vkey\"}" |
    "$vinledger" --db "$db" sign --key "$operator_key" --link - |
    "$vinledger" --db "$db" append - 2>/dev/null
done <"$scenario/parties.jsonl"

while IFS= read -r statement || [[ -n $statement ]]; do
  [[ -z $statement ]] && continue
  actor=$(field actor "$statement")
  printf '%s\n' "$statement" |
    "$vinledger" --db "$db" sign --key "$keys/$actor.key" --link --unregistered - |
    "$vinledger" --db "$db" append - 2>/dev/null
done <"$scenario/statements.jsonl"
