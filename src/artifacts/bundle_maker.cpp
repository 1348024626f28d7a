#include "artifacts/bundle_maker.hpp"

#include "trust/entry_signature.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace jitcache::artifacts {

namespace {

void
add_entry(BundleWriter& writer, Entry entry, const MakeOptions& options, MadeBundle& made)
{
  const auto what = fmt::format("{} {}", entry.kind, entry.key.to_hex());
  auto target = target_of(entry, options.builder);
  if (!target) {
    made.summary.skipped.push_back(fmt::format("{}: {}", what, target.error().message));
    return;
  }
  if (options.signer != nullptr) {
    trust::sign_entry(entry, *options.signer);
  }
  if (auto added = writer.add(entry, *target, options.compression_level); !added) {
    made.summary.skipped.push_back(fmt::format("{}: {}", what, added.error().message));
    return;
  }
  auto& count = made.summary.kinds[entry.kind];
  ++count.entries;
  count.bytes += writer.manifest().back().size;
}

} // namespace

MadeBundle
make_bundle(const Recorder::Noted& noted, storage::TieredStore& store, const MakeOptions& options)
{
  MadeBundle made;
  BundleWriter writer;
  for (const auto& [kind, key] : noted.stored) {
    auto found = store.get(key, kind);
    if (!found || found->empty()) {
      made.summary.skipped.push_back(fmt::format(
        "{} {}: {}", kind, key.to_hex(), found ? "no longer in the cache" : found.error().message));
      continue;
    }
    for (const auto& entry : found->entries) {
      if (std::find(options.left_out_kinds.begin(), options.left_out_kinds.end(), entry.kind) !=
          options.left_out_kinds.end()) {
        continue;
      }
      auto portable = store.portable_form(entry);
      if (!portable) {
        made.summary.skipped.push_back(
          fmt::format("{} {}: its loadable file is no longer in the cache", kind, key.to_hex()));
        continue;
      }
      add_entry(writer, std::move(*portable), options, made);
    }
  }
  for (const auto& entry : noted.kept) {
    add_entry(writer, entry, options, made);
  }
  made.bytes = writer.finish(options.signer);
  return made;
}

} // namespace jitcache::artifacts
