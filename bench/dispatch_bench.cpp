// Level-0 dispatch: the cost of a hit on a static entry, by number of entries and of tensor
// arguments, against two baselines measured in the same run:
//   StaticHit_baseline      the floor: std::unordered_map::find of a precomputed signature
//   StaticHit_guardobjects  guard objects, as PyTorch's guard managers check a call: a linear
//                           walk over entries, each a list of objects checked through a
//                           virtual call
//   StaticHit_jitcache      dispatch::FunctionCache::lookup on the call's ArgViews
// The call hits the middle entry (the walk's average). The floor above does not read the
// call at all, so a second group measures against a floor that does:
//   CallHit_baseline        pack the call's dtypes, ranks, sizes and strides into words, hash
//                           them (XXH3) and std::unordered_map::find the hash (no verification)
//   CallHit_jitcache        the same FunctionCache::lookup as StaticHit_jitcache
// jitcache checks the entry that served the previous call first, so the two groups above,
// which repeat one call, measure that path. Calls that change shape every time take the
// index path (pack, hash, probe, memcmp):
//   RotatingHit_baseline    the call-reading floor, cycling through 8 different calls
//   RotatingHit_jitcache    FunctionCache::lookup, cycling through the same 8 calls
// Also: a hit among dynamic entries.
#include "dispatch/function_cache.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <array>
#include <memory>
#include <unordered_map>
#include <vector>

namespace {

using namespace jitcache;

constexpr int64_t k_inner = 64; // every tensor is [batch, 64]; the first one's batch varies

// The arguments of one call: `tensors` tensors of rank 2, the first with `batch` rows.
struct CallArgs {
  std::vector<std::vector<int64_t>> sizes;
  std::vector<std::vector<int64_t>> strides;
  std::vector<ArgView> views;

  CallArgs(int64_t tensors, int64_t batch)
  {
    for (int64_t t = 0; t < tensors; ++t) {
      sizes.push_back({t == 0 ? batch : 8, k_inner});
      strides.push_back({k_inner, 1});
    }
    for (size_t t = 0; t < sizes.size(); ++t) {
      views.push_back(ArgView::tensor(1, 2, sizes[t].data(), strides[t].data(), nullptr));
    }
  }
};

guards::GuardSet
static_guards(int64_t tensors, int64_t batch)
{
  std::string text = fmt::format("args {}", tensors);
  for (int64_t t = 0; t < tensors; ++t) {
    text += fmt::format("; a{} dtype 1 sizes [{}, {}] strides [{}, 1]", t, t == 0 ? batch : 8,
                        k_inner, k_inner);
  }
  return *guards::GuardSet::parse(text);
}

// The call-reading floor's signature: the call's words on the stack, hashed.
uint64_t
call_signature(const CallArgs& call)
{
  std::array<uint64_t, 256> words; // NOLINT: filled before read
  size_t n = 0;
  for (const auto& view : call.views) {
    words[n++] = uint64_t{view.dtype} << 8U | view.rank;
    for (uint8_t d = 0; d < view.rank; ++d) {
      words[n++] = static_cast<uint64_t>(view.sizes[d]);
      words[n++] = static_cast<uint64_t>(view.strides[d]);
    }
  }
  return guards::hash_words({words.data(), n});
}

// Calls `find` on calls[0], calls[1], ... in turn.
template<typename Find>
void
cycle_calls(benchmark::State& state, const std::vector<CallArgs>& calls, Find find)
{
  size_t next = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(find(calls[next]));
    next = next + 1 == calls.size() ? 0 : next + 1;
  }
}

std::unordered_map<uint64_t, int>
signature_map(int64_t entries, int64_t tensors)
{
  std::unordered_map<uint64_t, int> map;
  for (int64_t e = 0; e < entries; ++e) {
    map.emplace(call_signature(CallArgs(tensors, e + 1)), static_cast<int>(e));
  }
  return map;
}

// Entry e admits the call whose first tensor has e + 1 rows.
void
fill_static(dispatch::FunctionCache& cache, int64_t entries, int64_t tensors)
{
  for (int64_t e = 0; e < entries; ++e) {
    cache.insert(static_guards(tensors, e + 1), std::make_shared<const int>(e));
  }
}

// `count` calls that hit entries spread over the cache.
std::vector<CallArgs>
spread_calls(int64_t entries, int64_t tensors, int64_t count)
{
  std::vector<CallArgs> calls;
  for (int64_t c = 0; c < count; ++c) {
    calls.emplace_back(tensors, c * entries / count + 1);
  }
  return calls;
}

// Guard objects as PyTorch's guard managers build them: one heap object per tensor, checked
// through a virtual call.
class LeafGuard {
public:
  virtual ~LeafGuard() = default;
  virtual bool check(const ArgView& arg) const = 0;
};

class TensorMatch final : public LeafGuard {
public:
  TensorMatch(uint8_t dtype, std::vector<int64_t> sizes, std::vector<int64_t> strides)
    : m_dtype(dtype), m_sizes(std::move(sizes)), m_strides(std::move(strides))
  {
  }
  bool
  check(const ArgView& arg) const override
  {
    if (arg.kind != ArgView::Kind::tensor || arg.dtype != m_dtype || arg.rank != m_sizes.size()) {
      return false;
    }
    for (size_t d = 0; d < m_sizes.size(); ++d) {
      if (arg.sizes[d] != m_sizes[d] || arg.strides[d] != m_strides[d]) {
        return false;
      }
    }
    return true;
  }

private:
  uint8_t m_dtype;
  std::vector<int64_t> m_sizes;
  std::vector<int64_t> m_strides;
};

struct GuardedEntry {
  std::vector<std::pair<size_t, std::unique_ptr<LeafGuard>>> guards; // (argument, guard)
  int value = 0;
};

void
StaticHit_baseline(benchmark::State& state)
{
  const int64_t entries = state.range(0);
  std::unordered_map<uint64_t, int> map;
  for (int64_t e = 0; e < entries; ++e) {
    map.emplace(static_cast<uint64_t>(e) * 0x9E3779B97F4A7C15ULL, static_cast<int>(e));
  }
  const uint64_t signature = static_cast<uint64_t>(entries / 2) * 0x9E3779B97F4A7C15ULL;
  for (auto _ : state) {
    benchmark::DoNotOptimize(signature);
    auto found = map.find(signature);
    benchmark::DoNotOptimize(found->second);
  }
}

void
StaticHit_guardobjects(benchmark::State& state)
{
  const int64_t entries = state.range(0);
  const int64_t tensors = state.range(1);
  std::vector<GuardedEntry> all;
  for (int64_t e = 0; e < entries; ++e) {
    GuardedEntry entry;
    for (int64_t t = 0; t < tensors; ++t) {
      entry.guards.emplace_back(
        static_cast<size_t>(t),
        std::make_unique<TensorMatch>(1, std::vector<int64_t>{t == 0 ? e + 1 : 8, k_inner},
                                      std::vector<int64_t>{k_inner, 1}));
    }
    entry.value = static_cast<int>(e);
    all.push_back(std::move(entry));
  }
  const CallArgs call(tensors, entries / 2 + 1);
  for (auto _ : state) {
    const GuardedEntry* hit = nullptr;
    for (const auto& entry : all) {
      bool passed = true;
      for (const auto& [arg, guard] : entry.guards) {
        if (!guard->check(call.views[arg])) {
          passed = false;
          break;
        }
      }
      if (passed) {
        hit = &entry;
        break;
      }
    }
    benchmark::DoNotOptimize(hit);
  }
}

void
StaticHit_jitcache(benchmark::State& state)
{
  const int64_t entries = state.range(0);
  const int64_t tensors = state.range(1);
  dispatch::FunctionCache cache;
  fill_static(cache, entries, tensors);
  const CallArgs call(tensors, entries / 2 + 1);
  if (cache.lookup(call.views) == nullptr) {
    state.SkipWithError("no hit");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(cache.lookup(call.views));
  }
}

void
CallHit_baseline(benchmark::State& state)
{
  const auto map = signature_map(state.range(0), state.range(1));
  const std::vector<CallArgs> calls = spread_calls(state.range(0), state.range(1), 1);
  cycle_calls(state, calls, [&](const CallArgs& call) { return map.find(call_signature(call)); });
}

void
RotatingHit_baseline(benchmark::State& state)
{
  const auto map = signature_map(state.range(0), state.range(1));
  const std::vector<CallArgs> calls = spread_calls(state.range(0), state.range(1), 8);
  cycle_calls(state, calls, [&](const CallArgs& call) { return map.find(call_signature(call)); });
}

void
RotatingHit_jitcache(benchmark::State& state)
{
  dispatch::FunctionCache cache;
  fill_static(cache, state.range(0), state.range(1));
  const std::vector<CallArgs> calls = spread_calls(state.range(0), state.range(1), 8);
  for (const auto& call : calls) {
    if (cache.lookup(call.views) == nullptr) {
      state.SkipWithError("no hit");
      return;
    }
  }
  cycle_calls(state, calls, [&](const CallArgs& call) { return cache.lookup(call.views); });
}

void
CallHit_jitcache(benchmark::State& state)
{
  StaticHit_jitcache(state);
}

// Dynamic entries ([s0, 64] with s0 % k == 0 for several k): a hit on the front entry.
void
DynamicHit_jitcache(benchmark::State& state)
{
  const int64_t entries = state.range(0);
  const int64_t tensors = state.range(1);
  dispatch::FunctionCache cache;
  for (int64_t e = entries; e >= 1; --e) {
    std::string text = fmt::format("args {}; a0 dtype 1 sizes [s0, {}]", tensors, k_inner);
    for (int64_t t = 1; t < tensors; ++t) {
      text += fmt::format("; a{} dtype 1 sizes [8, {}]", t, k_inner);
    }
    text += fmt::format("; s0 % {} == 0", e);
    cache.insert(*guards::GuardSet::parse(text), std::make_shared<const int>(e));
  }
  const CallArgs call(tensors, 1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(cache.lookup(call.views));
  }
}

void
shapes(benchmark::internal::Benchmark* bench)
{
  for (const int64_t entries : {1, 8, 64, 1000}) {
    for (const int64_t tensors : {1, 4, 16}) {
      bench->Args({entries, tensors});
    }
  }
}

} // namespace

BENCHMARK(StaticHit_baseline)->Apply(shapes);
BENCHMARK(StaticHit_guardobjects)->Apply(shapes);
BENCHMARK(StaticHit_jitcache)->Apply(shapes);
BENCHMARK(CallHit_baseline)->Apply(shapes);
BENCHMARK(CallHit_jitcache)->Apply(shapes);
BENCHMARK(RotatingHit_baseline)->ArgsProduct({{8, 64, 1000}, {1, 4, 16}});
BENCHMARK(RotatingHit_jitcache)->ArgsProduct({{8, 64, 1000}, {1, 4, 16}});
BENCHMARK(DynamicHit_jitcache)->Args({1, 4})->Args({8, 4});
