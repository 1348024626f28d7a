#include "core/entry_format.hpp"

#include "util/byte_io.hpp"
#include "util/hashing.hpp"
#include "util/zstd.hpp"

#include <fmt/format.h>

#include <memory>

#include <algorithm>
#include <cstring>
#include <limits>

namespace jitcache::core {

namespace {

constexpr uint8_t k_magic[4] = {'J', 'C', 'E', 'N'};
constexpr uint16_t k_known_flags = 0;
// Payloads smaller than a 4 KiB disk block are stored as is: compressing one saves at most part
// of a block, and reading it back would cost a zstd context (about 100 KB to allocate and fill)
// on every hit, more than the rest of reading a small entry.
constexpr size_t k_min_compressible_size = 4096;

Expected<void>
check_length(std::string_view field, size_t size, size_t limit)
{
  if (size > limit) {
    return make_error(
      ErrorCode::invalid_argument,
      fmt::format("{} is {} bytes; the format allows at most {}", field, size, limit));
  }
  return {};
}

// The body fields of an entry, in grammar order, up to the blob data.
Expected<void>
encode_body(const Entry& entry, util::ByteWriter& out, int compression_level)
{
  if (auto valid = validate_kind(entry.kind); !valid) {
    return valid;
  }
  for (auto [field, size, limit] : {
         std::tuple{"producer", entry.producer.size(), size_t{255}},
         std::tuple{"guard", entry.guard.size(), size_t{std::numeric_limits<uint32_t>::max()}},
         std::tuple{"component count", entry.details.size(), size_t{65535}},
         std::tuple{"blob count", entry.blobs.size(), size_t{65535}},
       }) {
    if (auto ok = check_length(field, size, limit); !ok) {
      return ok;
    }
  }
  out.u8(static_cast<uint8_t>(entry.kind.size()));
  out.text(entry.kind);
  out.u64(static_cast<uint64_t>(entry.created_ms));
  out.u64(entry.compile_ms);
  out.u8(static_cast<uint8_t>(entry.producer.size()));
  out.text(entry.producer);
  out.bytes(entry.key.digest());
  out.u32(static_cast<uint32_t>(entry.guard.size()));
  out.text(entry.guard);

  out.u16(static_cast<uint16_t>(entry.details.size()));
  for (const auto& component : entry.details) {
    if (auto ok = check_length("component name", component.name.size(), 255); !ok) {
      return ok;
    }
    const auto summary = std::string_view(component.summary).substr(0, 65535);
    out.u8(static_cast<uint8_t>(component.name.size()));
    out.text(component.name);
    out.bytes(component.digest);
    out.u16(static_cast<uint16_t>(summary.size()));
    out.text(summary);
  }

  out.u16(static_cast<uint16_t>(entry.blobs.size()));
  for (const auto& blob : entry.blobs) {
    if (auto ok = check_length("blob name", blob.name.size(), 255); !ok) {
      return ok;
    }
    out.u8(static_cast<uint8_t>(blob.name.size()));
    out.text(blob.name);
    std::vector<uint8_t> compressed;
    if (compression_level != 0 && blob.data.size() >= k_min_compressible_size) {
      compressed = util::zstd_compress(blob.data.span(), compression_level);
    }
    const bool use_zstd = !compressed.empty() && compressed.size() < blob.data.size();
    out.u8(static_cast<uint8_t>(use_zstd ? BlobCodec::zstd : BlobCodec::none));
    out.u64(blob.data.size());
    if (use_zstd) {
      out.u64(compressed.size());
      out.bytes(compressed);
    } else {
      out.u64(blob.data.size());
      out.bytes(blob.data.span());
    }
  }
  return {};
}

// Reads a length-prefixed string whose prefix is `width` bytes wide.
Expected<std::string>
read_string(util::ByteReader& in, int width, std::string_view what, size_t limit)
{
  const size_t at = in.position();
  auto size = in.uint(width, what);
  if (!size) {
    return std::unexpected(size.error());
  }
  if (*size > limit) {
    return in.invalid(at, fmt::format("{} length {} exceeds the limit of {}", what, *size, limit));
  }
  return in.text(static_cast<size_t>(*size), what);
}

Expected<Digest>
read_digest(util::ByteReader& in, std::string_view what)
{
  auto bytes = in.bytes(k_digest_size, what);
  if (!bytes) {
    return std::unexpected(bytes.error());
  }
  Digest digest;
  std::memcpy(digest.data(), bytes->data(), digest.size());
  return digest;
}

// Decodes `body` (which starts at byte `base` of `buffer`) into `decoded`.
Expected<void>
decode_body(const Bytes& buffer, size_t base, size_t size, const DecodeOptions& options,
            DecodedEntry& decoded)
{
  const auto& limits = options.limits;
  util::ByteReader in(buffer.span().subspan(base, size), base);
  Entry& entry = decoded.entry;

#define JITCACHE_READ(target, expr)                                                                \
  do {                                                                                             \
    auto value_ = (expr);                                                                          \
    if (!value_) {                                                                                 \
      return std::unexpected(value_.error());                                                      \
    }                                                                                              \
    (target) = std::move(*value_);                                                                 \
  } while (false)

  const size_t kind_at = in.position();
  JITCACHE_READ(entry.kind, read_string(in, 1, "kind", limits.max_kind_size));
  if (auto valid = validate_kind(entry.kind); !valid) {
    return in.invalid(kind_at, valid.error().message);
  }
  uint64_t created = 0;
  JITCACHE_READ(created, in.u64("creation time"));
  entry.created_ms = static_cast<int64_t>(created);
  JITCACHE_READ(entry.compile_ms, in.u64("compile time"));
  JITCACHE_READ(entry.producer, read_string(in, 1, "producer", 255));
  Digest key;
  JITCACHE_READ(key, read_digest(in, "key"));
  entry.key = Key(key);
  JITCACHE_READ(entry.guard, read_string(in, 4, "guard", limits.max_guard_size));

  const size_t components_at = in.position();
  uint16_t component_count = 0;
  JITCACHE_READ(component_count, in.u16("component count"));
  if (component_count > limits.max_components) {
    return in.invalid(components_at, fmt::format("{} key components exceed the limit of {}",
                                                 component_count, limits.max_components));
  }
  entry.details.resize(component_count);
  for (auto& component : entry.details) {
    JITCACHE_READ(component.name, read_string(in, 1, "component name", 255));
    JITCACHE_READ(component.digest, read_digest(in, "component digest"));
    JITCACHE_READ(component.summary, read_string(in, 2, "component summary", 65535));
  }

  const size_t blobs_at = in.position();
  uint16_t blob_count = 0;
  JITCACHE_READ(blob_count, in.u16("blob count"));
  if (blob_count > limits.max_blobs) {
    return in.invalid(blobs_at,
                      fmt::format("{} blobs exceed the limit of {}", blob_count, limits.max_blobs));
  }
  uint64_t total_raw = 0;
  entry.blobs.resize(blob_count);
  decoded.layout.resize(blob_count);
  for (size_t i = 0; i < blob_count; ++i) {
    auto& blob = entry.blobs[i];
    auto& layout = decoded.layout[i];
    JITCACHE_READ(blob.name, read_string(in, 1, "blob name", 255));
    const size_t codec_at = in.position();
    uint8_t codec = 0;
    JITCACHE_READ(codec, in.u8("blob codec"));
    if (codec > static_cast<uint8_t>(BlobCodec::zstd)) {
      return in.invalid(codec_at, fmt::format("unknown blob codec {}", codec));
    }
    layout.codec = static_cast<BlobCodec>(codec);
    const size_t sizes_at = in.position();
    JITCACHE_READ(layout.raw_size, in.u64("blob size"));
    JITCACHE_READ(layout.stored_size, in.u64("stored blob size"));
    if (layout.raw_size > limits.max_blob_size) {
      return in.invalid(sizes_at, fmt::format("blob '{}' of {} bytes exceeds the limit of {}",
                                              blob.name, layout.raw_size, limits.max_blob_size));
    }
    total_raw += layout.raw_size;
    if (total_raw > limits.max_total_raw_size) {
      return in.invalid(sizes_at, fmt::format("blobs total more than the limit of {} bytes",
                                              limits.max_total_raw_size));
    }
    if (layout.codec == BlobCodec::none && layout.stored_size != layout.raw_size) {
      return in.invalid(sizes_at,
                        fmt::format("uncompressed blob '{}' declares {} bytes but stores {}",
                                    blob.name, layout.raw_size, layout.stored_size));
    }
    if (layout.stored_size > in.remaining()) {
      return in.invalid(sizes_at, fmt::format("blob '{}' stores {} bytes but only {} remain",
                                              blob.name, layout.stored_size, in.remaining()));
    }
    const size_t data_at = base + in.position();
    std::span<const uint8_t> stored;
    JITCACHE_READ(stored, in.bytes(static_cast<size_t>(layout.stored_size), "blob data"));
    if (!options.decompress) {
      continue;
    }
    if (layout.codec == BlobCodec::none) {
      blob.data = buffer.slice(data_at, stored.size());
    } else {
      // Not zeroed first: decompression fills every byte or fails.
      const auto raw_size = static_cast<size_t>(layout.raw_size);
      auto raw = std::make_unique_for_overwrite<uint8_t[]>(raw_size);
      if (auto ok = util::zstd_decompress(stored, std::span(raw.get(), raw_size)); !ok) {
        return make_error(ErrorCode::corrupt, fmt::format("blob '{}' at byte offset {}: {}",
                                                          blob.name, data_at, ok.error().message));
      }
      blob.data = Bytes::adopt(std::move(raw), raw_size);
    }
  }
#undef JITCACHE_READ

  if (in.remaining() != 0) {
    return in.invalid(in.position(),
                      fmt::format("{} unexpected bytes after the last blob", in.remaining()));
  }
  return {};
}

} // namespace

Expected<void>
validate_kind(std::string_view kind)
{
  if (kind.empty() || kind.size() > 64) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("artifact kind '{}' must be 1 to 64 characters", kind));
  }
  for (const char c : kind) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
      return make_error(
        ErrorCode::invalid_argument,
        fmt::format("artifact kind '{}' may only hold a-z, 0-9, '_' and '-'", kind));
    }
  }
  return {};
}

Expected<std::vector<uint8_t>>
encode_entry(const Entry& entry, int compression_level)
{
  if (entry.signature.size() > 65535) {
    return make_error(ErrorCode::invalid_argument, "signature longer than 65535 bytes");
  }
  std::vector<uint8_t> out;
  util::ByteWriter writer(out);
  writer.bytes(k_magic);
  writer.u16(k_entry_format_version);
  writer.u16(0);
  writer.u64(0); // checked_size, patched below
  if (auto ok = encode_body(entry, writer, compression_level); !ok) {
    return std::unexpected(ok.error());
  }
  writer.patch_u64(8, out.size() + k_entry_checksum_size);
  const auto checksum = util::xxh3_128(out);
  writer.u64(checksum.low);
  writer.u64(checksum.high);
  writer.u16(static_cast<uint16_t>(entry.signature.size()));
  writer.bytes(entry.signature);
  return out;
}

Expected<DecodedEntry>
decode_entry(const Bytes& buffer, size_t offset, const DecodeOptions& options)
{
  if (offset > buffer.size()) {
    return make_error(ErrorCode::invalid_argument, "entry offset outside the buffer");
  }
  util::ByteReader in(buffer.span().subspan(offset), offset);
  auto magic = in.bytes(sizeof k_magic, "magic");
  if (!magic) {
    return std::unexpected(magic.error());
  }
  if (!std::equal(magic->begin(), magic->end(), std::begin(k_magic))) {
    return in.invalid(0, "not a jitcache entry (bad magic)");
  }
  auto version = in.u16("format version");
  auto flags = in.u16("flags");
  auto checked_size = in.u64("entry size");
  if (!version || !flags || !checked_size) {
    return std::unexpected(!version ? version.error()
                           : !flags ? flags.error()
                                    : checked_size.error());
  }
  const size_t available = buffer.size() - offset;
  constexpr size_t k_minimum = k_entry_fixed_size + k_entry_checksum_size;
  if (*checked_size < k_minimum || *checked_size > available) {
    return in.invalid(8, fmt::format("entry size {} does not fit: {} bytes are available",
                                     *checked_size, available));
  }
  const size_t body_size = static_cast<size_t>(*checked_size) - k_minimum;
  const auto checked = buffer.span().subspan(offset, static_cast<size_t>(*checked_size));
  if (options.verify_checksum) {
    util::ByteReader stored(checked.subspan(checked.size() - k_entry_checksum_size));
    const util::Checksum128 expected{*stored.u64("checksum"), *stored.u64("checksum")};
    if (util::xxh3_128(checked.first(checked.size() - k_entry_checksum_size)) != expected) {
      return in.invalid(checked.size() - k_entry_checksum_size, "checksum mismatch");
    }
  }
  if (*version == 0) {
    return in.invalid(4, "format version 0 does not exist");
  }
  if (*version > k_entry_format_version) {
    return make_error(ErrorCode::unsupported,
                      fmt::format("entry format version {} is newer than this jitcache reads ({})",
                                  *version, k_entry_format_version));
  }
  if ((*flags & ~k_known_flags) != 0) {
    return make_error(
      ErrorCode::unsupported,
      fmt::format("entry flags 0x{:04x} include bits this jitcache does not know", *flags));
  }

  DecodedEntry decoded;
  if (auto ok = decode_body(buffer, offset + k_entry_fixed_size, body_size, options, decoded);
      !ok) {
    return std::unexpected(ok.error());
  }

  util::ByteReader tail(buffer.span().subspan(offset + checked.size()), offset + checked.size());
  auto signature_size = tail.u16("signature size");
  if (!signature_size) {
    return std::unexpected(signature_size.error());
  }
  auto signature = tail.bytes(*signature_size, "signature");
  if (!signature) {
    return std::unexpected(signature.error());
  }
  decoded.entry.signature.assign(signature->begin(), signature->end());
  decoded.encoded_size = checked.size() + 2 + *signature_size;
  return decoded;
}

Expected<std::vector<DecodedEntry>>
decode_entries(const Bytes& buffer, const DecodeOptions& options)
{
  std::vector<DecodedEntry> entries;
  size_t offset = 0;
  while (offset < buffer.size()) {
    auto decoded = decode_entry(buffer, offset, options);
    if (!decoded) {
      return std::unexpected(decoded.error());
    }
    offset += decoded->encoded_size;
    entries.push_back(std::move(*decoded));
  }
  if (entries.empty()) {
    return make_error(ErrorCode::corrupt, "empty file: no entry at byte offset 0");
  }
  return entries;
}

Expected<std::vector<DecodedEntry>>
decode_entries_of(const Key& key, const Bytes& buffer, const DecodeOptions& options)
{
  auto decoded = decode_entries(buffer, options);
  if (!decoded) {
    return decoded;
  }
  for (const auto& record : *decoded) {
    if (record.entry.key != key) {
      return make_error(ErrorCode::corrupt,
                        fmt::format("it holds an entry for key {}", record.entry.key.to_hex()));
    }
  }
  return decoded;
}

} // namespace jitcache::core
