// The embedding API in one include: build a key, look it up, store what you compiled
// (examples/embed/embed_store.cpp is a complete program).
//
//   auto config = jitcache::load_config();         // an error names the bad setting
//   if (!config) { /* report config.error().message */ }
//   auto cache = jitcache::open_local_store(*config);
//   jitcache::KeyBuilder kb;
//   kb.add_string("source", source).add_string("flags", flags);
//   auto found = cache->get(kb.build(), "kernel");
//   const jitcache::Blob* object =
//     found && !found->empty() ? found->front().find_blob("object") : nullptr;
//   if (!object) { /* compile, then */ cache->put(entry); }
#pragma once

#include <jitcache/bytes.hpp>
#include <jitcache/config.hpp>
#include <jitcache/entry.hpp>
#include <jitcache/error.hpp>
#include <jitcache/key.hpp>
#include <jitcache/key_builder.hpp>
#include <jitcache/store.hpp>
#include <jitcache/version.hpp>

#include <memory>
#include <string_view>

namespace jitcache {

// The local directory store for `config`. It never fails: an unusable directory yields a
// store that misses and drops writes, after one warning that says why.
std::unique_ptr<Store> open_local_store(const Config& config);

} // namespace jitcache
