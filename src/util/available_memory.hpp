// How much memory this process can still fill before the kernel's OOM killer ends it.
#pragma once

#include <cstdint>
#include <optional>

namespace jitcache::util {

// MemAvailable plus free swap from /proc/meminfo, lowered to what is left under the process's
// memory cgroup limit (v2 memory.max, v1 memory.limit_in_bytes) when it has one. Empty when
// /proc/meminfo cannot be read. An estimate: it guards against allocations that cannot fit,
// which Linux grants anyway (overcommit) and then answers with the OOM killer.
std::optional<uint64_t> available_memory();

} // namespace jitcache::util
