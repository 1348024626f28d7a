#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds everything (library, CLI, tests,
# benchmarks, the fuzz target), then runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
bash scripts/build.sh -DJITCACHE_BUILD_TESTS=ON -DJITCACHE_BUILD_BENCHMARKS=ON -DJITCACHE_BUILD_FUZZERS=ON
cd "${JITCACHE_BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" --timeout 900
