// Toolchain: the system C++ compiler the reference JIT compiles kernels with.
//
// `cxx` is a command of one or more words ("c++", "ccache c++"); its first word is resolved
// through PATH. `cxxflags` is split at white space (no shell quoting). The identity, which
// enters every kernel key, depends on `compiler_check` (docs/configuration.md):
//   mtime      the resolved path, the `--version` output, the size and modification time of
//              the compiler binary;
//   content    the command's program names (not their paths), the `--version` output and a
//              hash of the compiler's binaries (the driver and, for GCC, cc1plus), so copies
//              of one compiler installed under different prefixes share entries;
//   string:V   the program names and V, which the user promises names the compiler;
// and in every case the environment variables that change what it produces (include and
// program paths). The target is the architecture, plus the CPU's feature list when the flags
// tune code for this host (-march=native and the like).
#pragma once

#include <jitcache/entry.hpp>
#include <jitcache/error.hpp>
#include <jitcache/key_builder.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache::jit {

// The artifact kind of the compiler versions remembered in the local store.
inline constexpr std::string_view k_toolchain_kind = "toolchain";

struct ToolchainIdentity {
  std::vector<std::string> command; // cxx's words, the first one as an absolute path
  std::string check = "mtime";      // compiler_check
  std::string version;              // what `command --version` printed (not for string:)
  uint64_t binary_size = 0;
  int64_t binary_mtime_ns = 0;
  std::string content; // compiler_check=content: the binaries' BLAKE2b digest, in hex
  // NAME=value of each set variable, among those the compiler reads, that can change what it
  // produces (k_compiler_environment): another include path can put another header in a kernel.
  std::vector<std::string> environment;
};

// The environment variables that reach GCC or Clang and can change the code they produce:
// where the driver finds its programs, headers and libraries, and Clang's option override.
// Variables that change only diagnostics or dependency files (LANG, TMPDIR, ...) are left out,
// and so is PATH, which the compiler itself was resolved through.
inline constexpr std::array<const char*, 6> k_compiler_environment = {
  "CCC_OVERRIDE_OPTIONS", "COMPILER_PATH",   "CPATH",
  "CPLUS_INCLUDE_PATH",   "GCC_EXEC_PREFIX", "LIBRARY_PATH"};

struct TargetIdentity {
  std::string architecture; // uname's machine, e.g. x86_64
  std::string cpu_features; // sorted feature list, only when flags tune for this host
};

struct CompileOutcome {
  bool succeeded = false;
  int exit_code = -1;
  bool timed_out = false;
  std::string diagnostics; // what the compiler printed
  uint64_t milliseconds = 0;
};

// Remembers a compiler's `--version` output (blob "version") and, for compiler_check=content,
// its binaries' digest (blob "content") under a probe key made from the identity of its files
// (each word of the command that names an executable: path, size, modification time), so
// that a process need not run or read the compiler to learn them. Replacing or touching a
// compiler changes the probe. The runtime shares probes through the remote tiers only under
// compiler_check=mtime, which trusts path, size and modification time on every machine.
class VersionCache {
public:
  virtual ~VersionCache() = default;
  virtual std::optional<Entry> find(const Key& probe) = 0;
  virtual void remember(const Key& probe, const Entry& entry) = 0;
};

class Toolchain {
public:
  // Resolves the compiler and computes its identity: the version from `versions` when it
  // knows this compiler, else by running `--version` (and telling `versions`). Fails with a
  // message naming the command when it cannot be found or does not answer.
  // REQUIRES: compiler_check is mtime, content or string:VALUE (the config checks it).
  static Expected<Toolchain> detect(std::string_view cxx, std::string_view cxxflags,
                                    std::chrono::milliseconds timeout,
                                    VersionCache* versions = nullptr,
                                    std::string_view compiler_check = "mtime");

  const ToolchainIdentity&
  identity() const
  {
    return m_identity;
  }
  const TargetIdentity&
  target() const
  {
    return m_target;
  }
  const std::vector<std::string>&
  flags() const
  {
    return m_flags;
  }

  // Compiles one translation unit into a shared object. A compiler that fails or times out
  // is an outcome, not an Error; an Error means it could not be run at all. Relative paths
  // are relative to `working_directory` (empty: this process's), which the compiler runs in;
  // relative names keep the command line, and so compiler caches' keys, free of paths.
  Expected<CompileOutcome> compile(const std::filesystem::path& source,
                                   const std::filesystem::path& output,
                                   const std::filesystem::path& working_directory = {}) const;
  // The same, stopping at an object file (-c), for linking several kernels into one library.
  Expected<CompileOutcome>
  compile_object(const std::filesystem::path& source, const std::filesystem::path& object,
                 const std::filesystem::path& working_directory = {}) const;
  // Links object files into one shared object, with the same command and flags, against libm
  // and the compiler's helper library only.
  Expected<CompileOutcome> link(const std::vector<std::filesystem::path>& objects,
                                const std::filesystem::path& output,
                                const std::filesystem::path& working_directory = {}) const;

  // Adds the components that make a compiled artifact depend on this toolchain: its
  // identity, the flags and the target.
  void add_to_key(KeyBuilder& builder) const;

private:
  void set_target();
  // Runs `--version` (and for content, reads the binaries) unless `versions` knows them.
  Expected<void> probe_compiler(VersionCache* versions);
  Expected<CompileOutcome> run(const std::vector<std::string>& arguments,
                               const std::filesystem::path& working_directory) const;

  std::vector<std::string> m_flags;
  ToolchainIdentity m_identity;
  TargetIdentity m_target;
  std::chrono::milliseconds m_timeout{0};
};

// Splits at spaces and tabs; no quoting.
std::vector<std::string> split_words(std::string_view text);

// Whether any flag makes the compiler tune code for the CPU it runs on.
bool tunes_for_host(const std::vector<std::string>& flags);

} // namespace jitcache::jit
