// CircuitBreaker: keeps a failing remote tier from costing every call a timeout. A timeout
// opens it at once (a frozen server would cost every request another); errors open it after a
// few in a row. While open, requests are refused without trying; after the cool-off the next
// request is let through, and its outcome closes the breaker or opens it again.
//
// Thread safety: every method may be called from several threads at once.
#pragma once

#include <chrono>
#include <mutex>

namespace jitcache::storage::remote {

class CircuitBreaker {
public:
  using Clock = std::chrono::steady_clock;

  // Errors in a row that open the breaker.
  static constexpr int k_errors_to_open = 3;

  explicit CircuitBreaker(std::chrono::milliseconds cool_off) : m_cool_off(cool_off) {}

  // Whether a request may go to the tier now.
  bool allows(Clock::time_point now = Clock::now());

  enum class Change { none, opened, closed };
  // Reports a request's outcome; says whether the breaker opened or closed because of it,
  // so the caller can warn once per outage.
  Change succeeded();
  Change failed(bool timed_out, Clock::time_point now = Clock::now());

  bool open() const;

private:
  std::chrono::milliseconds m_cool_off;
  mutable std::mutex m_mutex;
  bool m_open = false;
  int m_errors_in_a_row = 0;
  Clock::time_point m_retry_at;
};

} // namespace jitcache::storage::remote
