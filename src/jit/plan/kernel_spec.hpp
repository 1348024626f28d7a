// KernelSpec: one fused kernel, described without any name from the program it came from.
//
// A kernel reads contiguous input buffers and writes one contiguous output buffer. Sizes and
// strides are products of a static coefficient and kernel-local symbols s0, s1, ... (numbered
// in order of first appearance), so the same computation in two functions, or eight times in
// one, has one spec, one key and one compiled library. Its canonical text (`serialize`) is
// what the kernel key hashes; codegen turns a spec into C++.
//
// Three forms:
//  - elementwise: `result` evaluated at every point of the output (loops = output shape);
//  - reduction: `prologue` evaluated over `loops` (the reduced input's shape) and combined
//    by `reduce_op` over the loops marked reduced; `result` (the epilogue, in which the core
//    expression stands for the reduced value) is evaluated per output point;
//  - matmul: `a` and `b` are loads over loops (batch..., i, j, p); the product is summed
//    over p, and `result` is the epilogue over (batch..., i, j).
#pragma once

#include "jit/ir/graph.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace jitcache::jit {

// coefficient * s[symbols[0]] * s[symbols[1]] ...
struct SizeExpr {
  int64_t coefficient = 1;
  std::vector<uint32_t> symbols; // sorted

  bool
  is_static() const
  {
    return symbols.empty();
  }
  bool operator==(const SizeExpr&) const = default;
};

SizeExpr operator*(const SizeExpr& a, const SizeExpr& b);
std::string to_string(const SizeExpr& size); // "784", "s0", "16*s0*s1"

struct KernelBuffer {
  DType dtype = DType::f32;
  std::vector<SizeExpr> shape;
};

// The row-major strides of a buffer's shape.
std::vector<SizeExpr> contiguous_strides(const std::vector<SizeExpr>& shape);

struct KernelExpr {
  enum class Kind : uint8_t { load, constant, op, core };
  Kind kind = Kind::op;
  DType dtype = DType::f32;
  Op op = Op::add;               // op: the elementwise operation
  std::vector<uint32_t> args;    // op: earlier expressions
  uint32_t buffer = 0;           // load: which input buffer
  std::vector<SizeExpr> strides; // load: one per dimension of the space it is evaluated in
  double value = 0;              // constant
};

struct KernelSpec {
  enum class Form : uint8_t { elementwise, reduction, matmul };
  Form form = Form::elementwise;
  uint32_t symbol_count = 0;
  std::vector<KernelBuffer> inputs;
  KernelBuffer output;
  std::vector<SizeExpr> loops; // see the forms above
  std::vector<bool> reduced;   // reduction: per loop
  Op reduce_op = Op::sum;
  std::vector<KernelExpr> exprs; // topologically ordered
  int64_t prologue = -1;         // reduction: the expression reduced
  int64_t a = -1;                // matmul: the two operand loads
  int64_t b = -1;
  uint32_t result = 0; // the value stored at each output point

  // The canonical text: equal specs, equal text, and the other way round.
  std::string serialize() const;
  // A short human-readable description for key summaries and logs.
  std::string summary() const;
};

} // namespace jitcache::jit
