// The scalar semantics of every elementwise op, shared word for word by the interpreter
// (which includes this header) and by generated kernels (codegen pastes this text at the top
// of each translation unit, and its digest enters every kernel key). One definition, so the
// compiled code and the reference cannot drift apart.
//
// Integer arithmetic wraps (computed in unsigned), integer division by zero gives 0, and
// float-to-integer casts saturate (NaN gives 0): no input can reach undefined behaviour.
//
// Math functions are the compiler's builtins (the same libm calls <cmath> makes) rather than
// <cmath> itself: parsing <cmath> was 85% of each kernel's compile time. No other standard
// header either: <cstdint>, <limits> and <type_traits> were a quarter of what was left. The
// fixed-width types come from the compiler's predefined macros (GCC's and Clang's; an alias
// may repeat <cstdint>'s, so the interpreter can have both), and the traits and limits below
// cover the five dtypes.
#pragma once

using int32_t = __INT32_TYPE__;
using int64_t = __INT64_TYPE__;

namespace jc {

template<typename A, typename B>
inline constexpr bool same = false;
template<typename A>
inline constexpr bool same<A, A> = true;

template<typename T>
inline constexpr bool is_floating = same<T, float> || same<T, double>;

// Integer arithmetic is done in the unsigned type of the same width, where it wraps.
template<typename T>
struct unsigned_of;
template<>
struct unsigned_of<int32_t> {
  using type = __UINT32_TYPE__;
};
template<>
struct unsigned_of<int64_t> {
  using type = __UINT64_TYPE__;
};
template<typename T>
using wide_unsigned = typename unsigned_of<T>::type;

// The range of the integer dtypes.
template<typename T>
struct limits;
template<>
struct limits<bool> {
  static constexpr bool min = false;
  static constexpr bool max = true;
};
template<>
struct limits<int32_t> {
  static constexpr int32_t min = -__INT32_MAX__ - 1;
  static constexpr int32_t max = __INT32_MAX__;
};
template<>
struct limits<int64_t> {
  static constexpr int64_t min = -__INT64_MAX__ - 1;
  static constexpr int64_t max = __INT64_MAX__;
};

template<typename T>
inline T
add(T a, T b)
{
  if constexpr (!is_floating<T>) {
    return static_cast<T>(static_cast<wide_unsigned<T>>(a) + static_cast<wide_unsigned<T>>(b));
  } else {
    return a + b;
  }
}

template<typename T>
inline T
sub(T a, T b)
{
  if constexpr (!is_floating<T>) {
    return static_cast<T>(static_cast<wide_unsigned<T>>(a) - static_cast<wide_unsigned<T>>(b));
  } else {
    return a - b;
  }
}

template<typename T>
inline T
mul(T a, T b)
{
  if constexpr (!is_floating<T>) {
    return static_cast<T>(static_cast<wide_unsigned<T>>(a) * static_cast<wide_unsigned<T>>(b));
  } else {
    return a * b;
  }
}

template<typename T>
inline T
div(T a, T b)
{
  if constexpr (!is_floating<T>) {
    if (b == 0) {
      return 0;
    }
    if (b == -1) {
      return sub(T(0), a); // a / -1 overflows for the most negative a
    }
    return a / b;
  } else {
    return a / b;
  }
}

template<typename T>
inline T
neg(T x)
{
  return sub(T(0), x);
}

template<typename T>
inline T
abs(T x)
{
  return x < T(0) ? neg(x) : x;
}

template<typename T>
inline T
maximum(T a, T b)
{
  return a > b ? a : b;
}

template<typename T>
inline T
minimum(T a, T b)
{
  return a < b ? a : b;
}

template<typename T>
inline T
relu(T x)
{
  return x > T(0) ? x : T(0);
}

template<typename T>
inline T
exp(T x)
{
  if constexpr (same<T, float>) {
    return __builtin_expf(x);
  } else {
    return __builtin_exp(x);
  }
}

template<typename T>
inline T
log(T x)
{
  if constexpr (same<T, float>) {
    return __builtin_logf(x);
  } else {
    return __builtin_log(x);
  }
}

template<typename T>
inline T
sqrt(T x)
{
  if constexpr (same<T, float>) {
    return __builtin_sqrtf(x);
  } else {
    return __builtin_sqrt(x);
  }
}

template<typename T>
inline T
rsqrt(T x)
{
  return T(1) / jc::sqrt(x);
}

template<typename T>
inline T
tanh(T x)
{
  if constexpr (same<T, float>) {
    return __builtin_tanhf(x);
  } else {
    return __builtin_tanh(x);
  }
}

template<typename T>
inline T
sigmoid(T x)
{
  return T(1) / (T(1) + jc::exp(-x));
}

// The tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
template<typename T>
inline T
gelu(T x)
{
  const T inner = T(0.7978845608028654) * (x + T(0.044715) * x * x * x);
  return T(0.5) * x * (T(1) + jc::tanh(inner));
}

template<typename T>
inline T
sin(T x)
{
  if constexpr (same<T, float>) {
    return __builtin_sinf(x);
  } else {
    return __builtin_sin(x);
  }
}

template<typename T>
inline T
cos(T x)
{
  if constexpr (same<T, float>) {
    return __builtin_cosf(x);
  } else {
    return __builtin_cos(x);
  }
}

template<typename T>
inline T
pow(T a, T b)
{
  if constexpr (same<T, float>) {
    return __builtin_powf(a, b);
  } else {
    return __builtin_pow(a, b);
  }
}

template<typename To, typename From>
inline To
cast(From x)
{
  if constexpr (same<To, bool>) {
    return x != From(0);
  } else if constexpr (!is_floating<To> && is_floating<From>) {
    if (__builtin_isnan(x)) {
      return 0;
    }
    if (x <= static_cast<From>(limits<To>::min)) {
      return limits<To>::min;
    }
    if (x >= static_cast<From>(limits<To>::max)) {
      return limits<To>::max;
    }
    return static_cast<To>(x);
  } else {
    return static_cast<To>(x);
  }
}

// The starting value of a max or min reduction (over no elements it is the result).
template<typename T>
inline T
lowest()
{
  if constexpr (is_floating<T>) {
    return -static_cast<T>(__builtin_inf());
  } else {
    return limits<T>::min;
  }
}

template<typename T>
inline T
highest()
{
  if constexpr (is_floating<T>) {
    return static_cast<T>(__builtin_inf());
  } else {
    return limits<T>::max;
  }
}

} // namespace jc
