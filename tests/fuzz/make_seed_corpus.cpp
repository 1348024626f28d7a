// Writes valid entries of the current format into a directory, as the entry decoder fuzzer's
// seed corpus; each seed is prefixed with the fuzz target's mode byte (0: checked, 1:
// lenient). With --bundles, valid bundles instead, for the bundle reader's fuzzer.
#include "artifacts/bundle_format.hpp"
#include "core/entry_format.hpp"
#include "util/files.hpp"

#include "support/entries.hpp"

#include <fmt/format.h>

#include <cstdio>

using namespace jitcache;

namespace {

int
write_bundles(const std::filesystem::path& dir)
{
  if (!util::create_directories(dir)) {
    return 1;
  }
  auto graph = testing::make_entry("graph", 300, "args 1; a0 dtype 1 sizes [s0, 128]", "graph");
  graph.blobs.push_back({"library.loadable", Bytes::copy_of(std::string_view("\x7f"
                                                                             "ELF"))});
  const std::vector<std::pair<Entry, artifacts::Target>> artifacts = {
    {testing::make_entry("kernel", 64), artifacts::Target{"x86_64", {}}},
    {graph, artifacts::Target{"x86_64", {"avx2", "sse2"}}},
    {testing::make_entry("profile", 16, "", "pgo"), artifacts::Target{}},
  };
  const auto key = trust::SigningKey::generate();
  int index = 0;
  for (const trust::SigningKey* signer : {static_cast<const trust::SigningKey*>(nullptr), &key}) {
    for (size_t count = 0; count <= artifacts.size(); ++count) {
      artifacts::BundleWriter writer;
      for (size_t i = 0; i < count; ++i) {
        if (!writer.add(artifacts[i].first, artifacts[i].second, 1)) {
          return 1;
        }
      }
      if (!util::write_file_atomic(dir / fmt::format("bundle-{}", index++),
                                   writer.finish(signer))) {
        return 1;
      }
    }
  }
  return 0;
}

} // namespace

int
main(int argc, char** argv)
{
  if (argc == 3 && std::string_view(argv[1]) == "--bundles") {
    return write_bundles(argv[2]);
  }
  if (argc != 2) {
    std::fputs("usage: make_seed_corpus [--bundles] DIR\n", stderr);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  if (!util::create_directories(dir)) {
    return 1;
  }
  std::vector<Entry> entries = {
    testing::make_entry("small", 16),
    testing::make_entry("compressible", 4000, "s0 % 16 == 0"),
    testing::make_entry("graph", 300, "", "graph"),
  };
  entries[2].blobs.push_back({"plan", Bytes::copy_of(std::string_view("launch k0 k1"))});
  entries[2].signature = std::vector<uint8_t>(64, 7);
  int index = 0;
  for (const auto& entry : entries) {
    for (int level : {0, 3}) {
      auto bytes = core::encode_entry(entry, level).value();
      for (uint8_t mode : {uint8_t{0}, uint8_t{1}}) {
        std::vector<uint8_t> seed = {mode};
        seed.insert(seed.end(), bytes.begin(), bytes.end());
        if (!util::write_file_atomic(dir / fmt::format("seed-{}", index++), seed)) {
          return 1;
        }
      }
    }
  }
  // Two variants back to back, as a local cache file holds them.
  auto first = core::encode_entry(entries[0], 1).value();
  auto second = core::encode_entry(entries[1], 1).value();
  std::vector<uint8_t> both = {0};
  both.insert(both.end(), first.begin(), first.end());
  both.insert(both.end(), second.begin(), second.end());
  return util::write_file_atomic(dir / "seed-two-records", both) ? 0 : 1;
}
