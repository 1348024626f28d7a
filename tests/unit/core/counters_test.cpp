#include "core/counters.hpp"

#include <gtest/gtest.h>

namespace jitcache::core {

TEST(Counters, AddSubtractAndSumByPrefix)
{
  Counters c;
  c.add(counter::hit("local", "kernel"), 3);
  c.add(counter::hit("remote", "graph"));
  c.add(counter::miss("local", "kernel"), 2);
  c.subtract(counter::miss("local", "kernel"), 5); // stops at zero
  EXPECT_EQ(c.get("hit.local.kernel"), 3u);
  EXPECT_EQ(c.sum_prefix("hit."), 4u);
  EXPECT_EQ(c.get("miss.local.kernel"), 0u);
  EXPECT_EQ(c.get("never"), 0u);
}

TEST(Counters, SerializeRoundTrips)
{
  Counters c;
  c.add("files", 10);
  c.add("hit.local.kernel", 7);
  const auto parsed = Counters::parse(c.serialize(), "test").value();
  EXPECT_EQ(parsed.values(), c.values());
}

TEST(Counters, ParseErrorNamesLine)
{
  auto bad = Counters::parse("# jitcache stats 1\nfiles 3\nbroken\n", "/cache/0/stats");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("/cache/0/stats:3"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(Counters::parse("files -3\n", "x"));
  EXPECT_FALSE(Counters::parse("files 3x\n", "x"));
}

} // namespace jitcache::core

#include "core/event_tally.hpp"

namespace jitcache::core {

TEST(EventTally, CountsByKindAndResetsOnTake)
{
  EventTally tally("local");
  tally.hit("kernel", 100, 7);
  tally.hit("kernel", 50, 3);
  tally.miss("graph");
  tally.add(counter::corrupt);
  EXPECT_EQ(tally.events(), 4u);
  const auto counters = tally.take();
  EXPECT_EQ(counters.get("hit.local.kernel"), 2u);
  EXPECT_EQ(counters.get("miss.local.graph"), 1u);
  EXPECT_EQ(counters.get("bytes_read"), 150u);
  EXPECT_EQ(counters.get("time_saved_ms"), 10u);
  EXPECT_EQ(counters.get("corrupt"), 1u);
  EXPECT_EQ(tally.events(), 0u);
  EXPECT_TRUE(tally.snapshot().empty());
}

} // namespace jitcache::core
