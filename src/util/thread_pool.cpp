#include "util/thread_pool.hpp"

#include <algorithm>

namespace jitcache::util {

ThreadPool::ThreadPool(size_t threads)
{
  if (threads == 0) {
    threads = std::max(1u, std::thread::hardware_concurrency());
  }
  m_workers.reserve(threads);
  for (size_t i = 0; i < threads; ++i) {
    m_workers.emplace_back([this] { work(); });
  }
}

ThreadPool::~ThreadPool()
{
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_ready.notify_all();
  for (auto& worker : m_workers) {
    worker.join();
  }
}

void
ThreadPool::enqueue(std::function<void()> job)
{
  {
    std::lock_guard lock(m_mutex);
    m_queue.push_back(std::move(job));
  }
  m_ready.notify_one();
}

void
ThreadPool::work()
{
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock(m_mutex);
      m_ready.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
      if (m_queue.empty()) {
        return; // stopping, and every queued task has run
      }
      job = std::move(m_queue.front());
      m_queue.pop_front();
    }
    job();
  }
}

} // namespace jitcache::util
