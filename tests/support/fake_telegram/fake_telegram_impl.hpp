// SPDX-License-Identifier: MIT
// Private state of FakeTelegram, shared by the server (fake_telegram.cpp), the Bot API methods
// (fake_telegram_api.cpp) and the Update helpers (fake_telegram_updates.cpp). One mutex guards
// everything but the sockets; one condition variable wakes held polls, delays and shutdown.
#pragma once

#include <utility> // before Asio (1.74's awaitable.hpp needs it)

#include <atomic>
#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/ip/tcp.hpp>

#include "fake_telegram.hpp"

namespace nanoclaw::testing::fake_telegram_detail {

using Json = nlohmann::json;

/// One HTTP request, reduced to what the Bot API looks at.
struct Request {
    std::string target;
    std::string content_type;
    std::string body;
};

/// What to send back; `drop` closes the connection without answering.
struct Reply {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
    bool drop = false;

    static Reply dropped() {
        Reply r;
        r.drop = true;
        return r;
    }
};

struct ApiError {
    int code = 400;
    std::string description;
    std::optional<int> retry_after;
};

Reply ok_reply(Json result);
Reply error_reply(const ApiError& error);

/// ASCII lower case (method names and parse modes are case-insensitive at Telegram).
std::string lower(std::string text);
/// Length in UTF-16 code units, the unit of Telegram's text limits and entity offsets.
std::size_t utf16_length(std::string_view utf8);
/// Entities Telegram would attach to `text`: a leading bot_command and @username mentions.
Json detect_entities(std::string_view text);
/// The update's type: its first key other than update_id ("message", "channel_post", ...).
std::string update_type(const Json& update);
/// An integer from a JSON number or a decimal string (query and form values are strings).
std::optional<std::int64_t> int_param(const Json& params, const char* name);

} // namespace nanoclaw::testing::fake_telegram_detail

namespace nanoclaw::testing {

struct FakeTelegram::Impl {
    using Lock = std::unique_lock<std::mutex>;
    using Json = nlohmann::json;
    using Reply = fake_telegram_detail::Reply;

    // ---- Script and state (guarded by mutex) ----
    std::string token;
    Json bot = {
        {"id", 12345}, {"is_bot", true}, {"first_name", "Andy"}, {"username", "andy_ai_bot"}};
    std::map<std::string, std::deque<fake_telegram_detail::ApiError>> failures;
    std::map<std::string, std::deque<std::chrono::milliseconds>> delays;
    std::map<std::string, int> drops;
    std::map<std::string, int> malformed;
    bool markdown_rejected = false;
    bool conflict = false;
    std::deque<Json> pending; // ids ascending
    std::int64_t next_update_id = 1;
    std::int64_t acknowledged = 0;
    std::uint64_t poll_generation = 0;        // a newer getUpdates ends an older held one with 409
    std::vector<std::string> allowed_updates; // empty: Telegram's default set
    std::map<std::int64_t, std::int64_t> next_message_id;
    std::map<std::int64_t, Json> chats; // seen in pushed updates
    std::vector<Call> calls;
    std::vector<Json> sent;
    bool stopping = false;
    mutable std::mutex mutex;
    std::condition_variable cv;

    // ---- Network ----
    struct Worker {
        std::shared_ptr<boost::asio::ip::tcp::socket> socket;
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor{io};
    std::thread accept_thread;
    std::list<Worker> workers; // guarded by mutex
    std::atomic<std::size_t> connections{0};

    void accept_loop();
    void serve(boost::asio::ip::tcp::socket& socket);

    // fake_telegram_api.cpp: one request in, one reply out (may block: delays, long polls).
    Reply handle(const fake_telegram_detail::Request& request);
    std::optional<Reply> scripted_fault(Lock& lock, const std::string& method);
    Reply dispatch(Lock& lock, const std::string& method, const Json& params);
    Reply get_updates(Lock& lock, const Json& params);
    Reply send_message(const Json& params);
    Reply send_chat_action(const Json& params);
    Reply get_chat(const Json& params);

    // fake_telegram_updates.cpp (mutex held).
    void acknowledge(std::int64_t offset);
    Json deliverable(std::int64_t offset, std::int64_t limit) const;
    bool allowed(const Json& update) const;
    Json chat_object(std::int64_t chat_id) const;
    std::int64_t take_message_id(std::int64_t chat_id);
};

} // namespace nanoclaw::testing
