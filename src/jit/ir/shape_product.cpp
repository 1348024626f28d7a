#include "jit/ir/shape_product.hpp"

#include <algorithm>

namespace jitcache::jit {

ShapeProduct
ShapeProduct::of(const Shape& shape)
{
  return of(shape, 0, shape.size());
}

ShapeProduct
ShapeProduct::of(const Shape& shape, size_t begin, size_t end)
{
  ShapeProduct product;
  for (size_t i = begin; i < end; ++i) {
    if (shape[i].is_static()) {
      product.coefficient *= shape[i].size;
    } else {
      product.symbols.push_back(shape[i].symbol);
    }
  }
  std::sort(product.symbols.begin(), product.symbols.end());
  return product;
}

std::optional<Dim>
ShapeProduct::divided_by(const ShapeProduct& divisor) const
{
  if (divisor.coefficient == 0 || coefficient % divisor.coefficient != 0) {
    return std::nullopt;
  }
  std::vector<std::string> remaining;
  std::set_difference(symbols.begin(), symbols.end(), divisor.symbols.begin(),
                      divisor.symbols.end(), std::back_inserter(remaining));
  if (remaining.size() + divisor.symbols.size() != symbols.size()) {
    return std::nullopt; // the divisor has a symbol this product lacks
  }
  const int64_t quotient = coefficient / divisor.coefficient;
  if (remaining.empty()) {
    return Dim::of(quotient);
  }
  if (remaining.size() == 1 && quotient == 1) {
    return Dim::named(remaining.front());
  }
  return std::nullopt;
}

} // namespace jitcache::jit
