// Little-endian binary writing and bounds-checked reading. ByteReader never reads past its
// span: every read checks the remaining length first and reports the byte offset it failed at.
#pragma once

#include <jitcache/error.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache::util {

class ByteWriter {
public:
  explicit ByteWriter(std::vector<uint8_t>& out) : m_out(out) {}

  void
  u8(uint8_t value)
  {
    m_out.push_back(value);
  }
  void
  u16(uint16_t value)
  {
    integer(value, 2);
  }
  void
  u32(uint32_t value)
  {
    integer(value, 4);
  }
  void
  u64(uint64_t value)
  {
    integer(value, 8);
  }
  void
  bytes(std::span<const uint8_t> data)
  {
    m_out.insert(m_out.end(), data.begin(), data.end());
  }
  void text(std::string_view text);
  // Overwrites 8 bytes at `offset`, for sizes known only after the rest was written.
  void patch_u64(size_t offset, uint64_t value);
  size_t
  size() const
  {
    return m_out.size();
  }

private:
  void integer(uint64_t value, int width);

  std::vector<uint8_t>& m_out;
};

class ByteReader {
public:
  // `base_offset` is added to offsets in error messages, for readers of a sub-range.
  explicit ByteReader(std::span<const uint8_t> data, size_t base_offset = 0)
    : m_data(data), m_base(base_offset)
  {
  }

  Expected<uint8_t> u8(std::string_view what);
  Expected<uint16_t> u16(std::string_view what);
  Expected<uint32_t> u32(std::string_view what);
  Expected<uint64_t> u64(std::string_view what);
  // An unsigned integer of 1, 2, 4 or 8 bytes.
  Expected<uint64_t> uint(int width, std::string_view what);
  Expected<std::span<const uint8_t>> bytes(size_t size, std::string_view what);
  Expected<std::string> text(size_t size, std::string_view what);

  size_t
  offset() const
  {
    return m_base + m_position;
  }
  size_t
  position() const
  {
    return m_position;
  }
  size_t
  remaining() const
  {
    return m_data.size() - m_position;
  }

  // An error for a field that was read but holds an invalid value.
  std::unexpected<Error> invalid(size_t field_offset, std::string message) const;

private:
  Expected<uint64_t> integer(int width, std::string_view what);

  std::span<const uint8_t> m_data;
  size_t m_base;
  size_t m_position = 0;
};

} // namespace jitcache::util
