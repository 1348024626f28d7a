#include "jit/runtime/specialize.hpp"

#include "jit/ir/dim_expr.hpp"
#include "jit/ir/graph_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace jitcache::jit {

void
arg_views_of(std::span<const Tensor> inputs, std::vector<ArgView>& views)
{
  views.clear();
  for (const Tensor& input : inputs) {
    views.push_back(ArgView::tensor(static_cast<uint8_t>(input.dtype()),
                                    static_cast<uint8_t>(input.rank()), input.sizes().data(),
                                    input.strides().data(), nullptr));
  }
}

void
arg_views_of(std::span<const TensorType> types, std::vector<std::vector<int64_t>>& sizes,
             std::vector<ArgView>& views)
{
  sizes.clear();
  views.clear();
  for (const auto& type : types) {
    auto& shape = sizes.emplace_back();
    for (const auto& dim : type.shape) {
      shape.push_back(dim.size);
    }
  }
  for (size_t i = 0; i < types.size(); ++i) {
    views.push_back(ArgView::tensor(static_cast<uint8_t>(types[i].dtype),
                                    static_cast<uint8_t>(sizes[i].size()), sizes[i].data(), nullptr,
                                    nullptr));
  }
}

Expected<Graph>
specialize_graph(const Graph& graph, std::span<const ArgView> args,
                 const dispatch::DynamicDims& dynamic)
{
  std::map<std::string, int64_t, std::less<>> constants; // symbol -> its size in this call
  std::vector<std::string> kept;
  for (size_t p = 0; p < graph.parameters.size() && p < args.size(); ++p) {
    const auto& shape = graph.type(graph.parameters[p]).shape;
    for (size_t d = 0; d < shape.size() && d < args[p].rank; ++d) {
      if (shape[d].is_static()) {
        continue;
      }
      if (shape[d].is_derived()) {
        // A derived dimension follows its symbols: dynamic here keeps them all symbolic.
        if (dynamic.is_dynamic(p, d)) {
          const auto symbols = expression_of(shape[d]).symbols();
          kept.insert(kept.end(), symbols.begin(), symbols.end());
        }
      } else if (dynamic.is_dynamic(p, d)) {
        kept.push_back(shape[d].symbol);
      } else {
        constants.emplace(shape[d].symbol, args[p].sizes[d]);
      }
    }
  }
  for (const auto& symbol : kept) {
    constants.erase(symbol); // dynamic wherever it appears
  }
  // Derived dimensions with the constants put in: a size, or a smaller expression.
  std::map<std::string, Dim, std::less<>> derived;
  for (const auto& symbol : graph.derived_symbols()) {
    auto replaced = expression_of(Dim::named(symbol))
                      .substitute([&](std::string_view name) -> std::optional<DimExpr> {
                        auto found = constants.find(name);
                        return found == constants.end()
                                 ? std::nullopt
                                 : std::optional(DimExpr::constant(found->second));
                      });
    if (!replaced || replaced->constant_value().value_or(0) < 0) {
      return make_error(ErrorCode::invalid_argument,
                        fmt::format("calling {}: dimension {} {}", graph.name, symbol,
                                    replaced ? fmt::format("is {}, below 0", replaced->to_string())
                                             : replaced.error().message));
    }
    derived.emplace(symbol, dim_of(*replaced));
  }
  Graph specialized = graph;
  for (auto& node : specialized.nodes) {
    for (auto& dim : node.type.shape) {
      if (dim.is_derived()) {
        dim = derived.at(dim.symbol);
      } else if (auto found = constants.find(dim.symbol);
                 !dim.is_static() && found != constants.end()) {
        dim = Dim::of(found->second);
      }
    }
    // Sizes that multiply past int64 would overflow the kernels' constants.
    if (!static_sizes_fit(node.type)) {
      std::vector<std::string> given;
      for (const auto& arg : args) {
        given.push_back(fmt::format("[{}]", fmt::join(std::span(arg.sizes, arg.rank), ", ")));
      }
      return make_error(ErrorCode::invalid_argument,
                        fmt::format("calling {} with arguments of sizes {}: a value would be {}, "
                                    "more than 2^63 bytes",
                                    graph.name, fmt::join(given, ", "), to_string(node.type)));
    }
  }
  return specialized;
}

std::vector<TensorType>
traced_parameter_types(std::span<const ArgView> args, const dispatch::DynamicDims& dynamic)
{
  std::map<int64_t, std::string> symbol_of_size;
  std::vector<TensorType> types;
  for (size_t p = 0; p < args.size(); ++p) {
    TensorType type{static_cast<DType>(args[p].dtype), {}};
    const int64_t* sizes = args[p].sizes;
    for (size_t d = 0; d < args[p].rank; ++d) {
      if (!dynamic.is_dynamic(p, d) || sizes[d] < 2) {
        type.shape.push_back(Dim::of(sizes[d]));
        continue;
      }
      auto [found, added] =
        symbol_of_size.emplace(sizes[d], fmt::format("s{}", symbol_of_size.size()));
      type.shape.push_back(Dim::named(found->second));
    }
    types.push_back(std::move(type));
  }
  return types;
}

guards::GuardSet
guards_for(const Graph& graph, bool symbols_at_least_two)
{
  guards::GuardSet set;
  set.add_arity(static_cast<uint32_t>(graph.parameters.size()));
  const auto symbols = graph.symbols();
  const auto derived = graph.derived_symbols();
  for (size_t p = 0; p < graph.parameters.size(); ++p) {
    const auto& type = graph.type(graph.parameters[p]);
    guards::TensorGuard tensor{static_cast<uint8_t>(p), static_cast<uint8_t>(type.dtype), {}, {}};
    for (const auto& dim : type.shape) {
      if (dim.is_static()) {
        tensor.sizes.push_back(guards::DimGuard::of(dim.size));
      } else if (dim.is_derived()) {
        // A size of its own to the guards: a program's calls are checked against its
        // signature before they are made, and binding the arguments checks it at each call.
        tensor.sizes.push_back(guards::DimGuard::symbol(static_cast<uint32_t>(
          symbols.size() +
          (std::find(derived.begin(), derived.end(), dim.symbol) - derived.begin()))));
      } else {
        const auto index = std::find(symbols.begin(), symbols.end(), dim.symbol) - symbols.begin();
        tensor.sizes.push_back(guards::DimGuard::symbol(static_cast<uint32_t>(index)));
      }
    }
    set.add_tensor(std::move(tensor));
  }
  if (symbols_at_least_two) {
    for (size_t s = 0; s < symbols.size(); ++s) {
      set.add_relation(*guards::ShapeExpr::parse(fmt::format("s{} >= 2", s)));
    }
  }
  return set;
}

} // namespace jitcache::jit
