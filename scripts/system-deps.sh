#!/usr/bin/env bash
# Debian packages the test suite uses: Chromium for browser journeys,
# PostgreSQL for the RelStorage test (tests/deployment), HAProxy and Varnish
# for `make cluster` and its test. Installs only what is missing.
set -euo pipefail
packages=(chromium fonts-dejavu-core postgresql haproxy varnish)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "Installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
