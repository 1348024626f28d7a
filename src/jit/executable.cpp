#include "jit/executable.hpp"

#include "jit/program.hpp"
#include "util/available_memory.hpp"
#include "util/size.hpp"

#include <fmt/format.h>

#include <optional>
#include <string>

namespace jitcache::jit {

namespace {

// Linux grants allocations it cannot back and, once kernels fill them past what is left, ends
// the process with its OOM killer. So a call whose buffers take more than this is first
// checked against the memory left (reading that costs tens of microseconds, nothing beside
// filling 64 MiB).
constexpr uint64_t k_checked_bytes = uint64_t{64} << 20;

// The bytes a buffer takes at these sizes, saturating (Tensor::empty reports sizes past 2^63
// bytes).
uint64_t
buffer_bytes(const PlanBuffer& buffer, const SymbolSizes& sizes)
{
  uint64_t bytes = dtype_size(buffer.dtype);
  for (const auto& dim : buffer.shape) {
    const int64_t size = dim.is_static() ? dim.size : sizes.find(dim.symbol)->second;
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(size), &bytes)) {
      return UINT64_MAX;
    }
  }
  return bytes;
}

std::optional<std::string>
allocation_that_cannot_fit(uint64_t bytes)
{
  if (bytes < k_checked_bytes) {
    return std::nullopt;
  }
  const auto available = util::available_memory();
  if (!available || bytes <= *available) {
    return std::nullopt;
  }
  return fmt::format("out of memory: its outputs and the values between its kernels take {}, "
                     "and {} is available",
                     util::format_size(bytes), util::format_size(*available));
}

} // namespace

Executable::Executable(const Graph& graph, Plan plan, std::vector<KernelFunction> kernels,
                       std::vector<LoadedLibrary> libraries)
  : m_plan(std::move(plan)), m_kernels(std::move(kernels)), m_libraries(std::move(libraries))
{
  m_signature.name = graph.name;
  m_signature.parameter_names = graph.parameter_names;
  for (auto id : graph.parameters) {
    m_signature.parameters.push_back(static_cast<ValueId>(m_signature.nodes.size()));
    m_signature.nodes.push_back(graph.node(id));
  }
}

Expected<std::vector<Tensor>>
Executable::run(std::span<const Tensor> inputs) const
{
  auto sizes = bind_tensors(m_signature, inputs);
  if (!sizes) {
    return std::unexpected(sizes.error());
  }
  uint64_t allocating = 0;
  for (const auto& buffer : m_plan.buffers) {
    if (buffer.parameter < 0) {
      allocating = util::saturating_add(allocating, buffer_bytes(buffer, *sizes));
    }
  }
  if (auto why = allocation_that_cannot_fit(allocating)) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("calling {}: {}", m_signature.name, *why));
  }
  std::vector<Tensor> buffers;
  buffers.reserve(m_plan.buffers.size());
  for (const auto& buffer : m_plan.buffers) {
    buffers.push_back(buffer.parameter >= 0
                        ? inputs[static_cast<size_t>(buffer.parameter)].contiguous()
                        : Tensor::empty(buffer.dtype, concrete_shape(buffer.shape, *sizes)));
  }
  std::vector<void*> pointers;
  std::vector<int64_t> symbols;
  for (const auto& launch : m_plan.launches) {
    pointers.clear();
    for (auto id : launch.buffers) {
      pointers.push_back(buffers[id].data());
    }
    symbols.clear();
    for (const auto& name : launch.symbols) {
      symbols.push_back(sizes->find(name)->second);
    }
    m_kernels[launch.kernel](pointers.data(), symbols.data());
  }
  std::vector<Tensor> outputs;
  outputs.reserve(m_plan.outputs.size());
  for (auto id : m_plan.outputs) {
    outputs.push_back(buffers[id]);
  }
  return outputs;
}

} // namespace jitcache::jit
