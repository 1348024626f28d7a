#include "artifacts/kind_registry.hpp"

#include "support/entries.hpp"

#include <gtest/gtest.h>

namespace jitcache::artifacts {
namespace {

Bundle
bundle_with(const std::vector<std::pair<Entry, Target>>& artifacts)
{
  BundleWriter writer;
  for (const auto& [entry, target] : artifacts) {
    EXPECT_TRUE(writer.add(entry, target, 1).has_value());
  }
  return read_bundle(Bytes::adopt(writer.finish(nullptr))).value();
}

struct Installed {
  std::vector<std::string> order; // "kind key-prefix" as installed
};

KindRegistry
registry(Installed& installed,
         std::function<Expected<void>(const BundleItem&, const Bundle&)> check = {})
{
  KindRegistry kinds;
  for (const char* name : {"kernel", "graph"}) {
    kinds.add(ArtifactKind{name, check, [&installed](std::vector<BundleItem> items) {
                             for (const auto& item : items) {
                               installed.order.push_back(item.entry.kind + " " +
                                                         item.entry.key.to_hex());
                             }
                           }});
  }
  return kinds;
}

const Target k_machine{"x86_64", {"avx2", "sse2"}};

TEST(KindRegistry, InstallsKindsInTheirOrderAndCountsThem)
{
  const auto graph = testing::make_entry("g", 50, "", "graph");
  const auto kernel = testing::make_entry("k", 50, "", "kernel");
  Installed installed;
  auto summary = install_bundle(bundle_with({{graph, Target{}}, {kernel, Target{}}}),
                                registry(installed), &k_machine);
  ASSERT_TRUE(summary.has_value()) << summary.error().message;
  EXPECT_EQ(installed.order, (std::vector<std::string>{"kernel " + kernel.key.to_hex(),
                                                       "graph " + graph.key.to_hex()}));
  EXPECT_EQ(summary->entries(), 2U);
  EXPECT_EQ(summary->kinds.at("graph").entries, 1U);
  EXPECT_TRUE(summary->skipped.empty());
}

TEST(KindRegistry, UnknownKindsAreSkippedWithOneWarning)
{
  const auto known = testing::make_entry("k", 50, "", "kernel");
  const auto newer1 = testing::make_entry("n1", 50, "", "from-the-future");
  const auto newer2 = testing::make_entry("n2", 50, "", "from-the-future");
  Installed installed;
  ::testing::internal::CaptureStderr();
  auto summary = install_bundle(bundle_with({{newer1, {}}, {known, {}}, {newer2, {}}}),
                                registry(installed), &k_machine);
  const std::string warnings = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(installed.order.size(), 1U);
  EXPECT_EQ(summary->skipped.size(), 2U);
  const std::string warning = "kind 'from-the-future'";
  const size_t first = warnings.find(warning);
  ASSERT_NE(first, std::string::npos) << warnings;
  EXPECT_EQ(warnings.find(warning, first + 1), std::string::npos) << warnings;
}

TEST(KindRegistry, CodeForCpuFeaturesTheMachineLacksIsSkippedNotRun)
{
  const auto portable = testing::make_entry("p", 50, "", "graph");
  const auto tuned = testing::make_entry("t", 50, "", "graph");
  Installed installed;
  ::testing::internal::CaptureStderr();
  auto summary =
    install_bundle(bundle_with({{portable, Target{"x86_64", {}}},
                                {tuned, Target{"x86_64", {"avx2", "avx512f", "sse2"}}}}),
                   registry(installed), &k_machine);
  const std::string warnings = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(installed.order, std::vector<std::string>{"graph " + portable.key.to_hex()});
  ASSERT_EQ(summary->skipped.size(), 1U);
  EXPECT_NE(summary->skipped.front().find("avx512f"), std::string::npos);
  EXPECT_NE(warnings.find("cannot run"), std::string::npos) << warnings;
}

TEST(KindRegistry, OneFailedCheckInstallsNothing)
{
  const auto good = testing::make_entry("good", 50, "", "kernel");
  const auto bad = testing::make_entry("bad", 50, "", "graph");
  Installed installed;
  const auto check = [&bad](const BundleItem& item, const Bundle&) -> Expected<void> {
    if (item.entry.key == bad.key) {
      return make_error(ErrorCode::corrupt, "its plan does not parse");
    }
    return {};
  };
  auto summary =
    install_bundle(bundle_with({{good, {}}, {bad, {}}}), registry(installed, check), &k_machine);
  ASSERT_FALSE(summary.has_value());
  EXPECT_NE(summary.error().message.find("artifact 2 (graph"), std::string::npos)
    << summary.error().message;
  EXPECT_NE(summary.error().message.find("its plan does not parse"), std::string::npos);
  EXPECT_TRUE(installed.order.empty());
  // check_bundle says the same without installing.
  EXPECT_FALSE(
    check_bundle(bundle_with({{good, {}}, {bad, {}}}), registry(installed, check), &k_machine));
}

} // namespace
} // namespace jitcache::artifacts
