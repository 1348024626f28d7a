// ProfileStore: profiles in the persistent cache (artifact kind "pgo"), looked up through every
// tier, so a profile one machine learned can reach another; listed and cleared in the local
// store. A profile found on no tier, with remote tiers configured, is remembered locally as
// an empty one, which list() leaves out and clear() removes. Saving merges with what is
// stored, so two processes that learn different dynamic dimensions both keep theirs (the
// last writer of an unlucky simultaneous save can drop the other's new bits; they come back
// at its next recompile).
#pragma once

#include "pgo/profile.hpp"
#include "storage/tiered_store.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace jitcache::pgo {

// The artifact kind of stored profiles.
inline constexpr std::string_view k_profile_kind = "pgo";

class ProfileStore {
public:
  explicit ProfileStore(storage::TieredStore& store) : m_store(store) {}

  std::optional<Profile> load(std::string_view function, std::string_view graph);
  // Merges `profile` into the stored one; writes only when that adds something.
  Expected<void> save(const Profile& profile);
  // Every stored profile, or those of one function.
  Expected<std::vector<Profile>> list(std::string_view function = {});
  // Removes every profile (or one function's); returns how many.
  Expected<uint64_t> clear(std::string_view function = {});

private:
  // The stored profiles (of `function`, unless empty); `with_empty`: also the empty ones that
  // only remember that none was found.
  Expected<std::vector<std::pair<Key, Profile>>> stored(std::string_view function, bool with_empty);

  storage::TieredStore& m_store;
};

} // namespace jitcache::pgo
