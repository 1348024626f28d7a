// Tensor: a dense CPU tensor of the reference JIT. It owns its storage or borrows the
// caller's; strides are in elements. While a jit::function traces its body, the tensors it
// sees are symbolic: they carry a value of the graph being recorded instead of data.
#pragma once

#include <jitcache/jit/dtype.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace jitcache::jit {

namespace detail {
struct TraceValue; // a value of the graph being traced (src/jit/tracing/trace_value.hpp)
}

class Tensor {
public:
  Tensor() = default;

  // A new contiguous tensor, zero-filled. Both throw std::invalid_argument for a negative
  // size, std::length_error for sizes that take more than 2^63 bytes (see tensor_bytes) and
  // std::bad_alloc when memory runs out.
  static Tensor zeros(DType dtype, std::vector<int64_t> sizes);
  // A new contiguous tensor whose contents are unspecified (for outputs about to be written).
  static Tensor empty(DType dtype, std::vector<int64_t> sizes);
  // A view of the caller's memory, which must outlive every use. Empty strides: contiguous.
  static Tensor borrow(DType dtype, std::vector<int64_t> sizes, void* data,
                       std::vector<int64_t> strides = {});
  static Tensor from_trace(std::shared_ptr<detail::TraceValue> value);

  bool
  defined() const
  {
    return m_data != nullptr || m_trace != nullptr; // owned storage always sets m_data
  }
  bool
  traced() const
  {
    return m_trace != nullptr;
  }
  const std::shared_ptr<detail::TraceValue>&
  trace() const
  {
    return m_trace;
  }

  DType dtype() const;
  const std::vector<int64_t>& sizes() const;
  const std::vector<int64_t>&
  strides() const
  {
    return m_strides;
  }
  size_t
  rank() const
  {
    return sizes().size();
  }
  int64_t numel() const;
  bool is_contiguous() const;
  // This tensor if contiguous, else a contiguous copy.
  Tensor contiguous() const;

  void*
  data()
  {
    return m_data;
  }
  const void*
  data() const
  {
    return m_data;
  }
  template<typename T>
  T*
  data_as()
  {
    return static_cast<T*>(m_data);
  }
  template<typename T>
  const T*
  data_as() const
  {
    return static_cast<const T*>(m_data);
  }

  // The element at `index` converted to double (for tests and reports).
  double at(std::span<const int64_t> index) const;
  // The element at flat position `i` of a contiguous tensor, as double.
  double flat(int64_t i) const;

private:
  DType m_dtype = DType::f32;
  std::vector<int64_t> m_sizes;
  std::vector<int64_t> m_strides;
  std::shared_ptr<void> m_storage; // owned storage; empty when borrowed
  void* m_data = nullptr;
  std::shared_ptr<detail::TraceValue> m_trace;
};

// The row-major strides of `sizes`.
std::vector<int64_t> contiguous_strides(const std::vector<int64_t>& sizes);

// "f32[32, 784]"
std::string describe(const Tensor& tensor);

} // namespace jitcache::jit
