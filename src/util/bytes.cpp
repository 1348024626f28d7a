#include <jitcache/bytes.hpp>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace jitcache {

Bytes
Bytes::adopt(std::vector<uint8_t>&& buffer)
{
  auto owner = std::make_shared<const std::vector<uint8_t>>(std::move(buffer));
  Bytes bytes;
  bytes.m_data = owner->data();
  bytes.m_size = owner->size();
  bytes.m_owner = std::move(owner);
  return bytes;
}

Bytes
Bytes::adopt(std::unique_ptr<uint8_t[]> buffer, size_t size)
{
  Bytes bytes;
  bytes.m_data = buffer.get();
  bytes.m_size = size;
  bytes.m_owner = std::shared_ptr<uint8_t[]>(std::move(buffer));
  return bytes;
}

Bytes
Bytes::view_of(std::shared_ptr<const void> owner, std::span<const uint8_t> data)
{
  Bytes bytes;
  bytes.m_data = data.data();
  bytes.m_size = data.size();
  bytes.m_owner = std::move(owner);
  return bytes;
}

Bytes
Bytes::copy_of(std::span<const uint8_t> data)
{
  return adopt(std::vector<uint8_t>(data.begin(), data.end()));
}

Bytes
Bytes::copy_of(std::string_view text)
{
  return copy_of(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Bytes
Bytes::slice(size_t offset, size_t size) const
{
  if (offset > m_size || size > m_size - offset) {
    throw std::out_of_range("Bytes::slice outside the buffer");
  }
  Bytes bytes = *this;
  bytes.m_data = m_data + offset;
  bytes.m_size = size;
  return bytes;
}

bool
operator==(const Bytes& a, const Bytes& b)
{
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

} // namespace jitcache
