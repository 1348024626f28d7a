// A program that uses jitcache only through its installed headers and library.
#include <jitcache/jitcache.hpp>

#include <cstdio>
#include <string>

int
main(int argc, char** argv)
{
  if (argc != 2) {
    std::fputs("usage: consumer CACHE_DIR\n", stderr);
    return 2;
  }
  auto config = jitcache::load_config({{"dir", argv[1]}});
  if (!config) {
    std::fprintf(stderr, "%s\n", config.error().message.c_str());
    return 1;
  }
  auto cache = jitcache::open_local_store(*config);

  jitcache::KeyBuilder builder;
  builder.add_string("source", "int f() { return 42; }").add_string("flags", "-O2");
  jitcache::Entry entry;
  entry.kind = "kernel";
  entry.key = builder.build();
  entry.details = builder.details();
  entry.blobs.push_back({"object", jitcache::Bytes::copy_of(std::string_view("machine code"))});
  if (!cache->put(entry)) {
    return 1;
  }
  auto found = cache->get(entry.key, "kernel");
  const jitcache::Blob* object =
    found && found->size() == 1 ? found->front().find_blob("object") : nullptr;
  if (!object || object->data.view() != "machine code") {
    return 1;
  }
  std::printf("jitcache %s: stored and found %s\n", std::string(jitcache::version()).c_str(),
              entry.key.to_hex().c_str());
  return 0;
}
