// ShapeProduct: the number of elements of a shape with symbolic dimensions, as a monomial
// (a static coefficient times a sorted list of symbols). Reshapes compare element counts
// with it, and codegen prints strides with it.
#pragma once

#include "jit/ir/graph.hpp"

#include <optional>
#include <string>
#include <vector>

namespace jitcache::jit {

struct ShapeProduct {
  int64_t coefficient = 1;
  std::vector<std::string> symbols; // sorted; a symbol appears once per factor

  static ShapeProduct of(const Shape& shape);
  // The product of shape[begin, end).
  static ShapeProduct of(const Shape& shape, size_t begin, size_t end);

  // this / divisor as a single dimension, when it is exactly one.
  std::optional<Dim> divided_by(const ShapeProduct& divisor) const;
  bool operator==(const ShapeProduct&) const = default;
};

} // namespace jitcache::jit
