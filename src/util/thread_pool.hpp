// ThreadPool: a fixed set of worker threads running submitted tasks in order of submission.
// Kernels compile on it in parallel; the destructor finishes queued tasks, then joins.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace jitcache::util {

class ThreadPool {
public:
  // 0 threads means one per hardware thread.
  explicit ThreadPool(size_t threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  size_t
  size() const
  {
    return m_workers.size();
  }

  // Runs `task` on a worker; the future holds its result or the exception it threw.
  template<typename Task>
  auto
  submit(Task task) -> std::future<std::invoke_result_t<Task>>
  {
    using Result = std::invoke_result_t<Task>;
    auto packaged = std::make_shared<std::packaged_task<Result()>>(std::move(task));
    auto future = packaged->get_future();
    enqueue([packaged] { (*packaged)(); });
    return future;
  }

private:
  void enqueue(std::function<void()> job);
  void work();

  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<std::function<void()>> m_queue;
  bool m_stopping = false;
  std::vector<std::thread> m_workers;
};

} // namespace jitcache::util
