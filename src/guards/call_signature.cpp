#include "guards/call_signature.hpp"

#include <bit>

namespace jitcache::guards {

namespace {

// One multiply-xorshift round per value: a few cycles, and good enough spread for an open
// addressing table whose hits are verified.
constexpr uint64_t k_multiplier = 0x9E3779B97F4A7C15ULL;

uint64_t
mix(uint64_t hash, uint64_t value)
{
  hash = (hash ^ value) * k_multiplier;
  return hash ^ (hash >> 29);
}

// Equal reals must hash equally: every NaN compares equal in a guard, and so do 0.0 and -0.0.
uint64_t
real_bits(double value)
{
  if (value != value) {
    return 0x7FF8000000000000ULL;
  }
  return value == 0 ? 0 : std::bit_cast<uint64_t>(value);
}

} // namespace

uint64_t
call_signature(std::span<const ArgView> args)
{
  uint64_t hash = mix(0x243F6A8885A308D3ULL, args.size());
  for (const ArgView& arg : args) {
    switch (arg.kind) {
    case ArgView::Kind::tensor:
      hash = mix(hash, (uint64_t{arg.dtype} << 8U) | arg.rank);
      for (uint8_t d = 0; d < arg.rank; ++d) {
        hash = mix(hash, static_cast<uint64_t>(arg.sizes[d]));
      }
      break;
    case ArgView::Kind::integer:
      hash = mix(hash, 0x1000);
      hash = mix(hash, static_cast<uint64_t>(arg.integer));
      break;
    case ArgView::Kind::real:
      hash = mix(hash, 0x2000);
      hash = mix(hash, real_bits(arg.real));
      break;
    }
  }
  return hash;
}

} // namespace jitcache::guards
