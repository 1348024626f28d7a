#include "util/zstd.hpp"

#include <fmt/format.h>
#include <zstd.h>

#include <stdexcept>

namespace jitcache::util {

namespace {

// One context of each kind per thread, created on first use and reused: creating a context
// costs more than compressing or decompressing a small payload, and a process that only reads
// the cache (a warm start) never needs a compression context.
template<typename Context, Context* (*create)(), size_t (*destroy)(Context*)>
class ThreadContext {
public:
  static Context*
  get()
  {
    thread_local ThreadContext per_thread;
    return per_thread.m_context;
  }

  ThreadContext(const ThreadContext&) = delete;
  ThreadContext& operator=(const ThreadContext&) = delete;

private:
  ThreadContext() : m_context(create()) {}
  ~ThreadContext() { destroy(m_context); }

  Context* m_context;
};

using CompressContext = ThreadContext<ZSTD_CCtx, ZSTD_createCCtx, ZSTD_freeCCtx>;
using DecompressContext = ThreadContext<ZSTD_DCtx, ZSTD_createDCtx, ZSTD_freeDCtx>;

} // namespace

std::vector<uint8_t>
zstd_compress(std::span<const uint8_t> data, int level)
{
  std::vector<uint8_t> out(ZSTD_compressBound(data.size()));
  const size_t size = ZSTD_compressCCtx(CompressContext::get(), out.data(), out.size(), data.data(),
                                        data.size(), level);
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
  const size_t size = ZSTD_decompressDCtx(DecompressContext::get(), out.data(), out.size(),
                                          frame.data(), frame.size());
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
