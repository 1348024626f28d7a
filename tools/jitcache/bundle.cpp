// jitcache bundle create -o FILE [--from-run PROGRAM... | --all | --key KEY...]: writes a
//   bundle (docs/formats.md, "Bundles"): what preparing every run line of the programs saved
//   or hit, with their functions precompiled (a fresh machine runs them without tracing or
//   a compiler); or every entry of the local cache; or the entries of the keys given.
// jitcache bundle ls FILE [--json]: the bundle's manifest and signer, once it is checked.
// jitcache bundle verify FILE: checks a bundle as loading it would (structure, digests,
//   checksum, signature under require_signature, each artifact) without installing anything.
// jitcache bundle import FILE: checks a bundle, then writes its entries to the local cache.
#include "cli.hpp"

#include "jit/artifacts/bundles.hpp"
#include "jit/language/program.hpp"
#include "jit/runner/program_runner.hpp"
#include "util/atomic_file.hpp"
#include "util/files.hpp"
#include "util/size.hpp"

#include <fmt/format.h>

namespace jitcache::cli {

namespace {

struct CreateOptions {
  std::string output;
  std::vector<std::string> programs;
  bool all = false;
  std::vector<std::string> keys;
  bool json = false;
};

struct FileOptions {
  std::string file;
  bool json = false;
};

jit::RuntimeOptions
runtime_options(const GlobalOptions& global)
{
  jit::RuntimeOptions options;
  options.config = load_cli_config(global);
  return options;
}

// Prepares every call of the programs' run lines (nothing is run), recording into `recorder`.
void
prepare_programs(jit::Runtime& runtime, const std::vector<std::string>& programs)
{
  auto dispatch = jit::DispatchOptions::from(runtime.config());
  dispatch.warn_when_degraded = false;
  for (const auto& file : programs) {
    auto program = jit::load_program(file);
    if (!program) {
      throw Failure(program.error().message);
    }
    if (program->runs.empty()) {
      throw UsageError(fmt::format("{} has no run line: --from-run prepares a program's run "
                                   "lines",
                                   file));
    }
    const jit::RunOptions options{0, false, uint64_t{0}, dispatch};
    auto report = jit::run_program(*program, program->runs, runtime, options, 0);
    if (!report) {
      throw Failure(report.error().message);
    }
    if (report->degraded) {
      for (const auto& function : report->functions) {
        if (!function.degraded_reason.empty()) {
          throw Failure(fmt::format("{}: {} could not be compiled, so there is nothing to bundle "
                                    "for it: {}",
                                    file, function.name, function.degraded_reason));
        }
      }
    }
  }
}

nlohmann::json
summary_json(const artifacts::Summary& summary)
{
  nlohmann::json kinds = nlohmann::json::object();
  for (const auto& [kind, count] : summary.kinds) {
    kinds[kind] = {{"entries", count.entries}, {"bytes", count.bytes}};
  }
  return {{"entries", summary.entries()},
          {"bytes", summary.bytes()},
          {"kinds", kinds},
          {"skipped", summary.skipped}};
}

void
print_skipped(const artifacts::Summary& summary, std::string_view verb)
{
  for (const auto& line : summary.skipped) {
    fmt::print(stderr, "jitcache: {}: {}\n", verb, line);
  }
}

int
run_create(const GlobalOptions& global, const CreateOptions& options)
{
  const int sources =
    (options.programs.empty() ? 0 : 1) + (options.all ? 1 : 0) + (options.keys.empty() ? 0 : 1);
  if (sources != 1) {
    throw UsageError("say what to bundle: --from-run PROGRAM..., --all or --key KEY...");
  }
  jit::Runtime runtime(runtime_options(global));
  if (runtime.store() == nullptr) {
    throw Failure("no cache is configured (disable is set): there is nothing to bundle");
  }
  artifacts::Recorder recorder;
  if (!options.programs.empty()) {
    runtime.record_into(&recorder);
    prepare_programs(runtime, options.programs);
    runtime.record_into(nullptr);
  } else if (options.all) {
    auto listed = runtime.store()->local().for_each_key([&](const Key& key) {
      recorder.note("", key);
      return true;
    });
    if (!listed) {
      throw Failure(listed.error().message);
    }
  } else {
    for (const auto& text : options.keys) {
      recorder.note("", parse_key_argument(text));
    }
  }
  auto made = jit::make_bundle(runtime, recorder.noted());
  if (!made) {
    throw Failure(made.error().message);
  }
  if (!options.keys.empty() && !made->summary.skipped.empty()) {
    print_skipped(made->summary, "bundle create");
    throw Failure("some keys given could not be bundled");
  }
  if (auto written = util::write_file_atomic(options.output, made->bytes); !written) {
    throw Failure(written.error().message);
  }
  if (options.json) {
    auto json = summary_json(made->summary);
    json["file"] = options.output;
    json["file_bytes"] = made->bytes.size();
    json["signed"] = !runtime.config().signing_key.empty();
    print_json(json);
  } else {
    print_skipped(made->summary, "bundle create: left out");
    fmt::print("{}: {} ({}{})\n", options.output, made->summary.to_string(),
               util::format_size(made->bytes.size()),
               runtime.config().signing_key.empty() ? ", unsigned" : ", signed");
  }
  return k_exit_ok;
}

// The bundle in `file`, checked; under require_signature it must be signed by a trusted key
// unless `any_signer` (ls shows any bundle, and says who signed it).
artifacts::Bundle
read_checked(const Config& config, const std::string& file, bool any_signer)
{
  auto bytes = util::read_file(file);
  if (!bytes) {
    throw Failure(bytes.error().message);
  }
  auto options = jit::bundle_read_options(config);
  if (any_signer) {
    options.require_trusted_signature = false;
  }
  auto bundle = artifacts::read_bundle(Bytes::adopt(std::move(*bytes)), options);
  if (!bundle) {
    throw Failure(fmt::format("{}: {}", file, bundle.error().message));
  }
  return std::move(*bundle);
}

std::string
signer_text(const artifacts::Bundle& bundle)
{
  if (!bundle.signer) {
    return "unsigned";
  }
  return fmt::format("signed by {} ({})", bundle.signer->to_text(),
                     bundle.trusted ? "trusted" : "not a trusted key");
}

int
run_ls(const GlobalOptions& global, const FileOptions& options)
{
  const auto bundle = read_checked(load_cli_config(global), options.file, true);
  if (options.json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& item : bundle.items) {
      items.push_back({{"kind", item.manifest.kind},
                       {"key", item.manifest.key.to_hex()},
                       {"bytes", item.manifest.size},
                       {"target", item.manifest.target.to_text()},
                       {"guard", item.entry.guard}});
    }
    print_json(
      {{"version", bundle.version},
       {"signer", bundle.signer ? nlohmann::json(bundle.signer->to_text()) : nlohmann::json()},
       {"trusted", bundle.trusted},
       {"artifacts", items}});
    return k_exit_ok;
  }
  fmt::print("{}: bundle version {}, {} artifact{}, {}\n", options.file, bundle.version,
             bundle.items.size(), bundle.items.size() == 1 ? "" : "s", signer_text(bundle));
  for (const auto& item : bundle.items) {
    std::string target = item.manifest.target.to_text();
    if (target.size() > 40) {
      target = fmt::format("{}... ({} CPU features)", target.substr(0, 24),
                           item.manifest.target.cpu_features.size());
    }
    fmt::print("{:<10} {} {:>10}  {}\n", item.manifest.kind, item.manifest.key.to_hex(),
               util::format_size(item.manifest.size), target);
  }
  return k_exit_ok;
}

int
run_verify(const GlobalOptions& global, const FileOptions& options)
{
  jit::Runtime runtime(runtime_options(global));
  const auto bundle = read_checked(runtime.config(), options.file, false);
  if (runtime.store() == nullptr) {
    throw Failure("no cache is configured (disable is set)");
  }
  auto summary = artifacts::check_bundle(
    bundle, jit::jit_artifact_kinds(runtime, jit::Destination::local_store));
  if (!summary) {
    throw Failure(fmt::format("{}: {}", options.file, summary.error().message));
  }
  print_skipped(*summary, "bundle verify: would skip");
  fmt::print("{}: ok, {}; {}\n", options.file, summary->to_string(), signer_text(bundle));
  return k_exit_ok;
}

int
run_import(const GlobalOptions& global, const FileOptions& options)
{
  jit::Runtime runtime(runtime_options(global));
  if (runtime.store() == nullptr ||
      runtime.store()->local().access() != storage::local::Access::read_write) {
    throw Failure("the local cache cannot be written, so nothing can be imported into it");
  }
  auto summary = jit::load_bundle_file(runtime, options.file, jit::Destination::local_store);
  if (!summary) {
    throw Failure(summary.error().message);
  }
  print_skipped(*summary, "bundle import: skipped");
  fmt::print("{}: imported {}\n", options.file, summary->to_string());
  (void)runtime.store()->flush();
  return k_exit_ok;
}

} // namespace

void
add_bundle_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* bundle =
    app.add_subcommand("bundle", "Make, inspect, check and import bundles (warm starts in a file)");
  bundle->require_subcommand(1);

  auto* create = bundle->add_subcommand("create", "Write a bundle");
  auto create_options = std::make_shared<CreateOptions>();
  create->add_option("-o,--output", create_options->output, "The bundle file to write")->required();
  create->add_option("--from-run", create_options->programs,
                     "Programs whose run lines are prepared (compiled or found in the cache) "
                     "and bundled with their functions precompiled");
  create->add_flag("--all", create_options->all, "Every entry of the local cache");
  create->add_option("--key", create_options->keys, "The entries of these keys");
  create->add_flag("--json", create_options->json, "Print the summary as JSON");
  run_when_chosen(create, global, chosen, create_options, run_create);

  const auto add_file_command = [&](const char* name, const char* help,
                                    int (*run)(const GlobalOptions&, const FileOptions&),
                                    bool json) {
    auto* command = bundle->add_subcommand(name, help);
    auto options = std::make_shared<FileOptions>();
    command->add_option("FILE", options->file, "The bundle")->required();
    if (json) {
      command->add_flag("--json", options->json, "Print JSON");
    }
    run_when_chosen(command, global, chosen, options, run);
  };
  add_file_command("ls", "List a bundle's artifacts, once it is checked", run_ls, true);
  add_file_command("verify", "Check a bundle as loading it would, installing nothing", run_verify,
                   false);
  add_file_command("import", "Check a bundle, then write its entries to the local cache",
                   run_import, false);
}

} // namespace jitcache::cli
