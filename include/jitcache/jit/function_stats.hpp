// FunctionStats: what happened to one function across its calls, as `jitcache run` reports
// it. Hit and miss counts are per artifact looked up (the graph entry, then each kernel).
#pragma once

#include <cstdint>

namespace jitcache::jit {

struct FunctionStats {
  uint64_t calls = 0;
  uint64_t traces = 0;      // graphs built from text or by tracing C++
  uint64_t compiles = 0;    // kernels compiled by the system compiler
  uint64_t recompiles = 0;  // variants compiled because no earlier one's guards admitted a call
  uint64_t memory_hits = 0; // calls served by a compiled variant (level 0), and kernels found
                            // already loaded in this process
  uint64_t local_hits = 0;  // artifacts read from the local cache directory
  uint64_t remote_hits = 0; // always 0: there is no remote tier yet
  uint64_t bundle_hits = 0; // always 0: there are no bundles yet
  uint64_t misses = 0;      // persistent lookups that found nothing usable
  uint64_t bypasses = 0;    // lookups skipped because the graph cannot be cached
  bool degraded = false;    // ran on the interpreter because compiling failed
  // Milliseconds spent in each phase.
  double trace_ms = 0;
  double key_ms = 0;
  double lookup_ms = 0;
  double compile_ms = 0; // planning, code generation and the compiler
  double load_ms = 0;
  double execute_ms = 0;

  void
  add(const FunctionStats& other)
  {
    calls += other.calls;
    traces += other.traces;
    compiles += other.compiles;
    recompiles += other.recompiles;
    memory_hits += other.memory_hits;
    local_hits += other.local_hits;
    remote_hits += other.remote_hits;
    bundle_hits += other.bundle_hits;
    misses += other.misses;
    bypasses += other.bypasses;
    degraded = degraded || other.degraded;
    trace_ms += other.trace_ms;
    key_ms += other.key_ms;
    lookup_ms += other.lookup_ms;
    compile_ms += other.compile_ms;
    load_ms += other.load_ms;
    execute_ms += other.execute_ms;
  }
};

} // namespace jitcache::jit
