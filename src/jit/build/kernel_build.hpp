// Building a graph's code with the toolchain: each kernel's generated source compiled to an
// object file, and the objects linked into one shared library, inside a private scratch
// directory that the compiler runs in, so no temporary path reaches its command line.
#pragma once

#include "jit/build/toolchain.hpp"
#include "jit/plan/kernel_spec.hpp"

#include <jitcache/bytes.hpp>
#include <jitcache/error.hpp>
#include <jitcache/key.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace jitcache::jit {

// One kernel's object file, or why it could not be built.
struct CompiledKernel {
  bool succeeded = false;
  bool from_cache = false;  // another process or machine compiled it while this one waited
  bool from_remote = false; // ... and a remote tier had it
  std::string source;
  std::vector<uint8_t> object;
  std::string failure;
  uint64_t milliseconds = 0;
};

// A private directory for one batch of compiles, removed with its contents.
class ScratchDir {
public:
  static Expected<ScratchDir> create();
  ScratchDir(ScratchDir&& other) noexcept;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir();
  [[nodiscard]] const std::filesystem::path&
  path() const
  {
    return m_path;
  }

private:
  explicit ScratchDir(std::filesystem::path path) : m_path(std::move(path)) {}
  std::filesystem::path m_path;
};

// Generates the kernel's source under the entry point its key names and compiles it to an
// object file in `dir` (as kernel<index>.cpp and .o, so that parallel compiles do not meet).
CompiledKernel compile_kernel(const KernelSpec& spec, const Key& key, const Toolchain& toolchain,
                              const std::filesystem::path& dir, size_t index);

// Links the objects into one shared object in `dir`; returns its bytes or why it failed.
Expected<Bytes> link_library(const std::vector<Bytes>& objects, const Toolchain& toolchain,
                             const std::filesystem::path& dir);

} // namespace jitcache::jit
