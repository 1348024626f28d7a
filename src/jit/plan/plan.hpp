// Plan: how to run a graph as a sequence of compiled kernels. Buffers are the graph's inputs
// and the kernels' outputs; each launch names a kernel, the buffers it reads and writes (in
// the kernel's order: inputs, then output) and the graph symbol behind each of the kernel's
// symbols. A graph entry in the persistent cache stores the plan (as text, one line per
// buffer and launch) and the kernels' keys, so a warm start runs without planning or
// generating any code. The text form is read on every warm start: it is kept plain so that
// reading it costs a few microseconds.
#pragma once

#include "jit/ir/graph.hpp"
#include "jit/plan/kernel_spec.hpp"

#include <jitcache/error.hpp>

#include <string>
#include <vector>

namespace jitcache::jit {

struct PlanBuffer {
  DType dtype = DType::f32;
  Shape shape;
  int64_t parameter = -1; // >= 0: the graph's input of that index; else a kernel's output
};

struct PlanLaunch {
  uint32_t kernel = 0;              // index into Plan::kernels (or the kernel keys)
  std::vector<uint32_t> buffers;    // the kernel's inputs, then its output
  std::vector<std::string> symbols; // graph symbol for kernel symbol s0, s1, ...
};

struct Plan {
  std::vector<PlanBuffer> buffers;
  std::vector<PlanLaunch> launches;
  std::vector<uint32_t> outputs;
  std::vector<KernelSpec> kernels; // distinct kernels; not part of the text form

  // Everything but the kernel specs, as text:
  //   plan 1
  //   buffer f32 -1 B 512        (dtype, parameter index or -1, dimensions)
  //   launch 0 3 0 1 2 B         (kernel, buffer count, buffers, symbols)
  //   outputs 5
  std::string to_text() const;
  // Reads to_text's text back; errors name the line and the word that is wrong.
  // `kernel_count` bounds the kernel indices.
  static Expected<Plan> from_text(std::string_view text, size_t kernel_count);
};

} // namespace jitcache::jit
