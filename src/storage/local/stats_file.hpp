// A shard's stats file, read and changed under an exclusive flock on the file itself.
// The counters are hints: a damaged file reads as empty (after a warning) and `recount`
// rebuilds the content counters from the entry files.
#pragma once

#include "core/counters.hpp"

#include <jitcache/error.hpp>

#include <filesystem>
#include <functional>

namespace jitcache::storage::local {

Expected<core::Counters> read_stats_file(const std::filesystem::path& path);

// Locks the file, lets `change` edit its counters, writes them back; returns the new values.
Expected<core::Counters> update_stats_file(const std::filesystem::path& path,
                                           const std::function<void(core::Counters&)>& change);

} // namespace jitcache::storage::local
