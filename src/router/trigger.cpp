// SPDX-License-Identifier: MIT
#include "nanoclaw/router/trigger.hpp"

#include "nanoclaw/router/text.hpp"
#include "nanoclaw/core/env_file.hpp"
#include "nanoclaw/core/unicode.hpp"

namespace nanoclaw::router {

std::string default_trigger(std::string_view assistant_name) {
    return "@" + std::string(assistant_name);
}

TriggerMatcher::TriggerMatcher(std::string_view trigger_text)
    : trigger_(core::js_trim(trigger_text)) {
    for (std::size_t pos = 0; pos < trigger_.size();) {
        const auto unit = core::unicode::decode_utf8(trigger_, pos);
        folded_.push_back(core::unicode::js_canonicalize(unit.code_point));
        pos += unit.length;
    }
    // Only ASCII bytes can be word characters, and a UTF-8 sequence never ends in one, so the
    // last byte decides the word-ness of the last character.
    ends_with_word_char_ = !trigger_.empty() && core::unicode::is_ascii_word_byte(
                                                    static_cast<unsigned char>(trigger_.back()));
}

TriggerMatcher TriggerMatcher::for_group(std::string_view group_trigger,
                                         std::string_view assistant_name) {
    const auto own = core::js_trim(group_trigger);
    return own.empty() ? TriggerMatcher(default_trigger(assistant_name)) : TriggerMatcher(own);
}

bool TriggerMatcher::matches(std::string_view content) const {
    const auto text = core::js_trim(content);
    std::size_t pos = 0;
    for (const char32_t expected : folded_) {
        if (pos >= text.size()) return false;
        const auto unit = core::unicode::decode_utf8(text, pos);
        if (core::unicode::js_canonicalize(unit.code_point) != expected) return false;
        pos += unit.length;
    }
    const bool next_is_word_char = pos < text.size() && core::unicode::is_ascii_word_byte(
                                                            static_cast<unsigned char>(text[pos]));
    return next_is_word_char != ends_with_word_char_;
}

} // namespace nanoclaw::router
