#include "jit/runtime/default_runtime.hpp"

#include "util/log.hpp"

#include <fmt/format.h>

namespace jitcache::jit {

namespace {

RuntimeOptions
default_options()
{
  RuntimeOptions options;
  auto config = load_config();
  if (config) {
    options.config = std::move(*config);
  } else {
    // A broken configuration must not break the program: run without the persistent cache.
    util::log_warning(
      fmt::format("jitcache: {}; running without the persistent cache", config.error().message));
    options.use_cache = false;
  }
  return options;
}

} // namespace

artifacts::Recorder&
process_recorder()
{
  static artifacts::Recorder recorder;
  return recorder;
}

Runtime&
default_runtime()
{
  static Runtime& runtime = [] -> Runtime& {
    static Runtime made(default_options());
    made.record_into(&process_recorder());
    return made;
  }();
  return runtime;
}

} // namespace jitcache::jit
