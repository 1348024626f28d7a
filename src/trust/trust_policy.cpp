#include "trust/trust_policy.hpp"

#include <fmt/format.h>

namespace jitcache::trust {

Expected<TrustPolicy>
TrustPolicy::from_config(const Config& config)
{
  TrustPolicy policy;
  policy.m_require = config.require_signature;
  auto trusted = parse_public_keys(config.trusted_keys);
  if (!trusted) {
    return make_error(ErrorCode::config, fmt::format("trusted_keys: {}", trusted.error().message));
  }
  policy.m_trusted = std::move(*trusted);
  if (!config.signing_key.empty()) {
    auto key = SigningKey::load(config.signing_key);
    if (!key) {
      return make_error(ErrorCode::config, fmt::format("signing_key ({}): {}",
                                                       config.origins.count("signing_key") != 0
                                                         ? config.origins.at("signing_key")
                                                         : std::string("option"),
                                                       key.error().message));
    }
    policy.m_signer = *key;
  }
  return policy;
}

void
TrustPolicy::sign(Entry& entry) const
{
  if (m_signer) {
    sign_entry(entry, *m_signer);
  }
}

Verdict
TrustPolicy::verify(const Entry& entry) const
{
  return verify_entry(entry, m_trusted);
}

} // namespace jitcache::trust
