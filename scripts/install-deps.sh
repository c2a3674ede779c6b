#!/usr/bin/env bash
# Installs the Debian 12 packages vinledger needs to build, test and run its
# demo, and only those that are missing. Uses sudo when not run as root.
set -euo pipefail

packages=(
  g++ make cmake                      # toolchain
  libsqlitecpp-dev libsqlite3-dev     # SQLiteCpp over the embedded SQLite
  libssl-dev                          # OpenSSL 3: SHA-256, Ed25519
  libcxxopts-dev nlohmann-json3-dev   # command line, JSON
  libhowardhinnant-date-dev tzdata    # IANA time zones (date/tz.h over /usr/share/zoneinfo)
  zlib1g-dev                          # gzip of entry bundles over HTTP
  libboost-dev                        # Boost.Beast/Asio: the HTTP server and client (headers only)
  curl                                # docs/api.md's examples run as a test
  openssl                             # the TLS tests make a throwaway CA
  catch2                              # unit and end-to-end tests (v2)
  sqlite3                             # the demo and tests edit a ledger by hand
  clang-16 libclang-rt-16-dev         # libFuzzer targets (scripts/fuzz.sh)
  hyperfine time bc                   # benchmarks (bench/*.sh): whole-process timings, peak memory, ratios
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  sudo=(sudo)
fi
echo "installing: ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
