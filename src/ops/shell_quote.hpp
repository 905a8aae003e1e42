// SPDX-License-Identifier: MIT
// Private: commands the CLI suggests must paste into a shell as they are printed.
#pragma once

#include <string>
#include <string_view>

namespace nanoclaw::ops {

/// `text` as is when it holds only characters a shell leaves alone, else in single quotes.
inline std::string shell_quote(std::string_view text) {
    bool plain = !text.empty();
    for (char c : text) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') ||
                          std::string_view("/._-+:=@,%").find(c) != std::string_view::npos;
        plain = plain && safe;
    }
    if (plain) return std::string(text);
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

} // namespace nanoclaw::ops
