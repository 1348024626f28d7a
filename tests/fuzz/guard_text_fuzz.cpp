// libFuzzer target for the text forms a cache reads back from entries: guard sets (with their
// shape relations) and pgo profiles. Any input must parse or fail with an Error: never crash,
// hang or trip a sanitizer. What parses must print to text that parses to the same text, and
// checking it against a few calls (including too few arguments and lower ranks) must be safe.
#include "guards/guard_set.hpp"
#include "pgo/profile.hpp"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace jitcache;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto profile = pgo::Profile::parse(text)) {
    auto again = pgo::Profile::parse(profile->to_text());
    if (!again || again->to_text() != profile->to_text()) {
      std::abort();
    }
  }
  auto set = guards::GuardSet::parse(text);
  if (!set) {
    return 0;
  }
  const auto printed = set->to_string();
  auto reparsed = guards::GuardSet::parse(printed);
  if (!reparsed || reparsed->to_string() != printed) {
    std::abort();
  }
  static const std::array<int64_t, 4> sizes = {1, 2, 16, 128};
  static const std::array<int64_t, 4> strides = {256, 128, 8, 1};
  int dummy = 0;
  for (size_t count = 0; count <= 3; ++count) {
    std::array<ArgView, 3> views = {
      ArgView::tensor(0, 4, sizes.data(), strides.data(), &dummy),
      ArgView::tensor(1, 1, sizes.data() + 2, strides.data() + 3, &dummy), ArgView::of_integer(3)};
    const std::span<const ArgView> call(views.data(), count);
    const bool passes = set->check(call);
    if (passes != set->explain(call).empty()) {
      std::abort();
    }
    if (auto fast = set->static_match()) {
      if (fast->admits(call) != passes) {
        std::abort(); // the fast form must agree with the steps
      }
      guards::CallKey key;
      if (key.pack(call) && passes && key.hash() != fast->hash()) {
        std::abort(); // and an admitted call must find it in an index
      }
    }
  }
  return 0;
}
