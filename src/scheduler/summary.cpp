// SPDX-License-Identifier: MIT
#include "nanoclaw/scheduler/summary.hpp"

namespace nanoclaw::scheduler {
namespace {

// Continuation bytes (10xxxxxx) never start a character.
bool starts_character(unsigned char byte) { return (byte & 0xC0) != 0x80; }

} // namespace

std::string truncate_code_points(std::string_view text, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!starts_character(static_cast<unsigned char>(text[i]))) continue;
        if (chars == max_chars) return std::string(text.substr(0, i));
        ++chars;
    }
    return std::string(text);
}

std::string run_summary(const std::optional<std::string>& error,
                        const std::optional<std::string>& result) {
    if (error && !error->empty()) return "Error: " + *error;
    if (result && !result->empty()) return truncate_code_points(*result, 200);
    return "Completed";
}

} // namespace nanoclaw::scheduler
