// SPDX-License-Identifier: MIT
// store/qr-auth.html for `setup --step whatsapp-auth --method qr-browser` (spec 30 §11.1): the page
// with the QR code, which reloads itself every 3 s and counts down the code's life, and the page
// that replaces it once the phone is linked.
#pragma once

#include <string>
#include <string_view>

namespace nanoclaw::setup {

/// The localStorage key holding when the shown code appeared (the success page removes it).
inline constexpr const char* k_qr_start_key = "nanoclaw_qr_start";

/// The scan page around `svg`. `serial` numbers the code (1, 2, ... as WhatsApp rotates it):
/// the countdown restarts when the page shows a new one.
std::string qr_auth_page(std::string_view svg, int serial);

/// "Connected to WhatsApp": shown in the same tab once linking succeeded.
std::string auth_success_page();

} // namespace nanoclaw::setup
