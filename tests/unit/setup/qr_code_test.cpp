// SPDX-License-Identifier: MIT
// The login QR code drawn with libqrencode (spec 30 §11.1, §19 #29), and the pages around it.
#include "qr_code.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "auth_pages.hpp"
#include "whatsapp_creds.hpp"

namespace nanoclaw::setup {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size()))
        ++n;
    return n;
}

TEST(QrCodeTest, EncodesWithFinderPatterns) {
    const auto qr = encode_qr("2@abc,def");
    ASSERT_TRUE(qr);
    EXPECT_EQ(qr->size, 21) << "version 1 holds 9 bytes at level M";
    for (int i = 0; i < 7; ++i) { // the top-left finder's outer ring
        EXPECT_TRUE(qr->at(i, 0));
        EXPECT_TRUE(qr->at(0, i));
        EXPECT_TRUE(qr->at(qr->size - 1 - i, 0)) << "top-right finder";
    }
    EXPECT_FALSE(qr->at(7, 0)) << "the separator is light";
    const auto longer = encode_qr(std::string(230, 'A') + ",base64=,base64=,base64=");
    ASSERT_TRUE(longer);
    EXPECT_GT(longer->size, 21);
    EXPECT_FALSE(encode_qr(std::string("a\0b", 3))) << "NUL cannot be passed to libqrencode";
}

TEST(QrCodeTest, TerminalTextUsesHalfBlocksWithAQuietZone) {
    const auto qr = encode_qr("2@abc,def");
    ASSERT_TRUE(qr);
    const auto text = qr_terminal_text(*qr);
    const int width = qr->size + 4;
    EXPECT_EQ(static_cast<int>(std::count(text.begin(), text.end(), '\n')), (width + 1) / 2);
    const auto first = text.substr(0, text.find('\n'));
    EXPECT_EQ(count(first, "\u2588"), static_cast<std::size_t>(width))
        << "two light quiet-zone rows";
    EXPECT_NE(text.find(' '), std::string::npos) << "dark modules are blank";
}

TEST(QrCodeTest, SvgHasAWhiteSquareAndDarkRuns) {
    const auto qr = encode_qr("2@abc,def");
    ASSERT_TRUE(qr);
    const auto svg = qr_svg(*qr);
    EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 29 29\"", 0), 0u)
        << svg;
    EXPECT_NE(svg.find("M4 4h7v1h-7z"), std::string::npos)
        << "the finder's top row, one run, inside the margin";
    EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
}

TEST(QrCodeTest, PagesCarryTheReferenceBehaviour) {
    const auto page = qr_auth_page("<svg/>", 2);
    EXPECT_NE(page.find("<meta http-equiv=\"refresh\" content=\"3\">"), std::string::npos);
    EXPECT_NE(page.find("Scan with WhatsApp"), std::string::npos);
    EXPECT_NE(page.find("<svg/>"), std::string::npos);
    EXPECT_NE(page.find("serial = '2'"), std::string::npos);
    EXPECT_NE(page.find("Linked Devices"), std::string::npos);
    const auto done = auth_success_page();
    EXPECT_NE(done.find("Connected to WhatsApp"), std::string::npos);
    EXPECT_NE(done.find("You can close this tab."), std::string::npos);
    EXPECT_EQ(done.find("refresh"), std::string::npos) << "the success page stays";
}

TEST(QrCodeTest, PhoneNumberOfAJid) {
    EXPECT_EQ(phone_of_jid("14155551234:7@s.whatsapp.net"), "14155551234");
    EXPECT_EQ(phone_of_jid("14155551234@s.whatsapp.net"), "14155551234");
    EXPECT_EQ(phone_of_jid(""), std::nullopt);
    EXPECT_EQ(phone_of_jid(":1@x"), std::nullopt);
}

} // namespace
} // namespace nanoclaw::setup
