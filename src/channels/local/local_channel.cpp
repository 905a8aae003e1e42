// SPDX-License-Identifier: MIT
#include "nanoclaw/channels/local/local_channel.hpp"

#include <sys/stat.h>

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <stdexcept>
#include <vector>

#include <spdlog/spdlog.h>

#include "local_session.hpp"
#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::channels {

using local::Session;

struct LocalChannel::Impl : std::enable_shared_from_this<Impl> {
    struct ChatState {
        bool reported = false;               ///< on_chat_metadata already called in this process
        std::optional<core::TimePoint> last; ///< timestamp of the chat's latest message
    };

    Impl(core::Clock& c, LocalChannelOptions o, ChannelCallbacks cb)
        : clock(c), options(std::move(o)), callbacks(std::move(cb)) {}

    static awaitable<void> accept_loop(std::shared_ptr<Impl> impl);
    void add_session(local::Socket socket);
    void handle_line(const std::shared_ptr<Session>& session, std::string line);
    void deliver(const local::ClientRequest& request, Session& session);
    void answer_status(Session& session);
    void answer_sync(const std::shared_ptr<Session>& session);
    core::TimePoint next_timestamp(ChatState& state);
    /// Sends `line` to the chat's clients; with `keep`, a line nobody hears is kept for the next
    /// client that subscribes (a reply that arrives while no terminal is open is not lost).
    void broadcast(const std::string& chat, const std::string& line, bool keep = false);
    void flush_unheard(const std::string& chat, Session& session);
    void shutdown();

    /// Replies kept per chat while no client listens; the oldest are dropped past this.
    static constexpr std::size_t k_max_unheard = 100;

    core::Clock& clock;
    LocalChannelOptions options;
    ChannelCallbacks callbacks;
    std::optional<local::Acceptor> acceptor;
    std::optional<ino_t> socket_inode; ///< so shutdown removes only the file we created
    std::map<std::uint64_t, std::shared_ptr<Session>> sessions;
    std::map<std::string, ChatState> chats;
    std::map<std::string, std::deque<std::string>> unheard;
    std::uint64_t next_session_id = 1;
    std::uint64_t message_counter = 0;
    bool connected = false;
};

awaitable<void> LocalChannel::Impl::accept_loop(std::shared_ptr<Impl> impl) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer backoff(executor);
    while (impl->acceptor && impl->acceptor->is_open()) {
        boost::system::error_code ec;
        local::Socket socket =
            co_await impl->acceptor->async_accept(asio::redirect_error(use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !impl->connected) co_return;
        if (ec) { // e.g. out of file descriptors: back off instead of spinning
            spdlog::warn("Local channel: accept failed: {}", ec.message());
            backoff.expires_after(std::chrono::milliseconds(200));
            co_await backoff.async_wait(asio::redirect_error(use_awaitable, ec));
            continue;
        }
        impl->add_session(std::move(socket));
    }
}

void LocalChannel::Impl::add_session(local::Socket socket) {
    const auto id = next_session_id++;
    auto session = std::make_shared<Session>(
        std::move(socket), id, Session::Limits{options.max_line_bytes, options.max_queue_bytes});
    sessions.emplace(id, session);
    std::weak_ptr<Impl> weak = weak_from_this(); // sessions must not keep the channel alive
    session->start(
        [weak](const std::shared_ptr<Session>& s, std::string line) {
            if (auto self = weak.lock()) self->handle_line(s, std::move(line));
        },
        [weak](std::uint64_t closed_id) {
            if (auto self = weak.lock()) self->sessions.erase(closed_id);
        });
}

void LocalChannel::Impl::handle_line(const std::shared_ptr<Session>& session, std::string line) {
    auto request = local::parse_client_line(line);
    if (!request) {
        session->send(local::encode_error(request.error()));
        return;
    }
    if (request->kind == local::ClientRequest::Kind::daemon_status) {
        answer_status(*session);
        return;
    }
    if (request->kind == local::ClientRequest::Kind::sync_groups) {
        answer_sync(session);
        return;
    }
    // Sending into a chat also subscribes: the sender wants that chat's replies.
    session->join_chat(request->chat);
    flush_unheard(request->chat, *session);
    if (request->kind == local::ClientRequest::Kind::message) deliver(*request, *session);
}

core::TimePoint LocalChannel::Impl::next_timestamp(ChatState& state) {
    using std::chrono::milliseconds;
    core::TimePoint now = std::chrono::floor<milliseconds>(clock.now());
    // Stored timestamps order messages by string comparison: two equal ones would make the
    // router's "since" cursor skip or repeat a message, so each chat's are strictly increasing.
    if (state.last && now <= *state.last) now = *state.last + milliseconds(1);
    state.last = now;
    return now;
}

void LocalChannel::Impl::deliver(const local::ClientRequest& request, Session& session) {
    ChatState& state = chats[request.chat];
    const std::string jid = local::jid_for(request.chat);
    const core::TimePoint when = next_timestamp(state);
    const std::string timestamp = core::format_iso(when);
    const auto epoch_ms = when.time_since_epoch() / std::chrono::milliseconds(1);
    core::NewMessage message;
    message.id = "local-" + std::to_string(epoch_ms) + "-" + std::to_string(++message_counter);
    message.chat_jid = jid;
    message.sender = request.sender;
    message.sender_name = request.sender;
    message.content = request.text;
    message.timestamp = timestamp;
    try {
        if (!state.reported && callbacks.on_chat_metadata) {
            callbacks.on_chat_metadata(ChatMetadata{jid, timestamp, request.chat, "local", false});
        }
        state.reported = true;
        if (callbacks.on_message) callbacks.on_message(std::move(message));
    } catch (const std::exception& e) {
        spdlog::error("Local channel: could not deliver a message for {}: {}", jid, e.what());
        // The sender keeps the text and can send it again; the reason is theirs to see.
        session.send(local::encode_error(std::string("the message was not stored (") + e.what() +
                                         "); send it again once the daemon's log shows the "
                                         "problem solved"));
        return;
    }
    // Checked after on_message so an orchestrator that registers chats on first contact works.
    if (callbacks.registered_groups && callbacks.registered_groups().count(jid) == 0) {
        session.send(local::encode_error("chat " + jid +
                                         " is not registered: the message was stored but no "
                                         "agent will answer it"));
    }
}

void LocalChannel::Impl::answer_status(Session& session) {
    if (!options.daemon_status) {
        session.send(local::encode_error("daemon status is not available"));
        return;
    }
    try {
        session.send(local::encode_daemon_status(options.daemon_status()));
    } catch (const std::exception& e) {
        spdlog::error("Local channel: daemon status failed: {}", e.what());
        session.send(local::encode_error("the daemon could not report its status (see its log)"));
    }
}

// The sync talks to remote platforms: the answer comes later, to this client only (a client
// that left meanwhile is simply not written to).
void LocalChannel::Impl::answer_sync(const std::shared_ptr<Session>& session) {
    if (!options.sync_groups) {
        session->send(local::encode_error("group sync is not available"));
        return;
    }
    std::weak_ptr<Session> weak = session;
    options.sync_groups([weak](nlohmann::json channels) {
        if (auto s = weak.lock()) s->send(local::encode_sync_groups(std::move(channels)));
    });
}

void LocalChannel::Impl::flush_unheard(const std::string& chat, Session& session) {
    auto it = unheard.find(chat);
    if (it == unheard.end()) return;
    for (const auto& line : it->second) session.send(line);
    unheard.erase(it);
}

void LocalChannel::Impl::broadcast(const std::string& chat, const std::string& line, bool keep) {
    // A snapshot: send() may drop a slow client, which erases it from `sessions`.
    std::vector<std::shared_ptr<Session>> targets;
    for (const auto& [id, session] : sessions) {
        if (session->in_chat(chat)) targets.push_back(session);
    }
    if (targets.empty() && keep) {
        spdlog::info("Local channel: no client is listening on chat {}; the reply is kept for "
                     "the next client that opens it",
                     chat);
        auto& kept = unheard[chat];
        if (kept.size() == k_max_unheard) {
            spdlog::warn("Local channel: dropping the oldest unheard reply for chat {}", chat);
            kept.pop_front();
        }
        kept.push_back(line);
        return;
    }
    for (const auto& session : targets)
        session->send(line);
}

void LocalChannel::Impl::shutdown() {
    connected = false;
    boost::system::error_code ec;
    if (acceptor) acceptor->close(ec);
    std::vector<std::shared_ptr<Session>> all;
    for (const auto& [id, session] : sessions)
        all.push_back(session);
    for (const auto& session : all)
        session->close();
    sessions.clear();
    struct stat st {};
    if (socket_inode && ::lstat(options.socket_path.c_str(), &st) == 0 &&
        st.st_ino == *socket_inode) {
        std::error_code fs_ec;
        std::filesystem::remove(options.socket_path, fs_ec);
    }
    socket_inode.reset();
}

LocalChannel::LocalChannel(core::Clock& clock, LocalChannelOptions options,
                           ChannelCallbacks callbacks)
    : impl_(std::make_shared<Impl>(clock, std::move(options), std::move(callbacks))) {}

LocalChannel::~LocalChannel() {
    impl_->shutdown();
}

awaitable<void> LocalChannel::connect() {
    auto executor = co_await asio::this_coro::executor;
    impl_->acceptor.emplace(local::listen_unix(executor, impl_->options.socket_path));
    struct stat st {};
    if (::lstat(impl_->options.socket_path.c_str(), &st) == 0) impl_->socket_inode = st.st_ino;
    impl_->connected = true;
    core::spawn(executor, "local channel accept loop", Impl::accept_loop(impl_));
    spdlog::info("Local channel listening on {}", impl_->options.socket_path.string());
}

awaitable<void> LocalChannel::send_message(std::string jid, std::string text) {
    auto chat = local::chat_of(jid);
    if (!chat) throw std::invalid_argument("local channel does not own JID " + jid);
    impl_->broadcast(*chat, local::encode_message(*chat, text), true);
    co_return;
}

awaitable<void> LocalChannel::send_notice(std::string jid, std::string text) {
    auto chat = local::chat_of(jid);
    if (!chat) throw std::invalid_argument("local channel does not own JID " + jid);
    impl_->broadcast(*chat, local::encode_notice(*chat, text), true);
    co_return;
}

awaitable<void> LocalChannel::set_status(std::string jid, std::string text) {
    if (auto chat = local::chat_of(jid)) impl_->broadcast(*chat, local::encode_status(*chat, text));
    co_return;
}

awaitable<void> LocalChannel::set_typing(std::string jid, bool on) {
    if (auto chat = local::chat_of(jid)) impl_->broadcast(*chat, local::encode_typing(*chat, on));
    co_return;
}

bool LocalChannel::is_connected() const {
    return impl_->connected;
}

std::string LocalChannel::status_detail() const {
    const auto n = impl_->sessions.size();
    return std::to_string(n) + (n == 1 ? " client" : " clients") + " on " +
           impl_->options.socket_path.string();
}

bool LocalChannel::owns_jid(const std::string& jid) const {
    return jid.rfind(local::k_jid_prefix, 0) == 0;
}

awaitable<void> LocalChannel::disconnect() {
    impl_->shutdown();
    co_return;
}

std::size_t LocalChannel::client_count() const {
    return impl_->sessions.size();
}

std::filesystem::path local_socket_path(const core::Config& config) {
    return config.data_dir / "nanoclawd.sock";
}

ChannelFactory make_local_channel_factory(
    const core::Config& config, core::Clock& clock, std::function<nlohmann::json()> daemon_status,
    std::function<void(std::function<void(nlohmann::json)>)> sync_groups) {
    return [enabled = config.local_channel, path = local_socket_path(config), &clock,
            daemon_status = std::move(daemon_status), sync_groups = std::move(sync_groups)](
               const ChannelCallbacks& callbacks) -> std::unique_ptr<Channel> {
        if (!enabled) return nullptr;
        LocalChannelOptions options;
        options.socket_path = path;
        options.daemon_status = daemon_status;
        options.sync_groups = sync_groups;
        return std::make_unique<LocalChannel>(clock, std::move(options), callbacks);
    };
}

} // namespace nanoclaw::channels
