#!/usr/bin/env bash
# Installs jitcache from a build tree into a temporary prefix, then builds and runs a tiny
# consumer against it twice: with find_package(jitcache) and with pkg-config.
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
test -x "$work/prefix/bin/jitcache"
test -f "$work/prefix/include/jitcache/jitcache.hpp"

cmake -S "$source_dir/tests/install/consumer" -B "$work/cmake-build" \
  -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/configure.log"
cmake --build "$work/cmake-build" > "$work/build.log"
"$work/cmake-build/consumer" "$work/cache-cmake"

libdir=$(find "$work/prefix" -name jitcache.pc -printf '%h\n')
export PKG_CONFIG_PATH="$libdir"
# shellcheck disable=SC2046 # word splitting of the flags is intended
g++ -std=c++23 "$source_dir/tests/install/consumer/consumer.cpp" -o "$work/consumer-pc" \
  $(pkg-config --cflags --libs --static jitcache)
"$work/consumer-pc" "$work/cache-pc"

"$work/prefix/bin/jitcache" --cache-dir "$work/cache-pc" stats | grep -q "Writes              1"
echo "install check passed"
