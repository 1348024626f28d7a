#include "util/zstd.hpp"

#include <fmt/format.h>
#include <zstd.h>

#include <stdexcept>

namespace jitcache::util {

namespace {

// One context per thread, reused: creating a context costs more than compressing or
// decompressing a small payload.
struct Contexts {
  ZSTD_CCtx* compress = ZSTD_createCCtx();
  ZSTD_DCtx* decompress = ZSTD_createDCtx();
  Contexts() = default;
  Contexts(const Contexts&) = delete;
  Contexts& operator=(const Contexts&) = delete;
  ~Contexts()
  {
    ZSTD_freeCCtx(compress);
    ZSTD_freeDCtx(decompress);
  }
};

Contexts&
contexts()
{
  thread_local Contexts per_thread;
  return per_thread;
}

} // namespace

std::vector<uint8_t>
zstd_compress(std::span<const uint8_t> data, int level)
{
  std::vector<uint8_t> out(ZSTD_compressBound(data.size()));
  const size_t size =
    ZSTD_compressCCtx(contexts().compress, out.data(), out.size(), data.data(), data.size(), level);
  if (ZSTD_isError(size)) {
    // With a bound-sized buffer this cannot fail short of a bug or memory exhaustion.
    throw std::runtime_error(fmt::format("zstd compression failed: {}", ZSTD_getErrorName(size)));
  }
  out.resize(size);
  return out;
}

Expected<void>
zstd_decompress(std::span<const uint8_t> frame, std::span<uint8_t> out)
{
  const unsigned long long declared = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) {
    return make_error(ErrorCode::corrupt, "not a zstd frame");
  }
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != out.size()) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("zstd frame holds {} bytes, expected {}", declared, out.size()));
  }
  const size_t size =
    ZSTD_decompressDCtx(contexts().decompress, out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(size)) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("zstd decompression failed: {}", ZSTD_getErrorName(size)));
  }
  if (size != out.size()) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("zstd frame produced {} bytes, expected {}", size, out.size()));
  }
  return {};
}

} // namespace jitcache::util
