// SPDX-License-Identifier: MIT
// The agent prompt built from stored chat messages (spec 10 §7.2, with v1's later reply context,
// §16.9). The bytes are part of the contract with the agent: keep them identical to v1.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "nanoclaw/core/types.hpp"

namespace nanoclaw::router {

/// Renders the messages, in the given order, as
///   <context timezone="TZ" />\n<messages>\n<message ...>...</message>\n...\n</messages>
/// Only sender_name, the display time and content (plus reply_to / quoted_message when the reply
/// fields are non-empty) are rendered, all XML-escaped. No trailing newline. Never throws on
/// message content; an invalid zone renders times in UTC but is echoed as given in the header.
std::string format_messages(std::span<const core::NewMessage> messages, std::string_view timezone);

/// One `<message ...>...</message>` element (no newline), as format_messages renders it.
std::string format_message(const core::NewMessage& message, std::string_view timezone);

} // namespace nanoclaw::router
