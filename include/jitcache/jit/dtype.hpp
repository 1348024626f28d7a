// The element types of the reference JIT's tensors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace jitcache::jit {

enum class DType : uint8_t { f32, f64, i32, i64, boolean };

std::string_view to_string(DType dtype); // "f32", ..., "bool"
std::optional<DType> parse_dtype(std::string_view text);
bool is_float(DType dtype);
bool is_integer(DType dtype);
size_t dtype_size(DType dtype);

} // namespace jitcache::jit
