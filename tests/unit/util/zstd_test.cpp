#include "util/zstd.hpp"

#include <gtest/gtest.h>

namespace jitcache::util {

TEST(Zstd, RoundTripsAndRejectsWrongSizes)
{
  std::vector<uint8_t> data(10000);
  for (size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<uint8_t>(i % 7);
  }
  const auto frame = zstd_compress(data, 3);
  EXPECT_LT(frame.size(), data.size());
  std::vector<uint8_t> out(data.size());
  ASSERT_TRUE(zstd_decompress(frame, out));
  EXPECT_EQ(out, data);

  std::vector<uint8_t> too_small(data.size() - 1);
  EXPECT_FALSE(zstd_decompress(frame, too_small));
  std::vector<uint8_t> garbage = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_FALSE(zstd_decompress(garbage, out));
  auto truncated = frame;
  truncated.resize(truncated.size() / 2);
  EXPECT_FALSE(zstd_decompress(truncated, out));
}

} // namespace jitcache::util
