#!/usr/bin/env bash
# The main job: installs what is missing, builds, then starts the reference JIT's transformer
# block (examples/transformer_block.jc) twice on the default cache directory ($JITCACHE_DIR,
# else ~/.cache/jitcache): cold, compiling every kernel with the system compiler, then warm in
# a fresh process that finds them all in the cache. Prints both start times and the ratio (a
# start is a whole process up to the first call: `--repeat 0`), then runs the program once,
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
report=$(mktemp)
trap 'rm -f "$report"' EXIT
# Starts the program once in a new process with these options (a failure ends the demo) and
# sets "$started" to "PROCESS_MS WALL_MS COMPILES": the whole process as a user waits for it
# (from this shell's fork to exit), the part after the process had started (wall_ms of
# `--json`), and the kernels it compiled.
start_once() {
  local begin=$EPOCHREALTIME
  "$jitcache" run "$program" --repeat 0 --json "$@" > "$report"
  local end=$EPOCHREALTIME
  local totals # the report's "totals" object
  totals=$(sed -n '/"totals"/,$p' "$report")
  started=$(awk -v b="$begin" -v e="$end" \
    -v w="$(sed -n 's/.*"wall_ms": *\([0-9.e+-]*\).*/\1/p' <<< "$totals" | head -n1)" \
    -v k="$(sed -n 's/.*"compiles": *\([0-9]*\).*/\1/p' <<< "$totals" | head -n1)" \
    'BEGIN { printf "%.1f %.1f %d\n", (e - b) * 1000, w, k }')
}
describe() { # PROCESS_MS WALL_MS COMPILES
  echo "compiled $3 kernels; the process took $1 ms ($2 ms of it after it had started)"
}

step "Cold: $program, every kernel compiled by $(c++ --version | head -n1)"
start_once
read -r cold_ms cold_wall_ms cold_compiles <<< "$started"
if [ "$cold_compiles" = 0 ]; then
  # An earlier demo already filled the default cache: show the cold cost without it.
  echo "(the default cache already holds this program; the cold run skips it with --no-cache)"
  start_once --no-cache
  read -r cold_ms cold_wall_ms cold_compiles <<< "$started"
fi
describe "$cold_ms" "$cold_wall_ms" "$cold_compiles"

step "Warm: the same program in a new process (the median of 5, one after another)"
warm_starts=()
for _ in 1 2 3 4 5; do
  start_once
  warm_starts+=("$started")
done
read -r warm_ms warm_wall_ms warm_compiles < <(printf '%s\n' "${warm_starts[@]}" | sort -n | sed -n 3p)
describe "$warm_ms" "$warm_wall_ms" "$warm_compiles"

step "Run it once, checked against the interpreter"
$jitcache run "$program" --repeat 1 --check

step "Cold vs warm"
awk -v c="$cold_ms" -v w="$warm_ms" -v k="$warm_compiles" 'BEGIN {
  printf "start: cold %.1f ms, warm %.1f ms (%d kernels compiled): warm is %.0fx faster\n", c, w, k, c / w }'

step "The cache now holds"
$jitcache stats
