#include "trust/trust_policy.hpp"

#include "util/log.hpp"

#include <fmt/format.h>

namespace jitcache::trust {

TrustPolicy
TrustPolicy::from_config(const Config& config)
{
  TrustPolicy policy;
  policy.m_require = config.require_signature;
  policy.m_trusted = parse_public_keys(config.trusted_keys).value_or(std::vector<PublicKey>{});
  policy.m_signing_key_file = config.signing_key;
  policy.m_signing_key_origin = config.origins.count("signing_key") != 0
                                  ? config.origins.at("signing_key")
                                  : std::string("option");
  return policy;
}

void
TrustPolicy::sign(Entry& entry)
{
  if (m_signing_key_file.empty()) {
    return;
  }
  std::call_once(*m_load_once, [this] {
    auto key = SigningKey::load(m_signing_key_file);
    if (!key) {
      util::log_error(fmt::format("jitcache: signing_key ({}): {}; entries are written unsigned",
                                  m_signing_key_origin, key.error().message));
      return;
    }
    m_signer = *key;
  });
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
