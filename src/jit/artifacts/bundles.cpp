#include "jit/artifacts/bundles.hpp"

#include "core/counters.hpp"
#include "jit/build/toolchain.hpp"
#include "jit/runtime/entries.hpp"
#include "util/files.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <set>

namespace jitcache::jit {

artifacts::BundleReadOptions
bundle_read_options(const Config& config)
{
  artifacts::BundleReadOptions options;
  options.trusted =
    trust::parse_public_keys(config.trusted_keys)
      .value_or(std::vector<trust::PublicKey>{}); // the configuration has checked them
  options.require_trusted_signature = config.require_signature != RequireSignature::off;
  return options;
}

Expected<artifacts::Summary>
load_bundle(Runtime& runtime, const Bytes& bytes, Destination destination)
{
  // Trust is decided here rather than by the reader, so that a refusal is counted.
  auto options = bundle_read_options(runtime.config());
  const bool required = options.require_trusted_signature;
  options.require_trusted_signature = false;
  auto bundle = artifacts::read_bundle(bytes, options);
  if (!bundle) {
    return std::unexpected(bundle.error());
  }
  if (auto why = artifacts::why_untrusted(*bundle); why && required) {
    runtime.store()->local().record(core::counter::rejected(storage::k_bundle_tier));
    return make_error(ErrorCode::corrupt, *why);
  }
  return artifacts::install_bundle(*bundle, jit_artifact_kinds(runtime, destination));
}

Expected<artifacts::Summary>
load_bundle_file(Runtime& runtime, const std::filesystem::path& path, Destination destination)
{
  auto bytes = util::read_whole_file(path);
  if (!bytes) {
    return std::unexpected(bytes.error()); // it names the file
  }
  auto summary = load_bundle(runtime, *bytes, destination);
  if (!summary) {
    return make_error(summary.error().code,
                      fmt::format("{}: {}", path.string(), summary.error().message));
  }
  return summary;
}

std::optional<artifacts::Summary>
load_configured_bundle(Runtime& runtime)
{
  const auto& file = runtime.config().bundle;
  if (file.empty()) {
    return std::nullopt;
  }
  if (runtime.store() == nullptr) {
    util::log_error(fmt::format("jitcache: bundle {}: no cache is configured, so it is not "
                                "loaded",
                                file));
    return std::nullopt;
  }
  auto summary = load_bundle_file(runtime, file, Destination::process);
  if (!summary) {
    util::log_error(fmt::format("jitcache: bundle ({}): {}; going on without it",
                                runtime.config().origins.count("bundle") != 0
                                  ? runtime.config().origins.at("bundle")
                                  : std::string("option"),
                                summary.error().message));
    return std::nullopt;
  }
  util::log_debug(fmt::format("jitcache: loaded bundle {}: {}", file, summary->to_string()));
  return std::move(*summary);
}

namespace {

// `noted`, with the kernels each of its graph entries names that the local cache holds, after
// that graph: a graph's kernels travel with it, so that a bundle holds the same whether the
// run that noted it compiled them or only found the graph entry, and a call that no
// precompiled variant admits can find its kernels in it.
artifacts::Recorder::Noted
with_kernels_of_graphs(storage::TieredStore& store, const artifacts::Recorder::Noted& noted)
{
  artifacts::Recorder::Noted complete;
  complete.kept = noted.kept;
  std::set<std::pair<std::string, Key>> listed(noted.stored.begin(), noted.stored.end());
  for (const auto& [kind, key] : noted.stored) {
    complete.stored.emplace_back(kind, key);
    if (kind != k_graph_kind) {
      continue;
    }
    auto found = store.get(key, kind);
    if (!found || found->empty()) {
      continue; // making the bundle says so
    }
    for (const auto& entry : found->entries) {
      auto graph = read_graph_entry(entry);
      if (!graph) {
        continue;
      }
      for (const auto& kernel : graph->kernel_keys) {
        if (store.local().holds(kernel) &&
            listed.emplace(std::string(k_kernel_kind), kernel).second) {
          complete.stored.emplace_back(std::string(k_kernel_kind), kernel);
        }
      }
    }
  }
  return complete;
}

} // namespace

Expected<artifacts::MadeBundle>
make_bundle(Runtime& runtime, const artifacts::Recorder::Noted& noted)
{
  const auto& config = runtime.config();
  std::optional<trust::SigningKey> signer;
  if (!config.signing_key.empty()) {
    auto key = trust::SigningKey::load(config.signing_key);
    if (!key) {
      return make_error(key.error().code, fmt::format("signing_key: {}", key.error().message));
    }
    signer = *key;
  }
  artifacts::MakeOptions options;
  options.compression_level = config.compression_level;
  options.signer = signer ? &*signer : nullptr;
  // The compiler's version probe describes the making machine only (as for remote push).
  options.left_out_kinds = {std::string(k_toolchain_kind)};
  return artifacts::make_bundle(with_kernels_of_graphs(*runtime.store(), noted), *runtime.store(),
                                options);
}

} // namespace jitcache::jit
