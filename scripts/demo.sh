#!/usr/bin/env bash
# The main job: installs what is missing, builds, then starts the reference JIT's transformer
# block (examples/transformer_block.jc) twice on the default cache directory ($JITCACHE_DIR,
# else ~/.cache/jitcache): cold, compiling every kernel with the system compiler, then warm in
# a fresh process that finds them all in the cache. Prints both start times and the ratio (a
# start is everything before the first call: `--repeat 0`), then runs the program once,
# checked against the interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
build_dir=${JITCACHE_BUILD_DIR:-build}
if [ -f "$build_dir/CMakeCache.txt" ]; then
  # An existing build keeps its options: switching its tests off would leave their binaries
  # behind, stale, for the next ctest.
  bash scripts/build.sh > /dev/null
else
  bash scripts/build.sh -DJITCACHE_BUILD_TESTS=OFF -DJITCACHE_BUILD_BENCHMARKS=OFF \
    -DJITCACHE_BUILD_FUZZERS=OFF > /dev/null
fi
jitcache=$build_dir/jitcache
program=examples/transformer_block.jc

step() { printf '\n== %s\n' "$*"; }
# A number from the "totals" object of `jitcache run --json`.
total() { sed -n "/\"totals\"/,\$ s/.*\"$2\": *\([0-9.e+-]*\).*/\1/p" <<< "$1" | head -n1; }

step "Cold: $program, every kernel compiled by $(c++ --version | head -n1)"
cold=$($jitcache run "$program" --repeat 0 --json)
if [ "$(total "$cold" compiles)" = 0 ]; then
  # An earlier demo already filled the default cache: show the cold cost without it.
  echo "(the default cache already holds this program; the cold run skips it with --no-cache)"
  cold=$($jitcache run "$program" --repeat 0 --no-cache --json)
fi
echo "compiled $(total "$cold" compiles) kernels; started in $(total "$cold" wall_ms) ms"

step "Warm: the same program in a new process"
warm=$($jitcache run "$program" --repeat 0 --json)
echo "compiled $(total "$warm" compiles) kernels; started in $(total "$warm" wall_ms) ms"

step "Run it once, checked against the interpreter"
$jitcache run "$program" --repeat 1 --check

step "Cold vs warm"
cold_ms=$(total "$cold" wall_ms)
warm_ms=$(total "$warm" wall_ms)
awk -v c="$cold_ms" -v w="$warm_ms" -v k="$(total "$warm" compiles)" 'BEGIN {
  printf "start: cold %.1f ms, warm %.1f ms (%d kernels compiled): warm is %.0fx faster\n", c, w, k, c / w }'

step "The cache now holds"
$jitcache stats
