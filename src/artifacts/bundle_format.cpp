#include "artifacts/bundle_format.hpp"

#include "util/byte_io.hpp"
#include "util/hashing.hpp"
#include "util/hex.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace jitcache::artifacts {

namespace {

constexpr std::string_view k_magic = "JCBUNDLE";
constexpr size_t k_header_size = 8 + 2 + 2 + 4;
constexpr std::string_view k_manifest_header = "jitcache-bundle 1";
constexpr std::string_view k_signature_domain = "jitcache bundle 1";
constexpr size_t k_signature_block_size = trust::k_public_key_size + trust::k_signature_size;
constexpr uint32_t k_max_manifest_size = uint32_t{64} << 20;
constexpr uint16_t k_known_flags = 0;

// What a signature covers: the domain, then the checksum of everything before the trailer.
std::vector<uint8_t>
signed_message(const Digest& checksum)
{
  std::vector<uint8_t> message(k_signature_domain.begin(), k_signature_domain.end());
  message.push_back(0);
  message.insert(message.end(), checksum.begin(), checksum.end());
  return message;
}

std::string
manifest_line(const ManifestItem& item)
{
  return fmt::format("artifact {} {} {} {} {}\n", item.kind, item.key.to_hex(), item.size,
                     to_hex(item.digest), item.target.to_text());
}

std::vector<std::string_view>
words_of(std::string_view line)
{
  std::vector<std::string_view> words;
  size_t at = 0;
  while (at <= line.size()) {
    const size_t end = std::min(line.find(' ', at), line.size());
    words.push_back(line.substr(at, end - at));
    at = end + 1;
  }
  return words;
}

// One manifest line; `where` ("manifest line 3 (byte offset 40)") starts every error.
Expected<ManifestItem>
parse_manifest_line(std::string_view line, const std::string& where)
{
  const auto words = words_of(line);
  if (words.size() != 6 || words[0] != "artifact") {
    return make_error(ErrorCode::corrupt,
                      fmt::format("{}: expected 'artifact KIND KEY SIZE DIGEST TARGET', found "
                                  "'{}'",
                                  where, line.substr(0, 200)));
  }
  ManifestItem item;
  item.kind = std::string(words[1]);
  if (item.kind.empty() || item.kind.size() > 64 ||
      !std::all_of(item.kind.begin(), item.kind.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      })) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("{}: kind '{}' is not 1 to 64 of a-z 0-9 _ -", where, words[1]));
  }
  auto key = Key::from_hex(words[2]);
  if (!key) {
    return make_error(ErrorCode::corrupt, fmt::format("{}: key: {}", where, key.error().message));
  }
  item.key = *key;
  const auto* end = words[3].data() + words[3].size();
  const auto parsed = std::from_chars(words[3].data(), end, item.size);
  if (words[3].empty() || parsed.ec != std::errc() || parsed.ptr != end) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("{}: size '{}' is not an unsigned number", where, words[3]));
  }
  auto digest = util::from_hex(words[4]);
  if (!digest || digest->size() != k_digest_size) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("{}: digest '{}' is not 64 hex digits", where, words[4]));
  }
  std::copy(digest->begin(), digest->end(), item.digest.begin());
  auto target = Target::parse(words[5]);
  if (!target) {
    return make_error(ErrorCode::corrupt, fmt::format("{}: {}", where, target.error().message));
  }
  item.target = std::move(*target);
  return item;
}

// The manifest's items; the text starts at byte `base` of the bundle.
Expected<std::vector<ManifestItem>>
parse_manifest(std::string_view text, size_t base)
{
  std::vector<ManifestItem> items;
  size_t at = 0;
  size_t number = 0;
  while (at < text.size()) {
    const size_t end = text.find('\n', at);
    ++number;
    const auto where = fmt::format("manifest line {} (byte offset {})", number, base + at);
    if (end == std::string_view::npos) {
      return make_error(ErrorCode::corrupt, fmt::format("{}: the line does not end", where));
    }
    const auto line = text.substr(at, end - at);
    if (number == 1) {
      if (line != k_manifest_header) {
        return make_error(ErrorCode::corrupt, fmt::format("{}: expected '{}', found '{}'", where,
                                                          k_manifest_header, line.substr(0, 200)));
      }
    } else {
      auto item = parse_manifest_line(line, where);
      if (!item) {
        return std::unexpected(item.error());
      }
      items.push_back(std::move(*item));
    }
    at = end + 1;
  }
  if (number == 0) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("at byte offset {}: the manifest is empty", base));
  }
  return items;
}

// The header; returns the manifest's size.
Expected<uint32_t>
read_header(util::ByteReader& reader)
{
  auto magic = reader.bytes(k_magic.size(), "magic");
  if (!magic) {
    return std::unexpected(magic.error());
  }
  if (!std::equal(magic->begin(), magic->end(), k_magic.begin())) {
    return reader.invalid(0, "not a jitcache bundle (the magic is not JCBUNDLE)");
  }
  auto version = reader.u16("version");
  if (!version) {
    return std::unexpected(version.error());
  }
  if (*version == 0 || *version > k_bundle_format_version) {
    return make_error(ErrorCode::unsupported,
                      fmt::format("at byte offset 8: bundle format version {} (this jitcache "
                                  "reads version {})",
                                  *version, k_bundle_format_version));
  }
  auto flags = reader.u16("flags");
  if (!flags) {
    return std::unexpected(flags.error());
  }
  if ((*flags & ~k_known_flags) != 0) {
    return make_error(ErrorCode::unsupported,
                      fmt::format("at byte offset 10: unknown flags 0x{:04x}", *flags));
  }
  auto manifest_size = reader.u32("manifest size");
  if (!manifest_size) {
    return std::unexpected(manifest_size.error());
  }
  if (*manifest_size > k_max_manifest_size) {
    return reader.invalid(
      12, fmt::format("manifest of {} bytes (at most {})", *manifest_size, k_max_manifest_size));
  }
  return *manifest_size;
}

// One record, checked against its manifest line; its blobs are not decompressed.
Expected<BundleItem>
read_record(const Bytes& bytes, util::ByteReader& reader, const ManifestItem& item, size_t index,
            const BundleReadOptions& options)
{
  const size_t start = reader.offset();
  const auto what = fmt::format("artifact {} ({} {})", index + 1, item.kind, item.key.to_hex());
  if (item.size > reader.remaining()) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("truncated at byte offset {}: {} needs {} bytes, {} remain",
                                  start, what, item.size, reader.remaining()));
  }
  auto record = reader.bytes(item.size, what);
  if (!record) {
    return std::unexpected(record.error());
  }
  if (util::blake2b_256(*record) != item.digest) {
    return make_error(
      ErrorCode::corrupt,
      fmt::format("at byte offset {}: {}: its digest is not the manifest's", start, what));
  }
  core::DecodeOptions decode;
  decode.limits = options.limits;
  decode.decompress = false;
  auto decoded = core::decode_entry(bytes, start, decode);
  if (!decoded) {
    return make_error(decoded.error().code, fmt::format("{}: {}", what, decoded.error().message));
  }
  if (decoded->encoded_size != item.size) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("at byte offset {}: {}: the record takes {} bytes, the manifest "
                                  "says {}",
                                  start, what, decoded->encoded_size, item.size));
  }
  if (decoded->entry.kind != item.kind || decoded->entry.key != item.key) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("at byte offset {}: {}: the record holds {} {}", start, what,
                                  decoded->entry.kind, decoded->entry.key.to_hex()));
  }
  return BundleItem{item, bytes.slice(start, item.size), std::move(decoded->entry)};
}

// The trailer's signature, checked; fills bundle.signer and bundle.trusted.
Expected<void>
read_signature(util::ByteReader& reader, const Digest& checksum, const BundleReadOptions& options,
               Bundle& bundle)
{
  const size_t at = reader.offset();
  auto size = reader.u16("signature size");
  if (!size) {
    return std::unexpected(size.error());
  }
  if (*size != 0 && *size != k_signature_block_size) {
    return reader.invalid(
      at, fmt::format("signature of {} bytes (0 or {})", *size, k_signature_block_size));
  }
  if (*size != 0) {
    auto block = reader.bytes(*size, "signature");
    if (!block) {
      return std::unexpected(block.error());
    }
    trust::PublicKey signer;
    std::copy_n(block->begin(), trust::k_public_key_size, signer.bytes.begin());
    trust::Signature signature{};
    std::copy_n(block->begin() + trust::k_public_key_size, trust::k_signature_size,
                signature.begin());
    if (!trust::verify_signature(signer, signed_message(checksum), signature)) {
      return make_error(ErrorCode::corrupt,
                        fmt::format("at byte offset {}: the signature by {} does not match the "
                                    "bundle",
                                    at + 2, signer.to_text()));
    }
    bundle.signer = signer;
    bundle.trusted =
      std::find(options.trusted.begin(), options.trusted.end(), signer) != options.trusted.end();
  }
  if (reader.remaining() != 0) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("at byte offset {}: {} bytes after the end of the bundle",
                                  reader.offset(), reader.remaining()));
  }
  if (options.require_trusted_signature) {
    if (auto why = why_untrusted(bundle)) {
      return make_error(ErrorCode::corrupt, *why);
    }
  }
  return {};
}

} // namespace

Expected<void>
BundleWriter::add(const Entry& entry, const Target& target, int compression_level)
{
  auto record = core::encode_entry(entry, compression_level);
  if (!record) {
    return std::unexpected(record.error());
  }
  m_manifest.push_back(
    ManifestItem{entry.kind, entry.key, record->size(), util::blake2b_256(*record), target});
  m_records.insert(m_records.end(), record->begin(), record->end());
  return {};
}

std::vector<uint8_t>
BundleWriter::finish(const trust::SigningKey* signer) const
{
  std::string manifest = std::string(k_manifest_header) + "\n";
  for (const auto& item : m_manifest) {
    manifest += manifest_line(item);
  }
  std::vector<uint8_t> out;
  util::ByteWriter writer(out);
  writer.bytes(std::span(reinterpret_cast<const uint8_t*>(k_magic.data()), k_magic.size()));
  writer.u16(k_bundle_format_version);
  writer.u16(0);
  writer.u32(static_cast<uint32_t>(manifest.size()));
  writer.bytes(std::span(reinterpret_cast<const uint8_t*>(manifest.data()), manifest.size()));
  const Digest checksum = util::blake2b_256(out);
  writer.bytes(m_records);
  writer.bytes(checksum);
  if (signer == nullptr) {
    writer.u16(0);
  } else {
    writer.u16(static_cast<uint16_t>(k_signature_block_size));
    writer.bytes(signer->public_key().bytes);
    writer.bytes(signer->sign(signed_message(checksum)));
  }
  return out;
}

std::optional<std::string>
why_untrusted(const Bundle& bundle)
{
  if (bundle.trusted) {
    return std::nullopt;
  }
  return bundle.signer
           ? fmt::format("signed by {}, which is not a trusted key (trusted_keys)",
                         bundle.signer->to_text())
           : std::string("unsigned, and require_signature asks for a trusted signature");
}

Expected<Entry>
decode_item(const BundleItem& item)
{
  auto decoded = core::decode_entry(item.record);
  if (!decoded) {
    return make_error(decoded.error().code,
                      fmt::format("{} {}: {}", item.manifest.kind, item.manifest.key.to_hex(),
                                  decoded.error().message));
  }
  return std::move(decoded->entry);
}

Expected<Bundle>
read_bundle(const Bytes& bytes, const BundleReadOptions& options)
{
  util::ByteReader reader(bytes.span());
  auto manifest_size = read_header(reader);
  if (!manifest_size) {
    return std::unexpected(manifest_size.error());
  }
  auto manifest_text = reader.text(*manifest_size, "manifest");
  if (!manifest_text) {
    return std::unexpected(manifest_text.error());
  }
  auto manifest = parse_manifest(*manifest_text, k_header_size);
  if (!manifest) {
    return std::unexpected(manifest.error());
  }
  // One forward pass: the checksum covers what was read so far, the digests the rest.
  const Digest computed = util::blake2b_256(bytes.span().first(reader.offset()));
  Bundle bundle;
  bundle.items.reserve(manifest->size());
  for (size_t i = 0; i < manifest->size(); ++i) {
    auto item = read_record(bytes, reader, (*manifest)[i], i, options);
    if (!item) {
      return std::unexpected(item.error());
    }
    bundle.items.push_back(std::move(*item));
  }
  const size_t checksum_at = reader.offset();
  auto stored = reader.bytes(k_digest_size, "checksum");
  if (!stored) {
    return std::unexpected(stored.error());
  }
  if (!std::equal(stored->begin(), stored->end(), computed.begin())) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("at byte offset {}: checksum mismatch", checksum_at));
  }
  if (auto signature = read_signature(reader, computed, options, bundle); !signature) {
    return std::unexpected(signature.error());
  }
  return bundle;
}

} // namespace jitcache::artifacts
