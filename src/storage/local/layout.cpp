#include "storage/local/layout.hpp"

#include "util/atomic_file.hpp"

#include <fmt/format.h>

#include <dirent.h>
#include <sys/stat.h>

namespace jitcache::storage::local {

namespace {

// Reads a directory with readdir, which unlike std::filesystem iterators does not throw.
template<typename Visit>
void
list_directory(const std::filesystem::path& dir, Visit&& visit)
{
  DIR* handle = ::opendir(dir.c_str());
  if (!handle) {
    return;
  }
  while (const dirent* entry = ::readdir(handle)) {
    const std::string_view name(entry->d_name);
    if (name != "." && name != "..") {
      visit(name);
    }
  }
  ::closedir(handle);
}

bool
is_hex(std::string_view text)
{
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

} // namespace

std::filesystem::path
Layout::shard_dir(int shard) const
{
  return m_root / fmt::format("{:x}", shard);
}

std::filesystem::path
Layout::bucket_dir(const Key& key) const
{
  const auto hex = key.to_hex();
  return m_root / hex.substr(0, 1) / hex.substr(1, 2);
}

std::filesystem::path
Layout::entry_path(const Key& key) const
{
  const auto hex = key.to_hex();
  return m_root / hex.substr(0, 1) / hex.substr(1, 2) / hex;
}

std::string
Layout::relative_entry_path(const Key& key)
{
  static constexpr char k_digits[] = "0123456789abcdef";
  const auto& digest = key.digest();
  // "s/bb/" and 64 hex digits, written in place.
  std::string path(5 + 2 * digest.size(), '/');
  char* hex = path.data() + 5;
  for (size_t i = 0; i < digest.size(); ++i) {
    hex[2 * i] = k_digits[digest[i] >> 4];
    hex[2 * i + 1] = k_digits[digest[i] & 0xf];
  }
  path[0] = hex[0];
  path[2] = hex[1];
  path[3] = hex[2];
  return path;
}

std::string
Layout::relative_loadable_path(const Key& key)
{
  return relative_entry_path(key).append(k_loadable_suffix);
}

std::string
Layout::entry_path_string(const Key& key) const
{
  return m_root_string + "/" + relative_entry_path(key);
}

void
Layout::scan_shard(int shard, const std::function<void(const StoredFile&)>& visit) const
{
  scan_names(shard, [&](const StoredFile& file) {
    if (file.regular) {
      visit(file);
    }
  });
}

void
Layout::scan_names(int shard, const std::function<void(const StoredFile&)>& visit) const
{
  const auto shard_path = shard_dir(shard);
  list_directory(shard_path, [&](std::string_view bucket) {
    if (bucket.size() != 2 || !is_hex(bucket)) {
      return;
    }
    const auto bucket_path = shard_path / bucket;
    list_directory(bucket_path, [&](std::string_view name) {
      const bool is_temp = name.starts_with(util::k_temp_prefix);
      const bool loadable = !is_temp && name.ends_with(k_loadable_suffix);
      std::optional<Key> key;
      if (!is_temp) {
        const auto hex = loadable ? name.substr(0, name.size() - k_loadable_suffix.size()) : name;
        auto parsed = Key::from_hex(hex);
        if (!parsed || !is_hex(hex)) {
          return;
        }
        key = *parsed;
      }
      StoredFile file{bucket_path / name, key, loadable, 0, 0};
      struct stat st {};
      if (::lstat(file.path.c_str(), &st) != 0) {
        return;
      }
      file.regular = S_ISREG(st.st_mode);
      file.size = file.regular ? static_cast<uint64_t>(st.st_size) : 0;
      file.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
      visit(file);
    });
  });
}

} // namespace jitcache::storage::local
