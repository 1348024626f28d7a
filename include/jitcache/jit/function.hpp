// jit::function: compile a C++ lambda over Tensors through the reference JIT and the cache.
//
//   auto f = jitcache::jit::function("mlp", [](Tensor x, Tensor w) { return relu(matmul(x, w)); });
//   Tensor y = f(x, w);
//
// The first call with new input dtypes and sizes traces the lambda on symbolic tensors into a
// graph (the same IR the text language produces), then looks the graph up in the cache and
// compiles only what is missing; later calls with the same dtypes and sizes run the compiled
// code directly. The lambda may return a Tensor, a std::vector<Tensor> or a std::tuple of
// Tensors. If no kernel can be compiled the function runs on the interpreter (with a warning)
// and stats().degraded says so. Configuration comes from the environment and config files
// (JITCACHE_DIR, JITCACHE_CXX, ...), as for the CLI.
//
// Calls go through a guarded cache of compiled variants: a call whose dtypes and sizes an
// existing variant admits costs a guard check. Sizes start as constants; a dimension seen to
// change becomes dynamic in the next compile (automatic dynamic shapes), and that choice is
// remembered on disk for the next process. mark_dynamic() decides it up front.
#pragma once

#include <jitcache/jit/function_stats.hpp>
#include <jitcache/jit/ops.hpp>
#include <jitcache/jit/tensor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace jitcache::jit {

// How a function's calls use compiled code (see set_strategy).
enum class Strategy : uint8_t {
  compile,  // use a compiled variant; compile one when none admits the call (the default)
  run_only, // use a compiled variant; otherwise run eagerly, compiling nothing new
  skip,     // always run eagerly (on the interpreter)
};

namespace detail {

// The part of a jit::function that does not depend on the lambda's type.
class FunctionCore {
public:
  using Body = std::function<std::vector<Tensor>(std::span<const Tensor>)>;

  // `code`: an address in the code of the executable or library that defines the function,
  // which ties precompiled variants to that build of it.
  FunctionCore(std::string name, const void* code);
  ~FunctionCore();
  FunctionCore(const FunctionCore&) = delete;
  FunctionCore& operator=(const FunctionCore&) = delete;

  std::vector<Tensor> call(std::span<const Tensor> inputs, const Body& body);
  FunctionStats stats() const;
  void mark_dynamic(size_t arg, size_t dim);
  void set_strategy(Strategy strategy, std::optional<Strategy> recursive);
  std::vector<std::string> recompile_reasons() const;

private:
  struct State;
  std::unique_ptr<State> m_state;
};

template<typename R>
std::vector<Tensor>
outputs_of(R&& result)
{
  using T = std::decay_t<R>;
  if constexpr (std::is_same_v<T, Tensor>) {
    return {std::forward<R>(result)};
  } else if constexpr (std::is_same_v<T, std::vector<Tensor>>) {
    return std::forward<R>(result);
  } else {
    return std::apply([](auto&&... tensors) { return std::vector<Tensor>{Tensor(tensors)...}; },
                      std::forward<R>(result));
  }
}

template<typename R>
R
result_from(std::vector<Tensor> outputs)
{
  if constexpr (std::is_same_v<R, Tensor>) {
    return outputs.front();
  } else if constexpr (std::is_same_v<R, std::vector<Tensor>>) {
    return outputs;
  } else {
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return R{outputs[I]...};
    }(std::make_index_sequence<std::tuple_size_v<R>>{});
  }
}

} // namespace detail

template<typename F>
class Function {
public:
  Function(std::string name, F body)
    : m_core(std::make_shared<detail::FunctionCore>(
        std::move(name), reinterpret_cast<const void*>(&Function::code_anchor))),
      m_body(std::move(body))
  {
  }

  template<typename... Args>
  auto
  operator()(const Args&... args) const
  {
    static_assert((std::is_convertible_v<const Args&, Tensor> && ...), "arguments must be Tensors");
    using Result = std::decay_t<std::invoke_result_t<const F&, const Args&...>>;
    const std::vector<Tensor> inputs{Tensor(args)...};
    auto outputs = m_core->call(inputs, [this](std::span<const Tensor> traced) {
      return [&]<size_t... I>(std::index_sequence<I...>) {
        return detail::outputs_of(m_body(traced[I]...));
      }(std::index_sequence_for<Args...>{});
    });
    return detail::result_from<Result>(std::move(outputs));
  }

  // Calls, traces, compiles, hits and time spent so far.
  FunctionStats
  stats() const
  {
    return m_core->stats();
  }

  // Compiles dimension `dim` of argument `arg` as a symbolic size from the first compile on.
  void
  mark_dynamic(size_t arg, size_t dim)
  {
    m_core->mark_dynamic(arg, dim);
  }

  // This function's strategy; `recursive`, if given, applies instead to every jit::function
  // called (on the same thread) while this one runs.
  void
  set_strategy(Strategy strategy, std::optional<Strategy> recursive = std::nullopt)
  {
    m_core->set_strategy(strategy, recursive);
  }

  // Why each recompile happened (the guard of the newest variant that the call failed).
  std::vector<std::string>
  recompile_reasons() const
  {
    return m_core->recompile_reasons();
  }

private:
  // Instantiated with the lambda's type, so in the object that defines the lambda: its address
  // says which build of the program the function belongs to.
  static void
  code_anchor()
  {
  }

  std::shared_ptr<detail::FunctionCore> m_core;
  F m_body;
};

template<typename F>
Function<F>
function(std::string name, F body)
{
  return Function<F>(std::move(name), std::move(body));
}

} // namespace jitcache::jit
