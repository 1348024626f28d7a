#include "artifacts/target.hpp"

#include <jitcache/key_builder.hpp>

#include <gtest/gtest.h>

namespace jitcache::artifacts {
namespace {

TEST(Target, TextRoundTripsAndSortsFeatures)
{
  for (const char* text : {"any", "x86_64", "aarch64:asimd,fp"}) {
    auto target = Target::parse(text);
    ASSERT_TRUE(target.has_value()) << text;
    EXPECT_EQ(target->to_text(), text);
  }
  EXPECT_EQ(Target::parse("x86_64:sse2,avx2")->to_text(), "x86_64:avx2,sse2");
  for (const char* bad : {"", "x86 64", "x86_64:", "x86_64:avx2,,sse2", "x86_64:a b"}) {
    EXPECT_FALSE(Target::parse(bad).has_value()) << bad;
  }
}

TEST(Target, AMachineMeetsATargetOnlyWithItsArchitectureAndEveryFeature)
{
  const Target machine{"x86_64", {"avx", "avx2", "sse2"}};
  EXPECT_FALSE(Target{}.unmet_by(machine).has_value());
  EXPECT_FALSE((Target{"x86_64", {}}.unmet_by(machine).has_value()));
  EXPECT_FALSE((Target{"x86_64", {"avx2", "sse2"}}.unmet_by(machine).has_value()));
  auto lacking = Target{"x86_64", {"avx2", "avx512f", "amx_tile"}}.unmet_by(machine);
  ASSERT_TRUE(lacking.has_value());
  EXPECT_NE(lacking->find("amx_tile, avx512f"), std::string::npos) << *lacking;
  auto other = Target{"aarch64", {}}.unmet_by(machine);
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(other->find("aarch64"), std::string::npos);
}

TEST(Target, HostHasAnArchitecture)
{
  EXPECT_FALSE(host_target().architecture.empty());
  EXPECT_FALSE(host_target().unmet_by(host_target()).has_value());
}

Entry
entry_built_for(const std::string& architecture, const std::string& features)
{
  KeyBuilder builder;
  builder.add_string("artifact", "graph")
    .add_string("target.architecture", architecture)
    .add_string("target.cpu_features", features);
  Entry entry;
  entry.kind = "graph";
  entry.key = builder.build();
  entry.details = builder.details();
  return entry;
}

TEST(Target, OfAnEntryIsReadFromItsKeyDetails)
{
  const Target builder{"x86_64", {"avx2", "sse2"}};
  EXPECT_EQ(target_of(Entry{}, builder)->to_text(), "any");
  EXPECT_EQ(target_of(entry_built_for("x86_64", ""), builder)->to_text(), "x86_64");
  // Tuned for the builder's own CPU: its features are named.
  EXPECT_EQ(target_of(entry_built_for("x86_64", "avx2 sse2"), builder)->to_text(),
            "x86_64:avx2,sse2");
  // Tuned for another CPU: which features it needs cannot be told.
  auto unknown = target_of(entry_built_for("x86_64", "avx512f sse2"), builder);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("another machine"), std::string::npos);
}

} // namespace
} // namespace jitcache::artifacts
