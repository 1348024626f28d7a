// ArgView: what a guard may look at in one argument of a call. Any JIT describes its
// arguments this way, and the cache layers know nothing else about them: for a tensor its
// dtype (a code of the JIT's choosing), rank, sizes, strides and data pointer (for
// alignment); for a scalar its value. Views borrow: the arrays must outlive the check.
#pragma once

#include <cstdint>

namespace jitcache {

struct ArgView {
  enum class Kind : uint8_t { tensor, integer, real };

  Kind kind = Kind::tensor;
  uint8_t dtype = 0;                // tensor: the JIT's dtype code
  uint8_t rank = 0;                 // tensor
  const int64_t* sizes = nullptr;   // tensor: `rank` sizes
  const int64_t* strides = nullptr; // tensor: `rank` strides, in elements
  uintptr_t data = 0;               // tensor: the data pointer, for alignment guards
  int64_t integer = 0;              // integer scalar
  double real = 0;                  // real scalar

  static ArgView
  tensor(uint8_t dtype, uint8_t rank, const int64_t* sizes, const int64_t* strides,
         const void* data)
  {
    ArgView view;
    view.dtype = dtype;
    view.rank = rank;
    view.sizes = sizes;
    view.strides = strides;
    view.data = reinterpret_cast<uintptr_t>(data);
    return view;
  }
  static ArgView
  of_integer(int64_t value)
  {
    ArgView view;
    view.kind = Kind::integer;
    view.integer = value;
    return view;
  }
  static ArgView
  of_real(double value)
  {
    ArgView view;
    view.kind = Kind::real;
    view.real = value;
    return view;
  }
};

} // namespace jitcache
