// SPDX-License-Identifier: MIT
#include "nanoclaw/router/prompt.hpp"

#include "nanoclaw/router/local_time.hpp"
#include "nanoclaw/router/text.hpp"

namespace nanoclaw::router {
namespace {

// v1 tests reply fields for JavaScript truthiness: absent, null and "" all mean "no value".
bool has_text(const std::optional<std::string>& field) {
    return field && !field->empty();
}

} // namespace

std::string format_message(const core::NewMessage& message, std::string_view timezone) {
    std::string out = "<message sender=\"";
    out += escape_xml(message.sender_name);
    out += "\" time=\"";
    out += escape_xml(format_local_time(message.timestamp, timezone));
    out += '"';
    if (has_text(message.reply_to_message_id)) {
        out += " reply_to=\"";
        out += escape_xml(*message.reply_to_message_id);
        out += '"';
    }
    out += '>';
    // The quote needs both its author and its text; an id alone only yields the attribute.
    if (has_text(message.reply_to_message_content) && has_text(message.reply_to_sender_name)) {
        out += "\n  <quoted_message from=\"";
        out += escape_xml(*message.reply_to_sender_name);
        out += "\">";
        out += escape_xml(*message.reply_to_message_content);
        out += "</quoted_message>";
    }
    out += escape_xml(message.content);
    out += "</message>";
    return out;
}

std::string format_messages(std::span<const core::NewMessage> messages, std::string_view timezone) {
    std::string out = "<context timezone=\"";
    out += escape_xml(timezone);
    out += "\" />\n<messages>\n";
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (i > 0) out += '\n';
        out += format_message(messages[i], timezone);
    }
    out += "\n</messages>";
    return out;
}

} // namespace nanoclaw::router
