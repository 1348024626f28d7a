// KeyBuilder: keys that explain themselves.
//
// A key is built from named components. Each component's value is hashed on its own, with
// its type, into a component digest; the key is BLAKE2b over the framed list of
// (type, name, component digest). Names are length-prefixed and digests fixed-size, so no
// two different component lists hash alike, and every value byte is hashed exactly once.
// The list of (name, digest, summary) is kept as KeyDetails and stored with the entry, so a
// later miss can be explained as "component X differs".
#pragma once

#include <jitcache/key.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache {

struct KeyComponent {
  std::string name;
  Digest digest{};
  std::string summary; // short and human-readable; never part of the key
};

using KeyDetails = std::vector<KeyComponent>;

class KeyBuilder {
public:
  KeyBuilder();

  // Each name may be used once per key; using it twice is a bug and throws.
  KeyBuilder& add_bytes(std::string_view name, std::span<const uint8_t> value);
  KeyBuilder& add_string(std::string_view name, std::string_view value);
  KeyBuilder& add_int(std::string_view name, int64_t value);
  KeyBuilder& add_uint(std::string_view name, uint64_t value);
  KeyBuilder& add_strings(std::string_view name, std::span<const std::string> values);
  KeyBuilder& add_ints(std::string_view name, std::span<const int64_t> values);

  Key build() const;
  const KeyDetails&
  details() const
  {
    return m_details;
  }

private:
  void add_component(std::string_view name, const Digest& digest, std::string summary);

  KeyDetails m_details;
};

enum class ComponentChange { same, changed, only_in_first, only_in_second };

struct ComponentDifference {
  std::string name;
  ComponentChange change = ComponentChange::same;
  std::string first_summary;
  std::string second_summary;
};

// Compares two keys' details component by component, in the first key's order followed by
// components only the second has.
std::vector<ComponentDifference> compare_details(const KeyDetails& first, const KeyDetails& second);

std::string_view to_string(ComponentChange change);

} // namespace jitcache
