// SPDX-License-Identifier: MIT
#include "nanoclaw/core/env_file.hpp"

#include <array>
#include <cctype>
#include <climits>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

namespace nanoclaw::core {
namespace {

// Length of the JS whitespace sequence starting at s[i] (0 when none). JS trim() also removes
// Unicode spaces; they arrive here as UTF-8 byte sequences.
std::size_t ws_len_at(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
    static constexpr std::array<std::string_view, 19> k_unicode_spaces = {
        "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82",
        "\xE2\x80\x83", "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87",
        "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\xA8", "\xE2\x80\xA9",
        "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80", "\xEF\xBB\xBF"};
    for (auto sp : k_unicode_spaces) {
        if (s.substr(i, sp.size()) == sp) return sp.size();
    }
    return 0;
}

// Length of a JS whitespace sequence that ends exactly at s[end-1] (0 when none).
std::size_t ws_len_before(std::string_view s, std::size_t end) {
    for (std::size_t len = 1; len <= 3 && len <= end; ++len) {
        if (ws_len_at(s, end - len) == len) return len;
    }
    return 0;
}

} // namespace

std::string_view js_trim(std::string_view s) {
    std::size_t begin = 0;
    while (begin < s.size()) {
        const auto n = ws_len_at(s, begin);
        if (n == 0) break;
        begin += n;
    }
    std::size_t end = s.size();
    while (end > begin) {
        const auto n = ws_len_before(s, end);
        if (n == 0) break;
        end -= n;
    }
    return s.substr(begin, end - begin);
}

std::optional<long long> js_parse_int(std::string_view s) {
    s = js_trim(s);
    bool negative = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    std::size_t digits = 0;
    long long value = 0;
    bool saturated = false;
    while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) {
        const int d = s[digits] - '0';
        if (!saturated && value > (LLONG_MAX - d) / 10) saturated = true;
        if (!saturated) value = value * 10 + d;
        ++digits;
    }
    if (digits == 0) return std::nullopt;
    if (saturated) value = LLONG_MAX;
    return negative ? -value : value;
}

std::map<std::string, std::string> parse_env_text(std::string_view text,
                                                  const std::set<std::string>& keys) {
    std::map<std::string, std::string> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        const auto line = js_trim(text.substr(pos, nl - pos));
        pos = nl + 1;
        if (line.empty() || line.front() == '#') continue;
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        const std::string key(js_trim(line.substr(0, eq)));
        if (!keys.empty() && !keys.contains(key)) continue;
        auto value = js_trim(line.substr(eq + 1));
        // Later v1 rule (spec 10 §16.3): a lone quote character stays as it is.
        if (value.size() >= 2 && ((value.front() == '"' && value.back() == '"') ||
                                  (value.front() == '\'' && value.back() == '\''))) {
            value = value.substr(1, value.size() - 2);
        }
        if (value.empty()) continue;
        out[key] = std::string(value);
    }
    return out;
}

std::map<std::string, std::string> read_env_file(const std::filesystem::path& path,
                                                 const std::set<std::string>& keys) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        spdlog::debug(".env file not found or unreadable, using defaults path={}", path.string());
        return {};
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    return parse_env_text(buf.str(), keys);
}

} // namespace nanoclaw::core
