// TrustPolicy: what the configuration says about signatures: the key this process signs
// with, the keys it trusts, and which entries must be signed by one of them
// (require_signature: off, remote, all). The tiered store asks it before it hands out an
// entry, and has it sign every entry it writes.
#pragma once

#include "trust/entry_signature.hpp"

#include <jitcache/config.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace jitcache::trust {

class TrustPolicy {
public:
  TrustPolicy() = default;
  // From `config`. The signing key is read when the first entry is signed: a start that
  // writes nothing does not pay for it.
  static TrustPolicy from_config(const Config& config);

  // Whether entries from the local cache, or from remote tiers and bundles, must be verified.
  bool
  checks_local() const
  {
    return m_require == RequireSignature::all;
  }
  bool
  checks_remote() const
  {
    return m_require != RequireSignature::off;
  }
  // Signs `entry` when a signing key is configured. A key that cannot be read is one error
  // (naming the file and the setting), and entries are then written unsigned.
  void sign(Entry& entry);
  Verdict verify(const Entry& entry) const;

private:
  RequireSignature m_require = RequireSignature::off;
  std::vector<PublicKey> m_trusted; // trusted_keys; the config has checked their syntax
  std::string m_signing_key_file;
  std::string m_signing_key_origin;
  std::shared_ptr<std::once_flag> m_load_once = std::make_shared<std::once_flag>();
  std::optional<SigningKey> m_signer; // set by the first sign()
};

} // namespace jitcache::trust
