// Calls that would allocate more memory than is left. Linux grants allocations it cannot back
// and, once they are filled past what is left, ends the process with its OOM killer, without a
// word; so compiled code and the interpreter compare what a call is about to allocate with
// util::available_memory() first, and fail the call with a message instead.
#pragma once

#include "jit/ir.hpp"
#include "jit/program.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jitcache::jit {

// Calls that allocate less go unchecked: reading what is left costs tens of microseconds,
// nothing beside filling 64 MiB.
inline constexpr uint64_t k_checked_allocation_bytes = uint64_t{64} << 20;

// The bytes a value of this dtype and shape takes with its symbols bound; UINT64_MAX past
// that (Tensor::empty reports sizes past 2^63 bytes).
uint64_t bytes_at(DType dtype, const Shape& shape, const SymbolSizes& sizes);

// Why allocating `bytes` of `what` ("its values", say) cannot fit: "out of memory: its values
// take 30.0 GiB, and 23.1 GiB is available". Empty when it fits, when it is below
// k_checked_allocation_bytes, or when the memory left cannot be read.
std::optional<std::string> allocation_that_cannot_fit(uint64_t bytes, std::string_view what);

} // namespace jitcache::jit
