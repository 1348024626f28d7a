#include "util/available_memory.hpp"

#include <gtest/gtest.h>
#include <sys/sysinfo.h>

namespace jitcache::util {
namespace {

// The estimate is positive and no more than the machine's memory and swap together.
TEST(AvailableMemory, IsSomeOfTheMachinesMemoryAndSwap)
{
  struct sysinfo info {};
  ASSERT_EQ(::sysinfo(&info), 0);
  const uint64_t total = (uint64_t{info.totalram} + info.totalswap) * info.mem_unit;
  const auto available = available_memory();
  ASSERT_TRUE(available);
  EXPECT_GT(*available, 0U);
  EXPECT_LE(*available, total);
}

} // namespace
} // namespace jitcache::util
