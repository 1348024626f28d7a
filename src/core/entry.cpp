#include <jitcache/entry.hpp>

namespace jitcache {

const Blob*
Entry::find_blob(std::string_view name) const
{
  for (const auto& blob : blobs) {
    if (blob.name == name) {
      return &blob;
    }
  }
  return nullptr;
}

} // namespace jitcache
