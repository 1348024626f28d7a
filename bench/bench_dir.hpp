// A scratch directory for a benchmark, under $JITCACHE_BENCH_DIR (default /var/tmp, which is
// on disk rather than in memory on most systems).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace jitcache::bench {

inline std::filesystem::path
bench_root()
{
  const char* root = std::getenv("JITCACHE_BENCH_DIR");
  return root && *root ? std::filesystem::path(root) : std::filesystem::path("/var/tmp");
}

class ScratchDir {
public:
  explicit ScratchDir(const std::string& name)
    : m_path(bench_root() / ("jitcache-bench-" + name + "-" + std::to_string(::getpid())))
  {
    std::filesystem::remove_all(m_path);
    std::filesystem::create_directories(m_path);
  }
  ~ScratchDir() { std::filesystem::remove_all(m_path); }
  const std::filesystem::path&
  path() const
  {
    return m_path;
  }

private:
  std::filesystem::path m_path;
};

} // namespace jitcache::bench
