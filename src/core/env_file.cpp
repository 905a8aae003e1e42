// SPDX-License-Identifier: MIT
#include "nanoclaw/core/env_file.hpp"

#include <array>
#include <cctype>
#include <climits>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "nanoclaw/core/unicode.hpp"

namespace nanoclaw::core {
namespace {

// Byte length of the JavaScript whitespace character starting at `pos`, or 0 if there is none.
std::size_t whitespace_length_at(std::string_view text, std::size_t pos) {
    const auto unit = unicode::decode_utf8(text, pos);
    return unicode::is_js_whitespace(unit.code_point) ? unit.length : 0;
}

// Byte length of the JavaScript whitespace character that ends just before `end`, or 0. Walks
// back over at most three continuation bytes to find where the last character starts.
std::size_t whitespace_length_before(std::string_view text, std::size_t end) {
    std::size_t start = end - 1;
    while (start > 0 && end - start < 4 &&
           (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
        --start;
    }
    const auto unit = unicode::decode_utf8(text, start);
    if (start + unit.length != end) return 0; // malformed tail: not whitespace
    return unicode::is_js_whitespace(unit.code_point) ? unit.length : 0;
}

} // namespace

std::string_view js_trim(std::string_view text) {
    std::size_t begin = 0;
    while (begin < text.size()) {
        const auto n = whitespace_length_at(text, begin);
        if (n == 0) break;
        begin += n;
    }
    // Scan the tail inside what is left, so the backward walk can never reach trimmed bytes.
    const auto rest = text.substr(begin);
    std::size_t end = rest.size();
    while (end > 0) {
        const auto n = whitespace_length_before(rest, end);
        if (n == 0) break;
        end -= n;
    }
    return rest.substr(0, end);
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
