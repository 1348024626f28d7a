// LogLevel: how much jitcache writes to stderr (the `log_level` setting, JITCACHE_LOG).
#pragma once

namespace jitcache {

enum class LogLevel { error, warning, info, debug };

} // namespace jitcache
