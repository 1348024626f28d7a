// Small shell scripts that stand in for a compiler in tests: one that reports another
// version, one that fails with a diagnostic, one that hangs.
#pragma once

#include "util/files.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace jitcache::testing {

inline std::filesystem::path
write_script(const TempDir& dir, const std::string& name, const std::string& body)
{
  const auto path = dir / name;
  EXPECT_TRUE(util::write_file_atomic(path, "#!/bin/sh\n" + body));
  ::chmod(path.c_str(), 0755);
  return path;
}

} // namespace jitcache::testing
