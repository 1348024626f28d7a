// What the remote backends' tests store: keys made from a number or a word, a tier's spec
// from its text, and text as bytes.
#pragma once

#include "core/remote_spec.hpp"

#include <jitcache/key_builder.hpp>

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <string_view>

namespace jitcache::testing {

inline Key
numbered_key(size_t n)
{
  KeyBuilder builder;
  builder.add_uint("n", n);
  return builder.build();
}

inline Key
named_key(std::string_view text)
{
  KeyBuilder builder;
  builder.add_string("test", text);
  return builder.build();
}

// The one tier `text` names; a test failure if it names anything else.
inline core::RemoteSpec
spec_of(const std::string& text)
{
  auto specs = core::parse_remote_specs(text);
  EXPECT_TRUE(specs && specs->size() == 1) << text;
  return specs && !specs->empty() ? specs->front() : core::RemoteSpec{};
}

inline std::span<const uint8_t>
bytes_of(std::string_view text)
{
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

} // namespace jitcache::testing
