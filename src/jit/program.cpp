#include "jit/program.hpp"

#include "util/files.hpp"

#include <fmt/format.h>

namespace jitcache::jit {

const Graph*
Program::find(std::string_view name) const
{
  for (const auto& graph : functions) {
    if (graph.name == name) {
      return &graph;
    }
  }
  return nullptr;
}

Expected<Program>
load_program(const std::filesystem::path& path)
{
  auto bytes = util::read_file(path);
  if (!bytes) {
    return std::unexpected(bytes.error());
  }
  return parse_program(SourceText{path.string(), std::string(bytes->begin(), bytes->end())});
}

Expected<SymbolSizes>
bind_arguments(const Graph& graph, std::span<const TensorType> types)
{
  if (types.size() != graph.parameters.size()) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("{} takes {} arguments, got {}", graph.name,
                                  graph.parameters.size(), types.size()));
  }
  SymbolSizes sizes;
  std::map<std::string, std::string, std::less<>> bound_by;
  for (size_t i = 0; i < types.size(); ++i) {
    const auto& expected = graph.type(graph.parameters[i]);
    const auto& actual = types[i];
    const auto& name = graph.parameter_names[i];
    if (actual.dtype != expected.dtype || actual.shape.size() != expected.shape.size()) {
      return make_error(ErrorCode::invalid_argument,
                        fmt::format("argument '{}' of {} should be {}, got {}", name, graph.name,
                                    to_string(expected), to_string(actual)));
    }
    for (size_t d = 0; d < expected.shape.size(); ++d) {
      const auto& want = expected.shape[d];
      const auto& got = actual.shape[d];
      if (!got.is_static()) {
        return make_error(ErrorCode::invalid_argument,
                          fmt::format("argument '{}' of {} needs static sizes, got {}", name,
                                      graph.name, to_string(actual)));
      }
      if (want.is_static()) {
        if (want.size != got.size) {
          return make_error(ErrorCode::invalid_argument,
                            fmt::format("argument '{}' of {}: dimension {} should be {}, got {}",
                                        name, graph.name, d, want.size, got.size));
        }
        continue;
      }
      auto [found, inserted] = sizes.emplace(want.symbol, got.size);
      if (inserted) {
        bound_by[want.symbol] = fmt::format("'{}' dimension {}", name, d);
      } else if (found->second != got.size) {
        return make_error(ErrorCode::invalid_argument,
                          fmt::format("argument '{}' of {}: dimension {} binds {} to {}, but {} "
                                      "already binds it to {}",
                                      name, graph.name, d, want.symbol, got.size,
                                      bound_by[want.symbol], found->second));
      }
    }
  }
  return sizes;
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
