#!/usr/bin/env bash
# Runs clang-tidy-16 over the library and CLI sources, using build/compile_commands.json.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${JITCACHE_BUILD_DIR:-build}
test -f "$build_dir/compile_commands.json" || bash scripts/build.sh > /dev/null
mapfile -t files < <(git ls-files --cached --others --exclude-standard 'src/*.cpp')
# The command's files are checked as the one translation unit they are compiled as (CMake's
# unity source, which includes each): checked one by one, each would parse CLI11 and
# nlohmann/json again, and the 19 of them took half of the whole run.
mapfile -t joined < <(grep -o '"file": "[^"]*/jitcache_cli.dir/Unity/[^"]*"' \
  "$build_dir/compile_commands.json" | sed 's/^"file": "//; s/"$//')
if [[ ${#joined[@]} -eq 0 ]]; then
  echo "tidy.sh: no unity source of the jitcache command in $build_dir/compile_commands.json" >&2
  exit 1
fi
export build_dir
tidy_one() {
  local extra=()
  if [[ $1 == */Unity/* ]]; then
    extra=(--checks=-bugprone-suspicious-include) # it includes the .cpp files it joins
  fi
  # clang 16 implements what libstdc++ 12's <expected> checks __cpp_concepts for, but reports
  # an older value; see tests/fuzz/CMakeLists.txt.
  clang-tidy-16 -p "$build_dir" --quiet "${extra[@]}" --extra-arg=-std=c++2b \
    --extra-arg=-Wno-builtin-macro-redefined --extra-arg=-U__cpp_concepts \
    --extra-arg=-D__cpp_concepts=202002L "$1"
}
export -f tidy_one
# Files are checked in parallel, one per process so that no batch runs on alone at the end,
# the longest (the command's) first; any warning fails the run.
printf '%s\n' "${joined[@]}" "${files[@]}" | xargs -P "$(nproc)" -n 1 bash -c 'tidy_one "$1"' _
