// Loader: makes a compiled kernel's shared object callable. From a file when the artifact is
// on disk already (the local cache's loadable files, checked before loading); from memory
// (memfd_create) when it came from elsewhere, so no temporary file is written. Symbols are resolved
// once; the library stays loaded while a handle lives.
//
// The dynamic loader knows a library by its path name. A memory image is loaded through
// /proc/self/fd/N, so two images must never share N while either is loaded: the memfd stays
// open as long as its library, a name already in use is never loaded again (another N is
// taken), and a library that cannot be unloaded keeps its descriptor, and so its name, for
// the rest of the process.
#pragma once

#include <jitcache/bytes.hpp>
#include <jitcache/error.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace jitcache::jit {

class LoadedLibrary {
public:
  static Expected<LoadedLibrary> open_file(const std::filesystem::path& path);
  // Loads the file at `path` whose bytes the caller has checked through `checked_fd`; fails
  // (and unloads) if, once loaded, `path` no longer names that file: it was replaced meanwhile,
  // so what was loaded may not be what was checked.
  static Expected<LoadedLibrary> open_checked_file(const std::filesystem::path& path,
                                                   int checked_fd);
  // `name` appears in /proc/self/maps and in error messages.
  static Expected<LoadedLibrary> open_memory(const Bytes& image, const std::string& name);

  // The address of an exported symbol, or an error naming it.
  Expected<void*> symbol(const std::string& name) const;

  const std::string&
  origin() const
  {
    return m_origin;
  }

private:
  // The dlopen handle and, for memory images, the descriptor that names it.
  struct Handle {
    void* library = nullptr;
    int memfd = -1;
    std::string path;
    Handle() = default;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle();
  };

  LoadedLibrary(std::shared_ptr<Handle> handle, std::string origin)
    : m_handle(std::move(handle)), m_origin(std::move(origin))
  {
  }

  std::shared_ptr<Handle> m_handle; // shared, so that copies keep the library loaded
  std::string m_origin;
};

} // namespace jitcache::jit
