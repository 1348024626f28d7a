#include "jit/run_lines.hpp"

#include "jit/parser.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace jitcache::jit {

namespace {

// Checks the arguments given so far against the signature.
std::optional<std::string>
check_partial(const Graph& graph, const std::vector<TensorType>& inputs,
              const std::vector<bool>& given)
{
  Graph partial;
  partial.name = graph.name;
  std::vector<TensorType> types;
  for (size_t i = 0; i < given.size(); ++i) {
    if (given[i]) {
      partial.parameters.push_back(static_cast<ValueId>(partial.nodes.size()));
      partial.parameter_names.push_back(graph.parameter_names[i]);
      partial.nodes.push_back(graph.node(graph.parameters[i]));
      types.push_back(inputs[i]);
    }
  }
  auto bound = bind_arguments(partial, types);
  if (!bound) {
    return bound.error().message;
  }
  return std::nullopt;
}

} // namespace

Expected<RunLine>
lower_run_line(const SourceText& source, const syntax::Run& run, const Program& program)
{
  auto error = [&](SourceLocation location, std::string_view message, size_t length) {
    return source_error(source, location, message, length);
  };
  const Graph* graph = program.find(run.function);
  if (!graph) {
    return error(run.location, fmt::format("unknown function '{}'", run.function),
                 run.function.size());
  }
  RunLine line{run.function, {}, run.repeat, run.location, std::nullopt};
  line.inputs.resize(graph->parameters.size());
  std::vector<bool> given(graph->parameters.size(), false);
  SourceLocation sweep_location;
  for (const auto& argument : run.arguments) {
    auto index =
      std::find(graph->parameter_names.begin(), graph->parameter_names.end(), argument.name) -
      graph->parameter_names.begin();
    if (static_cast<size_t>(index) == graph->parameter_names.size()) {
      return error(argument.location,
                   fmt::format("{} has no parameter '{}'", run.function, argument.name),
                   argument.name.size());
    }
    if (given[index]) {
      return error(argument.location, fmt::format("'{}' is given twice", argument.name),
                   argument.name.size());
    }
    for (size_t d = 0; d < argument.type.dims.size(); ++d) {
      const auto& dim = argument.type.dims[d];
      if (!dim.dim.is_static()) {
        return error(dim.location, "a run line needs sizes, not names", dim.dim.symbol.size());
      }
      if (dim.sweep) {
        if (line.sweep) {
          return error(dim.location, "a run line may sweep one size only", 1);
        }
        line.sweep = SizeSweep{static_cast<size_t>(index), d, dim.sweep->first, dim.sweep->second};
        sweep_location = dim.location;
      }
    }
    given[index] = true;
    line.inputs[index] = argument.type.tensor_type();
    // Check this argument with those given before it, so the error points at it.
    if (auto problem = check_partial(*graph, line.inputs, given)) {
      return error(argument.type.location, *problem, to_string(argument.type.dtype).size());
    }
  }
  for (size_t i = 0; i < given.size(); ++i) {
    if (!given[i]) {
      return error(
        run.location,
        fmt::format("missing argument '{}' of {}", graph->parameter_names[i], run.function),
        run.function.size());
    }
  }
  // Every call of a sweep must fit the signature: checking the first size and the last covers
  // a fixed size and a symbol bound elsewhere.
  if (line.sweep && line.sweep->last != line.sweep->first) {
    auto last = line.inputs;
    last[line.sweep->input].shape[line.sweep->dim] = Dim::of(line.sweep->last);
    if (auto problem = check_partial(*graph, last, given)) {
      return error(sweep_location,
                   fmt::format("the sweep's size {} does not fit: {}", line.sweep->last, *problem),
                   1);
    }
  }
  return line;
}

std::vector<std::vector<TensorType>>
RunLine::calls() const
{
  if (!sweep) {
    return {inputs};
  }
  std::vector<std::vector<TensorType>> all;
  for (int64_t size = sweep->first; size <= sweep->last; ++size) {
    all.push_back(inputs);
    all.back()[sweep->input].shape[sweep->dim] = Dim::of(size);
  }
  return all;
}

Expected<RunLine>
parse_call(const Program& program, std::string_view function,
           const std::vector<std::string>& inputs)
{
  std::string text = fmt::format("run {}({})\n", function, fmt::join(inputs, ", "));
  const SourceText source{"--input", text};
  auto tree = parse_syntax(source);
  if (!tree) {
    return std::unexpected(tree.error());
  }
  if (tree->runs.size() != 1 || !tree->functions.empty()) {
    return make_error(
      ErrorCode::invalid_argument,
      fmt::format("--input values must look like NAME=f32[2, 3], got: {}", fmt::join(inputs, " ")));
  }
  return lower_run_line(source, tree->runs.front(), program);
}

} // namespace jitcache::jit
