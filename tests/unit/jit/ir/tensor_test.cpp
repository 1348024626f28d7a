// Tensor sizes against int64: what a tensor of given sizes takes, and allocations that cannot
// be indexed fail with an exception that names the shape instead of overflowing.
#include <jitcache/jit/tensor.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <vector>

namespace jitcache::jit {
namespace {

TEST(TensorBytes, CountsBytesAndRefusesWhatInt64CannotIndex)
{
  const std::vector<int64_t> matrix = {3, 5};
  EXPECT_EQ(tensor_bytes(DType::f32, matrix), 60);
  EXPECT_EQ(tensor_bytes(DType::boolean, matrix), 15);
  EXPECT_EQ(tensor_bytes(DType::f64, std::vector<int64_t>{}), 8); // a scalar
  EXPECT_EQ(tensor_bytes(DType::f32, std::vector<int64_t>{0, 7}), 0);
  EXPECT_EQ(tensor_bytes(DType::f32, std::vector<int64_t>{-1, 7}), std::nullopt);

  const int64_t half = int64_t{1} << 31;
  EXPECT_EQ(tensor_bytes(DType::boolean, std::vector<int64_t>{half, half}), half * half);
  EXPECT_EQ(tensor_bytes(DType::f64, std::vector<int64_t>{half, half}), std::nullopt);
  EXPECT_EQ(tensor_bytes(DType::i32, std::vector<int64_t>{std::numeric_limits<int64_t>::max()}),
            std::nullopt);
  // Contiguous strides count an empty dimension as 1: they would overflow all the same.
  EXPECT_EQ(tensor_bytes(DType::f32, std::vector<int64_t>{0, half, half, half}), std::nullopt);
}

TEST(TensorBytes, AnAllocationInt64CannotIndexThrowsNamingTheShape)
{
  try {
    (void)Tensor::empty(DType::f32, {int64_t{1} << 40, int64_t{1} << 40});
    FAIL() << "allocated";
  } catch (const std::length_error& e) {
    EXPECT_STREQ(e.what(),
                 "a tensor of f32[1099511627776, 1099511627776] would take more than 2^63 bytes");
  }
  EXPECT_EQ(Tensor::zeros(DType::i64, {0, 4}).numel(), 0);
}

} // namespace
} // namespace jitcache::jit
