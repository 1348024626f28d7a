#include <jitcache/jit/dtype.hpp>

#include <algorithm>

namespace jitcache::jit {

std::string_view
to_string(DType dtype)
{
  switch (dtype) {
  case DType::f32: return "f32";
  case DType::f64: return "f64";
  case DType::i32: return "i32";
  case DType::i64: return "i64";
  case DType::boolean: return "bool";
  }
  return "?";
}

std::optional<DType>
parse_dtype(std::string_view text)
{
  for (auto dtype : {DType::f32, DType::f64, DType::i32, DType::i64, DType::boolean}) {
    if (to_string(dtype) == text) {
      return dtype;
    }
  }
  return std::nullopt;
}

bool
is_float(DType dtype)
{
  return dtype == DType::f32 || dtype == DType::f64;
}

bool
is_integer(DType dtype)
{
  return dtype == DType::i32 || dtype == DType::i64;
}

size_t
dtype_size(DType dtype)
{
  switch (dtype) {
  case DType::f32:
  case DType::i32: return 4;
  case DType::f64:
  case DType::i64: return 8;
  case DType::boolean: return 1;
  }
  return 0;
}

std::optional<int64_t>
tensor_bytes(DType dtype, std::span<const int64_t> sizes)
{
  // Contiguous strides count a size 0 as 1, so they must fit whatever the sizes' product.
  auto spanned = static_cast<int64_t>(dtype_size(dtype));
  bool empty = false;
  for (const int64_t size : sizes) {
    if (size < 0 || __builtin_mul_overflow(spanned, std::max<int64_t>(size, 1), &spanned)) {
      return std::nullopt;
    }
    empty = empty || size == 0;
  }
  return empty ? 0 : spanned;
}

} // namespace jitcache::jit
