#include "util/hashing.hpp"
#include "util/hex.hpp"

#include <gtest/gtest.h>

namespace jitcache::util {

TEST(Hashing, Blake2bMatchesKnownDigest)
{
  // BLAKE2b-256 of the empty string, from the BLAKE2 reference test vectors.
  EXPECT_EQ(to_hex(blake2b_256({})),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  const std::string abc = "abc";
  EXPECT_EQ(to_hex(blake2b_256(std::span(reinterpret_cast<const uint8_t*>(abc.data()), 3))),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(Hashing, Xxh3DiffersOnOneBit)
{
  std::vector<uint8_t> data(1000, 7);
  const auto before = xxh3_128(data);
  data[500] ^= 1;
  EXPECT_NE(xxh3_128(data), before);
}

} // namespace jitcache::util
