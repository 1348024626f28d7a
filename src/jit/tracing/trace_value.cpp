#include "jit/tracing/trace_value.hpp"

#include <jitcache/jit/tensor.hpp>

namespace jitcache::jit {

// Defined with the tracer rather than in tensor.cpp, so that Tensor, which every stage of the
// JIT uses, does not depend on tracing.
Tensor
Tensor::from_trace(std::shared_ptr<detail::TraceValue> value)
{
  Tensor tensor;
  tensor.m_dtype = value->dtype;
  tensor.m_sizes = value->sizes;
  tensor.m_strides = contiguous_strides(value->sizes);
  tensor.m_trace = std::move(value);
  return tensor;
}

} // namespace jitcache::jit
