#include "jit/runtime/precompiled.hpp"

#include "jit/ir/printer.hpp"
#include "jit/runtime/entries.hpp"
#include "util/build_id.hpp"
#include "util/hashing.hpp"

#include <jitcache/key_builder.hpp>

#include <fmt/format.h>

namespace jitcache::jit {

namespace {

const Blob*
text_blob(const Entry& entry, std::string_view name)
{
  return entry.find_blob(name);
}

} // namespace

Entry
make_precompile_entry(const PrecompileRecord& record)
{
  KeyBuilder builder;
  builder.add_string("artifact", k_precompile_kind)
    .add_string("function", record.function)
    .add_string("graph_key", record.graph_key.to_hex())
    .add_string("guard", record.guard);
  Entry entry;
  entry.kind = std::string(k_precompile_kind);
  entry.key = builder.build();
  entry.details = builder.details();
  entry.guard = record.guard;
  entry.blobs.push_back(Blob{"function", Bytes::copy_of(record.function)});
  entry.blobs.push_back(Blob{"graph", Bytes::copy_of(record.graph_text)});
  entry.blobs.push_back(Blob{"graph_key", Bytes::copy_of(record.graph_key.to_hex())});
  if (record.profile) {
    entry.blobs.push_back(Blob{"profile", Bytes::copy_of(record.profile->to_text())});
  }
  stamp(entry);
  return entry;
}

Expected<PrecompileRecord>
read_precompile_entry(const Entry& entry)
{
  PrecompileRecord record;
  record.guard = entry.guard;
  const auto* function = text_blob(entry, "function");
  const auto* graph = text_blob(entry, "graph");
  const auto* graph_key = text_blob(entry, "graph_key");
  for (const auto& [blob, name] : {std::pair{function, "function"}, std::pair{graph, "graph"},
                                   std::pair{graph_key, "graph_key"}}) {
    if (blob == nullptr) {
      return make_error(ErrorCode::corrupt, fmt::format("precompile entry {} has no blob '{}'",
                                                        entry.key.to_hex(), name));
    }
  }
  record.function = std::string(function->data.view());
  record.graph_text = std::string(graph->data.view());
  auto key = Key::from_hex(graph_key->data.view());
  if (!key) {
    return make_error(ErrorCode::corrupt, fmt::format("precompile entry {}: blob 'graph_key': {}",
                                                      entry.key.to_hex(), key.error().message));
  }
  record.graph_key = *key;
  if (const auto* profile = text_blob(entry, "profile")) {
    auto parsed = pgo::Profile::parse(profile->data.view());
    if (!parsed) {
      return make_error(ErrorCode::corrupt,
                        fmt::format("precompile entry {}: blob 'profile': {}", entry.key.to_hex(),
                                    parsed.error().message));
    }
    record.profile = std::move(*parsed);
  }
  return record;
}

std::string
program_function_identity(const Graph& graph)
{
  const auto text = print_graph(graph, PrintOptions{true});
  const auto digest =
    util::blake2b_256(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  return fmt::format("{}@{}", graph.name, to_hex(digest).substr(0, 16));
}

std::string
traced_function_identity(const std::string& name, const void* code)
{
  const auto build_id = util::build_id_of_code(code);
  if (!build_id) {
    return name;
  }
  return fmt::format("{}@build-{}", name, build_id->substr(0, 16));
}

} // namespace jitcache::jit
