// TraceSession: the graph a jit::function is recording while its body runs on symbolic
// tensors. Tensors made during the trace point back at it (TraceValue).
#pragma once

#include "jit/ir/graph_builder.hpp"
#include "jit/tracing/trace_value.hpp"

#include <jitcache/jit/tensor.hpp>

#include <memory>

namespace jitcache::jit {

class TraceSession : public std::enable_shared_from_this<TraceSession> {
public:
  explicit TraceSession(std::string name) : m_builder(std::move(name)) {}

  GraphBuilder&
  builder()
  {
    return m_builder;
  }

  // A symbolic tensor for value `id` of this session's graph.
  Tensor
  tensor(ValueId id)
  {
    auto value = std::make_shared<detail::TraceValue>();
    value->session = shared_from_this();
    value->id = id;
    const auto& type = m_builder.type(id);
    value->dtype = type.dtype;
    for (const auto& dim : type.shape) {
      value->sizes.push_back(dim.size);
    }
    return Tensor::from_trace(std::move(value));
  }

private:
  GraphBuilder m_builder;
};

} // namespace jitcache::jit
