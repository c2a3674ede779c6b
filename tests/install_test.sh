#!/usr/bin/env bash
# `cmake --install` puts the binary and its reference data where the binary
# finds them: an installed vinledger reads the installed data, not the
# source tree's (the installed copy is marked, and the output must show it).
#   tests/install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/vinledger-install-XXXXXX")
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
vinledger=$work/prefix/bin/vinledger
[[ -x $vinledger && -f $work/prefix/share/vinledger/rules.json ]]
sed -i "s/^SG,SGP,702,Singapore,Singapore,Singapore,/SG,SGP,702,Singapore,Singapore,Singapore-as-installed,/" "$work/prefix/share/vinledger/countries.csv"
grep -q Singapore-as-installed "$work/prefix/share/vinledger/countries.csv"

export VINLEDGER_DB=$work/l.db
unset VINLEDGER_DATA_DIR
"$vinledger" init --origin install.test >/dev/null 2>&1
"$source/scripts/load-scenario.sh" "$vinledger" "$VINLEDGER_DB" "$work/keys" "$source/fixtures/scenarios/real-case" >/dev/null 2>&1
output=$("$vinledger" verify JTJHY7AX0N4000321 2>&1 || true)
if [[ $output != *Singapore-as-installed* ]]; then
  echo "the installed vinledger did not read its installed data:" >&2
  echo "$output" >&2
  exit 1
fi
echo "installed binary reads $work/prefix/share/vinledger"
