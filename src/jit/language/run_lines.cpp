#include "jit/language/run_lines.hpp"

#include "jit/ir/arguments.hpp"
#include "jit/language/parser.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace jitcache::jit {

namespace {

// Derived dimensions (A//2, C-1) must come out whole and not negative for every call the line
// makes (each size of a sweep). An error points at where the function uses the dimension, or
// at the argument that disagrees with a derived dimension of the signature. Calls whose
// arguments do not bind are left to the checks that report those.
Expected<void>
check_derived_dimensions(const SourceText& source, const syntax::Run& run, const Program& program,
                         const Graph& graph, const RunLine& line)
{
  if (graph.derived_symbols().empty()) { // parameters are nodes: this covers the signature
    return {};
  }
  for (const auto& inputs : line.calls()) {
    ArgumentBinder call(graph);
    bool bound = true;
    for (size_t i = 0; i < inputs.size() && bound; ++i) {
      bound = call.bind(i, inputs[i]).has_value();
    }
    if (!bound) {
      continue;
    }
    auto finished = call.finish();
    if (finished) {
      continue;
    }
    if (auto argument = call.failed_argument()) {
      const auto& written =
        *std::find_if(run.arguments.begin(), run.arguments.end(), [&](const syntax::Parameter& p) {
          return p.name == graph.parameter_names[*argument];
        });
      return source_error(source, written.type.location, finished.error().message,
                          to_string(written.type.dtype).size());
    }
    const std::string sweep_size =
      line.sweep ? fmt::format(" at size {} of its sweep",
                               inputs[line.sweep->input].shape[line.sweep->dim].size)
                 : std::string();
    const std::string message = fmt::format(
      "{}, in the call of line {}{}", finished.error().message, run.location.line, sweep_size);
    const auto uses = std::find_if(graph.nodes.begin(), graph.nodes.end(), [&](const Node& n) {
      return std::any_of(n.type.shape.begin(), n.type.shape.end(),
                         [&](const Dim& d) { return d.symbol == call.failed_dimension(); });
    });
    if (uses == graph.nodes.end()) {
      return source_error(source, run.location, message, run.function.size());
    }
    return source_error(program.source, uses->location, message, 1);
  }
  return {};
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
  // Each argument is checked against those given before it, so an error points at it.
  ArgumentBinder binder(*graph);
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
    if (auto bound = binder.bind(index, line.inputs[index]); !bound) {
      return error(argument.type.location, bound.error().message,
                   to_string(argument.type.dtype).size());
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
  if (auto derived = check_derived_dimensions(source, run, program, *graph, line); !derived) {
    return std::unexpected(derived.error());
  }
  // Every call of a sweep must fit the signature: checking the first size and the last covers
  // a fixed size and a symbol bound elsewhere.
  if (line.sweep && line.sweep->last != line.sweep->first) {
    auto last = line.inputs;
    last[line.sweep->input].shape[line.sweep->dim] = Dim::of(line.sweep->last);
    if (auto bound = bind_arguments(*graph, last); !bound) {
      return error(sweep_location,
                   fmt::format("the sweep's size {} does not fit: {}", line.sweep->last,
                               bound.error().message),
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
