// SPDX-License-Identifier: MIT
// The flags of `setup --step whatsapp-auth` (spec 30 §11.1), parsed strictly: a flag whose value
// is missing or is another flag has no value (v1 took the next word blindly).
#pragma once

#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace nanoclaw::setup {

struct AuthArgs {
    std::string method; ///< qr-browser, qr-terminal or pairing-code
    std::string phone;  ///< 6 to 20 digits; required for pairing-code
    bool keep = false;  ///< --keep: a linked store/auth is not wiped
};

/// Why the flags were refused, as the failure block reports it (exit 4).
struct AuthArgsError {
    std::string method; ///< AUTH_METHOD of the block ("unknown" without one)
    std::string
        error; ///< missing_method_flag, unknown_method, missing_phone_number, invalid_phone_number
    std::string detail; ///< for the log
};

/// Checks in the reference's order: the method, then the phone of pairing-code. A phone must be
/// 6 to 20 digits (country code first, no + or spaces: what the bridge and WhatsApp's pairing
/// request take).
tl::expected<AuthArgs, AuthArgsError> parse_auth_args(const std::vector<std::string>& args);

} // namespace nanoclaw::setup
