// SPDX-License-Identifier: MIT
#include "nanoclaw/net/base64.hpp"

#include <gtest/gtest.h>

namespace nanoclaw::net {
namespace {

TEST(Base64Test, MatchesRfc4648Vectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
    EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64_encode("user:p@ss"), "dXNlcjpwQHNz");
}

TEST(Base64Test, EncodesHighBytes) {
    EXPECT_EQ(base64_encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

} // namespace
} // namespace nanoclaw::net
