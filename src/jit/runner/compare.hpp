// Compares compiled results with the interpreter's, with tolerances by dtype: f32 within
// 1e-4 + 1e-3 |expected|, f64 within 1e-10 + 1e-9 |expected|, integers and bools exactly.
// NaN matches NaN and infinities match themselves.
#pragma once

#include <jitcache/jit/tensor.hpp>

#include <string>
#include <vector>

namespace jitcache::jit {

struct Comparison {
  bool passed = true;
  double max_abs_err = 0;
  double max_rel_err = 0;
  std::string first_mismatch; // "output 0 element 17: 1.5 vs 1.25", empty if none
};

Comparison compare_outputs(const std::vector<Tensor>& actual, const std::vector<Tensor>& expected);

} // namespace jitcache::jit
