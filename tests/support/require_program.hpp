// A server whose program is not installed skips the test, except under CI=true, where it
// fails it: the suite must not pass by testing less.
#pragma once

#include "support/server_process.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

// Skips the test when `program` is missing, or fails it under CI=true. The first statement
// of a test: JITCACHE_REQUIRE_PROGRAM("redis-server");
#define JITCACHE_REQUIRE_PROGRAM(program)                                                          \
  do {                                                                                             \
    if (::jitcache::testing::find_program(program).empty()) {                                      \
      const char* ci = std::getenv("CI");                                                          \
      if (ci && std::string(ci) == "true") {                                                       \
        FAIL() << program << " is not installed (bash scripts/install-deps.sh test installs it)";  \
      }                                                                                            \
      GTEST_SKIP() << program << " is not installed";                                              \
    }                                                                                              \
  } while (false)
