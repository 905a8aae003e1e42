// SPDX-License-Identifier: MIT
// Private: commands the CLI suggests must paste into a shell as they are printed.
#pragma once

#include <string>
#include <string_view>

#include "nanoclaw/setup/service_files.hpp"

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
    return plain ? std::string(text) : setup::shell_quote(text);
}

} // namespace nanoclaw::ops
