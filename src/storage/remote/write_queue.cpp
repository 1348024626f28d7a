#include "storage/remote/write_queue.hpp"

#include "core/counters.hpp"

namespace jitcache::storage::remote {

WriteQueue::~WriteQueue()
{
  (void)drain(std::chrono::steady_clock::now());
}

void
WriteQueue::push(Write write)
{
  std::unique_lock lock(m_mutex);
  if (m_bytes + write.value.size() > m_max_bytes) {
    write.tier->record(core::counter::dropped(write.tier->name()));
    return;
  }
  m_bytes += write.value.size();
  m_writes.push_back(std::move(write));
  if (!m_thread.joinable()) {
    m_stopping = false;
    m_thread = std::thread([this] { run(); });
  }
  m_changed.notify_all();
}

void
WriteQueue::run()
{
  std::unique_lock lock(m_mutex);
  while (true) {
    m_changed.wait(lock, [&] { return m_stopping || !m_writes.empty(); });
    if (m_stopping) {
      return;
    }
    Write write = std::move(m_writes.front());
    m_writes.pop_front();
    m_busy = true;
    lock.unlock();
    if (write.lease_token.empty()) {
      (void)write.tier->put(write.key, write.value.span(), write.kind, write.mode);
    } else {
      write.tier->release_lease(write.key, write.lease_token);
    }
    lock.lock();
    m_bytes -= write.value.size();
    m_busy = false;
    m_changed.notify_all();
  }
}

size_t
WriteQueue::drop_all_locked()
{
  size_t dropped = 0;
  for (const auto& write : m_writes) {
    if (write.lease_token.empty()) {
      write.tier->record(core::counter::dropped(write.tier->name()));
      ++dropped;
    }
    m_bytes -= write.value.size(); // a write under way keeps its share until it is made
  }
  m_writes.clear();
  return dropped;
}

size_t
WriteQueue::drain(std::chrono::steady_clock::time_point deadline)
{
  std::unique_lock lock(m_mutex);
  if (!m_thread.joinable()) {
    return drop_all_locked();
  }
  m_changed.wait_until(lock, deadline, [&] { return m_writes.empty() && !m_busy; });
  const size_t dropped = drop_all_locked();
  m_stopping = true;
  m_changed.notify_all();
  std::thread thread = std::move(m_thread);
  lock.unlock();
  // A write still under way ends within its tier's timeout; waiting for it keeps the tier
  // alive for it.
  thread.join();
  return dropped;
}

} // namespace jitcache::storage::remote
