// SPDX-License-Identifier: MIT
// Text measured the way the Bot API measures it: entity offsets, lengths and the 4096 limit are
// UTF-16 code units (JavaScript string indices), while our strings are UTF-8 bytes.
#include "nanoclaw/channels/telegram/mapping.hpp"

#include <cstdint>

#include <nlohmann/json.hpp>

#include "nanoclaw/core/unicode.hpp"

namespace nanoclaw::channels::telegram {
namespace {

namespace unicode = core::unicode;

// A malformed byte counts as one unit: JavaScript would have seen one U+FFFD in its place.
std::size_t utf16_units(char32_t code_point) {
    return code_point >= 0x10000 && code_point < unicode::k_malformed_base ? 2 : 1;
}

// Byte offset where UTF-16 unit `unit` starts, or nullopt when `unit` is past the end or falls
// between the two halves of a surrogate pair (no UTF-8 byte boundary exists there).
std::optional<std::size_t> byte_offset_of_unit(std::string_view text, std::uint64_t unit) {
    std::uint64_t units = 0;
    std::size_t pos = 0;
    while (units < unit && pos < text.size()) {
        const auto d = unicode::decode_utf8(text, pos);
        units += utf16_units(d.code_point);
        pos += d.length;
    }
    if (units != unit) return std::nullopt;
    return pos;
}

// A JSON number usable as an offset or length: an integer >= 0 (floats and negatives are not).
std::optional<std::uint64_t> non_negative_integer(const nlohmann::json* value) {
    if (value == nullptr) return std::nullopt;
    if (value->is_number_unsigned()) return value->get<std::uint64_t>();
    if (value->is_number_integer() && value->get<std::int64_t>() >= 0)
        return static_cast<std::uint64_t>(value->get<std::int64_t>());
    return std::nullopt;
}

// A member that is present, null included (mapping.cpp's member() skips nulls).
const nlohmann::json* find_member(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

bool equals_ascii_ci(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (unicode::ascii_lower(a[i]) != unicode::ascii_lower(b[i])) return false;
    return true;
}

// The text an entity covers, or nullopt for an entity that does not describe a valid range.
std::optional<std::string_view> covered_text(std::string_view text, const nlohmann::json& entity) {
    const auto offset = non_negative_integer(find_member(entity, "offset"));
    const auto length = non_negative_integer(find_member(entity, "length"));
    if (!offset || !length || *length > UINT64_MAX - *offset) return std::nullopt;
    const auto begin = byte_offset_of_unit(text, *offset);
    const auto end = byte_offset_of_unit(text, *offset + *length);
    if (!begin || !end) return std::nullopt;
    return text.substr(*begin, *end - *begin);
}

bool mentions_bot(std::string_view text, const nlohmann::json& entities, std::string_view needle) {
    if (!entities.is_array()) return false;
    for (const auto& entity : entities) {
        if (!entity.is_object()) continue;
        const auto* type = find_member(entity, "type");
        if (type == nullptr || !type->is_string() ||
            type->get_ref<const std::string&>() != "mention")
            continue;
        const auto covered = covered_text(text, entity);
        if (covered && equals_ascii_ci(*covered, needle)) return true;
    }
    return false;
}

// v1's TRIGGER_PATTERN /^@<name>\b/i on the untrimmed text: the name taken literally, folded as
// a non-Unicode JavaScript RegExp folds, then a word boundary ([A-Za-z0-9_] word characters).
bool starts_with_trigger(std::string_view text, std::string_view assistant_name) {
    const std::string trigger = "@" + std::string(assistant_name);
    std::size_t pos = 0;
    for (std::size_t tpos = 0; tpos < trigger.size();) {
        if (pos >= text.size()) return false;
        const auto want = unicode::decode_utf8(trigger, tpos);
        const auto got = unicode::decode_utf8(text, pos);
        if (unicode::js_canonicalize(want.code_point) != unicode::js_canonicalize(got.code_point))
            return false;
        tpos += want.length;
        pos += got.length;
    }
    const bool trigger_ends_in_word =
        unicode::is_ascii_word_byte(static_cast<unsigned char>(trigger.back()));
    const bool next_is_word =
        pos < text.size() && unicode::is_ascii_word_byte(static_cast<unsigned char>(text[pos]));
    return trigger_ends_in_word != next_is_word;
}

} // namespace

std::string translate_mentions(std::string_view text, const nlohmann::json& entities,
                               std::string_view bot_username, std::string_view assistant_name) {
    // Without a username nothing can address the bot (v1 skips the translation the same way).
    if (bot_username.empty()) return std::string(text);
    const std::string needle = "@" + std::string(bot_username);
    if (!mentions_bot(text, entities, needle) || starts_with_trigger(text, assistant_name))
        return std::string(text);
    return "@" + std::string(assistant_name) + " " + std::string(text);
}

std::vector<std::string> split_message(std::string_view text, std::size_t max_units) {
    std::vector<std::string> chunks;
    std::size_t start = 0;
    std::size_t units = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        const auto d = unicode::decode_utf8(text, pos);
        const auto width = utf16_units(d.code_point);
        // Cut before a character that would overflow the chunk, never inside it.
        if (units > 0 && units + width > max_units) {
            chunks.emplace_back(text.substr(start, pos - start));
            start = pos;
            units = 0;
        }
        units += width;
        pos += d.length;
    }
    if (start < text.size()) chunks.emplace_back(text.substr(start));
    return chunks;
}

} // namespace nanoclaw::channels::telegram
