// jitcache put --kind K [--component NAME=VALUE]... [--guard G] [--compile-ms N] FILE
// Stores FILE (or standard input for "-") as blob "data" under the key built from the kind
// and the components, and prints the key.
#include "cli.hpp"

#include "core/entry_format.hpp"
#include "util/clock.hpp"
#include "util/files.hpp"

#include <fmt/format.h>

#include <iostream>
#include <iterator>

namespace jitcache::cli {

namespace {

struct PutOptions {
  std::string kind;
  std::vector<std::string> components;
  std::string guard;
  uint64_t compile_ms = 0;
  std::string file;
};

std::vector<uint8_t>
read_input(const std::string& file)
{
  if (file == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return {text.begin(), text.end()};
  }
  auto bytes = util::read_file(file);
  if (!bytes) {
    throw Failure(bytes.error().message);
  }
  return std::move(*bytes);
}

int
run_put(const GlobalOptions& global, const PutOptions& options)
{
  if (auto valid = core::validate_kind(options.kind); !valid) {
    throw UsageError(fmt::format("--kind: {}", valid.error().message));
  }
  KeyBuilder builder;
  builder.add_string("kind", options.kind);
  for (const auto& component : options.components) {
    const auto equals = component.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw UsageError(fmt::format("--component '{}': expected NAME=VALUE", component));
    }
    const auto name = component.substr(0, equals);
    try {
      builder.add_string(name, std::string_view(component).substr(equals + 1));
    } catch (const std::logic_error&) {
      throw UsageError(
        fmt::format("--component '{}': component '{}' given twice", component, name));
    }
  }
  auto store = open_tiered_store(global, true);
  Entry entry;
  entry.kind = options.kind;
  entry.key = builder.build();
  entry.details = builder.details();
  entry.guard = options.guard;
  entry.created_ms = util::now_ms();
  entry.compile_ms = options.compile_ms;
  entry.producer = std::string("jitcache ") + JITCACHE_VERSION;
  entry.blobs.push_back({"data", Bytes::adopt(read_input(options.file))});
  if (auto stored = store->put(entry); !stored) {
    throw Failure(stored.error().message);
  }
  fmt::print("{}\n", entry.key.to_hex());
  return k_exit_ok;
}

} // namespace

void
add_put_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* command = app.add_subcommand("put", "Store a file under a key built from named components");
  auto options = std::make_shared<PutOptions>();
  command->add_option("--kind", options->kind, "Artifact kind, e.g. kernel")->required();
  command->add_option("--component", options->components,
                      "A key component NAME=VALUE (repeatable)");
  command->add_option("--guard", options->guard, "Guard expression of this variant");
  command->add_option("--compile-ms", options->compile_ms, "What producing the file cost, in ms")
    ->check(not_negative());
  command->add_option("FILE", options->file, "The file to store; - for standard input")->required();
  run_when_chosen(command, global, chosen, options, run_put);
}

} // namespace jitcache::cli
