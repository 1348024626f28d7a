#include "jit/runner/compare.hpp"

#include <fmt/format.h>

#include <cmath>

namespace jitcache::jit {

namespace {

struct Tolerance {
  double absolute = 0;
  double relative = 0;
};

Tolerance
tolerance_for(DType dtype)
{
  switch (dtype) {
  case DType::f32: return {1e-4, 1e-3};
  case DType::f64: return {1e-10, 1e-9};
  default: return {0, 0};
  }
}

} // namespace

Comparison
compare_outputs(const std::vector<Tensor>& actual, const std::vector<Tensor>& expected)
{
  Comparison result;
  if (actual.size() != expected.size()) {
    result.passed = false;
    result.first_mismatch = fmt::format("{} outputs, expected {}", actual.size(), expected.size());
    return result;
  }
  for (size_t k = 0; k < actual.size(); ++k) {
    const Tensor a = actual[k].contiguous();
    const Tensor e = expected[k].contiguous();
    if (a.dtype() != e.dtype() || a.sizes() != e.sizes()) {
      result.passed = false;
      result.first_mismatch =
        fmt::format("output {} is {}, expected {}", k, describe(a), describe(e));
      return result;
    }
    const auto tolerance = tolerance_for(a.dtype());
    for (int64_t i = 0; i < a.numel(); ++i) {
      const double x = a.flat(i);
      const double y = e.flat(i);
      if ((std::isnan(x) && std::isnan(y)) || x == y) {
        continue;
      }
      const double abs_err = std::isnan(x) || std::isnan(y) ? INFINITY : std::fabs(x - y);
      // Relative to at least the absolute tolerance, so values near zero do not inflate it.
      const double rel_err = abs_err / std::max(std::fabs(y), std::max(tolerance.absolute, 1e-30));
      result.max_abs_err = std::max(result.max_abs_err, abs_err);
      result.max_rel_err = std::max(result.max_rel_err, std::isfinite(rel_err) ? rel_err : abs_err);
      if (!(abs_err <= tolerance.absolute + tolerance.relative * std::fabs(y))) {
        if (result.passed) {
          result.first_mismatch = fmt::format("output {} element {}: {} vs {}", k, i, x, y);
        }
        result.passed = false;
      }
    }
  }
  return result;
}

} // namespace jitcache::jit
