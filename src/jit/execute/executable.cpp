#include "jit/execute/executable.hpp"

#include "jit/execute/memory_check.hpp"
#include "jit/ir/arguments.hpp"

#include <algorithm>

namespace jitcache::jit {

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
  // Derived dimensions the plan's buffers and kernels need beyond the parameters'.
  std::vector<std::string> derived;
  const auto note = [&](const std::string& symbol) {
    if (Dim::named(symbol).is_derived() &&
        std::find(derived.begin(), derived.end(), symbol) == derived.end()) {
      derived.push_back(symbol);
    }
  };
  for (const auto& buffer : m_plan.buffers) {
    for (const auto& dim : buffer.shape) {
      note(dim.symbol);
    }
  }
  for (const auto& launch : m_plan.launches) {
    for (const auto& symbol : launch.symbols) {
      note(symbol);
    }
  }
  m_derived = DerivedSizes(derived);
}

Expected<std::vector<Tensor>>
Executable::run(std::span<const Tensor> inputs) const
{
  auto sizes = bind_tensors(m_signature, inputs);
  if (!sizes) {
    return std::unexpected(sizes.error());
  }
  if (!m_derived.empty()) {
    if (auto added = m_derived.add_to(*sizes); !added) {
      return std::unexpected(added.error());
    }
  }
  CallAllocation allocation(*sizes);
  allocation.add_buffers(m_plan);
  allocation.add_copies_of(inputs);
  if (auto fits =
        allocation.check(m_signature.name, "its outputs and the values between its kernels");
      !fits) {
    return std::unexpected(fits.error());
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
