#include "storage/remote/backend.hpp"

namespace jitcache::storage::remote {

namespace {

std::unexpected<BackendFailure>
no_leases()
{
  return std::unexpected(
    BackendFailure{BackendFailure::Kind::refused, "this tier does not support leases"});
}

} // namespace

BackendResult<std::optional<std::string>>
Backend::take_lease(const Key& /*key*/, std::chrono::milliseconds /*ttl*/)
{
  return no_leases();
}

BackendResult<bool>
Backend::renew_lease(const Key& /*key*/, const std::string& /*token*/,
                     std::chrono::milliseconds /*ttl*/)
{
  return no_leases();
}

BackendResult<void>
Backend::release_lease(const Key& /*key*/, const std::string& /*token*/)
{
  return no_leases();
}

BackendResult<std::vector<std::string>>
Backend::advice()
{
  return std::vector<std::string>{};
}

} // namespace jitcache::storage::remote
