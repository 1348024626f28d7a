#!/usr/bin/env bash
# Fails when a file includes from a layer above its own. The layers are the ```layers block of
# docs/architecture.md, highest first: one line per layer, the folders of src/ (`tools` is the
# command), each followed in [brackets] by the public headers of include/jitcache/ it defines.
# A file may include its own folder and any layer below its own; folders on one line may not
# include each other. Every checked file (src/, tools/jitcache/, include/jitcache/) and every
# header it includes must belong to a listed layer, so a new folder or header has to be
# placed in the picture before it builds a green suite.
# Usage: check_layers.sh [ROOT]   (default: the repository this script lies in)
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"

# "PATH FOLDER RANK" lines: a folder as "src/<folder>/" (the command: "tools/jitcache/"), a
# public header as "include/jitcache/<header>" with the folder it belongs to; the bottom line
# has rank 1.
layers=$(awk '
  /^```layers[ \t]*$/ { inside = 1; next }
  inside && /^```/ { inside = 0; next }
  inside && NF > 0 { lines[++count] = $0 }
  END {
    if (count == 0) { print "docs/architecture.md has no ```layers block" > "/dev/stderr"; exit 1 }
    for (i = 1; i <= count; ++i) {
      line = lines[i]
      gsub(/[\[\]]/, " & ", line)
      n = split(line, words, /[ \t]+/)
      in_brackets = 0
      for (w = 1; w <= n; ++w) {
        if (words[w] == "[") { in_brackets = 1; continue }
        if (words[w] == "]") { in_brackets = 0; continue }
        if (words[w] == "") continue
        if (in_brackets) {
          print "include/jitcache/" words[w], folder, count - i + 1
        } else {
          folder = words[w] == "tools" ? "tools/jitcache/" : "src/" words[w] "/"
          print folder, folder, count - i + 1
        }
      }
    }
  }' docs/architecture.md)

mapfile -t files < <(find src tools/jitcache include/jitcache -type f \( -name '*.cpp' -o -name '*.hpp' \) | LC_ALL=C sort)

# Prints "file:line: message" for each include that breaks the layering.
if ! awk -v layer_text="$layers" -v file_text="$(printf '%s\n' "${files[@]}")" '
  # The folder `path` belongs to ("" if none): the longest listed prefix, or its header entry.
  function folder_of(path,    name, best) {
    if (path in header_folder) return header_folder[path]
    best = ""
    for (name in rank_of) {
      if (substr(path, 1, length(name)) == name && length(name) > length(best)) best = name
    }
    return best
  }
  function shown(folder) {
    sub(/^src\//, "", folder)
    return substr(folder, 1, length(folder) - 1)
  }
  BEGIN {
    n = split(layer_text, entries, "\n")
    for (i = 1; i <= n; ++i) {
      split(entries[i], parts, " ")
      if (parts[1] == parts[2]) rank_of[parts[1]] = parts[3]
      else header_folder[parts[1]] = parts[2]
    }
    n = split(file_text, names, "\n")
    for (i = 1; i <= n; ++i) known[names[i]] = 1
    failed = 0
  }
  FNR == 1 {
    own = folder_of(FILENAME)
    if (own == "") {
      printf "%s: belongs to no layer of docs/architecture.md\n", FILENAME
      failed = 1
    }
  }
  own != "" && /^[ \t]*#[ \t]*include[ \t]*["<]/ {
    target = $0
    sub(/^[ \t]*#[ \t]*include[ \t]*/, "", target)
    quote = substr(target, 1, 1)
    target = substr(target, 2)
    sub(/[">].*$/, "", target)
    if (target ~ /^jitcache\//) {
      path = "include/" target
    } else if (quote == "\"") {
      # beside the including file (as the compiler looks first), else under src/
      path = FILENAME
      sub(/[^\/]*$/, "", path)
      path = path target
      if (!(path in known)) path = "src/" target
    } else {
      next # a system or library header
    }
    theirs = folder_of(path)
    if (theirs == "") {
      printf "%s:%d: includes %s, which belongs to no layer of docs/architecture.md\n",
             FILENAME, FNR, target
      failed = 1
    } else if (theirs != own && rank_of[theirs] >= rank_of[own]) {
      printf "%s:%d: includes %s (%s), which is %s its own layer (%s)\n", FILENAME, FNR, target,
             shown(theirs), (rank_of[theirs] > rank_of[own] ? "above" : "beside"), shown(own)
      failed = 1
    }
  }
  END { exit failed }
' "${files[@]}"; then
  echo "The layers are drawn in docs/architecture.md: move the code down, or the include out." >&2
  exit 1
fi
echo "${#files[@]} files follow the layers of docs/architecture.md"
