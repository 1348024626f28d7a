// Strategy: how a function's calls go through the cache (the modes PyTorch's Dynamo offers as
// its eval-frame callbacks).
//   compile   look up; on a miss compile, add an entry, run it (the default)
//   run_only  look up; on a miss run the interpreter (nothing new is compiled)
//   skip      never look up: always the interpreter
// Each function has a current-call strategy and optionally a recursive one. While a
// function with a recursive strategy runs, every function it calls (on the same thread)
// uses that strategy instead of its own; the innermost recursive setting wins.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace jitcache::dispatch {

enum class Strategy : uint8_t { compile, run_only, skip };

std::string_view to_string(Strategy strategy);
std::optional<Strategy> parse_strategy(std::string_view text);

// The recursive strategy an enclosing call set on this thread, if any.
std::optional<Strategy> inherited_strategy();

// Sets the recursive strategy for calls made on this thread while it lives.
class RecursiveStrategyScope {
public:
  explicit RecursiveStrategyScope(std::optional<Strategy> strategy);
  ~RecursiveStrategyScope();
  RecursiveStrategyScope(const RecursiveStrategyScope&) = delete;
  RecursiveStrategyScope& operator=(const RecursiveStrategyScope&) = delete;

private:
  std::optional<Strategy> m_previous;
  bool m_active;
};

} // namespace jitcache::dispatch
