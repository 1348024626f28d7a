// The element types of the reference JIT's tensors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace jitcache::jit {

enum class DType : uint8_t { f32, f64, i32, i64, boolean };

std::string_view to_string(DType dtype); // "f32", ..., "bool"
std::optional<DType> parse_dtype(std::string_view text);
bool is_float(DType dtype);
bool is_integer(DType dtype);
size_t dtype_size(DType dtype);
// The bytes a dense tensor of `dtype` and these sizes takes, or nullopt when a size is negative
// or the count (taking sizes of 0 as 1, as contiguous strides do) does not fit in int64: the
// JIT's sizes, strides and offsets are int64.
std::optional<int64_t> tensor_bytes(DType dtype, std::span<const int64_t> sizes);

} // namespace jitcache::jit
