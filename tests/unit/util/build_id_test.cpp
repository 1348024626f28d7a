// build_id_of_code against readelf's reading of the same files.
#include "util/build_id.hpp"

#include "support/build_id.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <memory>

namespace jitcache::util {
namespace {

void
function_of_this_program()
{
}

TEST(BuildId, CodeOfThisProgramHasTheBuildIdReadelfReads)
{
  const auto expected =
    testing::build_id_by_readelf(std::filesystem::read_symlink("/proc/self/exe"));
  ASSERT_FALSE(expected.empty()) << "this test program was linked without a build ID";
  EXPECT_EQ(build_id_of_code(reinterpret_cast<const void*>(&function_of_this_program)), expected);
  EXPECT_EQ(build_id_of_code(reinterpret_cast<const void*>(&testing::build_id_by_readelf)),
            expected);
}

TEST(BuildId, CodeOfALibraryHasItsOwnAndDataOnTheHeapHasNone)
{
  const auto ours = build_id_of_code(reinterpret_cast<const void*>(&function_of_this_program));
  const auto libc = build_id_of_code(reinterpret_cast<const void*>(&std::strlen));
  ASSERT_TRUE(libc.has_value());
  EXPECT_NE(libc, ours);
  const auto heap = std::make_unique<int>(1);
  EXPECT_EQ(build_id_of_code(heap.get()), std::nullopt);
}

} // namespace
} // namespace jitcache::util
