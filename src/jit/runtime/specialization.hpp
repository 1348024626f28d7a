// Specialization: one compiled variant of a function, the payload of its level-0 cache entry.
#pragma once

#include "jit/execute/executable.hpp"
#include "jit/ir/graph.hpp"

#include <atomic>
#include <memory>

namespace jitcache::jit {

struct Specialization {
  Graph graph;
  std::shared_ptr<const Executable> executable; // empty: compiling failed, the interpreter runs it
  // Installed from a bundle (a precompiled function): its first call counts as a bundle hit.
  bool from_bundle = false;
  mutable std::atomic<bool> used{false};
};

} // namespace jitcache::jit
