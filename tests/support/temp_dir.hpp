// A fresh directory for one test, removed afterwards.
#pragma once

#include <filesystem>
#include <string>

#include <cstdlib>
#include <unistd.h>

namespace jitcache::testing {

class TempDir {
public:
  TempDir()
  {
    std::string pattern =
      (std::filesystem::temp_directory_path() / "jitcache-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
      throw std::runtime_error("mkdtemp failed");
    }
    m_path = pattern;
  }
  ~TempDir()
  {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path&
  path() const
  {
    return m_path;
  }
  std::filesystem::path
  operator/(const std::string& name) const
  {
    return m_path / name;
  }

private:
  std::filesystem::path m_path;
};

} // namespace jitcache::testing
