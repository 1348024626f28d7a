#!/usr/bin/env bash
# Formats every C++ file with clang-format-16; with --check, fails (and lists them) if any
# file is not formatted.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp')
if [[ ${1:-} == --check ]]; then
  clang-format-16 --dry-run --Werror "${files[@]}"
else
  clang-format-16 -i "${files[@]}"
fi
