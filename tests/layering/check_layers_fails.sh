#!/usr/bin/env bash
# The layering check fails for the right reasons: on a small tree drawn with this repository's
# docs/architecture.md, an include from a layer above, one from a folder beside, and a file
# outside every listed folder are each reported, and the same tree without them passes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repository=$(cd "$here/../.." && pwd)
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/docs" "$tree/src/util" "$tree/src/core" "$tree/src/storage" "$tree/src/guards" \
  "$tree/src/jit/ir" "$tree/tools/jitcache" "$tree/include/jitcache"
cp "$repository/docs/architecture.md" "$tree/docs/"
printf '#include <jitcache/error.hpp>\n' > "$tree/src/util/files.hpp"
printf '#include "util/files.hpp"\n#include <jitcache/key.hpp>\n' > "$tree/src/core/key.cpp"
printf '#pragma once\n' > "$tree/include/jitcache/error.hpp"
printf '#include <jitcache/error.hpp>\n' > "$tree/include/jitcache/key.hpp"
printf '#include "core/key.cpp"\n' > "$tree/src/guards/guard.hpp"
printf '#include "helper.hpp"\n#include "jit/ir/graph.hpp"\n' > "$tree/tools/jitcache/main.cpp"
printf '#pragma once\n' > "$tree/tools/jitcache/helper.hpp"
printf '#pragma once\n' > "$tree/src/jit/ir/graph.hpp"

expect() { # DESCRIPTION EXPECTED_STATUS EXPECTED_TEXT
  local output status=0
  output=$(bash "$here/check_layers.sh" "$tree" 2>&1) || status=$?
  if [[ $status != "$2" || $output != *"$3"* ]]; then
    echo "$1: expected status $2 and \"$3\", got status $status:" >&2
    echo "$output" >&2
    exit 1
  fi
}

expect "a clean tree" 0 "files follow the layers"
printf '#include "core/key.cpp"\n' >> "$tree/src/util/files.hpp"
expect "an upward include" 1 \
  "src/util/files.hpp:2: includes core/key.cpp (core), which is above its own layer (util)"
printf '#include <jitcache/error.hpp>\n' > "$tree/src/util/files.hpp"
printf '#include "guards/guard.hpp"\n' > "$tree/src/storage/tier.cpp"
expect "an include beside" 1 \
  "src/storage/tier.cpp:1: includes guards/guard.hpp (guards), which is beside its own layer (storage)"
rm "$tree/src/storage/tier.cpp"
printf '#include <jitcache/jit/tensor.hpp>\n' > "$tree/src/core/config.cpp"
expect "a public header above" 1 "src/core/config.cpp:1: includes jitcache/jit/tensor.hpp (jit/ir)"
rm "$tree/src/core/config.cpp"
printf '#pragma once\n' > "$tree/src/jit/loose.hpp"
expect "a file outside every folder" 1 "src/jit/loose.hpp: belongs to no layer"
rm "$tree/src/jit/loose.hpp"
expect "the clean tree again" 0 "files follow the layers"
echo "the layering check reports an include from above, one from beside and a file outside every layer"
