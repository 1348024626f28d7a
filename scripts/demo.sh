#!/usr/bin/env bash
# The main job: installs what is missing, builds, then shows the cache at work on the default
# cache directory ($JITCACHE_DIR, else ~/.cache/jitcache): a real shared object compiled by
# the system compiler is stored, found again, explained and verified through the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
bash scripts/build.sh -DJITCACHE_BUILD_TESTS=OFF -DJITCACHE_BUILD_BENCHMARKS=OFF \
  -DJITCACHE_BUILD_FUZZERS=OFF > /dev/null
jitcache=build/jitcache
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }

cat > "$work/kernel.cpp" <<'CPP'
extern "C" void saxpy(int n, float a, const float* x, float* y) {
  for (int i = 0; i < n; ++i) y[i] = a * x[i] + y[i];
}
CPP
flags="-O2 -fPIC -shared"

step "Compile a kernel with the system compiler ($(c++ --version | head -n1))"
start=$(date +%s%N)
# shellcheck disable=SC2086 # flags are words
c++ $flags "$work/kernel.cpp" -o "$work/kernel.so"
compile_ms=$((($(date +%s%N) - start) / 1000000))
echo "compiled in ${compile_ms} ms"

step "Store it under a key built from named components"
key=$($jitcache put --kind kernel --component source="$(cat "$work/kernel.cpp")" \
  --component flags="$flags" --component cxx="$(c++ --version | head -n1)" \
  --compile-ms "$compile_ms" "$work/kernel.so")
echo "key $key"

step "Look it up again (a hit), byte for byte the same"
start=$(date +%s%N)
$jitcache get "$key" -o "$work/from-cache.so"
echo "found in $((($(date +%s%N) - start) / 1000000)) ms (a whole CLI process)"
cmp "$work/kernel.so" "$work/from-cache.so" && echo "identical to the compiled file"

step "Compile with other flags, store, and explain why the keys differ"
# shellcheck disable=SC2086
c++ -O3 -fPIC -shared "$work/kernel.cpp" -o "$work/kernel-O3.so"
key_o3=$($jitcache put --kind kernel --component source="$(cat "$work/kernel.cpp")" \
  --component flags="-O3 -fPIC -shared" --component cxx="$(c++ --version | head -n1)" "$work/kernel-O3.so")
$jitcache explain "$key" "$key_o3"

step "What is stored"
$jitcache show "$key"

step "Every entry checks out"
$jitcache verify

step "Statistics"
$jitcache stats
