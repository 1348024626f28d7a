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
    if (want.is_derived()) {
      m_derived_arguments.push_back({index, d, got.size});
      continue;
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

namespace {

std::string
symbol_values(const DimExpr& expr, const SymbolSizes& sizes)
{
  std::vector<std::string> values;
  for (const auto& symbol : expr.symbols()) {
    if (auto found = sizes.find(symbol); found != sizes.end()) {
      values.push_back(fmt::format("{} = {}", symbol, found->second));
    }
  }
  return fmt::format("{}", fmt::join(values, ", "));
}

std::optional<int64_t>
size_in(const SymbolSizes& sizes, std::string_view symbol)
{
  auto found = sizes.find(symbol);
  return found == sizes.end() ? std::nullopt : std::optional(found->second);
}

} // namespace

Expected<void>
ArgumentBinder::finish()
{
  for (const auto& [index, d, size] : m_derived_arguments) {
    const Dim& want = m_graph.type(m_graph.parameters[index]).shape[d];
    const DimExpr expr = expression_of(want);
    auto value = expr.evaluate([&](std::string_view symbol) { return size_in(m_sizes, symbol); });
    if (!value || *value != size) {
      m_failed = want.symbol;
      m_failed_argument = index;
      return make_error(ErrorCode::invalid_argument,
                        fmt::format("argument '{}' of {}: dimension {} should be {} ({}), got {}",
                                    m_graph.parameter_names[index], m_graph.name, d, want.symbol,
                                    value ? std::to_string(*value) : value.error().message, size));
    }
    m_sizes.emplace(want.symbol, size);
  }
  return DerivedSizes(m_graph.derived_symbols()).add_to(m_sizes, &m_failed);
}

DerivedSizes::DerivedSizes(const std::vector<std::string>& derived_symbols)
{
  for (const auto& symbol : derived_symbols) {
    m_expressions.emplace_back(symbol, expression_of(Dim::named(symbol)));
  }
}

Expected<void>
DerivedSizes::add_to(SymbolSizes& sizes, std::string* failed) const
{
  for (const auto& [symbol, expr] : m_expressions) {
    if (sizes.contains(symbol)) {
      continue;
    }
    auto value = expr.evaluate([&](std::string_view name) { return size_in(sizes, name); });
    if (!value || *value < 0) {
      if (failed) {
        *failed = symbol;
      }
      return make_error(
        ErrorCode::invalid_argument,
        value ? fmt::format("dimension {} would be {} when {}", symbol, *value,
                            symbol_values(expr, sizes))
              : fmt::format("{} when {}", value.error().message, symbol_values(expr, sizes)));
    }
    sizes.emplace(symbol, *value);
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
  if (auto finished = binder.finish(); !finished) {
    return std::unexpected(finished.error());
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
