#include <jitcache/key_builder.hpp>

#include "util/hashing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace jitcache {

namespace {

// Type tags are part of each component digest, so the int 7 and the string "7" differ.
enum class ComponentType : uint8_t {
  bytes = 1,
  string = 2,
  int64 = 3,
  uint64 = 4,
  string_list = 5,
  int_list = 6,
};

// The key's domain: bump the version when the framing below changes.
constexpr std::string_view k_key_domain = "jitcache key v1";
constexpr size_t k_summary_limit = 60;

util::Blake2b
component_hasher(ComponentType type)
{
  util::Blake2b hasher;
  hasher.update_u8(static_cast<uint8_t>(type));
  return hasher;
}

bool
is_printable(std::string_view text)
{
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

std::string
summarize_text(std::string_view text)
{
  if (!is_printable(text)) {
    return fmt::format("{} bytes", text.size());
  }
  if (text.size() <= k_summary_limit) {
    return std::string(text);
  }
  return fmt::format("{}... ({} bytes)", text.substr(0, k_summary_limit - 12), text.size());
}

std::string
shorten(std::string text)
{
  if (text.size() > k_summary_limit) {
    text.resize(k_summary_limit - 4);
    text += " ...";
  }
  return text;
}

} // namespace

KeyBuilder::KeyBuilder() = default;

void
KeyBuilder::add_component(std::string_view name, const Digest& digest, std::string summary)
{
  const bool duplicate = std::any_of(m_details.begin(), m_details.end(),
                                     [&](const KeyComponent& c) { return c.name == name; });
  if (duplicate) {
    throw std::logic_error(fmt::format("key component '{}' added twice", name));
  }
  m_details.push_back(KeyComponent{std::string(name), digest, std::move(summary)});
}

KeyBuilder&
KeyBuilder::add_bytes(std::string_view name, std::span<const uint8_t> value)
{
  auto hasher = component_hasher(ComponentType::bytes);
  hasher.update(value);
  add_component(name, hasher.finish(), fmt::format("{} bytes", value.size()));
  return *this;
}

KeyBuilder&
KeyBuilder::add_string(std::string_view name, std::string_view value)
{
  auto hasher = component_hasher(ComponentType::string);
  hasher.update(value);
  add_component(name, hasher.finish(), summarize_text(value));
  return *this;
}

KeyBuilder&
KeyBuilder::add_int(std::string_view name, int64_t value)
{
  auto hasher = component_hasher(ComponentType::int64);
  hasher.update_u64(static_cast<uint64_t>(value));
  add_component(name, hasher.finish(), fmt::format("{}", value));
  return *this;
}

KeyBuilder&
KeyBuilder::add_uint(std::string_view name, uint64_t value)
{
  auto hasher = component_hasher(ComponentType::uint64);
  hasher.update_u64(value);
  add_component(name, hasher.finish(), fmt::format("{}", value));
  return *this;
}

KeyBuilder&
KeyBuilder::add_strings(std::string_view name, std::span<const std::string> values)
{
  auto hasher = component_hasher(ComponentType::string_list);
  hasher.update_u64(values.size());
  std::string summary = "[";
  for (const auto& value : values) {
    hasher.update_u64(value.size());
    hasher.update(value);
    summary += (summary.size() > 1 ? ", " : "") + summarize_text(value);
  }
  add_component(name, hasher.finish(), shorten(summary + "]"));
  return *this;
}

KeyBuilder&
KeyBuilder::add_ints(std::string_view name, std::span<const int64_t> values)
{
  auto hasher = component_hasher(ComponentType::int_list);
  hasher.update_u64(values.size());
  for (const int64_t value : values) {
    hasher.update_u64(static_cast<uint64_t>(value));
  }
  add_component(name, hasher.finish(), shorten(fmt::format("[{}]", fmt::join(values, ", "))));
  return *this;
}

Key
KeyBuilder::build() const
{
  util::Blake2b hasher;
  hasher.update(k_key_domain);
  hasher.update_u32(static_cast<uint32_t>(m_details.size()));
  for (const auto& component : m_details) {
    hasher.update_u32(static_cast<uint32_t>(component.name.size()));
    hasher.update(component.name);
    hasher.update(component.digest);
  }
  return Key(hasher.finish());
}

std::vector<ComponentDifference>
compare_details(const KeyDetails& first, const KeyDetails& second)
{
  std::vector<ComponentDifference> result;
  auto find = [](const KeyDetails& details, const std::string& name) {
    return std::find_if(details.begin(), details.end(),
                        [&](const KeyComponent& c) { return c.name == name; });
  };
  for (const auto& a : first) {
    const auto b = find(second, a.name);
    if (b == second.end()) {
      result.push_back({a.name, ComponentChange::only_in_first, a.summary, {}});
    } else {
      const auto change = a.digest == b->digest ? ComponentChange::same : ComponentChange::changed;
      result.push_back({a.name, change, a.summary, b->summary});
    }
  }
  for (const auto& b : second) {
    if (find(first, b.name) == first.end()) {
      result.push_back({b.name, ComponentChange::only_in_second, {}, b.summary});
    }
  }
  return result;
}

std::string_view
to_string(ComponentChange change)
{
  switch (change) {
  case ComponentChange::same: return "same";
  case ComponentChange::changed: return "changed";
  case ComponentChange::only_in_first: return "only in first";
  case ComponentChange::only_in_second: return "only in second";
  }
  return "?";
}

} // namespace jitcache
