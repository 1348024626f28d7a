#!/bin/sh
# Fails when the executable given would load a shared library other than libc and libm at start
# (the dynamic loader, which runs every program and which libgcc's unwinder calls, is allowed)
# (cmake/JitcacheStaticRuntime.cmake links the C++ runtime and fmt in, src/util/xxh3.hpp
# compiles XXH3 in; each library loaded costs every warm start 0.1-1.3 ms).
set -eu
executable=$1
needed=$(readelf --dynamic "$executable" | grep NEEDED) || {
  echo "cannot read the dynamic section of $executable" >&2
  exit 2
}
echo "$needed"
others=$(echo "$needed" | grep -v -E '\[(libc\.so\.6|libm\.so\.6|ld-linux[-a-z0-9_]*\.so\.[0-9])\]$' || true)
if [ -n "$others" ]; then
  echo "$executable loads more than libc and libm at every start:" >&2
  echo "$others" >&2
  exit 1
fi
