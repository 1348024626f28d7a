// call_signature: a 64-bit hash of what a static guard set fixes about a call: the number of
// arguments, each one's kind, a tensor's dtype, rank and sizes, a scalar's value. Strides,
// alignment and relations are not in it: a function cache uses the hash to find candidate
// entries in O(1) and then checks each candidate's guards in full, so a collision costs a
// check, never a wrong answer.
#pragma once

#include <jitcache/arg_view.hpp>

#include <cstdint>
#include <span>

namespace jitcache::guards {

uint64_t call_signature(std::span<const ArgView> args);

} // namespace jitcache::guards
