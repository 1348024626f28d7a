#include "storage/local/stats_file.hpp"

#include "util/files.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace jitcache::storage::local {

namespace {

core::Counters
parse_or_warn(const std::vector<uint8_t>& bytes, const std::filesystem::path& path)
{
  auto counters = core::Counters::parse(
    std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path.string());
  if (!counters) {
    util::warn_once("stats:" + path.string(),
                    fmt::format("{}; counting from zero (run 'jitcache recount' to rebuild "
                                "file and size counters)",
                                counters.error().message));
    return {};
  }
  return std::move(*counters);
}

} // namespace

Expected<core::Counters>
read_stats_file(const std::filesystem::path& path)
{
  auto bytes = util::read_file(path);
  if (!bytes) {
    if (bytes.error().code == ErrorCode::not_found) {
      return core::Counters{};
    }
    return std::unexpected(bytes.error());
  }
  return parse_or_warn(*bytes, path);
}

Expected<core::Counters>
update_stats_file(const std::filesystem::path& path,
                  const std::function<void(core::Counters&)>& change)
{
  util::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) {
    return std::unexpected(util::errno_error("cannot open stats file", path.native(), errno));
  }
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) {
      return std::unexpected(util::errno_error("cannot lock stats file", path.native(), errno));
    }
  }
  auto bytes = util::read_fd(fd.get(), path);
  if (!bytes) {
    return std::unexpected(bytes.error());
  }
  auto counters = parse_or_warn(*bytes, path);
  change(counters);
  const auto text = counters.serialize();
  // The file is small (well under a page), so rewriting it in place is one short write. It
  // is cut only when it shrank: a truncate costs a journal update on every run otherwise.
  if (::pwrite(fd.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()) ||
      (text.size() < bytes->size() &&
       ::ftruncate(fd.get(), static_cast<off_t>(text.size())) != 0)) {
    return std::unexpected(util::errno_error("cannot write stats file", path.native(), errno));
  }
  return counters;
}

} // namespace jitcache::storage::local
