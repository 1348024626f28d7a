// TrustPolicy: what the configuration says about signatures: the key this process signs
// with, the keys it trusts, and which entries must be signed by one of them
// (require_signature: off, remote, all). The tiered store asks it before it hands out an
// entry, and has it sign every entry it writes.
#pragma once

#include "trust/entry_signature.hpp"

#include <jitcache/config.hpp>

#include <optional>
#include <vector>

namespace jitcache::trust {

class TrustPolicy {
public:
  TrustPolicy() = default;
  // From `config`. A signing key that cannot be read is an error naming the file and the
  // setting; the caller decides whether to go on without signing.
  static Expected<TrustPolicy> from_config(const Config& config);

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
  bool
  signs() const
  {
    return m_signer.has_value();
  }

  // Signs `entry` when a signing key is configured.
  void sign(Entry& entry) const;
  Verdict verify(const Entry& entry) const;

private:
  RequireSignature m_require = RequireSignature::off;
  std::vector<PublicKey> m_trusted;
  std::optional<SigningKey> m_signer;
};

} // namespace jitcache::trust
