// SPDX-License-Identifier: MIT
// Text helpers that reproduce the JavaScript string semantics v1 relied on (String.trim's
// whitespace set, case-insensitive RegExp folding) over UTF-8 bytes, without locales or std::regex.
#pragma once

#include <cstddef>
#include <string_view>

namespace nanoclaw::core::unicode {

/// One decoded unit of a UTF-8 string: a code point, or (for a malformed byte) a value above
/// U+10FFFF that is unique to that byte, so malformed input compares only with itself.
struct Decoded {
    char32_t code_point;
    std::size_t length; ///< bytes consumed, always >= 1
};

/// First code point greater than any Unicode scalar; malformed byte b decodes to this + b.
inline constexpr char32_t k_malformed_base = 0x110000;

/// Decodes the unit starting at `pos` (< s.size()). Overlong forms, surrogates, truncated
/// sequences and values above U+10FFFF are malformed and consume exactly one byte.
Decoded decode_utf8(std::string_view s, std::size_t pos);

/// JavaScript's case-insensitive RegExp canonicalisation (non-Unicode mode): the simple upper-case
/// of `c` when it is a single unit and does not turn a non-ASCII letter into an ASCII one.
/// Covers ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic; anything else maps to itself.
char32_t js_canonicalize(char32_t c);

/// True for the code points JavaScript's String.prototype.trim removes.
bool is_js_whitespace(char32_t c);

/// ASCII lower case of one byte; every other byte (UTF-8 included) is left as it is.
inline char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// True for the RegExp \w class without the Unicode flag: [A-Za-z0-9_].
inline bool is_ascii_word_byte(unsigned char b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_';
}

} // namespace nanoclaw::core::unicode
