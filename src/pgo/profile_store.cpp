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

namespace {

Entry
profile_entry(const KeyBuilder& builder, const Profile& profile)
{
  Entry entry;
  entry.kind = std::string(k_profile_kind);
  entry.key = builder.build();
  entry.details = builder.details();
  entry.blobs = {Blob{"profile", Bytes::copy_of(profile.to_text())}};
  entry.created_ms = util::now_ms();
  entry.producer = fmt::format("jitcache {}", version());
  return entry;
}

} // namespace

std::optional<Profile>
ProfileStore::load(std::string_view function, std::string_view graph)
{
  const auto builder = profile_key(function, graph);
  auto entries = m_store.get(builder.build(), k_profile_kind);
  if (entries && entries->empty() && !m_store.remotes().empty() &&
      m_store.local().access() == storage::local::Access::read_write) {
    // No tier has one. Most functions never learn a profile: remember locally that none was
    // found, as an empty profile, so that later starts do not ask the remote tiers (and
    // connect to them, or load their client library) on every start.
    (void)m_store.put_local(
      profile_entry(builder, Profile{std::string(function), std::string(graph), {}}));
    return std::nullopt;
  }
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
  return m_store.put(profile_entry(profile_key(profile.function, profile.graph), merged));
}

Expected<std::vector<std::pair<Key, Profile>>>
ProfileStore::stored(std::string_view function, bool with_empty)
{
  std::vector<std::pair<Key, Profile>> found;
  // inspect(), not get(): listing is not a lookup and must not count hits or misses.
  auto visited = m_store.local().for_each_key([&](const Key& key) {
    auto records = m_store.local().inspect(key);
    if (records && !records->empty() && records->front().entry.kind == k_profile_kind) {
      // An empty profile only remembers that none was found (see load()).
      if (auto profile = profile_of(records->front().entry);
          profile && (with_empty || profile->dynamic.any()) &&
          (function.empty() || profile->function == function)) {
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
  auto found = stored(function, false);
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
  auto found = stored(function, true);
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
