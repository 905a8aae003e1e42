// SPDX-License-Identifier: MIT
#include "nanoclaw/core/unicode.hpp"

namespace nanoclaw::core::unicode {
namespace {

bool is_continuation(unsigned char b) {
    return (b & 0xC0) == 0x80;
}

Decoded malformed(unsigned char b) {
    return {k_malformed_base + b, 1};
}

// Sequence length announced by a lead byte, and the smallest code point that length may encode
// (anything smaller is an overlong form).
struct LeadInfo {
    std::size_t length;
    char32_t minimum;
    char32_t initial_bits;
};

bool read_lead(unsigned char b, LeadInfo& out) {
    if ((b & 0xE0) == 0xC0)
        out = {2, 0x80, static_cast<char32_t>(b & 0x1F)};
    else if ((b & 0xF0) == 0xE0)
        out = {3, 0x800, static_cast<char32_t>(b & 0x0F)};
    else if ((b & 0xF8) == 0xF0)
        out = {4, 0x10000, static_cast<char32_t>(b & 0x07)};
    else
        return false;
    return true;
}

// Pairs where the upper-case letter is one below the lower-case one (U+0100..U+017F, Cyrillic
// extensions): `lower_parity` says whether the lower-case member is the odd code point.
char32_t fold_pair(char32_t c, bool lower_is_odd) {
    const bool odd = (c & 1U) != 0;
    return odd == lower_is_odd ? c - 1 : c;
}

char32_t canonicalize_latin_extended_a(char32_t c) {
    if (c <= 0x012F) return fold_pair(c, true);
    if (c >= 0x0132 && c <= 0x0137) return fold_pair(c, true);
    if (c >= 0x0139 && c <= 0x0148) return fold_pair(c, false);
    if (c >= 0x014A && c <= 0x0177) return fold_pair(c, true);
    if (c >= 0x0179 && c <= 0x017E) return fold_pair(c, false);
    // U+0130/0138/0149/0178 have no single-unit upper case; U+0131 (dotless i) and U+017F (long
    // s) upper-case to ASCII letters, which JavaScript's rule refuses.
    return c;
}

char32_t canonicalize_greek(char32_t c) {
    if (c == 0x03C2) return 0x03A3; // final sigma
    if ((c >= 0x03B1 && c <= 0x03C1) || (c >= 0x03C3 && c <= 0x03CB)) return c - 0x20;
    if (c == 0x03AC) return 0x0386;
    if (c >= 0x03AD && c <= 0x03AF) return c - 0x25;
    if (c == 0x03CC) return 0x038C;
    if (c == 0x03CD || c == 0x03CE) return c - 0x3F;
    return c;
}

char32_t canonicalize_cyrillic(char32_t c) {
    if (c >= 0x0430 && c <= 0x044F) return c - 0x20;
    if (c >= 0x0450 && c <= 0x045F) return c - 0x50;
    if ((c >= 0x0460 && c <= 0x0481) || (c >= 0x048A && c <= 0x04BF)) return fold_pair(c, true);
    return c;
}

} // namespace

Decoded decode_utf8(std::string_view s, std::size_t pos) {
    const auto lead = static_cast<unsigned char>(s[pos]);
    if (lead < 0x80) return {lead, 1};
    LeadInfo info{};
    if (!read_lead(lead, info) || pos + info.length > s.size()) return malformed(lead);
    char32_t value = info.initial_bits;
    for (std::size_t i = 1; i < info.length; ++i) {
        const auto b = static_cast<unsigned char>(s[pos + i]);
        if (!is_continuation(b)) return malformed(lead);
        value = (value << 6) | (b & 0x3F);
    }
    const bool surrogate = value >= 0xD800 && value <= 0xDFFF;
    if (value < info.minimum || value > 0x10FFFF || surrogate) return malformed(lead);
    return {value, info.length};
}

char32_t js_canonicalize(char32_t c) {
    if (c >= 'a' && c <= 'z') return c - 0x20;
    if (c < 0x80) return c;
    if (c == 0x00B5) return 0x039C; // micro sign upper-cases to Greek capital mu
    if ((c >= 0x00E0 && c <= 0x00F6) || (c >= 0x00F8 && c <= 0x00FE)) return c - 0x20;
    if (c == 0x00FF) return 0x0178;
    if (c >= 0x0100 && c <= 0x017F) return canonicalize_latin_extended_a(c);
    if (c >= 0x0370 && c <= 0x03FF) return canonicalize_greek(c);
    if (c >= 0x0400 && c <= 0x04FF) return canonicalize_cyrillic(c);
    return c;
}

bool is_js_whitespace(char32_t c) {
    if ((c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0) return true;
    if (c == 0x1680 || (c >= 0x2000 && c <= 0x200A)) return true;
    return c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

} // namespace nanoclaw::core::unicode
