// The runtime's entries in the persistent cache: how a prepared graph and a compiled kernel
// are laid out as an Entry, and read back (docs/formats.md, "Artifact kinds of the
// reference JIT").
//
//   kind "graph"   key: the graph key (runtime.hpp). Blobs:
//                    plan          the launch plan (Plan::to_text)
//                    kernels       the kernel keys in the plan's order, one hex key per line
//                    library_file  the hex key of the graph's library, a loadable file of the
//                                  local store; or
//                    library       the library's bytes (when the store cannot keep the file)
//                  A graph without kernels has neither library blob.
//   kind "kernel"  key: the kernel key. Blobs: object (the object file) and source.cpp (the
//                  generated source, for `jitcache show`).
#pragma once

#include "jit/build/kernel_build.hpp"
#include "jit/plan/plan.hpp"

#include <jitcache/bytes.hpp>
#include <jitcache/entry.hpp>
#include <jitcache/error.hpp>
#include <jitcache/key.hpp>
#include <jitcache/key_builder.hpp>
#include <jitcache/store.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace jitcache::jit {

inline constexpr std::string_view k_graph_kind = "graph";
inline constexpr std::string_view k_kernel_kind = "kernel";

// A graph entry, read and checked.
struct StoredGraph {
  Plan plan;
  std::vector<Key> kernel_keys;
  std::optional<Key> library_file; // set: the library is this loadable file of the local store
  Bytes library;                   // else its bytes (empty for a graph without kernels)
};

// Reads a graph entry; an error names what is missing or malformed.
Expected<StoredGraph> read_graph_entry(const Entry& entry);

// A graph entry for `key`; `library` is its library_file or library blob (none without
// kernels). `compile_ms` is the wait a hit saves: planning, compiling and linking.
Entry make_graph_entry(const KeyBuilder& builder, const Key& key, std::string_view plan_text,
                       const std::vector<Key>& kernel_keys, std::optional<Blob> library,
                       uint64_t compile_ms);

// A kernel entry for a kernel compiled under `key`.
Entry make_kernel_entry(const KeyBuilder& builder, const Key& key, const CompiledKernel& kernel);

// The object file of the first variant of a kernel lookup's result, or null on a miss.
const Blob* kernel_object(const Expected<Found>& found);
const Blob* kernel_object(const Found& found);

// Sets who made `entry` and when ("jitcache 0.1.0", now).
void stamp(Entry& entry);

} // namespace jitcache::jit
