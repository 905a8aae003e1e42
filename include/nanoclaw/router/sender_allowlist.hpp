// SPDX-License-Identifier: MIT
// Sender allowlist (spec 10 §8): who may trigger the agent, and which chats drop messages from
// everyone else. The file lives outside the project and is re-read on every check so edits apply
// at once. Every failure fails open to the built-in default, with a warning.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace nanoclaw::router {

/// `"allow": "*"`.
struct AllowAnySender {
    bool operator==(const AllowAnySender&) const = default;
};

/// `"trigger"`: disallowed senders' messages are stored but cannot trigger; `"drop"`: they are
/// discarded at ingestion.
enum class AllowlistMode { trigger, drop };

/// One rule: which senders are allowed (exact, case-sensitive ids) and what happens to others.
struct AllowlistEntry {
    std::variant<AllowAnySender, std::vector<std::string>> allow = AllowAnySender{};
    AllowlistMode mode = AllowlistMode::trigger;
    bool operator==(const AllowlistEntry&) const = default;
};

/// The whole file. Default-constructed = v1's built-in default: allow everyone, trigger mode,
/// no per-chat rules, denials logged.
struct SenderAllowlist {
    AllowlistEntry default_entry;
    std::map<std::string, AllowlistEntry, std::less<>> chats;
    bool log_denied = true;
    bool operator==(const SenderAllowlist&) const = default;
};

/// A parsed file plus the reasons anything in it was ignored (one line each, for a warning).
struct ParsedAllowlist {
    SenderAllowlist allowlist;
    std::vector<std::string> warnings;
};

/// Parses file contents with v1's rules: bad JSON, a non-object root (v1 crashed on `null`) or a
/// missing/invalid "default" yield the built-in default; invalid "chats" entries are skipped;
/// "logDenied" is true unless literally false. Malformed UTF-8 is read as U+FFFD, like Node.
ParsedAllowlist parse_sender_allowlist(std::string_view text);

/// Reads and parses `path`, logging each warning. A missing file gives the default silently;
/// any other read failure (a directory, no permission, over 16 MiB) warns and gives the default.
SenderAllowlist load_sender_allowlist(const std::filesystem::path& path);

/// The allowlist file as the daemon uses it: the file is read on every current() call, so edits
/// apply at the next check, but it is re-parsed (and its warnings repeated) only when its bytes or
/// its read error change, so a broken file does not flood the log on every poll.
class SenderAllowlistFile {
  public:
    explicit SenderAllowlistFile(std::filesystem::path path);

    /// The allowlist as the file says right now (the default when it is missing or unusable).
    const SenderAllowlist& current();

  private:
    std::filesystem::path path_;
    std::optional<std::string> last_text_; ///< bytes behind allowlist_, nullopt = not from a file
    std::string last_error_;               ///< read error already reported, "" = none
    SenderAllowlist allowlist_;
};

/// The rule for `chat_jid`: its own entry if present, else the default entry.
const AllowlistEntry& allowlist_entry_for(const SenderAllowlist& allowlist,
                                          std::string_view chat_jid);

/// True when `sender` may trigger in `chat_jid` ("*" or listed exactly).
bool is_sender_allowed(const SenderAllowlist& allowlist, std::string_view chat_jid,
                       std::string_view sender);

/// True when the chat's rule is drop mode (callers still check is_sender_allowed).
bool should_drop_message(const SenderAllowlist& allowlist, std::string_view chat_jid);

/// is_sender_allowed, plus a debug log line for a denial when log_denied is set.
bool is_trigger_allowed(const SenderAllowlist& allowlist, std::string_view chat_jid,
                        std::string_view sender);

} // namespace nanoclaw::router
