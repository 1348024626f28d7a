// Executable: a graph's compiled form, ready to call. It holds the launch plan, one entry
// point per distinct kernel, and the libraries those live in (loaded as long as it lives).
#pragma once

#include "jit/build/loader.hpp"
#include "jit/ir/arguments.hpp"
#include "jit/plan/plan.hpp"

#include <jitcache/error.hpp>
#include <jitcache/jit/tensor.hpp>

#include <span>
#include <vector>

namespace jitcache::jit {

using KernelFunction = void (*)(void* const* buffers, const int64_t* symbols);

class Executable {
public:
  Executable(const Graph& graph, Plan plan, std::vector<KernelFunction> kernels,
             std::vector<LoadedLibrary> libraries);

  // Runs every launch in order; fails (without running anything) if the inputs do not
  // match the graph's signature, or if its buffers take more memory than is left.
  Expected<std::vector<Tensor>> run(std::span<const Tensor> inputs) const;

  const Plan&
  plan() const
  {
    return m_plan;
  }

private:
  Graph m_signature; // the graph's parameters only, to bind symbols at each call
  Plan m_plan;
  DerivedSizes m_derived; // derived dimensions the plan needs, computed at each call
  std::vector<KernelFunction> m_kernels;
  std::vector<LoadedLibrary> m_libraries;
};

} // namespace jitcache::jit
