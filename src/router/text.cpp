// SPDX-License-Identifier: MIT
#include "nanoclaw/router/text.hpp"

#include "unicode.hpp"

namespace nanoclaw::router {
namespace {

constexpr std::string_view k_open_tag = "<internal>";
constexpr std::string_view k_close_tag = "</internal>";

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

std::string escape_xml(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string strip_internal_tags(std::string_view text) {
    std::string kept;
    kept.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto open = text.find(k_open_tag, pos);
        if (open == std::string_view::npos) break;
        const auto close = text.find(k_close_tag, open + k_open_tag.size());
        // No closing tag after this opening one means none after any later one either, so the
        // rest of the text is kept verbatim (the v1 regex simply fails to match there).
        if (close == std::string_view::npos) break;
        kept.append(text.substr(pos, open - pos));
        pos = close + k_close_tag.size();
    }
    if (pos < text.size()) kept.append(text.substr(pos));
    return std::string(js_trim(kept));
}

std::string format_outbound(std::string_view raw) {
    return strip_internal_tags(raw);
}

} // namespace nanoclaw::router
