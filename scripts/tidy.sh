#!/usr/bin/env bash
# Runs clang-tidy-16 over the library and CLI sources, using build/compile_commands.json.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${JITCACHE_BUILD_DIR:-build}
test -f "$build_dir/compile_commands.json" || bash scripts/build.sh > /dev/null
mapfile -t files < <(git ls-files --cached --others --exclude-standard 'src/*.cpp' 'tools/*.cpp')
# clang 16 implements what libstdc++ 12's <expected> checks __cpp_concepts for, but reports
# an older value; see tests/fuzz/CMakeLists.txt.
# Files are checked in parallel, one per process so that no batch runs on alone at the end;
# any warning fails the run.
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 1 \
  clang-tidy-16 -p "$build_dir" --quiet --extra-arg=-std=c++2b --extra-arg=-Wno-builtin-macro-redefined \
  --extra-arg=-U__cpp_concepts --extra-arg=-D__cpp_concepts=202002L
