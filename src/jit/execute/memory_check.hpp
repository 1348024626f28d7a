// Calls that would allocate more memory than is left. Linux grants allocations it cannot back
// and, once they are filled past what is left, ends the process with its OOM killer, without a
// word; so compiled code and the interpreter compare what a call is about to allocate with
// util::available_memory() first, and fail the call with a message instead.
#pragma once

#include "jit/ir/arguments.hpp"
#include "jit/ir/graph.hpp"
#include "jit/plan/plan.hpp"

#include <jitcache/error.hpp>
#include <jitcache/jit/tensor.hpp>

#include <cstdint>
#include <optional>
#include <span>
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

// What one call is about to allocate, added up before it allocates any of it: the values it
// computes and a contiguous copy of each input that is not contiguous (a broadcast view of a
// few bytes can copy into gigabytes).
class CallAllocation {
public:
  explicit CallAllocation(const SymbolSizes& sizes) : m_sizes(sizes) {}

  void add_value(DType dtype, const Shape& shape);
  // Every value of the graph but its parameters: what the interpreter keeps until the end.
  void add_values(const Graph& graph);
  // Every buffer of the plan but its inputs: what compiled code allocates.
  void add_buffers(const Plan& plan);
  void add_copies_of(std::span<const Tensor> inputs);

  uint64_t
  bytes() const
  {
    return m_bytes;
  }

  // An invalid_argument error when it cannot fit: "calling h: out of memory: its values on
  // the interpreter take 30.0 GiB, and 23.1 GiB is available", where `values` names what the
  // call computes.
  Expected<void> check(std::string_view function, std::string_view values) const;

private:
  const SymbolSizes& m_sizes;
  uint64_t m_bytes = 0;
  bool m_copies = false;
};

} // namespace jitcache::jit
