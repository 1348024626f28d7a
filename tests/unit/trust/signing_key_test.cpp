// Ed25519 keys: generated, saved readable by their owner only, read back, and errors that
// name the file or the text.
#include "trust/signing_key.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace jitcache::trust {
namespace {

using testing::TempDir;

std::span<const uint8_t>
bytes_of(std::string_view text)
{
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

TEST(SigningKey, SavedKeysComeBackAndSignAsBefore)
{
  TempDir dir;
  const auto key = SigningKey::generate();
  ASSERT_TRUE(key.save(dir / "key"));
  EXPECT_EQ(std::filesystem::status(dir / "key").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_FALSE(key.save(dir / "key")); // never overwritten
  auto loaded = SigningKey::load(dir / "key");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->public_key(), key.public_key());
  const auto signature = loaded->sign(bytes_of("message"));
  EXPECT_TRUE(verify_signature(key.public_key(), bytes_of("message"), signature));
  EXPECT_FALSE(verify_signature(key.public_key(), bytes_of("messagE"), signature));
  EXPECT_FALSE(
    verify_signature(SigningKey::generate().public_key(), bytes_of("message"), signature));
}

TEST(SigningKey, ErrorsNameTheFileOrTheText)
{
  TempDir dir;
  std::ofstream(dir / "wrong") << "not a key\n";
  auto wrong = SigningKey::load(dir / "wrong");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("not a jitcache secret key file"), std::string::npos);
  EXPECT_NE(wrong.error().message.find((dir / "wrong").string()), std::string::npos);
  std::ofstream(dir / "short") << "jitcache-ed25519-secret-key abcd\n";
  EXPECT_NE(SigningKey::load(dir / "short").error().message.find("not 128 hex digits"),
            std::string::npos);
  EXPECT_FALSE(SigningKey::load(dir / "missing"));

  const auto text = SigningKey::generate().public_key().to_text();
  auto keys = parse_public_keys(text + ", " + text + "  ");
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->size(), 2u);
  EXPECT_EQ(PublicKey::parse("abc").error().message,
            "public key 'abc' is not 64 hex digits (3 characters)");
  EXPECT_FALSE(PublicKey::parse(std::string(64, 'g')));
}

} // namespace
} // namespace jitcache::trust
