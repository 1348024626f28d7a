// libFuzzer target for the bundle reader. Any input must read or fail with an Error: never
// crash, hang, leak or trip a sanitizer. What reads must write back (same entries, targets
// and order) to a bundle that reads again to the same manifest.
#include "artifacts/bundle_format.hpp"

#include <cstdint>
#include <cstdlib>

using namespace jitcache;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  artifacts::BundleReadOptions options;
  options.limits.max_blob_size = 1 << 20; // keep the fuzzer's memory use small
  options.limits.max_total_raw_size = 4 << 20;
  auto bundle = artifacts::read_bundle(Bytes::copy_of(std::span(data, size)), options);
  if (!bundle) {
    return 0;
  }
  artifacts::BundleWriter writer;
  for (const auto& item : bundle->items) {
    auto entry = artifacts::decode_item(item);
    if (!entry) {
      return 0; // a compressed blob that does not decompress: found when it is used
    }
    if (!writer.add(*entry, item.manifest.target, 0)) {
      std::abort(); // what was read can be written
    }
  }
  auto again = artifacts::read_bundle(Bytes::adopt(writer.finish(nullptr)), options);
  if (!again || again->items.size() != bundle->items.size()) {
    std::abort();
  }
  for (size_t i = 0; i < again->items.size(); ++i) {
    const auto& a = again->items[i].manifest;
    const auto& b = bundle->items[i].manifest;
    if (a.kind != b.kind || a.key != b.key || a.target != b.target ||
        again->items[i].entry.guard != bundle->items[i].entry.guard) {
      std::abort();
    }
  }
  return 0;
}
