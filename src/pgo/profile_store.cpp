#include "pgo/profile_store.hpp"

#include "util/clock.hpp"
#include "util/log.hpp"

#include <jitcache/version.hpp>

#include <fmt/format.h>

namespace jitcache::pgo {

namespace {

std::optional<Profile>
profile_of(const Entry& entry)
{
  const Blob* blob = entry.find_blob("profile");
  if (blob == nullptr) {
    return std::nullopt;
  }
  auto profile =
    Profile::parse({reinterpret_cast<const char*>(blob->data.data()), blob->data.size()});
  if (!profile) {
    util::warn_once("pgo-parse", fmt::format("jitcache: ignoring profile {}: {}",
                                             entry.key.to_hex(), profile.error().message));
    return std::nullopt;
  }
  return std::move(*profile);
}

} // namespace

std::optional<Profile>
ProfileStore::load(std::string_view function, std::string_view graph)
{
  auto entries = m_store.get(profile_key(function, graph).build(), k_profile_kind);
  if (!entries || entries->empty() || entries->front().kind != k_profile_kind) {
    return std::nullopt;
  }
  auto profile = profile_of(entries->front());
  if (profile && (profile->function != function || profile->graph != graph)) {
    return std::nullopt;
  }
  return profile;
}

Expected<void>
ProfileStore::save(const Profile& profile)
{
  Profile merged = profile;
  if (auto stored = load(profile.function, profile.graph)) {
    merged = *stored;
    if (!merged.dynamic.merge(profile.dynamic)) {
      return {}; // nothing new
    }
  }
  const auto builder = profile_key(profile.function, profile.graph);
  Entry entry;
  entry.kind = std::string(k_profile_kind);
  entry.key = builder.build();
  entry.details = builder.details();
  entry.blobs = {Blob{"profile", Bytes::copy_of(merged.to_text())}};
  entry.created_ms = util::now_ms();
  entry.producer = fmt::format("jitcache {}", version());
  return m_store.put(entry);
}

Expected<std::vector<std::pair<Key, Profile>>>
ProfileStore::stored(std::string_view function)
{
  std::vector<std::pair<Key, Profile>> found;
  // inspect(), not get(): listing is not a lookup and must not count hits or misses.
  auto visited = m_store.local().for_each_key([&](const Key& key) {
    auto records = m_store.local().inspect(key);
    if (records && !records->empty() && records->front().entry.kind == k_profile_kind) {
      if (auto profile = profile_of(records->front().entry);
          profile && (function.empty() || profile->function == function)) {
        found.emplace_back(key, std::move(*profile));
      }
    }
    return true;
  });
  if (!visited) {
    return std::unexpected(visited.error());
  }
  return found;
}

Expected<std::vector<Profile>>
ProfileStore::list(std::string_view function)
{
  auto found = stored(function);
  if (!found) {
    return std::unexpected(found.error());
  }
  std::vector<Profile> profiles;
  for (auto& [key, profile] : *found) {
    profiles.push_back(std::move(profile));
  }
  return profiles;
}

Expected<uint64_t>
ProfileStore::clear(std::string_view function)
{
  auto found = stored(function);
  if (!found) {
    return std::unexpected(found.error());
  }
  uint64_t removed = 0;
  for (const auto& [key, profile] : *found) {
    auto gone = m_store.remove(key);
    if (!gone) {
      return std::unexpected(gone.error());
    }
    removed += *gone ? 1 : 0;
  }
  return removed;
}

} // namespace jitcache::pgo
