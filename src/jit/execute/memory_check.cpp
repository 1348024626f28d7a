#include "jit/execute/memory_check.hpp"

#include "util/available_memory.hpp"
#include "util/size.hpp"

#include <fmt/format.h>

namespace jitcache::jit {

uint64_t
bytes_at(DType dtype, const Shape& shape, const SymbolSizes& sizes)
{
  uint64_t bytes = dtype_size(dtype);
  for (const auto& dim : shape) {
    const int64_t size = dim.is_static() ? dim.size : sizes.find(dim.symbol)->second;
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(size), &bytes)) {
      return UINT64_MAX;
    }
  }
  return bytes;
}

std::optional<std::string>
allocation_that_cannot_fit(uint64_t bytes, std::string_view what)
{
  if (bytes < k_checked_allocation_bytes) {
    return std::nullopt;
  }
  const auto available = util::available_memory();
  if (!available || bytes <= *available) {
    return std::nullopt;
  }
  return fmt::format("out of memory: {} take {}, and {} is available", what,
                     util::format_size(bytes), util::format_size(*available));
}

void
CallAllocation::add_value(DType dtype, const Shape& shape)
{
  m_bytes = util::saturating_add(m_bytes, bytes_at(dtype, shape, m_sizes));
}

void
CallAllocation::add_values(const Graph& graph)
{
  for (const auto& node : graph.nodes) {
    if (node.op != Op::parameter) {
      add_value(node.type.dtype, node.type.shape);
    }
  }
}

void
CallAllocation::add_buffers(const Plan& plan)
{
  for (const auto& buffer : plan.buffers) {
    if (buffer.parameter < 0) {
      add_value(buffer.dtype, buffer.shape);
    }
  }
}

void
CallAllocation::add_copies_of(std::span<const Tensor> inputs)
{
  for (const auto& input : inputs) {
    if (!input.is_contiguous()) {
      m_copies = true;
      m_bytes = util::saturating_add(
        m_bytes,
        static_cast<uint64_t>(tensor_bytes(input.dtype(), input.sizes()).value_or(INT64_MAX)));
    }
  }
}

Expected<void>
CallAllocation::check(std::string_view function, std::string_view values) const
{
  if (m_bytes < k_checked_allocation_bytes) {
    return {}; // most calls: no message is made
  }
  const std::string what =
    m_copies ? fmt::format("{}, with contiguous copies of its strided inputs,", values)
             : std::string(values);
  if (auto why = allocation_that_cannot_fit(m_bytes, what)) {
    return make_error(ErrorCode::invalid_argument, fmt::format("calling {}: {}", function, *why));
  }
  return {};
}

} // namespace jitcache::jit
