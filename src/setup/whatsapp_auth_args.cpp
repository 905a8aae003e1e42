// SPDX-License-Identifier: MIT
#include "whatsapp_auth_args.hpp"

#include <algorithm>

namespace nanoclaw::setup {

tl::expected<AuthArgs, AuthArgsError> parse_auth_args(const std::vector<std::string>& args) {
    AuthArgs r;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--keep") {
            r.keep = true;
        } else if (args[i] == "--method" || args[i] == "--phone") {
            std::string& value = args[i] == "--method" ? r.method : r.phone;
            const bool has_value = i + 1 < args.size() && !args[i + 1].starts_with("--");
            value = has_value ? args[++i] : std::string();
        }
    }
    if (r.method.empty())
        return tl::make_unexpected(
            AuthArgsError{"unknown", "missing_method_flag", "--method has no value"});
    if (r.method != "qr-browser" && r.method != "qr-terminal" && r.method != "pairing-code") {
        return tl::make_unexpected(AuthArgsError{
            r.method, "unknown_method",
            "--method " + r.method + ": use qr-browser, qr-terminal or pairing-code"});
    }
    if (r.method == "pairing-code" && r.phone.empty()) {
        return tl::make_unexpected(
            AuthArgsError{r.method, "missing_phone_number",
                          "pairing-code needs --phone <number with country code>"});
    }
    const bool digits = std::all_of(r.phone.begin(), r.phone.end(),
                                    [](unsigned char c) { return c >= '0' && c <= '9'; });
    if (r.method == "pairing-code" && (!digits || r.phone.size() < 6 || r.phone.size() > 20)) {
        return tl::make_unexpected(AuthArgsError{
            r.method, "invalid_phone_number",
            "--phone " + r.phone + ": 6 to 20 digits, country code first, no + or spaces"});
    }
    return r;
}

} // namespace nanoclaw::setup
