// Configuration. Precedence: explicit option > JITCACHE_* environment > the cache
// directory's jitcache.conf > the user's ~/.config/jitcache/jitcache.conf > default.
// docs/configuration.md lists every key.
#pragma once

#include <jitcache/error.hpp>
#include <jitcache/log_level.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace jitcache {

// Which entries must carry a trusted key's signature before they are used.
enum class RequireSignature { off, remote, all }; // remote: from remote tiers and bundles

struct Config {
  std::filesystem::path dir; // the local cache directory
  uint64_t max_size = uint64_t{5} << 30;
  uint64_t max_files = 0;    // 0: no limit on the number of files
  int compression_level = 1; // zstd level; 0 stores payloads uncompressed
  bool sync = false;         // fsync entries before they become visible
  bool disable = false;      // no caching at all: every lookup misses
  bool read_only = false;    // look up, never write
  LogLevel log_level = LogLevel::warning;
  std::string cxx = "c++";                    // the reference JIT's compiler command
  std::string cxxflags = "-O2 -fPIC -shared"; // its flags, split at white space
  std::string compiler_check = "mtime";       // how keys identify the compiler: mtime,
                                              // content or string:VALUE
  uint32_t compile_timeout_s = 300;           // a compile running longer is stopped
  uint32_t compile_jobs = 0;                  // kernels compiled at once; 0: one per core
  uint32_t recompile_limit = 8;               // recompiles per function before run-only
  uint32_t accumulated_recompile_limit = 256; // recompiles per process before run-only
  uint32_t kernel_cache_entries = 4096;       // level 1 (the kernel cache) bound
  bool assume_static_by_default = true;       // sizes start static; false: dynamic at once
  std::string remote; // remote tiers, as written (docs/configuration.md); empty: none
  uint32_t remote_flush_timeout_ms = 2000; // how long an exit waits for queued remote writes
  std::string bundle;                      // a bundle to load at start (artifacts.hpp)
  std::string signing_key;                 // secret key file; every entry written is signed with it
  std::string trusted_keys;                // public keys (hex) whose signatures are trusted
  RequireSignature require_signature = RequireSignature::off;

  // For each key, where its value came from: "default", "environment JITCACHE_X",
  // "/path/jitcache.conf:3" or "option".
  std::map<std::string, std::string> origins;
};

// Explicit settings (key -> value text), as a CLI or an embedding program gives them.
using ConfigOverrides = std::map<std::string, std::string>;

// Resolves the configuration from every source. An invalid value is an error naming the
// key, the value and where it came from.
Expected<Config> load_config(const ConfigOverrides& overrides = {});

struct ConfigKeyInfo {
  std::string name;
  std::string env;           // the environment variable that sets it
  std::string default_value; // as text
  std::string description;
};

const std::vector<ConfigKeyInfo>& config_keys();

// The value of one key in `config`, as text in the same syntax the config file accepts.
Expected<std::string> config_value(const Config& config, std::string_view key);

// Checks that `value` is valid for `key` without applying it.
Expected<void> validate_config_value(std::string_view key, std::string_view value);

// Whether the cache directory's own jitcache.conf may set `key`: not dir, trusted_keys or
// require_signature (whoever can write the cache could otherwise move it or weaken trust).
bool settable_in_cache_dir(std::string_view key);

std::filesystem::path default_cache_dir();
std::filesystem::path user_config_path();

} // namespace jitcache
