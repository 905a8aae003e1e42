// SPDX-License-Identifier: MIT
// The OAuth token the proxy injects. Either fixed (from .env) or read from the claude CLI's
// credentials file and re-read when that file changes, so a token the host refreshed is used
// without restarting the daemon (expired-token 401s were a top complaint against v1).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "nanoclaw/proxy/secret.hpp"

namespace nanoclaw::proxy {

/// Extracts `claudeAiOauth.accessToken` from the CLI's `.credentials.json` text.
std::optional<std::string> parse_cli_credentials(std::string_view json_text);

class OAuthTokenSource {
public:
    /// `fixed` is the .env token; `credentials_file`, when set, wins whenever it yields a token.
    /// The file is stat()ed at most once per `recheck` and re-read only when mtime/size change.
    OAuthTokenSource(Secret fixed, std::optional<std::filesystem::path> credentials_file,
                     std::chrono::milliseconds recheck = std::chrono::seconds(1));

    /// The token to inject now (may be empty: then the proxy sends no authorization header).
    /// A newly read token is registered with the log redactor before it is returned.
    const Secret& current(std::chrono::steady_clock::time_point now);

    /// True when a credentials file is configured.
    bool file_backed() const { return file_.has_value(); }

private:
    void reload_if_changed();

    Secret fixed_;
    std::optional<std::filesystem::path> file_;
    std::chrono::milliseconds recheck_;
    std::chrono::steady_clock::time_point next_check_{};
    std::filesystem::file_time_type seen_mtime_{};
    std::uintmax_t seen_size_ = static_cast<std::uintmax_t>(-1);
    Secret from_file_;
};

} // namespace nanoclaw::proxy
