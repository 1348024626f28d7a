#include "jit/ir/arguments.hpp"

#include <fmt/format.h>

namespace jitcache::jit {

Expected<void>
ArgumentBinder::bind(size_t index, const TensorType& actual)
{
  const auto& expected = m_graph.type(m_graph.parameters[index]);
  const auto& name = m_graph.parameter_names[index];
  if (actual.dtype != expected.dtype || actual.shape.size() != expected.shape.size()) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("argument '{}' of {} should be {}, got {}", name, m_graph.name,
                                  to_string(expected), to_string(actual)));
  }
  for (size_t d = 0; d < expected.shape.size(); ++d) {
    const auto& want = expected.shape[d];
    const auto& got = actual.shape[d];
    if (!got.is_static()) {
      return make_error(ErrorCode::invalid_argument,
                        fmt::format("argument '{}' of {} needs static sizes, got {}", name,
                                    m_graph.name, to_string(actual)));
    }
    if (want.is_static()) {
      if (want.size != got.size) {
        return make_error(ErrorCode::invalid_argument,
                          fmt::format("argument '{}' of {}: dimension {} should be {}, got {}",
                                      name, m_graph.name, d, want.size, got.size));
      }
      continue;
    }
    auto [found, inserted] = m_sizes.emplace(want.symbol, got.size);
    if (inserted) {
      m_bound_by[want.symbol] = fmt::format("'{}' dimension {}", name, d);
    } else if (found->second != got.size) {
      return make_error(ErrorCode::invalid_argument,
                        fmt::format("argument '{}' of {}: dimension {} binds {} to {}, but {} "
                                    "already binds it to {}",
                                    name, m_graph.name, d, want.symbol, got.size,
                                    m_bound_by[want.symbol], found->second));
    }
  }
  return {};
}

Expected<SymbolSizes>
bind_arguments(const Graph& graph, std::span<const TensorType> types)
{
  if (types.size() != graph.parameters.size()) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("{} takes {} arguments, got {}", graph.name,
                                  graph.parameters.size(), types.size()));
  }
  ArgumentBinder binder(graph);
  for (size_t i = 0; i < types.size(); ++i) {
    if (auto bound = binder.bind(i, types[i]); !bound) {
      return std::unexpected(bound.error());
    }
  }
  return binder.sizes();
}

TensorType
type_of(const Tensor& tensor)
{
  TensorType type{tensor.dtype(), {}};
  for (auto size : tensor.sizes()) {
    type.shape.push_back(Dim::of(size));
  }
  return type;
}

Expected<SymbolSizes>
bind_tensors(const Graph& graph, std::span<const Tensor> tensors)
{
  std::vector<TensorType> types;
  types.reserve(tensors.size());
  for (const auto& tensor : tensors) {
    types.push_back(type_of(tensor));
  }
  return bind_arguments(graph, types);
}

std::vector<int64_t>
concrete_shape(const Shape& shape, const SymbolSizes& sizes)
{
  std::vector<int64_t> result;
  result.reserve(shape.size());
  for (const auto& dim : shape) {
    result.push_back(dim.is_static() ? dim.size : sizes.find(dim.symbol)->second);
  }
  return result;
}

} // namespace jitcache::jit
