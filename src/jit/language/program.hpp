// Program: a parsed and type-checked program of the JIT's language. Each `def` is lowered to
// its own Graph, with calls to other defs inlined and symbolic dimensions kept symbolic;
// each `run` line is checked against the signature of the function it calls.
#pragma once

#include "jit/ir/graph.hpp"
#include "jit/language/source_error.hpp"

#include <jitcache/error.hpp>

#include <filesystem>
#include <optional>
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

} // namespace jitcache::jit
