// SPDX-License-Identifier: MIT
#include "nanoclaw/router/text.hpp"

#include "nanoclaw/core/env_file.hpp"

namespace nanoclaw::router {
namespace {

constexpr std::string_view k_open_tag = "<internal>";
constexpr std::string_view k_close_tag = "</internal>";

} // namespace

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
    return std::string(core::js_trim(kept));
}

std::string format_outbound(std::string_view raw) {
    return strip_internal_tags(raw);
}

} // namespace nanoclaw::router
