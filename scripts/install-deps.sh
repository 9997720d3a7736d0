#!/usr/bin/env bash
# Installs the Debian 12 packages Terrane needs to build, run and test, skipping what is
# already installed. Only versioned Boost 1.81 packages: an unversioned libboost-*-dev would
# replace them with 1.74.
set -euo pipefail

packages=(
  build-essential cmake git ca-certificates pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libabsl-dev libsqlite3-dev libssl-dev libpq-dev libcli11-dev libspdlog-dev libfmt-dev
  libyaml-cpp-dev
  libgtest-dev python3 curl wrk
  chromium
)
# The console's browser tests run on Node.js 18 or newer with npm: Debian's, unless a `node`
# is already installed (it is kept, not replaced by Debian's older one).
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "installing Debian packages: ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
