// SPDX-License-Identifier: MIT
// XML escaping for the prompt's <messages> block (spec 10 §7.1) and the launchd plist.
#pragma once

#include <string>
#include <string_view>

namespace nanoclaw::core {

/// Replaces & < > " with &amp; &lt; &gt; &quot;; apostrophes only when asked (v1's prompts leave
/// them alone, and prompts must stay byte-identical). Any bytes; never throws on content.
std::string escape_xml(std::string_view text, bool escape_apostrophe = false);

} // namespace nanoclaw::core
