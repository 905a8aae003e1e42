// SPDX-License-Identifier: MIT
// Byte-exact text helpers shared by prompt building and outbound cleaning (spec 10 §7.1, §7.3).
// All functions accept arbitrary bytes (invalid UTF-8 included) and never throw on content.
#pragma once

#include <string>
#include <string_view>

#include "nanoclaw/core/xml_escape.hpp"

namespace nanoclaw::router {

/// Replaces & < > " with &amp; &lt; &gt; &quot; (apostrophes are left alone, as in v1).
using core::escape_xml;

/// Removes every "<internal>...</internal>" span (case-sensitive, first closing tag wins, spans
/// may cross lines), then trims. An unclosed "<internal>" and everything after it stay as-is.
std::string strip_internal_tags(std::string_view text);

/// What the agent's reply becomes in the chat: the stripped text, "" when nothing remains (callers
/// skip sending then). No "Name:" prefix is added here; that is a channel concern.
std::string format_outbound(std::string_view raw);

} // namespace nanoclaw::router
