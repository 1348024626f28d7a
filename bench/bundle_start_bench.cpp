// Whole-process starts from a bundle, as a fresh machine sees them: a new process with an
// empty cache directory each time, everything before the first call (`jitcache run --repeat
// 0`). The bundle holds the program's precompiled function, made once by `jitcache bundle
// create --from-run`.
//  - BundleStart: baseline = a cold start (every kernel compiled); bundle = a start from the
//    bundle (`run --bundle`); local = a warm start from a local cache that holds everything
//    (for comparison). Goal: bundle / baseline <= 0.01 for transformer_block.
//  - BundleSpeedup: the same goal measured in pairs (process_timing.hpp,
//    measure_paired_starts): each iteration runs a cold start and a bundle start, in
//    alternating order; counters: baseline_ms (bundle), measured_ms (cold) and ratio, the
//    median of the pairs' cold / bundle. Goal: ratio >= 100 for transformer_block.
//  - BundleLimit: baseline = the bundle's physical limit, a process that reads one file with
//    the program's libraries and loads them from memory (load_images_main.cpp); bundle = the
//    start from the bundle. Goal: bundle / baseline <= 1.5. process = `jitcache --version`, the
//    floor of any start of the command (exec, the C++ runtime's start, static constructors).
//  - BundleTrust: signed = a start from a bundle signed by a trusted key, under
//    require_signature = remote (the signature checked before anything is installed), each
//    paired with a start from the same program's unsigned bundle; counters: baseline_ms,
//    measured_ms and the median ratio of the pairs. Goal: ratio < 1.05.
// Arg 0 is transformer_block, 1 is deep_mlp.
#include "artifacts/bundle_format.hpp"
#include "bench_dir.hpp"
#include "jit/codegen/codegen.hpp"
#include "process_timing.hpp"
#include "trust/signing_key.hpp"
#include "util/byte_io.hpp"
#include "util/files.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

namespace {

using jitcache::bench::Environment;
using jitcache::bench::program_name;
using jitcache::bench::report;
using jitcache::bench::ScratchDir;
using jitcache::bench::timed_process;
using jitcache::bench::timed_run;

// Makes a bundle of the program's run lines in `scratch`; returns its path, or "" (and says
// why in `failure`).
std::string
make_bundle(const ScratchDir& scratch, int64_t program, const Environment& env,
            std::string* failure)
{
  const auto file = (scratch.path() / "program.jcb").string();
  const std::vector<std::string> argv = {JITCACHE_CLI_PATH,
                                         "bundle",
                                         "create",
                                         "-o",
                                         file,
                                         "--from-run",
                                         jitcache::bench::program_path(program),
                                         "--cache-dir",
                                         (scratch.path() / "maker").string()};
  return timed_process(argv, env, failure) < 0 ? std::string() : file;
}

// make_bundle for the benchmark's program; on failure, skips the benchmark and returns "".
std::string
bundle_or_skip(benchmark::State& state, const ScratchDir& scratch)
{
  std::string failure;
  auto bundle = make_bundle(scratch, state.range(0), {}, &failure);
  if (bundle.empty()) {
    state.SkipWithError(failure.c_str());
  }
  return bundle;
}

// A start from `bundle` in a new, empty cache directory.
double
start_from_bundle(const ScratchDir& scratch, const std::string& bundle, int round,
                  const Environment& env, int64_t program, std::string* failure)
{
  const auto cache = scratch.path() / ("fresh-" + std::to_string(round));
  return timed_run({"--cache-dir", cache.string(), "--bundle", bundle}, env, program, failure);
}

void
BundleStart_baseline(benchmark::State& state)
{
  state.SetLabel(program_name(state.range(0)));
  ScratchDir scratch("bundle-cold");
  jitcache::bench::measure_cold_starts(state, scratch.path());
}

void
BundleStart_bundle(benchmark::State& state)
{
  state.SetLabel(program_name(state.range(0)));
  ScratchDir scratch("bundle-start");
  const auto bundle = bundle_or_skip(state, scratch);
  if (bundle.empty()) {
    return;
  }
  std::string failure;
  int round = 0;
  for (auto _ : state) {
    report(state, start_from_bundle(scratch, bundle, round++, {}, state.range(0), &failure),
           failure);
  }
}

// The machine's speed drifts between the minute of cold starts and the one of bundle starts
// by more than the margin of the goal, so the ratio is also measured in pairs.
void
BundleSpeedup_cold(benchmark::State& state)
{
  state.SetLabel(program_name(state.range(0)));
  ScratchDir scratch("bundle-speedup");
  const auto bundle = bundle_or_skip(state, scratch);
  if (bundle.empty()) {
    return;
  }
  const int64_t program = state.range(0);
  jitcache::bench::measure_paired_starts(
    state,
    [&](int round, std::string* why) {
      return start_from_bundle(scratch, bundle, round, {}, program, why);
    },
    [&](int round, std::string* why) {
      const auto cache = scratch.path() / ("cold-" + std::to_string(round));
      return timed_run({"--cache-dir", cache.string()}, {}, program, why);
    });
}

void
BundleStart_local(benchmark::State& state)
{
  state.SetLabel(program_name(state.range(0)));
  ScratchDir scratch("bundle-local");
  jitcache::bench::measure_warm_starts(state, scratch.path());
}

// The libraries of the bundle's graph entries, uncompressed, with their kernels' entry points,
// in load_images' format; false if the bundle cannot be read.
bool
write_images(const std::string& bundle, const std::filesystem::path& images)
{
  auto bytes = jitcache::util::read_file(bundle);
  if (!bytes) {
    return false;
  }
  auto read = jitcache::artifacts::read_bundle(jitcache::Bytes::adopt(std::move(*bytes)));
  if (!read) {
    return false;
  }
  std::vector<uint8_t> out;
  jitcache::util::ByteWriter writer(out);
  uint64_t count = 0;
  std::vector<uint8_t> body;
  jitcache::util::ByteWriter items(body);
  for (const auto& item : read->items) {
    auto entry = jitcache::artifacts::decode_item(item);
    if (!entry) {
      return false;
    }
    const auto* library = entry->find_blob("library.loadable");
    library = library != nullptr ? library : entry->find_blob("library");
    const auto* kernels = entry->find_blob("kernels");
    if (entry->kind != "graph" || library == nullptr || kernels == nullptr) {
      continue;
    }
    ++count;
    items.u64(library->data.size());
    items.bytes(library->data.span());
    const auto text = kernels->data.view();
    items.u32(static_cast<uint32_t>(text.size() / 65));
    for (size_t at = 0; at + 64 <= text.size(); at += 65) {
      const auto symbol = jitcache::jit::kernel_symbol(text.substr(at, 64));
      items.u32(static_cast<uint32_t>(symbol.size()));
      items.bytes(std::span(reinterpret_cast<const uint8_t*>(symbol.data()), symbol.size()));
    }
  }
  writer.u64(count);
  writer.bytes(body);
  return count > 0 && jitcache::util::write_file_atomic(images, out).has_value();
}

void
BundleLimit_baseline(benchmark::State& state)
{
  state.SetLabel(program_name(state.range(0)));
  ScratchDir scratch("bundle-limit");
  std::string failure;
  const auto bundle = make_bundle(scratch, state.range(0), {}, &failure);
  const auto images = scratch.path() / "images";
  if (bundle.empty() || !write_images(bundle, images)) {
    state.SkipWithError(failure.empty() ? "cannot extract the bundle's libraries"
                                        : failure.c_str());
    return;
  }
  const std::vector<std::string> argv = {JITCACHE_LOAD_IMAGES_PATH, images.string()};
  for (auto _ : state) {
    report(state, timed_process(argv, {}, &failure), failure);
  }
}

void
BundleLimit_bundle(benchmark::State& state)
{
  BundleStart_bundle(state);
}

void
BundleLimit_process(benchmark::State& state)
{
  state.SetLabel("jitcache --version");
  std::string failure;
  const std::vector<std::string> argv = {JITCACHE_CLI_PATH, "--version"};
  for (auto _ : state) {
    report(state, timed_process(argv, {}, &failure), failure);
  }
}

// Unsigned and signed starts alternate (process_timing.hpp, measure_paired_starts): the
// difference sought is smaller than the drift between groups of runs on a shared machine.
void
BundleTrust_signed(benchmark::State& state)
{
  state.SetLabel(program_name(state.range(0)));
  ScratchDir scratch("bundle-trust");
  ScratchDir unsigned_scratch("bundle-trust-unsigned");
  const auto key = jitcache::trust::SigningKey::generate();
  const auto key_file = scratch.path() / "signing.key";
  if (!key.save(key_file)) {
    state.SkipWithError("cannot write the key");
    return;
  }
  std::string failure;
  const auto signed_bundle =
    make_bundle(scratch, state.range(0), {{"JITCACHE_SIGNING_KEY", key_file.string()}}, &failure);
  const auto unsigned_bundle = make_bundle(unsigned_scratch, state.range(0), {}, &failure);
  if (signed_bundle.empty() || unsigned_bundle.empty()) {
    state.SkipWithError(failure.c_str());
    return;
  }
  const Environment reader = {{"JITCACHE_TRUSTED_KEYS", key.public_key().to_text()},
                              {"JITCACHE_REQUIRE_SIGNATURE", "remote"}};
  const int64_t program = state.range(0);
  jitcache::bench::measure_paired_starts(
    state,
    [&](int round, std::string* why) {
      return start_from_bundle(unsigned_scratch, unsigned_bundle, round, {}, program, why);
    },
    [&](int round, std::string* why) {
      return start_from_bundle(scratch, signed_bundle, round, reader, program, why);
    });
}

} // namespace

BENCHMARK(BundleStart_baseline)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(3)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(BundleStart_bundle)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(30)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(BundleStart_local)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(30)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(BundleSpeedup_cold)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(15)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(BundleLimit_baseline)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(50)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(BundleLimit_bundle)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(50)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(BundleLimit_process)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(50)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(BundleTrust_signed)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(100)
  ->Unit(benchmark::kMillisecond);
