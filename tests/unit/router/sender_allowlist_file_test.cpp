// SPDX-License-Identifier: MIT
// SenderAllowlistFile: always current with the file, warnings only when something changed.
#include "nanoclaw/router/sender_allowlist.hpp"

#include <gtest/gtest.h>

#include "log_capture.hpp"
#include "temp_dir.hpp"

using namespace nanoclaw::router;
using nanoclaw::testing::LogCapture;
using nanoclaw::testing::TempDir;

namespace {

constexpr const char* k_drop_alice = R"({"default":{"allow":["alice"],"mode":"drop"}})";
// Same length as k_drop_alice, so a stale size/mtime cache could not tell them apart.
constexpr const char* k_drop_bobby = R"({"default":{"allow":["bobby"],"mode":"drop"}})";

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
        ++n;
    return n;
}

class SenderAllowlistFileTest : public ::testing::Test {
  protected:
    std::filesystem::path path() const { return dir_.path() / "sender-allowlist.json"; }
    void write(std::string_view text) const { dir_.write("sender-allowlist.json", text); }
    TempDir dir_;
};

} // namespace

TEST_F(SenderAllowlistFileTest, MissingFileIsTheDefault) {
    SenderAllowlistFile file(path());
    EXPECT_EQ(file.current(), SenderAllowlist{});
}

TEST_F(SenderAllowlistFileTest, SeesEveryEditImmediately) {
    SenderAllowlistFile file(path());
    write(k_drop_alice);
    EXPECT_TRUE(is_sender_allowed(file.current(), "g", "alice"));
    write(k_drop_bobby); // same size, probably same mtime tick
    EXPECT_FALSE(is_sender_allowed(file.current(), "g", "alice"));
    EXPECT_TRUE(is_sender_allowed(file.current(), "g", "bobby"));
    std::filesystem::remove(path());
    EXPECT_EQ(file.current(), SenderAllowlist{});
    write(k_drop_alice);
    EXPECT_TRUE(should_drop_message(file.current(), "g"));
}

TEST_F(SenderAllowlistFileTest, WarnsOnceForAnUnchangedBrokenFile) {
    LogCapture logs;
    SenderAllowlistFile file(path());
    write("{broken");
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(file.current(), SenderAllowlist{});
    EXPECT_EQ(count(logs.text(), "invalid JSON"), 1U) << logs.text();
    write("{broken again");
    EXPECT_EQ(file.current(), SenderAllowlist{});
    EXPECT_EQ(count(logs.text(), "invalid JSON"), 2U) << logs.text();
}

TEST_F(SenderAllowlistFileTest, WarnsOnceForAPersistentReadErrorAndRecovers) {
    LogCapture logs;
    std::filesystem::create_directories(path());
    SenderAllowlistFile file(path());
    EXPECT_EQ(file.current(), SenderAllowlist{});
    EXPECT_EQ(file.current(), SenderAllowlist{});
    EXPECT_EQ(count(logs.text(), "cannot read config"), 1U) << logs.text();
    std::filesystem::remove(path());
    write(k_drop_alice);
    EXPECT_TRUE(should_drop_message(file.current(), "g"));
}

TEST_F(SenderAllowlistFileTest, BrokenFileAfterAGoodOneFallsBackToDefault) {
    LogCapture logs;
    SenderAllowlistFile file(path());
    write(k_drop_alice);
    EXPECT_TRUE(should_drop_message(file.current(), "g"));
    write("null");
    EXPECT_EQ(file.current(), SenderAllowlist{});
    EXPECT_TRUE(logs.contains("top level is not a JSON object")) << logs.text();
}
