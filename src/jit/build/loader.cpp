#include "jit/build/loader.hpp"

#include "util/files.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace jitcache::jit {

namespace {

std::string
last_dl_error()
{
  const char* message = ::dlerror();
  return message ? message : "unknown dynamic loader error";
}

// Whether a library is loaded under this exact path name.
bool
name_in_use(const std::string& path)
{
  void* loaded = ::dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (loaded) {
    ::dlclose(loaded);
    return true;
  }
  return false;
}

std::string
fd_path(int fd)
{
  return fmt::format("/proc/self/fd/{}", fd);
}

} // namespace

LoadedLibrary::Handle::~Handle()
{
  if (library) {
    ::dlclose(library);
  }
  if (memfd >= 0) {
    if (name_in_use(path)) {
      return; // not unloadable (e.g. it has unique symbols): its name must stay reserved
    }
    ::close(memfd);
  }
}

Expected<LoadedLibrary>
LoadedLibrary::open_file(const std::filesystem::path& path)
{
  void* library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    return make_error(ErrorCode::io,
                      fmt::format("cannot load {}: {}", path.string(), last_dl_error()));
  }
  auto handle = std::make_shared<Handle>();
  handle->library = library;
  return LoadedLibrary(std::move(handle), path.string());
}

Expected<LoadedLibrary>
LoadedLibrary::open_checked_file(const std::filesystem::path& path, int checked_fd)
{
  auto library = open_file(path);
  if (!library) {
    return library;
  }
  struct stat checked {};
  struct stat named {};
  if (::fstat(checked_fd, &checked) != 0 || ::stat(path.c_str(), &named) != 0 ||
      checked.st_dev != named.st_dev || checked.st_ino != named.st_ino) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("{} was replaced while it was loaded", path.string()));
  }
  return library;
}

Expected<LoadedLibrary>
LoadedLibrary::open_memory(const Bytes& image, const std::string& name)
{
  auto handle = std::make_shared<Handle>();
  handle->memfd = ::memfd_create(name.c_str(), MFD_CLOEXEC);
  if (handle->memfd < 0) {
    return make_error(ErrorCode::io,
                      fmt::format("memfd_create for {}: {}", name, std::strerror(errno)));
  }
  if (auto written = util::write_fd(handle->memfd, image.span(), name); !written) {
    return std::unexpected(written.error());
  }
  // A library that could not be unloaded may still hold this descriptor number's name:
  // move to another number until the name is free.
  handle->path = fd_path(handle->memfd);
  for (int attempt = 0; name_in_use(handle->path); ++attempt) {
    const int other = ::fcntl(handle->memfd, F_DUPFD_CLOEXEC, handle->memfd + 1);
    if (other < 0 || attempt == 64) {
      return make_error(ErrorCode::io, fmt::format("cannot find a free name to load {}", name));
    }
    ::close(handle->memfd);
    handle->memfd = other;
    handle->path = fd_path(other);
  }
  handle->library = ::dlopen(handle->path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle->library) {
    return make_error(ErrorCode::io,
                      fmt::format("cannot load {} from memory: {}", name, last_dl_error()));
  }
  return LoadedLibrary(std::move(handle), "memory:" + name);
}

Expected<void*>
LoadedLibrary::symbol(const std::string& name) const
{
  ::dlerror();
  void* address = ::dlsym(m_handle->library, name.c_str());
  if (!address) {
    return make_error(ErrorCode::not_found, fmt::format("symbol '{}' not found in {}: {}", name,
                                                        m_origin, last_dl_error()));
  }
  return address;
}

} // namespace jitcache::jit
