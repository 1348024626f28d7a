#include "dispatch/frame_state.hpp"
#include "dispatch/recompile_limits.hpp"
#include "dispatch/strategy.hpp"

#include <gtest/gtest.h>

namespace jitcache::dispatch {
namespace {

struct Sizes {
  std::vector<std::vector<int64_t>> shapes;
  std::vector<ArgView> views;

  explicit Sizes(std::vector<std::vector<int64_t>> all) : shapes(std::move(all))
  {
    for (auto& shape : shapes) {
      views.push_back(
        ArgView::tensor(0, static_cast<uint8_t>(shape.size()), shape.data(), nullptr, nullptr));
    }
  }
};

TEST(FrameState, ASizeThatChangesBecomesDynamicForGood)
{
  FrameState state;
  Sizes first({{1, 128}, {128}});
  EXPECT_FALSE(state.observe(first.views).any());
  Sizes second({{2, 128}, {128}});
  const auto& dynamic = state.observe(second.views);
  EXPECT_TRUE(dynamic.is_dynamic(0, 0));
  EXPECT_FALSE(dynamic.is_dynamic(0, 1));
  EXPECT_FALSE(dynamic.is_dynamic(1, 0));
  EXPECT_EQ(dynamic.to_string(), "a0[0]");
  Sizes back({{1, 128}, {128}});
  EXPECT_TRUE(state.observe(back.views).is_dynamic(0, 0)); // static -> dynamic only
}

TEST(FrameState, MarksDecideUpFront)
{
  FrameState state;
  state.mark_dynamic(1, 0);
  Sizes call({{4, 8}, {8}});
  EXPECT_EQ(state.observe(call.views).to_string(), "a1[0]");

  FrameState dynamic_by_default(/*assume_static_by_default=*/false);
  dynamic_by_default.mark_static(0, 1);
  EXPECT_EQ(dynamic_by_default.observe(call.views).to_string(), "a0[0] a1[0]");
  Sizes other({{4, 9}, {9}});
  EXPECT_EQ(dynamic_by_default.observe(other.views).to_string(), "a0[0] a1[0]"); // a0[1] stays
}

TEST(FrameState, ScalarValuesAndASeededProfile)
{
  FrameState state;
  std::vector<ArgView> one = {ArgView::of_integer(3), ArgView::of_real(0.5)};
  std::vector<ArgView> two = {ArgView::of_integer(4), ArgView::of_real(0.5)};
  state.observe(one);
  EXPECT_EQ(state.observe(two).to_string(), "a0[0]");

  FrameState seeded;
  DynamicDims profile;
  profile.args = {{true, false}};
  seeded.seed(profile);
  Sizes call({{4, 8}});
  EXPECT_EQ(seeded.observe(call.views).to_string(), "a0[0]");
}

TEST(DynamicDims, MergeIsMonotonic)
{
  DynamicDims a;
  a.args = {{true}, {}};
  DynamicDims b;
  b.args = {{false}, {false, true}};
  EXPECT_TRUE(a.merge(b));
  EXPECT_EQ(a.to_string(), "a0[0] a1[1]");
  EXPECT_FALSE(a.merge(b));
}

TEST(RecompileLimits, PerFunctionLimitWarnsOnceWithTheReasons)
{
  RecompileLimits::reset_process_count();
  RecompileLimits limits("f", {.per_function = 2, .per_process = 100});
  EXPECT_TRUE(limits.allow("reason one"));
  EXPECT_TRUE(limits.allow("reason two"));
  testing::internal::CaptureStderr();
  EXPECT_FALSE(limits.allow("reason three"));
  EXPECT_FALSE(limits.allow("reason four"));
  const auto warning = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(limits.limited());
  EXPECT_NE(warning.find("f reached recompile_limit (2)"), std::string::npos) << warning;
  EXPECT_NE(warning.find("reason one"), std::string::npos);
  EXPECT_NE(warning.find("reason three (refused)"), std::string::npos);
  EXPECT_EQ(warning.find("reason four"), std::string::npos); // one warning only
  EXPECT_EQ(limits.count(), 2U);
  EXPECT_EQ(RecompileLimits::process_count(), 2U);
}

TEST(RecompileLimits, TheProcessLimitCountsEveryFunction)
{
  RecompileLimits::reset_process_count();
  RecompileLimits f("f", {.per_function = 10, .per_process = 3});
  RecompileLimits g("g", {.per_function = 10, .per_process = 3});
  EXPECT_TRUE(f.allow("1"));
  EXPECT_TRUE(g.allow("2"));
  EXPECT_TRUE(f.allow("3"));
  testing::internal::CaptureStderr();
  EXPECT_FALSE(g.allow("4"));
  const auto warning = testing::internal::GetCapturedStderr();
  EXPECT_NE(warning.find("g reached accumulated_recompile_limit (3)"), std::string::npos)
    << warning;
  RecompileLimits::reset_process_count();
}

TEST(Strategy, TextAndRecursiveScopes)
{
  EXPECT_EQ(parse_strategy("run_only"), Strategy::run_only);
  EXPECT_EQ(parse_strategy("eager"), std::nullopt);
  EXPECT_EQ(to_string(Strategy::skip), "skip");
  EXPECT_EQ(inherited_strategy(), std::nullopt);
  {
    const RecursiveStrategyScope outer(Strategy::run_only);
    EXPECT_EQ(inherited_strategy(), Strategy::run_only);
    {
      const RecursiveStrategyScope none(std::nullopt); // a function without one changes nothing
      EXPECT_EQ(inherited_strategy(), Strategy::run_only);
      const RecursiveStrategyScope inner(Strategy::skip);
      EXPECT_EQ(inherited_strategy(), Strategy::skip);
    }
    EXPECT_EQ(inherited_strategy(), Strategy::run_only);
  }
  EXPECT_EQ(inherited_strategy(), std::nullopt);
}

} // namespace
} // namespace jitcache::dispatch
