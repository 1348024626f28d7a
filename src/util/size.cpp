#include "util/size.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <limits>
#include <utility>

namespace jitcache::util {

Expected<uint64_t>
parse_size(std::string_view text)
{
  uint64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc::result_out_of_range) {
    return make_error(ErrorCode::invalid_argument, fmt::format("size '{}' is too large", text));
  }
  if (ec != std::errc() || end == text.data()) {
    return make_error(
      ErrorCode::invalid_argument,
      fmt::format("'{}' is not a size: expected a number such as 500M or 5G", text));
  }
  std::string suffix(end, text.data() + text.size());
  for (auto& c : suffix) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  int shift = 0;
  if (suffix.empty() || suffix == "B") {
    shift = 0;
  } else if (suffix == "K" || suffix == "KB" || suffix == "KIB") {
    shift = 10;
  } else if (suffix == "M" || suffix == "MB" || suffix == "MIB") {
    shift = 20;
  } else if (suffix == "G" || suffix == "GB" || suffix == "GIB") {
    shift = 30;
  } else if (suffix == "T" || suffix == "TB" || suffix == "TIB") {
    shift = 40;
  } else {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("'{}' has an unknown size suffix '{}': use K, M, G or T", text,
                                  std::string_view(end, text.data() + text.size())));
  }
  if (shift > 0 && number > (std::numeric_limits<uint64_t>::max() >> shift)) {
    return make_error(ErrorCode::invalid_argument, fmt::format("size '{}' is too large", text));
  }
  return number << shift;
}

std::string
format_size(uint64_t bytes)
{
  static constexpr const char* k_units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) {
    return fmt::format("{} B", bytes);
  }
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, k_units[unit]);
}

std::string
format_size_setting(uint64_t bytes)
{
  static constexpr std::pair<int, char> k_units[] = {{40, 'T'}, {30, 'G'}, {20, 'M'}, {10, 'K'}};
  for (const auto& [shift, suffix] : k_units) {
    const uint64_t unit = uint64_t{1} << shift;
    if (bytes != 0 && bytes % unit == 0) {
      return fmt::format("{}{}", bytes / unit, suffix);
    }
  }
  return fmt::format("{}", bytes);
}

std::string
format_duration_ms(uint64_t ms)
{
  if (ms < 1000) {
    return fmt::format("{} ms", ms);
  }
  const double seconds = static_cast<double>(ms) / 1000.0;
  if (seconds < 120) {
    return fmt::format("{:.1f} s", seconds);
  }
  if (seconds < 7200) {
    return fmt::format("{:.1f} min", seconds / 60);
  }
  return fmt::format("{:.1f} h", seconds / 3600);
}

Expected<std::chrono::milliseconds>
parse_duration(std::string_view text)
{
  struct Unit {
    std::string_view suffix;
    int64_t ms;
  };
  constexpr int64_t k_day_ms = int64_t{24} * 3600 * 1000;
  for (const Unit unit : {Unit{"ms", 1}, Unit{"s", 1000}, Unit{"m", 60000}, Unit{"", 1}}) {
    if (!text.ends_with(unit.suffix) || text.size() == unit.suffix.size()) {
      continue;
    }
    const auto digits = text.substr(0, text.size() - unit.suffix.size());
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec == std::errc() && end == digits.data() + digits.size() && value >= 0 &&
        value <= k_day_ms / unit.ms) {
      return std::chrono::milliseconds(value * unit.ms);
    }
  }
  return make_error(ErrorCode::invalid_argument,
                    fmt::format("'{}' is not a duration such as 500ms or 2s", text));
}

} // namespace jitcache::util
