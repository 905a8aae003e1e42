// SPDX-License-Identifier: MIT
// Trigger words (spec 10 §1, §16.2): does a chat message address the assistant? A hand-written
// equivalent of v1's /^<escaped trigger>\b/i, with no std::regex and no locale.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nanoclaw::router {

/// v1's DEFAULT_TRIGGER: "@" followed by the assistant name.
std::string default_trigger(std::string_view assistant_name);

/// Matches messages that start with a fixed trigger text, taken literally (".", "*", "(" are
/// ordinary characters), case-insensitively, and followed by a JavaScript word boundary.
class TriggerMatcher {
  public:
    /// Uses `trigger_text` after JavaScript trimming. Any bytes are accepted.
    explicit TriggerMatcher(std::string_view trigger_text);

    /// The matcher a group uses: its own trigger when it is non-blank after trimming, else
    /// default_trigger(assistant_name).
    static TriggerMatcher for_group(std::string_view group_trigger,
                                    std::string_view assistant_name);

    /// True when the trimmed `content` begins with the trigger (ASCII letters fold; so do Latin-1,
    /// Latin Extended-A, Greek and Cyrillic letters, as in JavaScript) and the character after it
    /// has the opposite word-ness ([A-Za-z0-9_]) to the trigger's last character; end of text
    /// counts as a non-word character. Hence "@Bot!" needs a word character right after it.
    bool matches(std::string_view content) const;

    /// The trimmed trigger text this matcher looks for.
    const std::string& trigger() const { return trigger_; }

  private:
    std::string trigger_;
    std::vector<char32_t> folded_; ///< trigger_ decoded and canonicalised once
    bool ends_with_word_char_ = false;
};

} // namespace nanoclaw::router
