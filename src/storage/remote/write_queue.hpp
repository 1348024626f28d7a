// WriteQueue: remote writes made on a background thread, so that a compile never waits for a
// remote server. The queue is bounded in bytes: a write that would pass the bound is dropped
// and counted (under dropped.<tier>). Before its process exits, the owner calls drain(), which
// waits for the queue to empty, at most until a deadline; what is left then is dropped and
// counted too (a lease left unreleased expires by itself).
//
// Thread safety: push() and drain() may be called from several threads at once.
#pragma once

#include "storage/remote/remote_tier.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace jitcache::storage::remote {

class WriteQueue {
public:
  // A value to store; or, with a lease token, a lease to release once the writes queued
  // before it are made, so that machines waiting on the lease find the value when it goes.
  struct Write {
    RemoteTier* tier = nullptr;
    Key key;
    std::string kind;
    Bytes value;
    std::string lease_token;
    Backend::PutMode mode = Backend::PutMode::if_absent;
  };

  explicit WriteQueue(size_t max_bytes) : m_max_bytes(max_bytes) {}
  // Drops whatever drain() left; REQUIRES: every tier a write names outlives the queue's use.
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  void push(Write write);
  // Waits until every queued write has been made or `deadline` passes, then stops the
  // background thread (a later push starts it again). Returns how many writes were dropped.
  size_t drain(std::chrono::steady_clock::time_point deadline);

private:
  void run();
  // REQUIRES: m_mutex held. Drops every queued write, counting each.
  size_t drop_all_locked();

  const size_t m_max_bytes;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Write> m_writes;
  size_t m_bytes = 0;
  bool m_busy = false; // the thread is making a write it took off the queue
  bool m_stopping = false;
  std::thread m_thread;
};

} // namespace jitcache::storage::remote
