// SPDX-License-Identifier: MIT
// The SQLite database `store/messages.db` (spec 10 §10, §16.5): v1's exact schema and migrations,
// the one-time import of legacy JSON state, and every query the core uses. A database written by
// NanoClaw v1 opens unchanged. Single-threaded: use a Store from one thread (the io_context).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "nanoclaw/core/clock.hpp"
#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/core/types.hpp"
#include "nanoclaw/store/delivery_records.hpp"
#include "nanoclaw/store/records.hpp"

namespace nanoclaw::store {

/// What opening needs besides the file. `clock` must outlive the Store.
struct StoreOptions {
    explicit StoreOptions(const core::Clock& clock_ref, std::string assistant = "Andy",
                          std::optional<std::filesystem::path> legacy_data_dir = std::nullopt)
        : clock(clock_ref), assistant_name(std::move(assistant)),
          data_dir(std::move(legacy_data_dir)) {}

    const core::Clock& clock;                      ///< "now" for sync times, last_run, usage rows
    std::string assistant_name = "Andy";           ///< is_bot_message backfill prefix "<name>:%"
    std::optional<std::filesystem::path> data_dir; ///< legacy JSON import source; none = skip
};

class Store {
  public:
    /// Creates the parent directory, opens (or creates) `db_file`, applies schema + migrations in
    /// one transaction, then imports legacy JSON from options.data_dir. A file that is not a
    /// usable SQLite database throws core::FatalError naming it, and is left untouched.
    static Store open(const std::filesystem::path& db_file, const StoreOptions& options);
    /// A fresh private in-memory database with schema + migrations (no JSON import).
    static Store open_in_memory(const StoreOptions& options);

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    // --- Chats (runtime failures of every query below throw StoreError) ---
    /// Upsert; no/empty name inserts the JID as name and keeps an existing name. Time becomes
    /// MAX(old, new) (NULL if either is NULL); channel/is_group keep the old value when absent.
    void store_chat_metadata(const std::string& jid, const std::string& timestamp,
                             const std::optional<std::string>& name = {},
                             const std::optional<std::string>& channel = {},
                             std::optional<bool> is_group = {});
    /// Inserts (jid, name, now) or, for a known chat, changes only the name.
    void update_chat_name(const std::string& jid, const std::string& name);
    /// Every chats row (sentinel included), newest last_message_time first.
    std::vector<ChatInfo> get_all_chats();
    /// Time of the last group metadata sync, if any.
    std::optional<std::string> get_last_group_sync();
    /// Records "now" as the last group metadata sync.
    void set_last_group_sync();

    // --- Messages ---
    /// Insert-or-replace on (id, chat_jid). The chat row must exist (foreign key).
    void store_message(const core::NewMessage& message);
    /// store_message for many rows in one transaction (all or nothing).
    void store_messages(std::span<const core::NewMessage> messages);
    /// Non-bot, non-empty messages of `jids` newer than `since`: the newest `limit`, ascending.
    NewMessagesResult get_new_messages(const std::vector<std::string>& jids,
                                       const std::string& since, const std::string& bot_prefix,
                                       int limit = 200);
    /// Same filters and shape for one chat.
    std::vector<core::NewMessage> get_messages_since(const std::string& chat_jid,
                                                     const std::string& since,
                                                     const std::string& bot_prefix,
                                                     int limit = 200);
    /// Quirk-1-free variant: the OLDEST `limit` rows after `since` (ascending), extended so a
    /// timestamp is never split across pages; new_timestamp never skips an unreturned row.
    NewMessagesResult get_new_messages_page(const std::vector<std::string>& jids,
                                            const std::string& since, const std::string& bot_prefix,
                                            int limit = 200);
    /// Greatest timestamp of the chat's bot messages (flag or "<prefix>:" content), if any.
    std::optional<std::string> get_last_bot_message_timestamp(const std::string& chat_jid,
                                                              const std::string& bot_prefix);

    // --- Scheduled tasks ---
    /// Plain insert (duplicate id throws). Empty script stores NULL; empty context_mode "isolated".
    void create_task(const core::ScheduledTask& task);
    std::optional<core::ScheduledTask> get_task_by_id(const std::string& id);
    /// Tasks of a folder / all tasks, newest created_at first.
    std::vector<core::ScheduledTask> get_tasks_for_group(const std::string& folder);
    std::vector<core::ScheduledTask> get_all_tasks();
    /// Changes only the supplied fields; nothing supplied means no statement at all.
    void update_task(const std::string& id, const TaskUpdate& update);
    /// Deletes the task's run logs, then the task.
    void delete_task(const std::string& id);
    /// Active tasks with next_run <= now (clock's now by default), earliest first.
    std::vector<core::ScheduledTask> get_due_tasks();
    std::vector<core::ScheduledTask> get_due_tasks(core::TimePoint now);
    /// Sets next_run, last_run = now, last_result; status "completed" iff next_run is empty.
    void update_task_after_run(const std::string& id, const std::optional<std::string>& next_run,
                               const std::string& last_result);
    /// Appends a run log; the task must exist (foreign key).
    void log_task_run(const core::TaskRunLog& log);

    // --- Router state and sessions ---
    std::optional<std::string> get_router_state(const std::string& key);
    void set_router_state(const std::string& key, const std::string& value);
    std::optional<std::string> get_session(const std::string& folder);
    void set_session(const std::string& folder, const std::string& session_id);
    void delete_session(const std::string& folder);
    std::map<std::string, std::string> get_all_sessions();

    // --- Registered groups ---
    /// v1's setter: throws core::InvalidGroupFolder `Invalid group folder "<f>" for JID <jid>`;
    /// insert-or-replace, so a folder taken by another JID silently deletes that row (quirk 4).
    void set_registered_group(const std::string& jid, const core::RegisteredGroup& group);
    /// Like set_registered_group, but refuses a folder already used by a different JID.
    tl::expected<void, std::string> register_group_checked(const std::string& jid,
                                                           const core::RegisteredGroup& group);
    /// The group with its JID; absent when unknown or its folder is invalid (warned).
    std::optional<GroupEntry> get_registered_group(const std::string& jid);
    std::optional<GroupEntry> get_registered_group_by_folder(const std::string& folder);
    /// JID -> group, rows with an invalid folder skipped with a warning.
    std::map<std::string, core::RegisteredGroup> get_all_registered_groups();
    /// SQLite's data_version: a number that changes whenever another connection (the setup CLI,
    /// another tool) commits to the database, and never for this Store's own writes. Lets the
    /// daemon notice registrations made outside it with one cheap query.
    std::int64_t data_version();

    // --- Additive tables (ours; created on first write, never in a fresh v1 schema) ---
    /// Appends a token_usage row (creating the table on first use).
    void record_usage(const UsageRecord& record);
    /// Sums per group folder, ordered by folder; empty when nothing was ever recorded.
    std::vector<GroupUsage> usage_by_group();

    // --- Channel outbox (additive; see src/store/outbox.cpp) ---
    /// Persists a message `channel` must deliver to `jid`; returns its id (FIFO per jid).
    std::int64_t outbox_add(const std::string& channel, const std::string& jid,
                            const std::string& text);
    /// Undelivered entries of `channel`, oldest first.
    std::vector<OutboxEntry> outbox_pending(const std::string& channel);
    /// Records that the first `sent_parts` parts of entry `id` were delivered.
    void outbox_progress(std::int64_t id, int sent_parts);
    /// Records a failed attempt (counted, with its reason) for entry `id`.
    void outbox_failed_attempt(std::int64_t id, const std::string& error);
    /// Deletes entry `id` (delivered, or dropped with a logged reason).
    void outbox_remove(std::int64_t id);

    // --- Delivery tracking by insertion order (ours; see src/store/delivery.cpp) ---
    /// Stores like store_message, but updates an existing (id, chat_jid) row in place so it keeps
    /// its sequence number; returns that number. `state`, when given, is written to router_state
    /// in the same transaction: one commit for the hot path (a message and v1's last_timestamp).
    struct StateUpdate {
        std::string key;
        std::string value;
    };
    std::int64_t store_message_seq(const core::NewMessage& message,
                                   const std::optional<StateUpdate>& state = std::nullopt);
    /// Visible messages of `chat_jid` with seq > `after`, oldest first, at most `limit`.
    std::vector<StoredMessage> get_messages_after_seq(const std::string& chat_jid,
                                                      std::int64_t after,
                                                      const std::string& bot_prefix, int limit);
    /// Greatest seq of the chat's messages with timestamp <= `timestamp` (0 when none).
    std::int64_t last_seq_at_or_before(const std::string& chat_jid, const std::string& timestamp);
    /// The seq just before the chat's newest `count` visible messages (0 when it has fewer).
    std::int64_t seq_before_newest(const std::string& chat_jid, const std::string& bot_prefix,
                                   int count);
    /// Committed delivery positions per chat (router_state key "delivery_cursors"; the schema
    /// stays v1's). Empty when none were saved or the value is corrupt (warned).
    std::map<std::string, DeliveryCursor> get_delivery_cursors();
    /// Replaces every saved position.
    void save_delivery_cursors(const std::map<std::string, DeliveryCursor>& cursors);
    /// Changes one chat's position (read-modify-write of the whole value).
    void set_delivery_cursor(const std::string& chat_jid, std::int64_t seq,
                             const std::string& timestamp);

    /// Imports data/router_state.json, sessions.json, registered_groups.json (spec §10.4).
    /// open() calls it; exposed for tests and tools.
    void import_legacy_json(const std::filesystem::path& data_dir);

    struct Impl;

  private:
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace nanoclaw::store
