#!/bin/sh
# Fails when the executable given would load the C++ runtime or fmt at start
# (cmake/JitcacheStaticRuntime.cmake links them in; a warm start that loads them takes 1.3 ms longer).
set -eu
executable=$1
needed=$(readelf --dynamic "$executable" | grep NEEDED) || {
  echo "cannot read the dynamic section of $executable" >&2
  exit 2
}
echo "$needed"
if echo "$needed" | grep -E 'libstdc\+\+|libgcc_s|libfmt'; then
  echo "$executable loads the libraries above at every start" >&2
  exit 1
fi
