#include "trust/entry_signature.hpp"

#include "core/content_digest.hpp"
#include "core/loadable_blobs.hpp"

#include <algorithm>
#include <cstring>

namespace jitcache::trust {

namespace {

constexpr std::string_view k_domain = "jitcache signed entry 1";

struct CanonicalBlob {
  std::string name;
  Key digest;
};

CanonicalBlob
canonical_blob(const Blob& blob)
{
  const std::string_view name = blob.name;
  if (name.ends_with(core::k_file_suffix)) {
    if (auto file = Key::from_hex(blob.data.view())) {
      return {std::string(name.substr(0, name.size() - core::k_file_suffix.size())), *file};
    }
  }
  if (name.ends_with(core::k_loadable_suffix)) {
    return {std::string(name.substr(0, name.size() - core::k_loadable_suffix.size())),
            core::content_digest(blob.data.span())};
  }
  return {blob.name, core::content_digest(blob.data.span())};
}

void
append_u32(std::vector<uint8_t>& out, uint32_t value)
{
  for (int shift = 0; shift < 32; shift += 8) {
    out.push_back(static_cast<uint8_t>(value >> shift));
  }
}

void
append_text(std::vector<uint8_t>& out, std::string_view text)
{
  append_u32(out, static_cast<uint32_t>(text.size()));
  out.insert(out.end(), text.begin(), text.end());
}

} // namespace

std::vector<uint8_t>
canonical_form(const Entry& entry)
{
  std::vector<CanonicalBlob> blobs;
  blobs.reserve(entry.blobs.size());
  for (const auto& blob : entry.blobs) {
    blobs.push_back(canonical_blob(blob));
  }
  std::sort(blobs.begin(), blobs.end(),
            [](const CanonicalBlob& a, const CanonicalBlob& b) { return a.name < b.name; });
  std::vector<uint8_t> out(k_domain.begin(), k_domain.end());
  out.push_back(0);
  out.insert(out.end(), entry.key.digest().begin(), entry.key.digest().end());
  append_text(out, entry.kind);
  append_text(out, entry.guard);
  append_u32(out, static_cast<uint32_t>(blobs.size()));
  for (const auto& blob : blobs) {
    append_text(out, blob.name);
    out.insert(out.end(), blob.digest.digest().begin(), blob.digest.digest().end());
  }
  return out;
}

void
sign_entry(Entry& entry, const SigningKey& key)
{
  const Signature signature = key.sign(canonical_form(entry));
  entry.signature.assign(key.public_key().bytes.begin(), key.public_key().bytes.end());
  entry.signature.insert(entry.signature.end(), signature.begin(), signature.end());
}

Verdict
verify_entry(const Entry& entry, std::span<const PublicKey> trusted)
{
  if (entry.signature.size() != k_entry_signature_size) {
    return Verdict::unsigned_entry;
  }
  PublicKey signer;
  std::memcpy(signer.bytes.data(), entry.signature.data(), k_public_key_size);
  if (std::find(trusted.begin(), trusted.end(), signer) == trusted.end()) {
    return Verdict::unknown_signer;
  }
  Signature signature{};
  std::memcpy(signature.data(), entry.signature.data() + k_public_key_size, k_signature_size);
  return verify_signature(signer, canonical_form(entry), signature) ? Verdict::trusted
                                                                    : Verdict::bad_signature;
}

std::string_view
describe(Verdict verdict)
{
  switch (verdict) {
  case Verdict::trusted: return "signed by a trusted key";
  case Verdict::unsigned_entry: return "not signed";
  case Verdict::unknown_signer: return "signed by a key that is not trusted";
  case Verdict::bad_signature: return "its signature does not match its content";
  }
  return "";
}

} // namespace jitcache::trust
