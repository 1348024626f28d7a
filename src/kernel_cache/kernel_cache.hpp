// KernelCache: level 1, the kernel cache: the compiled code of the whole process, found in two
// steps as PyTorch's fused-kernel cache finds it. A structural key (the normalized graph: no
// names, no sizes) leads to a spec, the client's description of that structure; per spec, an
// argument spec (the words the compiled code was specialized on: dtypes, sizes, contiguity,
// alignment bits, as the client chooses) leads to the compiled kernel. Specs and kernels are
// the client's payloads, opaque here; the reference JIT's kernel is a whole prepared graph
// (jit/runtime/runtime.hpp).
//
//   store_spec / lookup_spec / retrieve   structural key <-> spec id <-> the client's spec
//   lookup / store                        (spec id, argument spec) -> compiled kernel
//   get_or_compile                        the same with single flight: threads asking for
//                                         one kernel at once compile it once, the rest wait
//   count                                 specs and kernels held
// Bounded: beyond `capacity` kernels the least recently used is dropped (a spec stays; it is
// small). The cache is split into shards by key, each with its own mutex, so threads that
// look up different kernels rarely meet.
#pragma once

#include "kernel_cache/structural_key.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace jitcache::kernel_cache {

using SpecId = uint64_t;

struct ArgSpec {
  std::vector<uint64_t> words;
  bool operator==(const ArgSpec&) const = default;
};

struct KernelCacheCounts {
  size_t specs = 0;
  size_t kernels = 0;
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;
  uint64_t waits = 0; // lookups that waited for another thread's compile
};

class KernelCache {
public:
  using Payload = std::shared_ptr<const void>;

  explicit KernelCache(size_t capacity);
  ~KernelCache();
  KernelCache(const KernelCache&) = delete;
  KernelCache& operator=(const KernelCache&) = delete;

  SpecId store_spec(const StructuralKey& key, Payload spec); // an existing id if known
  std::optional<SpecId> lookup_spec(const StructuralKey& key) const;
  Payload retrieve(SpecId id) const; // the spec, or null

  Payload lookup(SpecId spec, const ArgSpec& args);
  void store(SpecId spec, const ArgSpec& args, Payload kernel);
  // The kernel for (spec, args): cached, or compiled by `compile` in this thread, or by
  // another thread compiling it right now (this one waits). A null result is not cached.
  Payload get_or_compile(SpecId spec, const ArgSpec& args, const std::function<Payload()>& compile);

  KernelCacheCounts count() const;

private:
  struct Shard;
  Shard& shard_of(uint64_t hash) const;

  std::vector<std::unique_ptr<Shard>> m_shards;
};

} // namespace jitcache::kernel_cache
