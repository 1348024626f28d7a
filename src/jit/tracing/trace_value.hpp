// TraceValue: what a symbolic Tensor carries while a jit::function records its body: the
// session recording the graph, and the value of that graph the tensor stands for.
#pragma once

#include "jit/ir/graph.hpp"

#include <jitcache/jit/dtype.hpp>

#include <memory>
#include <vector>

namespace jitcache::jit {
class TraceSession;
}

namespace jitcache::jit::detail {

struct TraceValue {
  std::shared_ptr<TraceSession> session;
  ValueId id = 0;
  DType dtype = DType::f32;
  std::vector<int64_t> sizes;
};

} // namespace jitcache::jit::detail
