#!/usr/bin/env bash
# Regenerates cmake/warm_path.order: the functions of the jitcache command that a warm
# `jitcache run` executes, which the linker places side by side (cmake/JitcacheWarmPathOrder.cmake).
# The start of a warm run comes first (what `--repeat 0` executes), then what a start from a
# bundle into an empty cache directory adds, then what running the program adds. Run it after
# a build when the warm path changed much; needs valgrind.
# Usage: scripts/order-warm-path.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
cli=$(realpath "${1:-build}/jitcache")
command -v valgrind > /dev/null || { echo "error: needs valgrind (apt install valgrind)" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Prints the functions of $cli that one warm run executes, by their symbol names: from the
# local cache, or with --bundle from a bundle of the program into a new, empty cache directory.
functions_executed() {
  local program=$1
  shift
  "$cli" run "examples/$program.jc" --cache-dir "$scratch/cache" > /dev/null # fills the cache
  local cache="$scratch/cache" args=("$@")
  if [[ ${1:-} == --bundle ]]; then
    "$cli" bundle create -o "$scratch/$program.jcb" --cache-dir "$scratch/cache" \
      --from-run "examples/$program.jc" > /dev/null
    rm -rf "$scratch/empty"
    cache="$scratch/empty"
    args=(--bundle "$scratch/$program.jcb" "${@:2}")
  fi
  JITCACHE_LOG=error valgrind --tool=callgrind --demangle=no --compress-strings=no \
    --callgrind-out-file="$scratch/callgrind.out" \
    "$cli" run "examples/$program.jc" --cache-dir "$cache" "${args[@]}" > /dev/null 2>&1
  # "ob=" names the object of the "fn=" lines that follow; "cob="/"cfn=" lines name callees.
  awk -v cli="$cli" '/^ob=/ { object = substr($0, 4) }
                     /^fn=/ && object == cli { print substr($0, 4) }' "$scratch/callgrind.out"
}

# The functions warm runs of both programs execute (with these options), sorted so that a list
# made again differs only where the warm path changed.
functions_of_warm_runs() {
  for program in transformer_block deep_mlp; do
    functions_executed $program "$@"
  done | grep -v -e '^0x' -e ' ' | # addresses, callgrind's "(below main)"
    sed "s/'[0-9]*\$//" | LC_ALL=C sort -u # "f'2": f called from itself
}

# Valgrind has no AVX-512, so under it the checksums take their AVX2 variant: list the AVX-512
# variant beside it, for the machines that run that one (src/util/xxh3_wide.hpp).
with_avx512_variants() {
  perl -ne 'print; print $1, $2 + 2, $3, "512", $4, "\n" if /^(_ZN8jitcache4util)(\d+)(\w*_avx)2(E.*)$/'
}

start=$(functions_of_warm_runs --repeat 0)
bundle_start=$(functions_of_warm_runs --bundle --repeat 0)
whole_run=$(functions_of_warm_runs)
{
  echo "$start"
  LC_ALL=C comm -13 <(echo "$start") <(echo "$bundle_start")
  LC_ALL=C comm -13 <(printf '%s\n%s\n' "$start" "$bundle_start" | LC_ALL=C sort -u) \
    <(echo "$whole_run")
} | with_avx512_variants > cmake/warm_path.order
echo "cmake/warm_path.order: $(wc -l < cmake/warm_path.order) functions"
