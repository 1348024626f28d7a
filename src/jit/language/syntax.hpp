// The syntax tree of a program, as the parser reads it and before names are resolved.
// lowering.cpp turns each `def` into a Graph.
#pragma once

#include "jit/ir/graph.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache::jit::syntax {

// The names an expression reads as positive infinity and as NaN: real literals, as
// `math.inf` and `math.nan` in Python.
inline constexpr std::string_view k_infinity = "inf";
inline constexpr std::string_view k_not_a_number = "nan";

// Names that read as constants (true, false, inf, nan), so nothing may define them.
inline bool
is_constant_name(std::string_view name)
{
  return name == "true" || name == "false" || name == k_infinity || name == k_not_a_number;
}

struct Expr;

struct KeywordArg {
  std::string name;
  SourceLocation location;
  std::vector<Expr> value; // exactly one element (a vector only to allow the recursive type)
};

struct Expr {
  enum class Kind { integer, real, boolean, name, negate, binary, call, list };
  Kind kind = Kind::integer;
  SourceLocation location;
  size_t length = 1;                // columns to underline in errors
  std::string text;                 // a name, a number's text, an operator, or the called function
  std::vector<Expr> operands;       // negate: 1; binary: 2; call: positional arguments; list: items
  std::vector<KeywordArg> keywords; // call only
  uint32_t depth = 1;               // of the tree below and including this node
};

struct DimSpec {
  Dim dim;
  SourceLocation location;
  std::optional<std::pair<int64_t, int64_t>> sweep; // {FIRST..LAST} in a run line; dim is FIRST
};

struct TypeSpec {
  DType dtype = DType::f32;
  std::vector<DimSpec> dims;
  SourceLocation location;

  TensorType tensor_type() const;
};

struct Parameter {
  std::string name;
  SourceLocation location;
  TypeSpec type;
};

struct Target {
  std::string name;
  SourceLocation location;
};

struct Statement {
  bool is_return = false;
  SourceLocation location;
  std::vector<Target> targets; // assignment only
  std::vector<Expr> values;    // return: one or more; assignment: exactly one
};

struct Function {
  std::string name;
  SourceLocation location;
  std::vector<Parameter> parameters;
  std::vector<Statement> body;
};

struct Run {
  std::string function;
  SourceLocation location;
  std::vector<Parameter> arguments;
  uint64_t repeat = 1;
};

struct Program {
  std::vector<Function> functions;
  std::vector<Run> runs;
};

} // namespace jitcache::jit::syntax
