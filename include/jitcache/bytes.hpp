// Bytes: an immutable, cheaply copyable view of bytes that keeps its storage alive. The
// entry decoder hands out blobs as slices of the buffer it read, so a hit copies nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache {

class Bytes {
public:
  Bytes() = default;

  static Bytes adopt(std::vector<uint8_t>&& buffer);
  static Bytes adopt(std::unique_ptr<uint8_t[]> buffer, size_t size);
  // A view of `data`, which `owner` keeps alive (a client library's reply, say): no copy.
  static Bytes view_of(std::shared_ptr<const void> owner, std::span<const uint8_t> data);
  static Bytes copy_of(std::span<const uint8_t> data);
  static Bytes copy_of(std::string_view text);

  const uint8_t*
  data() const
  {
    return m_data;
  }
  size_t
  size() const
  {
    return m_size;
  }
  bool
  empty() const
  {
    return m_size == 0;
  }
  std::span<const uint8_t>
  span() const
  {
    return {m_data, m_size};
  }
  std::string_view
  view() const
  {
    return {reinterpret_cast<const char*>(m_data), m_size};
  }
  std::vector<uint8_t>
  to_vector() const
  {
    return {m_data, m_data + m_size};
  }

  // A view of [offset, offset + size) that shares this buffer; the range must lie inside.
  Bytes slice(size_t offset, size_t size) const;

  friend bool operator==(const Bytes& a, const Bytes& b);

private:
  std::shared_ptr<const void> m_owner;
  const uint8_t* m_data = nullptr;
  size_t m_size = 0;
};

} // namespace jitcache
