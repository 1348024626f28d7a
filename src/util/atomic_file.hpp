// AtomicFile: write a temporary file beside the destination, then rename it into place, so
// that a reader sees either the old file or the whole new one, never a partial write.
#pragma once

#include "util/files.hpp"

#include <jitcache/error.hpp>

#include <filesystem>
#include <span>

namespace jitcache::util {

// Temporary files start with this prefix; cleanup passes remove stale ones.
inline constexpr std::string_view k_temp_prefix = ".tmp-";

class AtomicFile {
public:
  static Expected<AtomicFile> create(const std::filesystem::path& destination);

  AtomicFile(AtomicFile&&) noexcept = default;
  AtomicFile& operator=(AtomicFile&&) noexcept = default;
  ~AtomicFile(); // removes the temporary unless committed

  Expected<void> write(std::span<const uint8_t> data);
  // Optionally fsyncs, then renames over the destination. Tells whether a file was replaced
  // and how large it was just before (best effort: another writer may still race us).
  struct Committed {
    bool replaced = false;
    uint64_t replaced_size = 0;
  };
  Expected<Committed> commit(bool sync);

  const std::filesystem::path&
  temp_path() const
  {
    return m_temp;
  }

private:
  AtomicFile(std::filesystem::path destination, std::filesystem::path temp, UniqueFd fd);

  std::filesystem::path m_destination;
  std::filesystem::path m_temp;
  UniqueFd m_fd;
};

} // namespace jitcache::util
