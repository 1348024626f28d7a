// Graph and kernel entries as the runtime writes them, read back; and what makes a graph
// entry unusable (a miss, never a crash or a wrong library).
#include "jit/runtime/entries.hpp"

#include <gtest/gtest.h>

namespace jitcache::jit {
namespace {

Key
key_of(std::string_view text)
{
  KeyBuilder builder;
  builder.add_string("test", text);
  return builder.build();
}

const std::string k_plan = "plan 1\nbuffer f32 0 4\nbuffer f32 -1 4\nlaunch 0 2 0 1\noutputs 1\n";

TEST(RuntimeEntries, AGraphEntryReadsBackWithItsLibraryFileOrBytes)
{
  KeyBuilder builder;
  builder.add_string("graph", "g");
  const Key kernel = key_of("kernel");
  const Key file = key_of("library");
  auto with_file =
    read_graph_entry(make_graph_entry(builder, builder.build(), k_plan, {kernel},
                                      Blob{"library_file", Bytes::copy_of(file.to_hex())}, 12));
  ASSERT_TRUE(with_file) << with_file.error().message;
  EXPECT_EQ(with_file->kernel_keys, std::vector<Key>{kernel});
  EXPECT_EQ(with_file->library_file, file);
  EXPECT_EQ(with_file->plan.to_text(), k_plan);

  auto with_bytes = read_graph_entry(make_graph_entry(builder, builder.build(), k_plan, {kernel},
                                                      Blob{"library", Bytes::copy_of("ELF")}, 12));
  ASSERT_TRUE(with_bytes) << with_bytes.error().message;
  EXPECT_FALSE(with_bytes->library_file);
  EXPECT_EQ(with_bytes->library.view(), "ELF");

  const Entry entry = make_graph_entry(builder, builder.build(), "plan 1\noutputs\n", {}, {}, 1);
  EXPECT_EQ(entry.kind, k_graph_kind);
  EXPECT_EQ(entry.compile_ms, 1u);
  EXPECT_TRUE(entry.producer.starts_with("jitcache ")) << entry.producer;
  auto kernelless = read_graph_entry(entry);
  ASSERT_TRUE(kernelless) << kernelless.error().message;
  EXPECT_TRUE(kernelless->kernel_keys.empty());
}

TEST(RuntimeEntries, AnUnusableGraphEntryIsAnErrorThatSaysWhy)
{
  KeyBuilder builder;
  builder.add_string("graph", "g");
  const Key kernel = key_of("kernel");
  Entry no_library = make_graph_entry(builder, builder.build(), k_plan, {kernel}, {}, 1);
  Entry bad_key = no_library;
  bad_key.blobs[1].data = Bytes::copy_of(kernel.to_hex() + "\nnot-a-key\n");
  Entry bad_plan = no_library;
  bad_plan.blobs[0].data = Bytes::copy_of("plan 2\n");
  Entry no_plan = no_library;
  no_plan.blobs.erase(no_plan.blobs.begin());
  bad_plan.blobs.push_back(Blob{"library", Bytes::copy_of("ELF")});
  const std::vector<std::pair<const Entry*, std::string>> cases = {
    {&no_library, "a blob is missing"},
    {&bad_key, "kernel key 2"},
    {&bad_plan, "unknown header"},
    {&no_plan, "a blob is missing"},
  };
  for (const auto& [entry, message] : cases) {
    auto read = read_graph_entry(*entry);
    ASSERT_FALSE(read) << message;
    EXPECT_NE(read.error().message.find(message), std::string::npos) << read.error().message;
  }
}

TEST(RuntimeEntries, AKernelEntryHoldsItsObjectAndSource)
{
  KeyBuilder builder;
  builder.add_string("kernel", "k");
  CompiledKernel compiled;
  compiled.succeeded = true;
  compiled.object = {1, 2, 3};
  compiled.source = "extern \"C\" void k() {}";
  compiled.milliseconds = 7;
  const Entry entry = make_kernel_entry(builder, builder.build(), compiled);
  EXPECT_EQ(entry.kind, k_kernel_kind);
  EXPECT_EQ(entry.compile_ms, 7u);
  const Blob* object = kernel_object(Found{{entry}, "local"});
  ASSERT_NE(object, nullptr);
  EXPECT_EQ(object->data.to_vector(), compiled.object);
  EXPECT_EQ(entry.find_blob("source.cpp")->data.view(), compiled.source);
  EXPECT_EQ(kernel_object(Found{}), nullptr);
}

} // namespace
} // namespace jitcache::jit
