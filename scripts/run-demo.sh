#!/usr/bin/env bash
# The demo: the real case behind vinledger, on a fresh ledger in a temporary
# directory, with keys generated on the spot.
#   scripts/run-demo.sh PATH/TO/vinledger
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
vinledger=$(realpath "${1:?usage: scripts/run-demo.sh PATH/TO/vinledger}")
work=$(mktemp -d "${TMPDIR:-/tmp}/vinledger-demo-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export VINLEDGER_DB=$work/demo.db

step() { printf '\n==> %s\n' "$*"; }
lexus=JTJHY7AX0N4000321
land_cruiser=JTMHV05J804000777

step "A regulator creates the ledger; its operator key signs every party registration"
"$vinledger" init --origin demo.vinledger.example/vehicles 2>/dev/null | sed 's/^/operator verifier key: /'

step "Parties get their own keys and the operator registers them; each statement is signed by its own party"
"$here/scripts/load-scenario.sh" "$vinledger" "$VINLEDGER_DB" keys "$here/fixtures/scenarios/real-case"
"$here/scripts/load-scenario.sh" "$vinledger" "$VINLEDGER_DB" keys "$here/fixtures/scenarios/clean-export"
"$vinledger" party list | cut -c1-120

step "The Lexus: made in Japan, declared for Singapore, shipped to Chittagong"
"$vinledger" history "$lexus"

step "The Land Cruiser: exported to the UAE, imported and registered there"
"$vinledger" history "$land_cruiser"

# Prints a vehicle's verdict and the exit code a script would act on.
verdict() {
  set +e
  "$vinledger" verify "$1" 2>&1
  local status=$?
  set -e
  echo "verify exit code: $status (0: nothing found, 1: findings at or above medium)"
}

step "A customs officer verifies each vehicle: custody chain, declared route, embargoes"
verdict "$lexus"
verdict "$land_cruiser"

step "The Lexus leaves Chittagong on a feeder bound for Nampo, North Korea"
"$vinledger" keygen --name bay-feeder --out keys/bay-feeder.key >keys/bay-feeder.vkey
"$vinledger" party add bay-feeder --name "Bay of Bengal Feeder Lines Ltd." --country BD --roles carrier \
  --vkey "$(cat keys/bay-feeder.vkey)" 2>/dev/null
"$vinledger" record ship --vin "$lexus" --as bay-feeder --key keys/bay-feeder.key --time 2023-06-19T03:00:00Z \
  --from_port BDCGP --to_port KPNAM --vessel "MV Sea Lantern" --doc BL-CGPNAM-0412
verdict "$lexus"
# The demo doubles as a test: the verdicts above must be the real ones.
[[ $("$vinledger" --json verify "$lexus" || true) == *'"code":"EMBARGOED_DESTINATION"'* ]] || { echo "demo: no embargo finding" >&2; exit 1; }
"$vinledger" verify "$land_cruiser" >/dev/null 2>&1 || { echo "demo: the clean vehicle was not clear" >&2; exit 1; }

step "An auditor checks the whole ledger: hashes, both chains, every signature"
"$vinledger" audit 2>&1

step "An insider edits the ledger through sqlite3 to hide the Lexus's real route (BDCGP -> SGSIN)"
cp demo.db tampered.db
sqlite3 tampered.db "DROP TRIGGER entries_no_update;
  UPDATE entries SET leaf = CAST(replace(CAST(leaf AS TEXT), '\"to_port\":\"BDCGP\"', '\"to_port\":\"SGSIN\"') AS BLOB)
  WHERE chain = '$lexus' AND type = 'ship';"
set +e
"$vinledger" --db tampered.db audit 2>&1
status=$?
set -e
echo "audit exit code: $status (1: integrity findings)"
[[ $status -eq 1 ]]
