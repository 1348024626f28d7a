// jitcache show KEY [--json]: everything stored under one key.
#include "cli.hpp"

#include "util/clock.hpp"
#include "util/size.hpp"

#include <fmt/format.h>

#include <sys/stat.h>

namespace jitcache::cli {

namespace {

std::string_view
codec_name(core::BlobCodec codec)
{
  return codec == core::BlobCodec::zstd ? "zstd" : "none";
}

nlohmann::json
record_json(const core::DecodedEntry& record)
{
  const auto& e = record.entry;
  nlohmann::json details = nlohmann::json::array();
  for (const auto& c : e.details) {
    details.push_back({{"name", c.name}, {"digest", to_hex(c.digest)}, {"summary", c.summary}});
  }
  nlohmann::json blobs = nlohmann::json::array();
  for (size_t i = 0; i < e.blobs.size(); ++i) {
    const auto& layout = record.layout[i];
    blobs.push_back({{"name", e.blobs[i].name},
                     {"size", layout.raw_size},
                     {"stored_size", layout.stored_size},
                     {"codec", codec_name(layout.codec)}});
  }
  return {{"kind", e.kind},
          {"guard", e.guard},
          {"created_ms", e.created_ms},
          {"compile_ms", e.compile_ms},
          {"producer", e.producer},
          {"signed", !e.signature.empty()},
          {"record_size", record.encoded_size},
          {"details", details},
          {"blobs", blobs}};
}

void
print_record(const core::DecodedEntry& record, size_t index)
{
  const auto& e = record.entry;
  fmt::print("Variant {}\n", index + 1);
  fmt::print("  {:<14}{}\n", "Kind", e.kind);
  fmt::print("  {:<14}{}\n", "Guard", e.guard.empty() ? "(none: always applies)" : e.guard);
  fmt::print("  {:<14}{}\n", "Created", format_time_ms(e.created_ms));
  fmt::print("  {:<14}{}\n", "Compile time", util::format_duration_ms(e.compile_ms));
  fmt::print("  {:<14}{}\n", "Producer", e.producer);
  fmt::print("  {:<14}{}\n", "Signature",
             e.signature.empty() ? "none" : fmt::format("{} bytes", e.signature.size()));
  fmt::print("  {:<14}{}\n", "Record size", util::format_size(record.encoded_size));
  fmt::print("  Key components:\n");
  for (const auto& c : e.details) {
    fmt::print("    {:<20} {}  {}\n", c.name, to_hex(c.digest).substr(0, 16), c.summary);
  }
  fmt::print("  Blobs:\n");
  for (size_t i = 0; i < e.blobs.size(); ++i) {
    const auto& layout = record.layout[i];
    fmt::print("    {:<20} {} (stored {}, {})\n", e.blobs[i].name,
               util::format_size(layout.raw_size), util::format_size(layout.stored_size),
               codec_name(layout.codec));
  }
}

struct ShowOptions {
  std::string key;
  bool json = false;
};

int
run_show(const GlobalOptions& global, const ShowOptions& options)
{
  const Key key = parse_key_argument(options.key);
  const bool json = options.json;
  auto store = open_cli_store(global);
  const auto records = read_entry_records(*store, key);
  const auto path = store->layout().entry_path(key);
  struct stat st {};
  ::stat(path.c_str(), &st);
  const int64_t mtime_ms = int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1'000'000;
  if (json) {
    nlohmann::json variants = nlohmann::json::array();
    for (const auto& record : records) {
      variants.push_back(record_json(record));
    }
    print_json({{"key", key.to_hex()},
                {"path", path.string()},
                {"file_size", static_cast<uint64_t>(st.st_size)},
                {"last_used_ms", mtime_ms},
                {"variants", variants}});
    return k_exit_ok;
  }
  fmt::print("{:<16}{}\n", "Key", key.to_hex());
  fmt::print("{:<16}{}\n", "File", path.string());
  fmt::print("{:<16}{}\n", "File size", util::format_size(static_cast<uint64_t>(st.st_size)));
  fmt::print("{:<16}{}\n", "Last used", format_time_ms(mtime_ms));
  fmt::print("{:<16}{}\n", "Variants", records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    print_record(records[i], i);
  }
  return k_exit_ok;
}

} // namespace

void
add_show_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* command =
    app.add_subcommand("show", "Show an entry: header, key components, variants, blobs");
  auto options = std::make_shared<ShowOptions>();
  command->add_option("KEY", options->key, "The entry's key (64 hex characters)")->required();
  command->add_flag("--json", options->json, "Print one JSON object");
  run_when_chosen(command, global, chosen, options, run_show);
}

} // namespace jitcache::cli
