// LocalStore's loadable files: shared objects stored as plain files named by the BLAKE2b of
// their bytes (layout.hpp), so that a JIT can dlopen a library where it lies. The name is the
// check: a file is used only after its bytes, read through the descriptor that will load it,
// hash to its name. The files are counted, refreshed and trimmed like entry files.
#include "storage/local/local_store.hpp"

#include "core/content_digest.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <sys/stat.h>

namespace jitcache::storage::local {

namespace {

// Reads an open loadable file of `size` bytes and checks its bytes against its name (`path`
// names it in a read error; a failed check says only what failed).
Expected<Bytes>
read_checked(int fd, uint64_t size, const Key& key, const std::string& path)
{
  auto image = util::read_sized(fd, static_cast<size_t>(size), path);
  if (!image) {
    return image;
  }
  if (LocalStore::loadable_key(image->span()) != key) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("its {} bytes do not hash to its name", image->size()));
  }
  return image;
}

} // namespace

Key
LocalStore::loadable_key(std::span<const uint8_t> image)
{
  return core::content_digest(image);
}

Expected<Key>
LocalStore::put_loadable(std::span<const uint8_t> image)
{
  if (m_access != Access::read_write) {
    return make_error(ErrorCode::disabled,
                      fmt::format("the local cache {} is {}", m_config.dir.string(),
                                  m_access == Access::off ? "off" : "read-only"));
  }
  const Key key = loadable_key(image);
  if (util::UniqueFd existing = open_relative(Layout::relative_loadable_path(key))) {
    // Named by its content: the file holds these bytes unless it is corrupt, which the next
    // open_loadable finds (and removes, so that a later put writes it again). Anything but a
    // file there (a directory opens too) is written over, or the put fails.
    struct stat st {};
    if (::fstat(existing.get(), &st) == 0 && S_ISREG(st.st_mode)) {
      refresh_mtime(existing.get(), st);
      return key;
    }
  }
  const auto path = m_layout.root() / Layout::relative_loadable_path(key);
  if (auto written = write_counted_file(path, Layout::shard_of(key), "loadable", image, {});
      !written) {
    return std::unexpected(written.error());
  }
  return key;
}

Expected<std::optional<LoadableFile>>
LocalStore::open_loadable(const Key& key)
{
  if (m_access == Access::off) {
    return std::nullopt;
  }
  const auto relative = Layout::relative_loadable_path(key);
  util::UniqueFd fd = open_relative(relative);
  if (!fd && errno == ENOENT) {
    return std::nullopt;
  }
  struct stat st {};
  const int failure = !fd || ::fstat(fd.get(), &st) != 0 ? errno : 0; // before the path allocates
  const auto path = m_layout.root() / relative;
  if (failure != 0) {
    const auto error = util::errno_error("cannot open", path.native(), failure);
    record(core::counter::error("read"));
    util::warn_once("local:read", error.message);
    return std::unexpected(error);
  }
  auto image = read_checked(fd.get(), static_cast<uint64_t>(st.st_size), key, path.native());
  if (!image) {
    if (image.error().code != ErrorCode::corrupt) {
      record(core::counter::error("read"));
      util::warn_once("local:read", image.error().message);
      return std::unexpected(image.error());
    }
    remove_corrupt(key, path, static_cast<uint64_t>(st.st_size), image.error());
    return std::nullopt;
  }
  refresh_mtime(fd.get(), st);
  return LoadableFile{path, std::move(fd), std::move(*image)};
}

Expected<Bytes>
LocalStore::inspect_loadable(const Key& key) const
{
  const auto relative = Layout::relative_loadable_path(key);
  util::UniqueFd fd = open_relative(relative);
  struct stat st {};
  const int failure = !fd || ::fstat(fd.get(), &st) != 0 ? errno : 0;
  const auto path = (m_layout.root() / relative).string();
  if (failure != 0) {
    return std::unexpected(util::errno_error("cannot read", path, failure));
  }
  auto image = read_checked(fd.get(), static_cast<uint64_t>(st.st_size), key, path);
  if (!image && image.error().code == ErrorCode::corrupt) {
    return make_error(ErrorCode::corrupt, fmt::format("{}: {}", path, image.error().message));
  }
  return image;
}

} // namespace jitcache::storage::local
