#include "core/counters.hpp"

#include <fmt/format.h>

#include <charconv>

namespace jitcache::core {

namespace counter {

namespace {

// "<event>.<tier>.<kind>", built with one allocation: lookups name a counter on every call.
std::string
event_name(std::string_view event, std::string_view tier, std::string_view kind)
{
  std::string name;
  name.reserve(event.size() + tier.size() + kind.size() + 2);
  name.append(event).append(".").append(tier).append(".").append(kind);
  return name;
}

} // namespace

std::string
hit(std::string_view tier, std::string_view kind)
{
  return event_name("hit", tier, kind);
}

std::string
miss(std::string_view tier, std::string_view kind)
{
  return event_name("miss", tier, kind);
}

std::string
write(std::string_view tier, std::string_view kind)
{
  return event_name("write", tier, kind);
}

std::string
failed(std::string_view tier, std::string_view operation)
{
  return event_name("error", tier, operation);
}

std::string
timed_out(std::string_view tier, std::string_view operation)
{
  return event_name("timeout", tier, operation);
}

std::string
corrupt_in(std::string_view tier)
{
  return fmt::format("corrupt.{}", tier);
}

std::string
read_from(std::string_view tier)
{
  return fmt::format("bytes_read.{}", tier);
}

std::string
written_to(std::string_view tier)
{
  return fmt::format("bytes_written.{}", tier);
}

std::string
skipped(std::string_view tier)
{
  return fmt::format("unavailable.{}", tier);
}

std::string
dropped(std::string_view tier)
{
  return fmt::format("dropped.{}", tier);
}

std::string
rejected(std::string_view tier)
{
  return fmt::format("rejected.{}", tier);
}

std::string
bypass(std::string_view reason)
{
  return fmt::format("bypass.{}", reason);
}

std::string
error(std::string_view what)
{
  return fmt::format("error.{}", what);
}

bool
is_content(std::string_view name)
{
  return name == files || name == bytes;
}

} // namespace counter

namespace {
constexpr std::string_view k_header = "# jitcache stats 1";
}

void
Counters::add(std::string_view name, uint64_t amount)
{
  if (auto it = m_values.find(name); it != m_values.end()) {
    it->second += amount;
  } else {
    m_values.emplace(std::string(name), amount);
  }
}

void
Counters::subtract(std::string_view name, uint64_t amount)
{
  if (auto it = m_values.find(name); it != m_values.end()) {
    it->second = it->second > amount ? it->second - amount : 0;
  }
}

void
Counters::set(std::string_view name, uint64_t value)
{
  if (auto it = m_values.find(name); it != m_values.end()) {
    it->second = value;
  } else {
    m_values.emplace(std::string(name), value);
  }
}

uint64_t
Counters::get(std::string_view name) const
{
  const auto it = m_values.find(name);
  return it == m_values.end() ? 0 : it->second;
}

uint64_t
Counters::sum_prefix(std::string_view prefix) const
{
  uint64_t total = 0;
  for (auto it = m_values.lower_bound(prefix);
       it != m_values.end() && it->first.starts_with(prefix); ++it) {
    total += it->second;
  }
  return total;
}

void
Counters::merge(const Counters& other)
{
  for (const auto& [name, value] : other.m_values) {
    add(name, value);
  }
}

std::string
Counters::serialize() const
{
  std::string text = fmt::format("{}\n", k_header);
  for (const auto& [name, value] : m_values) {
    text += fmt::format("{} {}\n", name, value);
  }
  return text;
}

Expected<Counters>
Counters::parse(std::string_view text, std::string_view origin)
{
  Counters counters;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    const auto space = line.find(' ');
    uint64_t value = 0;
    const auto number =
      space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (space == 0 || number.empty() || ec != std::errc() || ptr != number.data() + number.size()) {
      return make_error(ErrorCode::corrupt, fmt::format("{}:{}: expected 'name value', found '{}'",
                                                        origin, line_number, line));
    }
    counters.add(line.substr(0, space), value);
  }
  return counters;
}

} // namespace jitcache::core
