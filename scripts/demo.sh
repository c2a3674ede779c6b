#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build,
# and run the demo of the real case on the embedded SQLite ledger.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh normal >/dev/null
exec scripts/run-demo.sh build/cli/vinledger
