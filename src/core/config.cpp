#include <jitcache/config.hpp>

#include "core/config_file.hpp"
#include "core/remote_spec.hpp"
#include "util/files.hpp"
#include "util/hex.hpp"
#include "util/log.hpp"
#include "util/size.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>

namespace jitcache {

namespace {

using SettingList = std::vector<core::ConfigSetting>;
using Apply = std::function<Expected<void>(Config&, std::string_view)>;
using Show = std::function<std::string(const Config&)>;

struct KeyDefinition {
  ConfigKeyInfo info;
  Apply apply; // parses and stores; the error text says what was expected
  Show show;
  // A stricter check for `jitcache config set` than `apply`, for a key whose bad value a run
  // survives (with one warning) rather than refuses: `remote`.
  Apply check = nullptr;
};

Expected<void>
expected_error(std::string message)
{
  return make_error(ErrorCode::config, std::move(message));
}

Expected<bool>
parse_bool(std::string_view text)
{
  if (text == "true" || text == "1" || text == "yes" || text == "on") {
    return true;
  }
  if (text == "false" || text == "0" || text == "no" || text == "off") {
    return false;
  }
  return make_error(ErrorCode::config, "expected true or false");
}

template<typename Int>
Expected<Int>
parse_int(std::string_view text, Int low, Int high)
{
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    return make_error(ErrorCode::config,
                      fmt::format("expected a whole number from {} to {}", low, high));
  }
  return value;
}

Apply
bool_key(bool Config::*member)
{
  return [member](Config& config, std::string_view text) -> Expected<void> {
    auto value = parse_bool(text);
    if (!value) {
      return std::unexpected(value.error());
    }
    config.*member = *value;
    return {};
  };
}

Show
show_bool(bool Config::*member)
{
  return [member](const Config& config) { return std::string(config.*member ? "true" : "false"); };
}

const std::vector<KeyDefinition>&
definitions()
{
  static const std::vector<KeyDefinition> table = {
    {{"dir", "JITCACHE_DIR", "$XDG_CACHE_HOME/jitcache or ~/.cache/jitcache",
      "The local cache directory."},
     [](Config& config, std::string_view text) -> Expected<void> {
       if (text.empty()) {
         return expected_error("expected a directory path");
       }
       config.dir = util::expand_home(text);
       return {};
     },
     [](const Config& config) { return config.dir.string(); }},
    {{"max_size", "JITCACHE_MAX_SIZE", "5G",
      "Bound on the local cache's size; K, M, G and T suffixes are powers of 1024."},
     [](Config& config, std::string_view text) -> Expected<void> {
       auto size = util::parse_size(text);
       if (!size) {
         return expected_error("expected a size such as 500M or 5G");
       }
       config.max_size = *size;
       return {};
     },
     [](const Config& config) { return util::format_size_setting(config.max_size); }},
    {{"max_files", "JITCACHE_MAX_FILES", "0", "Bound on the number of entry files; 0 means none."},
     [](Config& config, std::string_view text) -> Expected<void> {
       auto value = parse_int<uint64_t>(text, 0, uint64_t{1} << 40);
       if (!value) {
         return std::unexpected(value.error());
       }
       config.max_files = *value;
       return {};
     },
     [](const Config& config) { return fmt::format("{}", config.max_files); }},
    {{"compression_level", "JITCACHE_COMPRESSION_LEVEL", "1",
      "zstd level for stored payloads, -7 (fastest) to 19 (smallest); 0 stores them uncompressed."},
     [](Config& config, std::string_view text) -> Expected<void> {
       auto value = parse_int<int>(text, -7, 19);
       if (!value) {
         return std::unexpected(value.error());
       }
       config.compression_level = *value;
       return {};
     },
     [](const Config& config) { return fmt::format("{}", config.compression_level); }},
    {{"sync", "JITCACHE_SYNC", "false",
      "fsync each entry before it becomes visible (survives power loss; slower writes)."},
     bool_key(&Config::sync),
     show_bool(&Config::sync)},
    {{"disable", "JITCACHE_DISABLE", "false",
      "Turn caching off: every lookup misses, nothing is stored."},
     bool_key(&Config::disable),
     show_bool(&Config::disable)},
    {{"read_only", "JITCACHE_READ_ONLY", "false", "Look entries up but never write any."},
     bool_key(&Config::read_only),
     show_bool(&Config::read_only)},
    {{"cxx", "JITCACHE_CXX", "c++", "The reference JIT's compiler command."},
     [](Config& config, std::string_view text) -> Expected<void> {
       if (text.find_first_not_of(" \t") == std::string_view::npos) {
         return expected_error("expected a compiler command such as c++ or 'ccache g++'");
       }
       config.cxx = std::string(text);
       return {};
     },
     [](const Config& config) { return config.cxx; }},
    {{"compiler_check", "JITCACHE_COMPILER_CHECK", "mtime",
      "How keys identify the compiler: mtime (path, size, modification time), content (a "
      "hash of its binaries) or string:VALUE."},
     [](Config& config, std::string_view text) -> Expected<void> {
       const bool named = text.starts_with("string:") && text.size() > 7;
       if (text != "mtime" && text != "content" && !named) {
         return expected_error("expected mtime, content or string:VALUE");
       }
       config.compiler_check = std::string(text);
       return {};
     },
     [](const Config& config) { return config.compiler_check; }},
    {{"cxxflags", "JITCACHE_CXXFLAGS", "-O2 -fPIC -shared",
      "Flags for the reference JIT's compiler."},
     [](Config& config, std::string_view text) -> Expected<void> {
       config.cxxflags = std::string(text);
       return {};
     },
     [](const Config& config) { return config.cxxflags; }},
    {{"compile_timeout", "JITCACHE_COMPILE_TIMEOUT", "300", "Seconds a compile may take."},
     [](Config& config, std::string_view text) -> Expected<void> {
       auto value = parse_int<uint32_t>(text, 1, 86400);
       if (!value) {
         return std::unexpected(value.error());
       }
       config.compile_timeout_s = *value;
       return {};
     },
     [](const Config& config) { return fmt::format("{}", config.compile_timeout_s); }},
    {{"compile_jobs", "JITCACHE_COMPILE_JOBS", "0", "Kernels compiled at once; 0: one per core."},
     [](Config& config, std::string_view text) -> Expected<void> {
       auto value = parse_int<uint32_t>(text, 0, 1024);
       if (!value) {
         return std::unexpected(value.error());
       }
       config.compile_jobs = *value;
       return {};
     },
     [](const Config& config) { return fmt::format("{}", config.compile_jobs); }},
    {{"recompile_limit", "JITCACHE_RECOMPILE_LIMIT", "8",
      "Recompiles one function may make before it runs only what is compiled."},
     [](Config& config, std::string_view text) -> Expected<void> {
       auto value = parse_int<uint32_t>(text, 0, 1000000);
       if (!value) {
         return std::unexpected(value.error());
       }
       config.recompile_limit = *value;
       return {};
     },
     [](const Config& config) { return fmt::format("{}", config.recompile_limit); }},
    {{"accumulated_recompile_limit", "JITCACHE_ACCUMULATED_RECOMPILE_LIMIT", "256",
      "Recompiles all functions of a process may make together."},
     [](Config& config, std::string_view text) -> Expected<void> {
       auto value = parse_int<uint32_t>(text, 0, 100000000);
       if (!value) {
         return std::unexpected(value.error());
       }
       config.accumulated_recompile_limit = *value;
       return {};
     },
     [](const Config& config) { return fmt::format("{}", config.accumulated_recompile_limit); }},
    {{"kernel_cache_entries", "JITCACHE_KERNEL_CACHE_ENTRIES", "4096",
      "Compiled graphs the kernel cache (level 1, in memory) keeps (least recently used go "
      "first)."},
     [](Config& config, std::string_view text) -> Expected<void> {
       auto value = parse_int<uint32_t>(text, 1, 100000000);
       if (!value) {
         return std::unexpected(value.error());
       }
       config.kernel_cache_entries = *value;
       return {};
     },
     [](const Config& config) { return fmt::format("{}", config.kernel_cache_entries); }},
    {{"assume_static_by_default", "JITCACHE_ASSUME_STATIC_BY_DEFAULT", "true",
      "Compile sizes as constants until one is seen to change; false: dynamic from the start."},
     bool_key(&Config::assume_static_by_default),
     show_bool(&Config::assume_static_by_default)},
    {{"remote", "JITCACHE_REMOTE", "",
      "Remote tiers behind the local cache, asked in order: URLs with |properties, separated by "
      "spaces."},
     [](Config& config, std::string_view text) -> Expected<void> {
       config.remote = std::string(text); // read by the tiered store; a bad one is a warning
       return {};
     },
     [](const Config& config) { return config.remote; },
     [](Config& config, std::string_view text) -> Expected<void> {
       if (auto specs = core::parse_remote_specs(text); !specs) {
         return std::unexpected(specs.error());
       }
       config.remote = std::string(text);
       return {};
     }},
    {{"remote_flush_timeout", "JITCACHE_REMOTE_FLUSH_TIMEOUT", "2s",
      "How long a process waits at exit for its queued remote writes (ms, s or m)."},
     [](Config& config, std::string_view text) -> Expected<void> {
       auto value = util::parse_duration(text);
       if (!value) {
         return expected_error("expected a duration such as 500ms or 2s");
       }
       config.remote_flush_timeout_ms = static_cast<uint32_t>(value->count());
       return {};
     },
     [](const Config& config) { return fmt::format("{}ms", config.remote_flush_timeout_ms); }},
    {{"bundle", "JITCACHE_BUNDLE", "",
      "A bundle file that jit::function and jitcache run load when they start."},
     [](Config& config, std::string_view text) -> Expected<void> {
       config.bundle = std::string(text); // read at start; an error is logged, never fatal
       return {};
     },
     [](const Config& config) { return config.bundle; }},
    {{"signing_key", "JITCACHE_SIGNING_KEY", "",
      "A secret key file (jitcache keygen); every entry this process writes is signed with it."},
     [](Config& config, std::string_view text) -> Expected<void> {
       config.signing_key = std::string(text); // read when a store opens; an error is logged
       return {};
     },
     [](const Config& config) { return config.signing_key; }},
    {{"trusted_keys", "JITCACHE_TRUSTED_KEYS", "",
      "Public keys (64 hex digits each, separated by spaces or commas) whose signatures are "
      "trusted. Not accepted in the cache directory's own config file."},
     [](Config& config, std::string_view text) -> Expected<void> {
       // Each a 32-byte Ed25519 public key in hex (trust/signing_key.hpp reads them).
       for (size_t at = 0; at < text.size();) {
         const auto start = text.find_first_not_of(" ,\t", at);
         if (start == std::string_view::npos) {
           break;
         }
         const auto end = std::min(text.find_first_of(" ,\t", start), text.size());
         const auto word = text.substr(start, end - start);
         if (word.size() != 64 || !util::from_hex(word)) {
           return expected_error(fmt::format(
             "'{}' is not a public key (64 hex digits, as jitcache keygen prints)", word));
         }
         at = end;
       }
       config.trusted_keys = std::string(text);
       return {};
     },
     [](const Config& config) { return config.trusted_keys; }},
    {{"require_signature", "JITCACHE_REQUIRE_SIGNATURE", "off",
      "Which entries must be signed by a trusted key: off, remote (from remote tiers and "
      "bundles) or all. Not accepted in the cache directory's own config file."},
     [](Config& config, std::string_view text) -> Expected<void> {
       if (text == "off" || text == "remote" || text == "all") {
         config.require_signature = text == "off"      ? RequireSignature::off
                                    : text == "remote" ? RequireSignature::remote
                                                       : RequireSignature::all;
         return {};
       }
       return expected_error("expected off, remote or all");
     },
     [](const Config& config) -> std::string {
       switch (config.require_signature) {
       case RequireSignature::off: return "off";
       case RequireSignature::remote: return "remote";
       case RequireSignature::all: return "all";
       }
       return "off";
     }},
    {{"log_level", "JITCACHE_LOG", "warning", "Logging to stderr: error, warning, info or debug."},
     [](Config& config, std::string_view text) -> Expected<void> {
       auto level = util::parse_log_level(text);
       if (!level) {
         return expected_error("expected error, warning, info or debug");
       }
       config.log_level = *level;
       return {};
     },
     [](const Config& config) { return std::string(util::to_string(config.log_level)); }},
  };
  return table;
}

const KeyDefinition*
find_definition(std::string_view key)
{
  const auto& table = definitions();
  const auto it = std::find_if(table.begin(), table.end(),
                               [&](const KeyDefinition& d) { return d.info.name == key; });
  return it == table.end() ? nullptr : &*it;
}

Expected<void>
unknown_key(std::string_view key, std::string_view origin)
{
  std::vector<std::string> names;
  for (const auto& d : definitions()) {
    names.push_back(d.info.name);
  }
  return make_error(ErrorCode::config, fmt::format("{}: unknown configuration key '{}' (known: {})",
                                                   origin, key, fmt::join(names, ", ")));
}

Expected<void>
apply_setting(Config& config, const core::ConfigSetting& setting)
{
  const auto* definition = find_definition(setting.key);
  if (!definition) {
    return unknown_key(setting.key, setting.origin);
  }
  if (auto ok = definition->apply(config, setting.value); !ok) {
    return make_error(ErrorCode::config,
                      fmt::format("invalid value '{}' for key '{}' (from {}): {}", setting.value,
                                  setting.key, setting.origin, ok.error().message));
  }
  config.origins[setting.key] = setting.origin;
  return {};
}

std::vector<core::ConfigSetting>
environment_settings()
{
  std::vector<core::ConfigSetting> settings;
  for (const auto& d : definitions()) {
    const char* value = std::getenv(d.info.env.c_str());
    if (value && *value) {
      settings.push_back({d.info.name, value, "environment " + d.info.env});
    }
  }
  return settings;
}

std::filesystem::path
home_relative(const char* xdg_variable, std::string_view fallback)
{
  const char* xdg = std::getenv(xdg_variable);
  if (xdg && *xdg) {
    return std::filesystem::path(xdg);
  }
  return util::expand_home(fallback);
}

} // namespace

std::filesystem::path
default_cache_dir()
{
  return home_relative("XDG_CACHE_HOME", "~/.cache") / "jitcache";
}

std::filesystem::path
user_config_path()
{
  return home_relative("XDG_CONFIG_HOME", "~/.config") / "jitcache" / "jitcache.conf";
}

const std::vector<ConfigKeyInfo>&
config_keys()
{
  static const std::vector<ConfigKeyInfo> keys = [] {
    std::vector<ConfigKeyInfo> result;
    for (const auto& d : definitions()) {
      result.push_back(d.info);
    }
    return result;
  }();
  return keys;
}

Expected<std::string>
config_value(const Config& config, std::string_view key)
{
  const auto* definition = find_definition(key);
  if (!definition) {
    return std::unexpected(unknown_key(key, "config").error());
  }
  return definition->show(config);
}

bool
settable_in_cache_dir(std::string_view key)
{
  // The cache directory is as writable as the entries in it: what it says cannot decide
  // where the cache is or which signatures are trusted.
  return key != "dir" && key != "trusted_keys" && key != "require_signature";
}

Expected<void>
validate_config_value(std::string_view key, std::string_view value)
{
  Config scratch;
  const auto* definition = find_definition(key);
  if (definition && definition->check) {
    if (auto ok = definition->check(scratch, value); !ok) {
      return make_error(ErrorCode::config, fmt::format("invalid value '{}' for key '{}': {}", value,
                                                       key, ok.error().message));
    }
    return {};
  }
  return apply_setting(scratch, {std::string(key), std::string(value), "the command line"});
}

Expected<Config>
load_config(const ConfigOverrides& overrides)
{
  Config config;
  for (const auto& d : definitions()) {
    config.origins[d.info.name] = "default";
  }
  config.dir = default_cache_dir();

  auto user_settings = core::read_config_file(user_config_path());
  if (!user_settings) {
    return std::unexpected(user_settings.error());
  }
  const auto env_settings = environment_settings();
  std::vector<core::ConfigSetting> explicit_settings;
  for (const auto& [key, value] : overrides) {
    explicit_settings.push_back({key, value, "option"});
  }

  // The directory decides which cache config file applies, so it is resolved first.
  const SettingList* dir_sources[] = {&*user_settings, &env_settings, &explicit_settings};
  for (const SettingList* source : dir_sources) {
    for (const auto& setting : *source) {
      if (setting.key == "dir") {
        if (auto ok = apply_setting(config, setting); !ok) {
          return std::unexpected(ok.error());
        }
      }
    }
  }
  auto dir_settings = core::read_config_file(config.dir / "jitcache.conf");
  if (!dir_settings) {
    return std::unexpected(dir_settings.error());
  }
  for (const auto& setting : *dir_settings) {
    if (!settable_in_cache_dir(setting.key)) {
      return make_error(ErrorCode::config,
                        fmt::format("{}: key '{}' cannot be set inside the cache directory's own "
                                    "config file{}",
                                    setting.origin, setting.key,
                                    setting.key == "dir"
                                      ? std::string()
                                      : ": whoever can write the cache could weaken trust"));
    }
  }

  const SettingList* sources[] = {&*user_settings, &*dir_settings, &env_settings,
                                  &explicit_settings};
  for (const SettingList* source : sources) {
    for (const auto& setting : *source) {
      if (auto ok = apply_setting(config, setting); !ok) {
        return std::unexpected(ok.error());
      }
    }
  }
  return config;
}

} // namespace jitcache
