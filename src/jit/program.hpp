// Program: a parsed and type-checked program of the JIT's language. Each `def` is lowered to
// its own Graph, with calls to other defs inlined and symbolic dimensions kept symbolic;
// each `run` line is checked against the signature of the function it calls.
#pragma once

#include "jit/ir.hpp"
#include "jit/source_error.hpp"

#include <jitcache/error.hpp>
#include <jitcache/jit/tensor.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace jitcache::jit {

// A run line's size sweep: input `input`'s dimension `dim` takes each size first..last.
struct SizeSweep {
  size_t input = 0;
  size_t dim = 0;
  int64_t first = 0;
  int64_t last = 0;
};

struct RunLine {
  std::string function;
  std::vector<TensorType> inputs; // by parameter index; static shapes (a sweep's first size)
  uint64_t repeat = 1;            // calls per size
  SourceLocation location;
  std::optional<SizeSweep> sweep;

  // The inputs of each call the line makes, in order (one list without a sweep).
  std::vector<std::vector<TensorType>> calls() const;
};

struct Program {
  SourceText source;
  std::vector<Graph> functions;
  std::vector<RunLine> runs;

  const Graph* find(std::string_view name) const;
};

Expected<Program> parse_program(const SourceText& source);
// Reads and parses a file; `display_path` is how errors name it.
Expected<Program> load_program(const std::filesystem::path& path);

// A call of `function` with inputs written as in a run line ("x=f32[32, 784]"), checked like
// one. Errors name the input ("--input:1:9: ...").
Expected<RunLine> parse_call(const Program& program, std::string_view function,
                             const std::vector<std::string>& inputs);

// The size each of the graph's symbols takes for a call with arguments of `types`, or a
// message naming the argument and dimension that disagree.
using SymbolSizes = std::map<std::string, int64_t, std::less<>>;
Expected<SymbolSizes> bind_arguments(const Graph& graph, std::span<const TensorType> types);

// bind_arguments one argument at a time, in any order: a run line checks each argument
// against those given before it, so that an error points at the argument that disagrees.
class ArgumentBinder {
public:
  explicit ArgumentBinder(const Graph& graph) : m_graph(graph) {}

  // Checks parameter `index`'s argument of `type` against the arguments bound so far.
  Expected<void> bind(size_t index, const TensorType& type);
  const SymbolSizes&
  sizes() const
  {
    return m_sizes;
  }

private:
  const Graph& m_graph;
  SymbolSizes m_sizes;
  std::map<std::string, std::string, std::less<>> m_bound_by; // symbol -> "'x' dimension 0"
};

// The type of a tensor with data: its dtype and static sizes.
TensorType type_of(const Tensor& tensor);
// bind_arguments for the types of `tensors`.
Expected<SymbolSizes> bind_tensors(const Graph& graph, std::span<const Tensor> tensors);

// `shape` with its symbols replaced by their sizes.
std::vector<int64_t> concrete_shape(const Shape& shape, const SymbolSizes& sizes);

} // namespace jitcache::jit
