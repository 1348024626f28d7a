#include "jit/plan/plan.hpp"

#include "jit/ir/dim_expr.hpp"
#include "jit/ir/names.hpp"

#include <fmt/format.h>

#include <charconv>
#include <ranges>

namespace jitcache::jit {

namespace {

constexpr std::string_view k_header = "plan 1";

// `word` as a whole integer of type T, or nothing.
template<typename T>
std::optional<T>
parse_integer(std::string_view word)
{
  T value{};
  const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (error != std::errc() || end != word.data() + word.size()) {
    return std::nullopt;
  }
  return value;
}

std::unexpected<Error>
plan_error(size_t line, std::string_view what)
{
  return make_error(ErrorCode::corrupt, fmt::format("launch plan line {}: {}", line, what));
}

// The words of one line of the plan, read from the front.
class Words {
public:
  Words(std::string_view line, size_t number) : m_rest(line), m_number(number) {}

  std::optional<std::string_view>
  next()
  {
    const auto start = m_rest.find_first_not_of(' ');
    if (start == std::string_view::npos) {
      return std::nullopt;
    }
    m_rest.remove_prefix(start);
    const auto word = m_rest.substr(0, m_rest.find(' '));
    m_rest.remove_prefix(word.size());
    return word;
  }

  // The next word as an integer of type T, or an error naming `what`.
  template<typename T>
  Expected<T>
  integer(std::string_view what)
  {
    const auto word = next();
    if (!word) {
      return plan_error(m_number, fmt::format("{} is missing", what));
    }
    return integer_of<T>(*word, what);
  }

  // `word` as an integer of type T, or an error naming `what`.
  template<typename T>
  Expected<T>
  integer_of(std::string_view word, std::string_view what) const
  {
    if (auto value = parse_integer<T>(word)) {
      return *value;
    }
    return plan_error(m_number, fmt::format("{} '{}' is not a valid number", what, word));
  }

private:
  std::string_view m_rest;
  size_t m_number;
};

// A derived dimension's symbol: the canonical text of an expression of symbols (dim_expr.hpp).
bool
is_derived_symbol(std::string_view word)
{
  auto expr = DimExpr::parse(word);
  return expr && !expr->constant_value() && !expr->symbol_name() && expr->to_string() == word;
}

Expected<PlanBuffer>
read_buffer(Words& words, size_t number)
{
  PlanBuffer buffer;
  const auto dtype_word = words.next();
  const auto dtype = dtype_word ? parse_dtype(*dtype_word) : std::nullopt;
  if (!dtype) {
    return plan_error(number, fmt::format("unknown dtype '{}'", dtype_word.value_or("")));
  }
  buffer.dtype = *dtype;
  auto parameter = words.integer<int64_t>("the parameter index");
  if (!parameter) {
    return std::unexpected(parameter.error());
  }
  buffer.parameter = *parameter;
  while (auto word = words.next()) {
    if (auto size = parse_integer<int64_t>(*word); size && *size >= 0) {
      buffer.shape.push_back(Dim::of(*size));
    } else if (is_name(*word) || is_derived_symbol(*word)) {
      buffer.shape.push_back(Dim::named(std::string(*word)));
    } else {
      return plan_error(number, fmt::format("dimension '{}' is neither a size nor a name", *word));
    }
  }
  return buffer;
}

Expected<PlanLaunch>
read_launch(Words& words, size_t number, size_t kernel_count, size_t buffer_count)
{
  PlanLaunch launch;
  auto kernel = words.integer<uint32_t>("the kernel index");
  if (!kernel) {
    return std::unexpected(kernel.error());
  }
  auto count = words.integer<uint32_t>("the buffer count");
  if (!count) {
    return std::unexpected(count.error());
  }
  if (*kernel >= kernel_count) {
    return plan_error(number, fmt::format("kernel {} is not listed", *kernel));
  }
  if (*count == 0) {
    return plan_error(number, "a launch without buffers");
  }
  launch.kernel = *kernel;
  for (uint32_t i = 0; i < *count; ++i) {
    auto id = words.integer<uint32_t>("a buffer index");
    if (!id) {
      return std::unexpected(id.error());
    }
    if (*id >= buffer_count) {
      return plan_error(number, fmt::format("buffer {} does not exist", *id));
    }
    launch.buffers.push_back(*id);
  }
  while (auto word = words.next()) {
    if (!is_name(*word) && !is_derived_symbol(*word)) {
      return plan_error(
        number, fmt::format("symbol '{}' is neither a name nor a dimension expression", *word));
    }
    launch.symbols.emplace_back(*word);
  }
  return launch;
}

} // namespace

std::string
Plan::to_text() const
{
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "{}\n", k_header);
  for (const auto& buffer : buffers) {
    fmt::format_to(std::back_inserter(out), "buffer {} {}", to_string(buffer.dtype),
                   buffer.parameter);
    for (const auto& dim : buffer.shape) {
      fmt::format_to(std::back_inserter(out), " {}", to_string(dim));
    }
    out.push_back('\n');
  }
  for (const auto& launch : launches) {
    fmt::format_to(std::back_inserter(out), "launch {} {} {}", launch.kernel, launch.buffers.size(),
                   fmt::join(launch.buffers, " "));
    for (const auto& symbol : launch.symbols) {
      fmt::format_to(std::back_inserter(out), " {}", symbol);
    }
    out.push_back('\n');
  }
  fmt::format_to(std::back_inserter(out), "outputs {}\n", fmt::join(outputs, " "));
  return fmt::to_string(out);
}

Expected<Plan>
Plan::from_text(std::string_view text, size_t kernel_count)
{
  Plan plan;
  bool have_outputs = false;
  size_t number = 0;
  for (const auto line_range : std::views::split(text, '\n')) {
    const std::string_view line(line_range.begin(), line_range.end());
    ++number;
    if (number == 1) {
      if (line != k_header) {
        return make_error(ErrorCode::unsupported,
                          fmt::format("launch plan: unknown header '{}'", line.substr(0, 40)));
      }
      continue;
    }
    Words words(line, number);
    const auto kind = words.next();
    if (!kind) {
      continue; // the empty line after the last newline
    }
    if (have_outputs) {
      return plan_error(number, "text after the outputs");
    }
    if (*kind == "buffer") {
      auto buffer = read_buffer(words, number);
      if (!buffer) {
        return std::unexpected(buffer.error());
      }
      plan.buffers.push_back(std::move(*buffer));
    } else if (*kind == "launch") {
      auto launch = read_launch(words, number, kernel_count, plan.buffers.size());
      if (!launch) {
        return std::unexpected(launch.error());
      }
      plan.launches.push_back(std::move(*launch));
    } else if (*kind == "outputs") {
      while (auto word = words.next()) {
        auto id = words.integer_of<uint32_t>(*word, "an output");
        if (!id) {
          return std::unexpected(id.error());
        }
        if (*id >= plan.buffers.size()) {
          return plan_error(number, fmt::format("output buffer {} does not exist", *id));
        }
        plan.outputs.push_back(*id);
      }
      have_outputs = true;
    } else {
      return plan_error(number, fmt::format("unknown line kind '{}'", *kind));
    }
  }
  if (!have_outputs) {
    return plan_error(number, "the outputs line is missing");
  }
  return plan;
}

} // namespace jitcache::jit
