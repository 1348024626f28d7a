#include "jit/artifacts/jit_artifact_kinds.hpp"

#include "jit/build/toolchain.hpp"
#include "jit/ir/printer.hpp"
#include "jit/language/program.hpp"
#include "jit/runtime/entries.hpp"
#include "pgo/profile_store.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>

namespace jitcache::jit {

namespace {

// A precompiled variant's graph, parsed back from its printed form; it must print the same.
Expected<Graph>
parse_graph(const PrecompileRecord& record)
{
  auto program =
    parse_program(SourceText{"precompiled graph of " + record.function, record.graph_text});
  if (!program) {
    return std::unexpected(program.error());
  }
  if (program->functions.size() != 1) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("the graph text of {} defines {} functions, not one",
                                  record.function, program->functions.size()));
  }
  if (print_graph(program->functions.front()) != record.graph_text) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("the graph text of {} does not parse back to the graph it "
                                  "prints",
                                  record.function));
  }
  return std::move(program->functions.front());
}

// A precompiled variant, parsed once: by its check, for its install.
struct ParsedVariant {
  PrecompileRecord record;
  guards::GuardSet guards;
  Graph graph;
};
using ParsedVariants = std::map<Key, ParsedVariant>; // by the precompile entry's key

Expected<ParsedVariant>
parse_variant(const Entry& entry)
{
  auto record = read_precompile_entry(entry);
  if (!record) {
    return std::unexpected(record.error());
  }
  auto guards = guards::GuardSet::parse(record->guard);
  if (!guards) {
    return make_error(ErrorCode::corrupt, fmt::format("guard: {}", guards.error().message));
  }
  auto graph = parse_graph(*record);
  if (!graph) {
    return std::unexpected(graph.error());
  }
  return ParsedVariant{std::move(*record), std::move(*guards), std::move(*graph)};
}

Expected<void>
check_precompile(const artifacts::BundleItem& item, const artifacts::Bundle& bundle,
                 ParsedVariants& parsed)
{
  auto entry = artifacts::decode_item(item);
  if (!entry) {
    return std::unexpected(entry.error());
  }
  auto variant = parse_variant(*entry);
  if (!variant) {
    return std::unexpected(variant.error());
  }
  const auto& graph_key = variant->record.graph_key;
  const bool has_graph =
    std::any_of(bundle.items.begin(), bundle.items.end(), [&](const artifacts::BundleItem& other) {
      return other.manifest.kind == k_graph_kind && other.manifest.key == graph_key;
    });
  if (!has_graph) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("the bundle holds no graph entry {} for {}", graph_key.to_hex(),
                                  variant->record.function));
  }
  parsed.insert_or_assign(item.manifest.key, std::move(*variant));
  return {};
}

// Readies each precompiled variant (parsed by its check) and hands it to the runtime.
void
install_precompiled(Runtime& runtime, const std::vector<artifacts::BundleItem>& items,
                    ParsedVariants& parsed)
{
  FunctionStats unused;
  for (const auto& item : items) {
    auto found = parsed.find(item.manifest.key);
    if (found == parsed.end()) {
      continue; // every installed entry was checked first
    }
    auto& variant = found->second;
    auto prepared = runtime.prepare_stored(variant.graph, variant.record.graph_key, unused);
    if (!prepared) {
      util::warn_once("bundle-precompile",
                      fmt::format("jitcache: a precompiled variant of {} could not be readied "
                                  "(its graph entry {} is missing or cannot be loaded here); its "
                                  "calls trace and compile instead",
                                  variant.record.function, variant.record.graph_key.to_hex()));
      continue;
    }
    auto specialization = std::make_shared<Specialization>();
    specialization->graph = std::move(variant.graph);
    specialization->executable = std::move(prepared->executable);
    specialization->from_bundle = true;
    runtime.add_precompiled(variant.record.function,
                            PrecompiledVariant{std::move(variant.guards), std::move(specialization),
                                               std::move(variant.record.profile)});
  }
  parsed.clear();
}

} // namespace

artifacts::KindRegistry
jit_artifact_kinds(Runtime& runtime, Destination destination)
{
  auto& store = *runtime.store();
  artifacts::KindRegistry kinds;
  const auto install_stored = [&store, destination](std::vector<artifacts::BundleItem> items) {
    if (destination == Destination::process) {
      std::vector<std::pair<Key, Bytes>> records;
      records.reserve(items.size());
      for (auto& item : items) {
        records.emplace_back(item.manifest.key, std::move(item.record));
      }
      store.add_bundle_records(records);
      return;
    }
    std::vector<Entry> entries;
    for (const auto& item : items) {
      auto entry = artifacts::decode_item(item);
      if (!entry) {
        util::warn_once("bundle-import",
                        fmt::format("jitcache: {}; not imported", entry.error().message));
        continue;
      }
      entries.push_back(std::move(*entry));
    }
    (void)store.keep_locally(std::move(entries));
  };
  for (const std::string_view kind :
       {k_kernel_kind, k_graph_kind, k_toolchain_kind, pgo::k_profile_kind}) {
    kinds.add(artifacts::ArtifactKind{std::string(kind), {}, install_stored});
  }
  auto parsed = std::make_shared<ParsedVariants>();
  kinds.add(artifacts::ArtifactKind{
    std::string(k_precompile_kind),
    [parsed](const artifacts::BundleItem& item, const artifacts::Bundle& bundle) {
      return check_precompile(item, bundle, *parsed);
    },
    [&runtime, install_stored, destination, parsed](std::vector<artifacts::BundleItem> items) {
      if (destination == Destination::process) {
        install_precompiled(runtime, items, *parsed);
      } else {
        install_stored(std::move(items));
      }
    }});
  return kinds;
}

} // namespace jitcache::jit
