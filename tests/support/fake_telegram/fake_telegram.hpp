// SPDX-License-Identifier: MIT
// A scriptable loopback fake of the Telegram Bot API (spec 30 §14.8) for channel tests and
// benchmarks: plain HTTP/1.1 with keep-alive on 127.0.0.1:0, blocking I/O with one thread per
// connection, so a test can hold a long poll open, script faults and observe every call.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nanoclaw::testing {

/// What `FakeTelegram::text_update` puts around the text; the defaults are the spec's sender.
struct TextUpdateOptions {
    std::int64_t from_id = 99001;
    std::string first_name = "Alice";
    std::string username = "alice_user"; ///< "" leaves `username` out (sender and private chat)
    std::string title = "Test Group";    ///< chat title for group, supergroup and channel
    std::optional<std::int64_t> date;    ///< Unix seconds; now when unset
    /// null: detected as Telegram does (a leading `/command` as bot_command, `@username` of 5-32
    /// characters as mention, offsets in UTF-16 units); otherwise copied as given.
    nlohmann::json entities = nullptr;
};

class FakeTelegram {
  public:
    /// One request as received. `params` merges the query string and the body (JSON values as
    /// sent; query and form values stay strings). Wrong-token calls are recorded too.
    struct Call {
        std::string method; ///< canonical spelling for known methods ("getMe" for "/getme")
        nlohmann::json params;
        std::chrono::steady_clock::time_point at;
        std::string token; ///< as seen in the URL
    };

    /// Listens on 127.0.0.1:0 (plain HTTP). `token` is the only accepted bot token.
    explicit FakeTelegram(std::string token = "123456:TEST-token");
    /// Stops and joins every thread, also with a long poll or a delay held open.
    ~FakeTelegram();
    FakeTelegram(const FakeTelegram&) = delete;
    FakeTelegram& operator=(const FakeTelegram&) = delete;

    /// "http://127.0.0.1:<port>" (no trailing slash); requests go to
    /// `<base_url>/bot<token>/<method>`.
    std::string base_url() const;
    std::uint16_t port() const;

    // ---- Scripting -------------------------------------------------------------------------
    /// The getMe result (also `from` of sent messages); default 12345 / andy_ai_bot / Andy.
    void set_bot(std::int64_t id, std::string username, std::string first_name);
    /// Queues an Update (an object without update_id), assigns the next update_id (from 1), wakes
    /// a held getUpdates and returns the id. A `message.chat` is remembered for getChat.
    std::int64_t push_update(nlohmann::json update_without_id);
    /// A realistic text-message Update body for push_update; `chat_type` is "private", "group",
    /// "supergroup" or "channel". message_id counts per chat, shared with sendMessage replies.
    nlohmann::json text_update(std::int64_t chat_id, std::string chat_type, std::string text,
                               TextUpdateOptions options = {});
    /// The next call of `method` (FIFO per method) answers {"ok":false,"error_code":N,
    /// "description":...,"parameters":{"retry_after":S}} with HTTP status N; nothing is processed.
    void fail_next(std::string method, int error_code, std::string description,
                   std::optional<int> retry_after = {});
    /// sendMessage with parse_mode "Markdown" (any case; not MarkdownV2) answers 400 "Bad Request:
    /// can't parse entities: ..." and is not counted as sent.
    void reject_markdown(bool on);
    /// Every getUpdates answers 409 "Conflict: terminated by other getUpdates request; ...".
    void set_conflict(bool on);
    /// The next call of `method` waits `delay` before it is handled (FIFO per method).
    void delay_next(std::string method, std::chrono::milliseconds delay);
    /// The next call of `method` is read, recorded, then the connection is closed unanswered.
    void drop_next(std::string method);
    /// The next call of `method` answers 200 with an HTML body (not JSON).
    void malformed_next(std::string method);
    /// The allowed_updates list Telegram remembers for this token, as if an earlier poller sent
    /// it; getUpdates without the parameter keeps filtering by it. Empty: Telegram's default.
    void remember_allowed_updates(std::vector<std::string> types);

    // ---- Observations (thread-safe) --------------------------------------------------------
    std::vector<Call> calls() const;
    std::vector<Call> calls_of(const std::string& method) const;
    /// Params of each successful sendMessage (chat_id, text, parse_mode ... as sent).
    std::vector<nlohmann::json> sent_messages() const;
    /// Polls `predicate` every few milliseconds; true once it holds, false after `limit`.
    bool wait_for(std::function<bool()> predicate,
                  std::chrono::milliseconds limit = std::chrono::milliseconds(10'000)) const;
    /// The highest positive offset any getUpdates passed (0 before any).
    std::int64_t last_acknowledged_offset() const;
    /// Updates pushed and not yet confirmed by an offset.
    std::size_t pending_count() const;
    /// TCP connections accepted so far (one per client when keep-alive works).
    std::size_t connections_accepted() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

} // namespace nanoclaw::testing
