#include "storage/remote/circuit_breaker.hpp"

namespace jitcache::storage::remote {

bool
CircuitBreaker::allows(Clock::time_point now)
{
  std::lock_guard lock(m_mutex);
  if (!m_open || now < m_retry_at) {
    return !m_open;
  }
  // Cooled off: this request tries the tier; until it reports, the others wait another
  // cool-off rather than pile onto a server that may still be down.
  m_retry_at = now + m_cool_off;
  return true;
}

CircuitBreaker::Change
CircuitBreaker::succeeded()
{
  std::lock_guard lock(m_mutex);
  m_errors_in_a_row = 0;
  if (!m_open) {
    return Change::none;
  }
  m_open = false;
  return Change::closed;
}

CircuitBreaker::Change
CircuitBreaker::failed(bool timed_out, Clock::time_point now)
{
  std::lock_guard lock(m_mutex);
  ++m_errors_in_a_row;
  const bool was_open = m_open;
  if (timed_out || m_errors_in_a_row >= k_errors_to_open || was_open) {
    m_open = true;
    m_retry_at = now + m_cool_off;
  }
  return m_open && !was_open ? Change::opened : Change::none;
}

bool
CircuitBreaker::open() const
{
  std::lock_guard lock(m_mutex);
  return m_open;
}

} // namespace jitcache::storage::remote
