#include "jit/artifacts/jit_artifact_kinds.hpp"

#include "jit/build/toolchain.hpp"
#include "jit/ir/printer.hpp"
#include "jit/language/program.hpp"
#include "jit/runtime/entries.hpp"
#include "pgo/profile_store.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <algorithm>

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

Expected<void>
check_precompile(const Entry& entry, const artifacts::Bundle& bundle)
{
  auto record = read_precompile_entry(entry);
  if (!record) {
    return std::unexpected(record.error());
  }
  if (auto guards = guards::GuardSet::parse(record->guard); !guards) {
    return make_error(ErrorCode::corrupt, fmt::format("guard: {}", guards.error().message));
  }
  if (auto graph = parse_graph(*record); !graph) {
    return std::unexpected(graph.error());
  }
  const bool has_graph =
    std::any_of(bundle.items.begin(), bundle.items.end(), [&](const artifacts::BundleItem& item) {
      return item.manifest.kind == k_graph_kind && item.manifest.key == record->graph_key;
    });
  if (!has_graph) {
    return make_error(ErrorCode::corrupt,
                      fmt::format("the bundle holds no graph entry {} for {}",
                                  record->graph_key.to_hex(), record->function));
  }
  return {};
}

// Readies each precompiled variant and hands it to the runtime.
void
install_precompiled(Runtime& runtime, std::vector<Entry> entries)
{
  FunctionStats unused;
  for (const auto& entry : entries) {
    auto record = read_precompile_entry(entry);
    auto guards = record ? guards::GuardSet::parse(record->guard)
                         : Expected<guards::GuardSet>(std::unexpected(record.error()));
    auto graph = record ? parse_graph(*record) : Expected<Graph>(std::unexpected(record.error()));
    if (!guards || !graph) {
      continue; // checked before installing: not reached
    }
    auto prepared = runtime.prepare_stored(*graph, record->graph_key, unused);
    if (!prepared) {
      util::warn_once("bundle-precompile",
                      fmt::format("jitcache: a precompiled variant of {} could not be readied "
                                  "(its graph entry {} is missing or cannot be loaded here); its "
                                  "calls trace and compile instead",
                                  record->function, record->graph_key.to_hex()));
      continue;
    }
    auto specialization = std::make_shared<Specialization>();
    specialization->graph = std::move(*graph);
    specialization->executable = std::move(prepared->executable);
    specialization->from_bundle = true;
    runtime.add_precompiled(record->function,
                            PrecompiledVariant{std::move(*guards), std::move(specialization),
                                               std::move(record->profile)});
  }
}

} // namespace

artifacts::KindRegistry
jit_artifact_kinds(Runtime& runtime, Destination destination)
{
  auto& store = *runtime.store();
  artifacts::KindRegistry kinds;
  const auto install_stored = [&store, destination](std::vector<Entry> entries) {
    if (destination == Destination::process) {
      store.add_bundle_entries(std::move(entries));
    } else {
      (void)store.keep_locally(std::move(entries));
    }
  };
  for (const std::string_view kind :
       {k_kernel_kind, k_graph_kind, k_toolchain_kind, pgo::k_profile_kind}) {
    kinds.add(artifacts::ArtifactKind{std::string(kind), {}, install_stored});
  }
  kinds.add(
    artifacts::ArtifactKind{std::string(k_precompile_kind), check_precompile,
                            [&runtime, install_stored, destination](std::vector<Entry> entries) {
                              if (destination == Destination::process) {
                                install_precompiled(runtime, std::move(entries));
                              } else {
                                install_stored(std::move(entries));
                              }
                            }});
  return kinds;
}

} // namespace jitcache::jit
