// jitcache keygen -o FILE: writes a new Ed25519 key pair: the secret key to FILE (readable by
// its owner only; the signing_key setting names it) and the public key to FILE.pub (what
// trusted_keys lists), and prints the public key.
#include "cli.hpp"

#include "trust/signing_key.hpp"
#include "util/files.hpp"

#include <fmt/format.h>

namespace jitcache::cli {

namespace {

struct KeygenOptions {
  std::string output;
};

int
run_keygen(const GlobalOptions& /*global*/, const KeygenOptions& options)
{
  const std::filesystem::path secret = options.output;
  const std::filesystem::path public_path = secret.string() + ".pub";
  if (std::filesystem::exists(public_path)) {
    throw Failure(
      fmt::format("{} exists already: keygen never overwrites a key", public_path.string()));
  }
  const auto key = trust::SigningKey::generate();
  if (auto saved = key.save(secret); !saved) {
    throw Failure(saved.error().message);
  }
  const std::string text = key.public_key().to_text();
  if (auto written = util::write_file_atomic(public_path, text + "\n"); !written) {
    throw Failure(written.error().message);
  }
  fmt::print("Secret key: {} (set signing_key to it on the machines that write entries)\n",
             secret.string());
  fmt::print("Public key: {} (in {}; add it to trusted_keys on the machines that read)\n", text,
             public_path.string());
  return k_exit_ok;
}

} // namespace

void
add_keygen_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* command = app.add_subcommand("keygen", "Write a new Ed25519 key pair for signing entries");
  auto options = std::make_shared<KeygenOptions>();
  command
    ->add_option("-o,--output", options->output, "The secret key file (FILE.pub: the public key)")
    ->required();
  run_when_chosen(command, global, chosen, options, run_keygen);
}

} // namespace jitcache::cli
