#include "artifacts/recorder.hpp"

#include "support/entries.hpp"

#include <gtest/gtest.h>

namespace jitcache::artifacts {
namespace {

TEST(Recorder, NotesEachArtifactOnceInOrder)
{
  Recorder recorder;
  const auto a = testing::make_entry("a").key;
  const auto b = testing::make_entry("b").key;
  recorder.note("kernel", a);
  recorder.note("graph", b);
  recorder.note("kernel", a);
  const auto noted = recorder.noted();
  ASSERT_EQ(noted.stored.size(), 2U);
  EXPECT_EQ(noted.stored[0], std::make_pair(std::string("kernel"), a));
  EXPECT_EQ(noted.stored[1], std::make_pair(std::string("graph"), b));
}

TEST(Recorder, KeepsEntriesWholeTheNewestPerKindKeyAndGuard)
{
  Recorder recorder;
  auto first = testing::make_entry("p", 10, "args 1", "precompile");
  auto newer = first;
  newer.producer = "newer";
  auto other_guard = testing::make_entry("p", 10, "args 2", "precompile");
  other_guard.key = first.key;
  recorder.note_entry(first);
  recorder.note_entry(other_guard);
  recorder.note_entry(newer);
  const auto kept = recorder.noted().kept;
  ASSERT_EQ(kept.size(), 2U);
  EXPECT_EQ(kept[0].producer, "newer");
  EXPECT_EQ(kept[1].guard, "args 2");
}

TEST(Recorder, NotesInAnotherRecorderTooAndClears)
{
  Recorder outer;
  Recorder inner;
  inner.also_note_in(&outer);
  inner.note("kernel", testing::make_entry("a").key);
  inner.note_entry(testing::make_entry("p", 10, "", "precompile"));
  EXPECT_EQ(outer.noted().stored.size(), 1U);
  EXPECT_EQ(outer.noted().kept.size(), 1U);
  inner.clear();
  EXPECT_TRUE(inner.noted().stored.empty());
  EXPECT_EQ(outer.noted().stored.size(), 1U);
}

} // namespace
} // namespace jitcache::artifacts
