#!/usr/bin/env bash
# Installs the Debian 12 packages jitcache needs, only those missing. Safe to run again.
# Usage: scripts/install-deps.sh [build|test]   (test adds what the test suite needs)
set -euo pipefail

profile=${1:-build}
packages=(
  build-essential cmake pkg-config
  lld # links the jitcache command with its warm start's code together (cmake/JitcacheWarmPathOrder.cmake)
  libsodium-dev libxxhash-dev libzstd-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libhiredis-dev # the Redis remote tier (linked from its static archive)
  libcurl4-openssl-dev # the HTTP remote tier (its headers; libcurl.so.4 is loaded only when used)
)
if [[ $profile == test ]]; then
  packages+=(
    googletest libgtest-dev libgmock-dev libbenchmark-dev
    clang-16 libclang-rt-16-dev clang-format-16 clang-tidy-16
    ccache # the benchmark that compares warm starts with ccache
    redis-server redis-tools nginx-light # the remote tiers' tests start their own servers
  )
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "Installing: ${missing[*]}"
run_as_root=()
if [[ $(id -u) != 0 ]]; then
  command -v sudo > /dev/null || { echo "error: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
  run_as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${run_as_root[@]}" apt-get update -qq
"${run_as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" < /dev/null
