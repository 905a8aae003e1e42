// SPDX-License-Identifier: MIT
#include "nanoclaw/core/xml_escape.hpp"

namespace nanoclaw::core {

std::string escape_xml(std::string_view text, bool escape_apostrophe) {
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
        case '\'':
            if (escape_apostrophe) {
                out += "&apos;";
                break;
            }
            out += c;
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace nanoclaw::core
