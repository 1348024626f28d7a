// Embedding the cache in your own JIT: key what you compile, look it up, and store what you
// compiled. This program compiles one C++ function to an object file with the system compiler,
// through the local store (JITCACHE_DIR, else ~/.cache/jitcache). Run it twice: the second
// process finds the object file and does not compile. The README shows its middle part.
#include <jitcache/jitcache.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace {

// The output of a shell command, or nullopt if it failed.
std::optional<std::string>
output_of(const std::string& command)
{
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) {
    return std::nullopt;
  }
  std::string text;
  char buffer[4096];
  for (size_t read = 0; (read = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    text.append(buffer, read);
  }
  return pclose(pipe) == 0 ? std::optional(text) : std::nullopt;
}

// Your JIT's compiler: here `c++ FLAGS -c` on the source, returning the object file.
std::optional<std::vector<uint8_t>>
compile(const std::string& source, const std::string& flags)
{
  const auto dir = std::filesystem::temp_directory_path() /
                   ("embed_store." + std::to_string(static_cast<long>(getpid())));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "kernel.cpp") << source;
  std::optional<std::vector<uint8_t>> object;
  if (output_of("c++ " + flags + " -c " + (dir / "kernel.cpp").string() + " -o " +
                (dir / "kernel.o").string())) {
    std::ifstream file(dir / "kernel.o", std::ios::binary);
    object.emplace(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  std::filesystem::remove_all(dir);
  return object;
}

} // namespace

int
main()
{
  const std::string source = "extern \"C\" int answer() { return 6 * 7; }\n";
  const std::string flags = "-O2";
  const std::string compiler_version = output_of("c++ --version").value_or("unknown");

  // --- as in the README ---
  auto config = jitcache::load_config(); // options > JITCACHE_* > config files > defaults
  if (!config) {
    std::fprintf(stderr, "%s\n", config.error().message.c_str()); // names the key and where
    return 1;
  }
  auto cache = jitcache::open_local_store(*config); // never fails: a broken dir just misses

  jitcache::KeyBuilder key;
  key.add_string("source", source).add_string("flags", flags).add_string("cxx", compiler_version);
  auto found = cache->get(key.build(), "kernel");
  const jitcache::Blob* object =
    found && !found->empty() ? found->front().find_blob("object") : nullptr;
  if (object) {
    std::printf("found the object file in the cache: %zu bytes\n", object->data.size());
  } else {
    auto compiled = compile(source, flags);
    if (!compiled) {
      std::fputs("the compiler failed\n", stderr);
      return 1;
    }
    jitcache::Entry entry;
    entry.kind = "kernel";
    entry.key = key.build();
    entry.details = key.details(); // stored with it, for `jitcache explain`
    entry.blobs.push_back({"object", jitcache::Bytes::adopt(std::move(*compiled))});
    (void)cache->put(entry); // an error here only costs a future miss
    std::printf("compiled the object file: %zu bytes\n", entry.blobs.front().data.size());
  }
  // --- end ---
  return 0;
}
