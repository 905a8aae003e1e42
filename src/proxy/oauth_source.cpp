// SPDX-License-Identifier: MIT
#include "nanoclaw/proxy/oauth_source.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <string.h> // explicit_bzero
#include <spdlog/spdlog.h>

#include "nanoclaw/core/log.hpp"

namespace nanoclaw::proxy {

std::optional<std::string> parse_cli_credentials(std::string_view json_text) {
    const auto doc = nlohmann::json::parse(json_text, nullptr, false);
    if (!doc.is_object()) return std::nullopt;
    const auto oauth = doc.find("claudeAiOauth");
    if (oauth == doc.end() || !oauth->is_object()) return std::nullopt;
    const auto token = oauth->find("accessToken");
    if (token == oauth->end() || !token->is_string() ||
        token->get_ref<const std::string&>().empty()) {
        return std::nullopt;
    }
    return token->get<std::string>();
}

OAuthTokenSource::OAuthTokenSource(Secret fixed, std::optional<std::filesystem::path> file,
                                   std::chrono::milliseconds recheck)
    : fixed_(std::move(fixed)), file_(std::move(file)), recheck_(recheck) {}

const Secret& OAuthTokenSource::current(std::chrono::steady_clock::time_point now) {
    if (file_ && now >= next_check_) {
        next_check_ = now + recheck_;
        reload_if_changed();
    }
    return from_file_.empty() ? fixed_ : from_file_;
}

void OAuthTokenSource::reload_if_changed() {
    std::error_code ec;
    const auto mtime = std::filesystem::last_write_time(*file_, ec);
    const auto size = ec ? 0 : std::filesystem::file_size(*file_, ec);
    if (ec) {
        // Keep the last good token: a refresh may be replacing the file right now.
        return;
    }
    if (mtime == seen_mtime_ && size == seen_size_) return;
    std::ifstream in(*file_, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    auto token = parse_cli_credentials(text);
    explicit_bzero(text.data(), text.size());
    seen_mtime_ = mtime; // a bad file is reported once per change, not on every check
    seen_size_ = size;
    if (!token) {
        spdlog::warn("OAuth credentials file {} has no claudeAiOauth.accessToken; keeping the "
                     "previous token",
                     file_->string());
        return;
    }
    core::register_secret(*token);
    const bool changed = !from_file_.empty() && from_file_.reveal() != *token;
    from_file_ = Secret(std::move(*token));
    if (changed) spdlog::info("OAuth token reloaded from {}", file_->string());
}

} // namespace nanoclaw::proxy
