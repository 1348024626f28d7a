// Codegen: a KernelSpec into one C++ translation unit with a single entry point,
//
//   extern "C" void <symbol>(void* const* buffers, const int64_t* symbols);
//
// named after the kernel's key, so that every kernel of a graph links into one library.
// buffers are the spec's inputs then its output; symbols are s0, s1, ... Static sizes and
// strides are constants in the code, symbolic ones are read from `symbols`. The innermost
// loop is cut into blocks of a constant 16 iterations over __restrict pointers so that g++
// vectorizes it at plain -O2 (whose cost model only vectorizes loops of known trip count);
// reductions keep 16 partial accumulators for the same reason. The scalar semantics come
// from kernel_prelude.hpp, pasted at the top.
#pragma once

#include "jit/plan/kernel_spec.hpp"

#include <string>
#include <string_view>

namespace jitcache::jit {

// Changes whenever generated code changes for the same spec, or a graph's plan or the form
// of a graph entry changes; part of every kernel and graph key. 4: a reduction computes an
// elementwise input used only by it inline (its prologue).
inline constexpr std::string_view k_codegen_version = "4";
// The options codegen was run with; part of every kernel key.
std::string codegen_options();

// The entry point's name for a kernel key (its first 32 hex digits).
std::string kernel_symbol(std::string_view key_hex);

std::string generate_kernel_source(const KernelSpec& spec, const std::string& symbol);

} // namespace jitcache::jit
