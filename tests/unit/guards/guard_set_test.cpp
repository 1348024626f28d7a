#include "guards/guard_set.hpp"

#include <gtest/gtest.h>

#include <random>

namespace jitcache::guards {
namespace {

// A tensor argument's storage for an ArgView.
struct TensorArg {
  uint8_t dtype = 0;
  std::vector<int64_t> sizes;
  std::vector<int64_t> strides;
  uintptr_t address = 64;

  ArgView
  view() const
  {
    return ArgView::tensor(dtype, static_cast<uint8_t>(sizes.size()), sizes.data(), strides.data(),
                           reinterpret_cast<const void*>(address));
  }
};

GuardSet
parse(std::string_view text)
{
  auto set = GuardSet::parse(text);
  EXPECT_TRUE(set) << text << ": " << (set ? "" : set.error().message);
  return set ? std::move(*set) : GuardSet{};
}

TEST(GuardSet, TensorSizesStridesAndSymbols)
{
  const auto set = parse("a0 dtype 1 sizes [s0, 128] strides [128, 1]; a1 dtype 1 sizes [s0]");
  TensorArg x{1, {32, 128}, {128, 1}};
  TensorArg b{1, {32}, {1}};
  std::vector<ArgView> args = {x.view(), b.view()};
  EXPECT_TRUE(set.check(args));
  EXPECT_EQ(set.explain(args), "");

  TensorArg other_batch{1, {31}, {1}};
  args[1] = other_batch.view();
  EXPECT_FALSE(set.check(args)); // s0 bound to 32 by a0
  EXPECT_EQ(set.explain(args), "a1 dtype 1 sizes [s0]: a1 size 0 is 31");

  TensorArg transposed{1, {32, 128}, {1, 32}};
  args = {transposed.view(), b.view()};
  EXPECT_FALSE(set.check(args));
  EXPECT_NE(set.explain(args).find("stride 0 is 1"), std::string::npos) << set.explain(args);

  TensorArg wrong_dtype{2, {32, 128}, {128, 1}};
  args = {wrong_dtype.view(), b.view()};
  EXPECT_NE(set.explain(args).find("has dtype 2"), std::string::npos);
  TensorArg wrong_rank{1, {32}, {1}};
  args = {wrong_rank.view(), b.view()};
  EXPECT_NE(set.explain(args).find("has rank 1"), std::string::npos);
  args = {x.view()};
  EXPECT_NE(set.explain(args).find("only 1 arguments"), std::string::npos);
}

TEST(GuardSet, AStrideOfAUnitDimensionDoesNotMatter)
{
  const auto set = parse("a0 dtype 0 sizes [1, 8] strides [8, 1]");
  TensorArg x{0, {1, 8}, {999, 1}};
  const std::vector<ArgView> args = {x.view()};
  EXPECT_TRUE(set.check(args));
}

TEST(GuardSet, RelationsOverBoundSymbols)
{
  const auto set = parse("a0 dtype 0 sizes [s0, s1]; s0 % 16 == 0; s1 >= 2");
  TensorArg ok{0, {64, 3}, {3, 1}};
  TensorArg odd{0, {65, 3}, {3, 1}};
  std::vector<ArgView> args = {ok.view()};
  EXPECT_TRUE(set.check(args));
  args = {odd.view()};
  EXPECT_FALSE(set.check(args));
  EXPECT_EQ(set.explain(args), "s0 % 16 == 0 is false with s0 = 65");
}

TEST(GuardSet, ScalarsAndAlignment)
{
  const auto set = parse("a0 == 3; a1 == 0.5; a2 aligned 64");
  TensorArg aligned{0, {4}, {1}, 128};
  TensorArg misaligned{0, {4}, {1}, 132};
  std::vector<ArgView> args = {ArgView::of_integer(3), ArgView::of_real(0.5), aligned.view()};
  EXPECT_TRUE(set.check(args));
  args[0] = ArgView::of_integer(4);
  EXPECT_EQ(set.explain(args), "a0 == 3: a0 is 4");
  args[0] = ArgView::of_integer(3);
  args[2] = misaligned.view();
  EXPECT_EQ(set.explain(args), "a2 aligned 64: a2 is at address 0x84");
  args[1] = ArgView::of_integer(1); // an integer where a real is expected
  EXPECT_NE(set.explain(args).find("another kind of argument"), std::string::npos);
}

TEST(GuardSet, TextFormRoundTrips)
{
  for (std::string_view text :
       {"", "a0 dtype 1 sizes [s0, 128] strides [128, 1]", "a0 dtype 2 sizes [] ; a1 == -7",
        "a3 dtype 0 sizes [4, s2] strides [?, 1]; s2 > 1 and s2 % 8 == 0; a4 == 2.5",
        "a0 aligned 16; a1 == 3.0"}) {
    const auto set = parse(text);
    const auto again = parse(set.to_string());
    EXPECT_EQ(again.to_string(), set.to_string()) << text;
  }
  EXPECT_EQ(parse("a0 dtype 1 sizes [s0,128];s0>1").to_string(),
            "a0 dtype 1 sizes [s0, 128]; s0 > 1");
}

TEST(GuardSet, MalformedTextNamesTheItemAndOffset)
{
  struct Case {
    std::string_view text;
    std::string_view says;
  };
  for (const auto& c : std::vector<Case>{
         {"a0 dtype 1 sizes [s0, 128", "expected ',' or ']'"},
         {"a0 dtype 1 sizes [s0] strides [1, 1]", "strides and sizes differ"},
         {"a0 shape [1]", "expected 'dtype', 'aligned' or '=='"},
         {"a0 == x", "expected an integer"},
         {"a0 dtype 1 sizes [s99]", "size symbol"},
         {"a0 aligned 0", "alignment"},
         {"s0 = 1", "guard expression, offset 3"},
         {"a0 == 1;; a1 == 2", "an empty item"},
       }) {
    auto set = GuardSet::parse(c.text);
    ASSERT_FALSE(set) << c.text;
    EXPECT_NE(set.error().message.find(c.says), std::string::npos) << set.error().message;
  }
}

// Random guard sets and calls: the compiled check against a direct evaluation of each item.
TEST(GuardSet, AgreesWithADirectEvaluationOnRandomCalls)
{
  std::mt19937 random(77);
  for (int round = 0; round < 300; ++round) {
    // Two tensors of rank 2 whose sizes are fixed or symbolic, and a relation.
    std::vector<DimGuard> dims;
    for (int d = 0; d < 4; ++d) {
      dims.push_back(random() % 2 ? DimGuard::of(1 + static_cast<int64_t>(random() % 3))
                                  : DimGuard::symbol(static_cast<uint32_t>(random() % 2)));
    }
    GuardSet set;
    set.add_tensor({0, 0, {dims[0], dims[1]}, {}});
    set.add_tensor({1, 0, {dims[2], dims[3]}, {}});
    const bool with_relation = random() % 2 == 0;
    if (with_relation) {
      set.add_relation(*ShapeExpr::parse("s0 <= s1 + 1"));
    }
    TensorArg a{
      0, {1 + static_cast<int64_t>(random() % 3), 1 + static_cast<int64_t>(random() % 3)}, {1, 1}};
    TensorArg b{
      0, {1 + static_cast<int64_t>(random() % 3), 1 + static_cast<int64_t>(random() % 3)}, {1, 1}};
    // The reference: bind symbols in order, compare.
    std::array<int64_t, 2> symbols{};
    std::array<bool, 2> bound{};
    bool expected = true;
    const std::array<int64_t, 4> actual = {a.sizes[0], a.sizes[1], b.sizes[0], b.sizes[1]};
    for (int d = 0; d < 4; ++d) {
      if (dims[d].kind == DimGuard::Kind::fixed) {
        expected = expected && actual[d] == dims[d].value;
      } else if (!bound[dims[d].value]) {
        bound[dims[d].value] = true;
        symbols[dims[d].value] = actual[d];
      } else {
        expected = expected && symbols[dims[d].value] == actual[d];
      }
    }
    if (with_relation) {
      expected = expected && symbols[0] <= symbols[1] + 1;
    }
    const std::vector<ArgView> args = {a.view(), b.view()};
    EXPECT_EQ(set.check(args), expected) << set.to_string();
    EXPECT_EQ(set.explain(args).empty(), expected) << set.to_string();
  }
}

} // namespace
} // namespace jitcache::guards

namespace jitcache::guards {
namespace {

TEST(GuardSet, ChecksThatFailOftenRunFirst)
{
  auto set = *GuardSet::parse("a0 dtype 0 sizes [s0]; a1 dtype 0 sizes [s0]; s0 > 2");
  TensorArg a{0, {2}, {1}};
  TensorArg b{0, {3}, {1}};
  const std::vector<ArgView> args = {a.view(), b.view()};
  EXPECT_EQ(set.failing_item(args), 1u); // a0 binds s0 = 2, a1 disagrees
  const std::vector<uint64_t> failures = {0, 0, 5};
  set.order_checks(failures);
  // The relation still runs after its sizes are bound, so the answers do not change.
  EXPECT_EQ(set.failing_item(args), 1u);
  const std::vector<uint64_t> second_first = {0, 9, 0};
  set.order_checks(second_first);
  EXPECT_EQ(set.failing_item(args), 0u); // a1 now binds s0 = 3, a0 disagrees
  EXPECT_FALSE(set.check(args));
  TensorArg c{0, {3}, {1}};
  const std::vector<ArgView> passing = {c.view(), b.view()};
  EXPECT_TRUE(set.check(passing));
  EXPECT_EQ(set.to_string(), "a0 dtype 0 sizes [s0]; a1 dtype 0 sizes [s0]; s0 > 2");
}

// Inputs the guard text fuzzer found (tests/fuzz/guard_text_fuzz.cpp).
TEST(GuardSet, FuzzerFindsStayFixed)
{
  // Two argument counts: an error, not a set whose fast form and steps disagree.
  auto twice = GuardSet::parse("args 3; args 0");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("the argument count is given twice"), std::string::npos);
  // A relation over a symbol past the 64 a set binds: reads as 0, explained without overrun.
  const auto far = parse("args 0; s82 >= 1");
  EXPECT_FALSE(far.check({}));
  EXPECT_NE(far.explain({}).find("is false"), std::string::npos) << far.explain({});
  // A huge argument count is no static set (and allocates nothing for it).
  EXPECT_FALSE(parse("args 29999999").static_match());
}

} // namespace
} // namespace jitcache::guards
