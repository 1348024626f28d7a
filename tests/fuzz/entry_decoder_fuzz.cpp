// libFuzzer target for the entry decoder. Any input must decode or fail with an Error:
// never crash, hang, leak or trip a sanitizer. The first byte picks a mode:
//   even: decode as stored, checksum checked (the path every read takes);
//   odd:  decode the rest with the checksum check off, so mutations reach the body parser,
//         and re-encode whatever decodes: it must decode again to the same fields.
#include "core/entry_format.hpp"

#include <cstdint>
#include <cstdlib>

using namespace jitcache;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  if (size == 0) {
    return 0;
  }
  const bool lenient = (data[0] & 1) != 0;
  const Bytes buffer = Bytes::copy_of(std::span(data + 1, size - 1));
  core::DecodeOptions options;
  options.verify_checksum = !lenient;
  options.limits.max_blob_size = 1 << 20; // keep the fuzzer's memory use small
  options.limits.max_total_raw_size = 4 << 20;
  auto decoded = core::decode_entries(buffer, options);
  if (!decoded || !lenient) {
    return 0;
  }
  for (const auto& record : *decoded) {
    auto encoded = core::encode_entry(record.entry, 1);
    if (!encoded) {
      continue; // e.g. an over-long summary the decoder allows but the encoder truncates
    }
    auto again = core::decode_entry(Bytes::adopt(std::move(*encoded)));
    if (!again || again->entry.kind != record.entry.kind ||
        again->entry.guard != record.entry.guard ||
        again->entry.blobs.size() != record.entry.blobs.size()) {
      std::abort();
    }
    for (size_t i = 0; i < record.entry.blobs.size(); ++i) {
      if (!(again->entry.blobs[i].data == record.entry.blobs[i].data)) {
        std::abort();
      }
    }
  }
  return 0;
}
