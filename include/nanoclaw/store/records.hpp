// SPDX-License-Identifier: MIT
// Row shapes returned by the store that are not part of the shared data model (core/types.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "nanoclaw/core/types.hpp"

namespace nanoclaw::store {

/// A query or write failed at runtime (constraint violation, disk full, locked...). The message
/// names the operation and carries SQLite's reason, e.g. "FOREIGN KEY constraint failed".
class StoreError : public std::runtime_error {
  public:
    explicit StoreError(const std::string& what, bool transient = false)
        : std::runtime_error(what), transient_(transient) {}
    /// The database was busy, locked, full or failed I/O: the same write may work later, so a
    /// caller that can wait (a message left unconfirmed for redelivery) should not give up on it.
    bool transient() const { return transient_; }

  private:
    bool transient_ = false;
};

/// The chats row that records the last group metadata sync (v1's sentinel). It is a real row in
/// `chats`, so callers listing chats must skip it.
inline constexpr const char* k_group_sync_jid = "__group_sync__";

/// One row of `chats`; NULL columns stay empty optionals.
struct ChatInfo {
    std::string jid;
    std::optional<std::string> name;
    std::optional<std::string> last_message_time;
    std::optional<std::string> channel;
    std::optional<int> is_group;
    bool operator==(const ChatInfo&) const = default;
};

/// Result of get_new_messages: rows in ascending timestamp order, and the greatest of the cursor
/// and the returned timestamps.
struct NewMessagesResult {
    std::vector<core::NewMessage> messages;
    std::string new_timestamp;
};

/// Fields update_task may change; an empty optional leaves the column alone.
struct TaskUpdate {
    std::optional<std::string> prompt{};
    std::optional<std::string> script{}; ///< "" stores NULL (removes the script)
    std::optional<std::string> schedule_type{};
    std::optional<std::string> schedule_value{};
    std::optional<std::optional<std::string>> next_run{}; ///< inner nullopt stores NULL
    std::optional<std::string> status{};
};

/// A registered group together with its JID (the shape of v1's getRegisteredGroup).
struct GroupEntry {
    std::string jid;
    core::RegisteredGroup group;
    bool operator==(const GroupEntry&) const = default;
};

/// Token usage of one agent run (additive table `token_usage`, not part of v1).
struct UsageRecord {
    std::string recorded_at; ///< ISO; empty means "now" from the store's clock
    std::string group_folder;
    std::optional<std::string> model;
    std::int64_t input_tokens = 0;
    std::int64_t output_tokens = 0;
    std::int64_t cache_creation_input_tokens = 0;
    std::int64_t cache_read_input_tokens = 0;
};

/// Per-folder sums over token_usage.
struct GroupUsage {
    std::string group_folder;
    std::int64_t runs = 0;
    std::int64_t input_tokens = 0;
    std::int64_t output_tokens = 0;
    std::int64_t cache_creation_input_tokens = 0;
    std::int64_t cache_read_input_tokens = 0;
    bool operator==(const GroupUsage&) const = default;
};

} // namespace nanoclaw::store
