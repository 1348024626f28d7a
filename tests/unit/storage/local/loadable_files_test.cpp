// LocalStore's loadable files: plain files named by the hash of their bytes, checked on open,
// counted, listed apart from entries, verified, trimmed and cleared like entry files.
#include "storage/local/local_store.hpp"

#include "util/files.hpp"

#include "support/entries.hpp"
#include "support/local_config.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

namespace jitcache::storage::local {

using jitcache::testing::config_for;
using jitcache::testing::make_entry;
using jitcache::testing::TempDir;

namespace {

std::vector<uint8_t>
image_of(std::string_view text)
{
  return {text.begin(), text.end()};
}

std::filesystem::path
path_of(const LocalStore& store, const Key& key)
{
  return store.layout().root() / Layout::relative_loadable_path(key);
}

} // namespace

TEST(LoadableFiles, AreStoredAsIsAndNamedByTheirBytes)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  const auto image = image_of("\x7f"
                              "ELF and the rest of a shared object");
  const Key key = store.put_loadable(image).value();
  EXPECT_EQ(key, LocalStore::loadable_key(image));
  EXPECT_NE(key, LocalStore::loadable_key(image_of("other bytes")));

  const auto path = path_of(store, key);
  EXPECT_EQ(path.extension(), ".so");
  EXPECT_EQ(util::read_file(path).value(), image); // a plain file: loadable where it lies

  auto file = store.open_loadable(key).value();
  ASSERT_TRUE(file);
  EXPECT_EQ(file->path, path);
  EXPECT_EQ(file->image.to_vector(), image);
  // The descriptor names the file that was checked.
  struct stat by_fd {};
  struct stat by_path {};
  ASSERT_EQ(::fstat(file->fd.get(), &by_fd), 0);
  ASSERT_EQ(::stat(path.c_str(), &by_path), 0);
  EXPECT_EQ(by_fd.st_ino, by_path.st_ino);
}

TEST(LoadableFiles, TheSameBytesAreOneFile)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  const auto image = image_of("one library");
  const Key first = store.put_loadable(image).value();
  const Key second = store.put_loadable(image).value();
  EXPECT_EQ(first, second);
  const auto stats = store.read_stats().value();
  EXPECT_EQ(stats.get(core::counter::files), 1u);
  EXPECT_EQ(stats.get(core::counter::bytes), 4096u);
}

TEST(LoadableFiles, AMissingFileIsAMiss)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  const auto opened = store.open_loadable(LocalStore::loadable_key(image_of("never stored")));
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_FALSE(*opened);
}

TEST(LoadableFiles, AFileThatFailsItsCheckIsCountedRemovedAndMissed)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  const Key key = store.put_loadable(image_of("the library's bytes")).value();
  const auto path = path_of(store, key);
  ASSERT_TRUE(util::write_file_atomic(path, std::string_view("the library's bytez")));

  const auto inspected = store.inspect_loadable(key);
  ASSERT_FALSE(inspected);
  EXPECT_EQ(inspected.error().code, ErrorCode::corrupt);
  EXPECT_EQ(inspected.error().message, path.string() + ": its 19 bytes do not hash to its name");
  EXPECT_TRUE(std::filesystem::exists(path)); // inspecting repairs nothing

  const auto opened = store.open_loadable(key);
  ASSERT_TRUE(opened);
  EXPECT_FALSE(*opened);
  EXPECT_FALSE(std::filesystem::exists(path));
  const auto stats = store.read_stats().value();
  EXPECT_EQ(stats.get(core::counter::corrupt), 1u);
  EXPECT_EQ(stats.get(core::counter::files), 0u);

  // The next put writes it again.
  ASSERT_TRUE(store.put_loadable(image_of("the library's bytes")));
  EXPECT_TRUE(store.open_loadable(key).value());
}

TEST(LoadableFiles, SomethingElseInTheFilesPlaceIsNeitherLoadedNorTakenForTheFile)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  const auto image = image_of("a library");
  const Key key = LocalStore::loadable_key(image);
  const auto path = path_of(store, key);
  std::filesystem::create_directories(path); // a directory opens for reading, too

  const auto opened = store.open_loadable(key);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find(path.string()), std::string::npos);
  // The put does not report the directory as the stored file: the caller keeps the bytes.
  const auto put = store.put_loadable(image);
  ASSERT_FALSE(put);
  EXPECT_NE(put.error().message.find(path.filename().string()), std::string::npos)
    << put.error().message;
}

TEST(LoadableFiles, AreNotListedAsEntriesButAreTrimmedAndCleared)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  const auto entry = make_entry("an entry", 1);
  ASSERT_TRUE(store.put(entry));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store.put_loadable(image_of(std::string(5000, static_cast<char>('a' + i)))));
  }
  std::vector<Key> listed;
  ASSERT_TRUE(store.for_each_key([&](const Key& key) {
    listed.push_back(key);
    return true;
  }));
  EXPECT_EQ(listed, std::vector<Key>{entry.key});

  const auto counted = store.recount().value();
  EXPECT_EQ(counted.files_after, 4u);
  const auto trimmed = store.trim(Limits{0, 2}).value();
  EXPECT_EQ(trimmed.files_removed, 2u);
  EXPECT_EQ(store.clear().value(), 2u);
  EXPECT_EQ(store.read_stats().value().get(core::counter::files), 0u);
}

TEST(LoadableFiles, AReadOnlyStoreOpensButDoesNotWrite)
{
  TempDir dir;
  const auto image = image_of("read me");
  Key key;
  {
    LocalStore writer(config_for(dir.path()));
    key = writer.put_loadable(image).value();
  }
  auto config = config_for(dir.path());
  config.read_only = true;
  LocalStore reader(config);
  EXPECT_TRUE(reader.open_loadable(key).value());
  const auto put = reader.put_loadable(image_of("new bytes"));
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::disabled);
}

} // namespace jitcache::storage::local
