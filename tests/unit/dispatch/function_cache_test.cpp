#include "dispatch/function_cache.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

namespace jitcache::dispatch {
namespace {

// Calls made of rank-2 tensors with dtype 0; sizes given per argument.
struct Call {
  std::vector<std::vector<int64_t>> sizes;
  std::vector<ArgView> views;

  explicit Call(std::vector<std::vector<int64_t>> shapes) : sizes(std::move(shapes))
  {
    for (auto& shape : sizes) {
      views.push_back(
        ArgView::tensor(0, static_cast<uint8_t>(shape.size()), shape.data(), nullptr, nullptr));
    }
  }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;
};

guards::GuardSet
guards_of(std::string_view text)
{
  auto set = guards::GuardSet::parse(text);
  EXPECT_TRUE(set) << text;
  return set ? std::move(*set) : guards::GuardSet{};
}

std::shared_ptr<const void>
payload(int value)
{
  return std::make_shared<const int>(value);
}

int
value_of(const CacheEntry* entry)
{
  return entry ? *static_cast<const int*>(entry->payload.get()) : -1;
}

TEST(FunctionCache, StaticEntriesHitByTheirSizesOnly)
{
  FunctionCache cache;
  cache.insert(guards_of("args 1; a0 dtype 0 sizes [4, 8]"), payload(1));
  cache.insert(guards_of("args 1; a0 dtype 0 sizes [5, 8]"), payload(2));
  ASSERT_TRUE(cache.entries().front()->fast.has_value());
  Call four({{4, 8}});
  Call five({{5, 8}});
  Call six({{6, 8}});
  EXPECT_EQ(value_of(cache.lookup(four.views)), 1);
  EXPECT_EQ(value_of(cache.lookup(five.views)), 2);
  EXPECT_EQ(cache.lookup(six.views), nullptr);
  EXPECT_EQ(cache.explain_miss(six.views), "entry 0: a0 dtype 0 sizes [4, 8]: a0 size 0 is 6\n"
                                           "entry 1: a0 dtype 0 sizes [5, 8]: a0 size 0 is 6");
}

TEST(FunctionCache, DynamicEntriesAreMostRecentlyUsedFirst)
{
  FunctionCache cache;
  // Both admit any batch size; which one serves a call shows the order.
  const auto* a = cache.insert(guards_of("args 1; a0 dtype 0 sizes [s0, 8]"), payload(1));
  const auto* b = cache.insert(guards_of("args 1; a0 dtype 0 sizes [s0, s1]"), payload(2));
  ASSERT_FALSE(a->fast.has_value());
  Call eight({{3, 8}});
  Call nine({{3, 9}});
  EXPECT_EQ(cache.entries(), (std::vector<const CacheEntry*>{b, a})); // new entries go first
  EXPECT_EQ(value_of(cache.lookup(eight.views)), 2);
  EXPECT_EQ(value_of(cache.lookup(nine.views)), 2);
  // A newer entry goes in front; a hit on b behind it moves b back to the front.
  const auto* c = cache.insert(guards_of("args 1; a0 dtype 0 sizes [s0, 7]"), payload(3));
  EXPECT_EQ(cache.entries(), (std::vector<const CacheEntry*>{c, b, a}));
  EXPECT_EQ(value_of(cache.lookup(eight.views)), 2);
  EXPECT_EQ(cache.entries(), (std::vector<const CacheEntry*>{b, c, a})); // b moved up
}

TEST(FunctionCache, MovingHitsToTheFrontCanBeTurnedOff)
{
  FunctionCache cache({.move_hits_to_front = false, .static_index = true});
  const auto* a = cache.insert(guards_of("args 1; a0 dtype 0 sizes [s0, 8]"), payload(1));
  const auto* b = cache.insert(guards_of("args 1; a0 dtype 0 sizes [s0, 7]"), payload(2));
  Call eight({{3, 8}});
  EXPECT_EQ(value_of(cache.lookup(eight.views)), 1);
  EXPECT_EQ(cache.entries(), (std::vector<const CacheEntry*>{b, a}));
}

TEST(FunctionCache, PrecompiledEntriesComeFirstAndKeepTheirOrder)
{
  FunctionCache cache;
  cache.insert(guards_of("args 1; a0 dtype 0 sizes [4, 8]"), payload(1));
  const auto* p1 =
    cache.install_precompiled(guards_of("args 1; a0 dtype 0 sizes [s0, 9]"), payload(10));
  const auto* p2 =
    cache.install_precompiled(guards_of("args 1; a0 dtype 0 sizes [s0, s1]"), payload(11));
  Call four({{4, 8}});
  Call nine({{4, 9}});
  EXPECT_EQ(value_of(cache.lookup(four.views)), 11); // the precompiled one, before the static one
  EXPECT_EQ(value_of(cache.lookup(nine.views)), 10);
  EXPECT_EQ(value_of(cache.lookup(four.views)), 11);
  const auto entries = cache.entries();
  EXPECT_EQ(entries[0], p1);
  EXPECT_EQ(entries[1], p2);
}

TEST(FunctionCache, AnInvalidatedEntryNeverMatchesAgain)
{
  FunctionCache cache;
  const auto* fixed = cache.insert(guards_of("args 1; a0 dtype 0 sizes [4, 8]"), payload(1));
  const auto* any = cache.insert(guards_of("args 1; a0 dtype 0 sizes [s0, 8]"), payload(2));
  Call four({{4, 8}});
  EXPECT_EQ(value_of(cache.lookup(four.views)), 1);
  cache.invalidate(fixed);
  EXPECT_EQ(value_of(cache.lookup(four.views)), 2);
  cache.invalidate(any);
  EXPECT_EQ(cache.lookup(four.views), nullptr);
  EXPECT_EQ(cache.size(), 0U);
}

TEST(FunctionCache, TheLastHitShortcutKeepsOldestFirstAndInvalidation)
{
  FunctionCache cache;
  // Two static entries packing the same sizes: the older checks strides, the younger not.
  cache.insert(guards_of("args 1; a0 dtype 0 sizes [4, 8] strides [8, 1]"), payload(1));
  const auto* any_strides = cache.insert(guards_of("args 1; a0 dtype 0 sizes [4, 8]"), payload(2));
  const auto* other = cache.insert(guards_of("args 1; a0 dtype 0 sizes [5, 8]"), payload(3));
  std::vector<int64_t> sizes = {4, 8};
  std::vector<int64_t> row_major = {8, 1};
  std::vector<int64_t> column_major = {1, 4};
  const std::vector<ArgView> contiguous = {
    ArgView::tensor(0, 2, sizes.data(), row_major.data(), nullptr)};
  const std::vector<ArgView> transposed = {
    ArgView::tensor(0, 2, sizes.data(), column_major.data(), nullptr)};
  EXPECT_EQ(value_of(cache.lookup(transposed)), 2);
  EXPECT_EQ(value_of(cache.lookup(contiguous)), 1); // not the entry that served the last call
  EXPECT_EQ(value_of(cache.lookup(transposed)), 2);
  cache.invalidate(any_strides);
  EXPECT_EQ(cache.lookup(transposed), nullptr);
  // A key of its own: served again by the shortcut, until invalidated.
  Call five({{5, 8}});
  EXPECT_EQ(value_of(cache.lookup(five.views)), 3);
  EXPECT_EQ(value_of(cache.lookup(five.views)), 3);
  cache.invalidate(other);
  EXPECT_EQ(cache.lookup(five.views), nullptr);
}

TEST(FunctionCache, TheArgumentCountIsPartOfEveryMatch)
{
  FunctionCache cache;
  cache.insert(guards_of("args 1; a0 dtype 0 sizes [4]"), payload(1));
  cache.insert(guards_of("args 2; a0 dtype 0 sizes [s0]; a1 dtype 0 sizes [s0]"), payload(2));
  Call one(std::vector<std::vector<int64_t>>{{4}});
  Call two({{4}, {4}});
  Call three({{4}, {4}, {4}});
  EXPECT_EQ(value_of(cache.lookup(one.views)), 1);
  EXPECT_EQ(value_of(cache.lookup(two.views)), 2);
  EXPECT_EQ(cache.lookup(three.views), nullptr);
}

TEST(FunctionCache, NewEntriesCheckTheArgumentsThatFailMostFirst)
{
  FunctionCache cache;
  cache.insert(guards_of("args 2; a0 dtype 0 sizes [s0]; a1 dtype 0 sizes [4]"), payload(1));
  // Calls keep missing on a1 (its size), never on a0.
  for (int64_t size = 5; size < 10; ++size) {
    Call miss({{3}, {size}});
    ASSERT_EQ(cache.lookup(miss.views), nullptr);
    cache.record_miss(miss.views);
  }
  const auto* newer =
    cache.insert(guards_of("args 2; a0 dtype 0 sizes [s0]; a1 dtype 0 sizes [9]"), payload(2));
  // A call failing both a0's dtype and a1's size: the newer entry checks a1 first.
  Call both(std::vector<std::vector<int64_t>>{{3}, {7}});
  both.views[0].dtype = 1;
  EXPECT_EQ(newer->guards.explain(both.views), "a1 dtype 0 sizes [9]: a1 size 0 is 7");
  EXPECT_EQ(cache.entries().back()->guards.explain(both.views),
            "a0 dtype 0 sizes [s0]: a0 has dtype 1");
  // The text form keeps the written order.
  EXPECT_EQ(newer->guards.to_string(), "args 2; a0 dtype 0 sizes [s0]; a1 dtype 0 sizes [9]");
}

// The lookup order written out plainly: precompiled in install order, then static entries
// oldest first, then dynamic entries most recently used first.
struct ReferenceEntry {
  guards::GuardSet guards;
  int value;
  bool precompiled;
  bool is_static;
  uint64_t used; // the last hit or insertion, for dynamic entries
  bool invalid = false;
};

int
reference_lookup(std::vector<ReferenceEntry>& entries, std::span<const ArgView> args,
                 uint64_t& clock)
{
  auto first = [&](auto&& pick) -> ReferenceEntry* {
    ReferenceEntry* best = nullptr;
    for (auto& entry : entries) {
      if (!entry.invalid && pick(entry) && entry.guards.check(args)) {
        if (!best || (entry.precompiled || entry.is_static ? false : entry.used > best->used)) {
          best = &entry;
        }
      }
    }
    return best;
  };
  if (auto* found = first([](const auto& e) { return e.precompiled; })) {
    return found->value;
  }
  if (auto* found = first([](const auto& e) { return !e.precompiled && e.is_static; })) {
    return found->value;
  }
  if (auto* found = first([](const auto& e) { return !e.precompiled && !e.is_static; })) {
    found->used = ++clock;
    return found->value;
  }
  return -1;
}

TEST(FunctionCache, IndexAndWalkAgreeWithABruteForceReference)
{
  std::mt19937_64 random(42); // NOLINT(cert-msc32-c,cert-msc51-cpp): reproducible on purpose
  auto pick = [&](int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random);
  };
  int hits = 0;
  int misses = 0;
  for (int round = 0; round < 40; ++round) {
    FunctionCache indexed({.move_hits_to_front = true, .static_index = true});
    FunctionCache walked({.move_hits_to_front = true, .static_index = false});
    std::vector<ReferenceEntry> reference;
    uint64_t clock = 0;
    std::vector<const CacheEntry*> indexed_entries;
    std::vector<const CacheEntry*> walked_entries;
    const int count = static_cast<int>(pick(1, 60));
    for (int i = 0; i < count; ++i) {
      // Two arguments of rank 2, each size fixed (from a small range, so that calls hit) or a
      // symbol; sometimes a relation or a stride guard; sometimes precompiled.
      std::string text = "args 2";
      bool is_static = true;
      for (int a = 0; a < 2; ++a) {
        text += fmt::format("; a{} dtype {} sizes [", a, pick(0, 1));
        for (int d = 0; d < 2; ++d) {
          if (pick(0, 3) == 0) {
            text += fmt::format("s{}", pick(0, 1));
            is_static = false;
          } else {
            text += fmt::format("{}", pick(1, 3));
          }
          text += d == 0 ? ", " : "]";
        }
        if (pick(0, 3) == 0) {
          text += fmt::format(" strides [{}, 1]", pick(2, 3)); // a stride guard
        }
      }
      if (!is_static && pick(0, 2) == 0) {
        text += "; s0 >= 2";
      }
      auto guards = guards_of(text);
      is_static = guards.static_match().has_value();
      const bool precompiled = pick(0, 9) == 0;
      if (precompiled) {
        indexed_entries.push_back(indexed.install_precompiled(guards, payload(i)));
        walked_entries.push_back(walked.install_precompiled(guards, payload(i)));
      } else {
        indexed_entries.push_back(indexed.insert(guards, payload(i)));
        walked_entries.push_back(walked.insert(guards, payload(i)));
      }
      reference.push_back({std::move(guards), i, precompiled, is_static, ++clock});
    }
    std::vector<std::vector<int64_t>> shapes;
    std::vector<std::vector<int64_t>> strides;
    std::vector<uint8_t> dtypes;
    for (int call = 0; call < 200; ++call) {
      if (pick(0, 30) == 0) {
        const auto victim = static_cast<size_t>(pick(0, count - 1));
        indexed.invalidate(indexed_entries[victim]);
        walked.invalidate(walked_entries[victim]);
        reference[victim].invalid = true;
      }
      // Half the calls repeat the previous one (the last-hit shortcut's case).
      if (shapes.empty() || pick(0, 1) == 0) {
        shapes.clear();
        strides.clear();
        dtypes.clear();
        for (int a = 0; a < 2; ++a) {
          shapes.push_back({pick(1, 3), pick(1, 3)});
          strides.push_back({pick(2, 3), 1});
          dtypes.push_back(static_cast<uint8_t>(pick(0, 1)));
        }
      }
      std::vector<ArgView> views;
      for (int a = 0; a < 2; ++a) {
        views.push_back(
          ArgView::tensor(dtypes[a], 2, shapes[a].data(), strides[a].data(), nullptr));
      }
      const int expected = reference_lookup(reference, views, clock);
      (expected < 0 ? misses : hits) += 1;
      ASSERT_EQ(value_of(indexed.lookup(views)), expected) << "round " << round << " call " << call;
      ASSERT_EQ(value_of(walked.lookup(views)), expected) << "round " << round << " call " << call;
    }
  }
  // The sets are dense enough to hit often and sparse enough to miss too.
  EXPECT_GT(hits, 1000);
  EXPECT_GT(misses, 1000);
}

TEST(FunctionCache, ManyThreadsLookUpWhileEntriesComeAndGo)
{
  FunctionCache cache;
  for (int64_t size = 1; size <= 32; ++size) {
    cache.insert(guards_of(fmt::format("args 1; a0 dtype 0 sizes [{}, 8]", size)),
                 payload(static_cast<int>(size)));
  }
  cache.insert(guards_of("args 1; a0 dtype 0 sizes [s0, 9]"), payload(100));
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      uint64_t n = 0;
      while (!stop.load()) {
        const int64_t size = static_cast<int64_t>((n++ + static_cast<uint64_t>(t)) % 32) + 1;
        Call fixed({{size, 8}});
        Call dynamic({{size, 9}});
        if (value_of(cache.lookup(fixed.views)) != size ||
            value_of(cache.lookup(dynamic.views)) != 100) {
          wrong.fetch_add(1);
        }
      }
    });
  }
  // Meanwhile: more dynamic entries (reordered by hits) and invalidations of other ones.
  for (int round = 0; round < 200; ++round) {
    const auto* extra = cache.insert(
      guards_of(fmt::format("args 1; a0 dtype 0 sizes [s0, {}]", 10 + round)), payload(round));
    Call hit({{2, 10 + round}});
    EXPECT_EQ(value_of(cache.lookup(hit.views)), round);
    cache.invalidate(extra);
  }
  stop.store(true);
  for (auto& reader : readers) {
    reader.join();
  }
  EXPECT_EQ(wrong.load(), 0);
}

} // namespace
} // namespace jitcache::dispatch
