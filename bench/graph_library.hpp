// The compiled library of the graph entry in a cache, for the physical-limit baselines: the
// loadable file the cache keeps beside the entry (a plain shared object), and its kernels'
// entry points.
#pragma once

#include "jit/codegen/codegen.hpp"
#include "storage/local/local_store.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace jitcache::bench {

struct GraphLibrary {
  std::filesystem::path path;
  std::vector<std::string> symbols;
};

inline std::optional<GraphLibrary>
find_graph_library(storage::local::LocalStore& store)
{
  std::optional<GraphLibrary> found;
  (void)store.for_each_key([&](const Key& key) {
    auto records = store.inspect(key);
    if (!records || records->empty() || records->front().entry.kind != "graph") {
      return true;
    }
    const auto& entry = records->front().entry;
    const auto* file = entry.find_blob("library_file");
    const auto* keys = entry.find_blob("kernels");
    if (!file || !keys) {
      return true;
    }
    auto file_key = Key::from_hex(file->data.view());
    if (!file_key) {
      return true;
    }
    GraphLibrary library{
      store.layout().root() / storage::local::Layout::relative_loadable_path(*file_key), {}};
    const auto text = keys->data.view();
    for (size_t at = 0; at + 64 <= text.size(); at += 65) {
      library.symbols.push_back(jit::kernel_symbol(text.substr(at, 64)));
    }
    found = std::move(library);
    return false;
  });
  return found;
}

} // namespace jitcache::bench
