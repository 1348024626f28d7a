#include "util/thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <stdexcept>

namespace jitcache::util {

TEST(ThreadPool, RunsEveryTaskAndReturnsResults)
{
  ThreadPool pool(4);
  EXPECT_EQ(pool.size(), 4u);
  std::vector<std::future<int>> results;
  for (int i = 0; i < 100; ++i) {
    results.push_back(pool.submit([i] { return i * i; }));
  }
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(results[static_cast<size_t>(i)].get(), i * i);
  }
}

TEST(ThreadPool, UsesSeveralThreadsAndPassesExceptionsOn)
{
  ThreadPool pool(3);
  std::mutex mutex;
  std::set<std::thread::id> seen;
  std::atomic<int> waiting{0};
  std::vector<std::future<void>> done;
  for (int i = 0; i < 3; ++i) {
    done.push_back(pool.submit([&] {
      {
        std::lock_guard lock(mutex);
        seen.insert(std::this_thread::get_id());
      }
      // Each task waits until all three run at once, which needs three threads.
      ++waiting;
      while (waiting.load() < 3) {
        std::this_thread::yield();
      }
    }));
  }
  for (auto& future : done) {
    future.get();
  }
  EXPECT_EQ(seen.size(), 3u);
  auto failing = pool.submit([]() -> int { throw std::runtime_error("compile failed"); });
  EXPECT_THROW(failing.get(), std::runtime_error);
}

TEST(ThreadPool, DestructorFinishesQueuedTasks)
{
  std::atomic<int> ran{0};
  {
    ThreadPool pool(1);
    for (int i = 0; i < 50; ++i) {
      (void)pool.submit([&] { ++ran; });
    }
  }
  EXPECT_EQ(ran.load(), 50);
}

} // namespace jitcache::util
