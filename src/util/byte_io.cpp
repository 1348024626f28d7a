#include "util/byte_io.hpp"

#include <fmt/format.h>

namespace jitcache::util {

void
ByteWriter::text(std::string_view text)
{
  bytes(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

void
ByteWriter::integer(uint64_t value, int width)
{
  for (int i = 0; i < width; ++i) {
    m_out.push_back(static_cast<uint8_t>(value >> (8 * i)));
  }
}

void
ByteWriter::patch_u64(size_t offset, uint64_t value)
{
  for (int i = 0; i < 8; ++i) {
    m_out.at(offset + static_cast<size_t>(i)) = static_cast<uint8_t>(value >> (8 * i));
  }
}

Expected<uint64_t>
ByteReader::integer(int width, std::string_view what)
{
  const auto size = static_cast<size_t>(width);
  if (remaining() < size) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("truncated at byte offset {}: {} needs {} bytes, {} remain",
                                  offset(), what, size, remaining()));
  }
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i) {
    value |= uint64_t{m_data[m_position + i]} << (8 * i);
  }
  m_position += size;
  return value;
}

template<typename T>
Expected<T>
narrow(Expected<uint64_t> value)
{
  if (!value) {
    return std::unexpected(value.error());
  }
  return static_cast<T>(*value);
}

Expected<uint8_t>
ByteReader::u8(std::string_view what)
{
  return narrow<uint8_t>(integer(1, what));
}

Expected<uint16_t>
ByteReader::u16(std::string_view what)
{
  return narrow<uint16_t>(integer(2, what));
}

Expected<uint32_t>
ByteReader::u32(std::string_view what)
{
  return narrow<uint32_t>(integer(4, what));
}

Expected<uint64_t>
ByteReader::u64(std::string_view what)
{
  return integer(8, what);
}

Expected<uint64_t>
ByteReader::uint(int width, std::string_view what)
{
  return integer(width, what);
}

Expected<std::span<const uint8_t>>
ByteReader::bytes(size_t size, std::string_view what)
{
  if (remaining() < size) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("truncated at byte offset {}: {} needs {} bytes, {} remain",
                                  offset(), what, size, remaining()));
  }
  auto span = m_data.subspan(m_position, size);
  m_position += size;
  return span;
}

Expected<std::string>
ByteReader::text(size_t size, std::string_view what)
{
  auto span = bytes(size, what);
  if (!span) {
    return std::unexpected(span.error());
  }
  return std::string(reinterpret_cast<const char*>(span->data()), span->size());
}

std::unexpected<Error>
ByteReader::invalid(size_t field_offset, std::string message) const
{
  return make_error(ErrorCode::corrupt,
                    fmt::format("at byte offset {}: {}", m_base + field_offset, message));
}

} // namespace jitcache::util
