// SPDX-License-Identifier: MIT
// Supervising the bridge: start it, tell it to connect, and act on what it reports. The policy
// is the daemon's (docs/whatsapp-bridge-protocol.md): capped, jittered back-off for reconnects
// and restarts (the reference reconnected at once, forever), 515 at once, 401 final, 440
// repeating said out loud. Other channels never wait on any of this.
#include <cctype>

#include <spdlog/spdlog.h>

#include "channel_state.hpp"
#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::channels::whatsapp {
namespace {

using namespace std::chrono_literals;
using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string lowercase(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string exit_text(std::optional<int> code) {
    return code ? "exit code " + std::to_string(*code) : std::string("killed by a signal");
}

awaitable<void> run_after(StatePtr s, std::shared_ptr<asio::steady_timer> timer, int generation,
                          bool restart) {
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
    if (ec || s->stopping || s->logged_out || s->backoff != timer) co_return;
    s->backoff.reset();
    if (restart) {
        start_bridge(s);
    } else if (s->bridge && s->generation == generation && !s->connected) {
        s->bridge->send(encode_connect());
    }
}

// Reconnects (or restarts the bridge) after `delay`; one pending back-off at a time.
void schedule(const StatePtr& s, milliseconds delay, bool restart) {
    if (s->backoff) s->backoff->cancel();
    if (!restart && delay.count() == 0 && s->bridge) {
        s->backoff.reset();
        s->bridge->send(encode_connect());
        return;
    }
    s->backoff = std::make_shared<asio::steady_timer>(s->io, delay);
    core::spawn(s->io.get_executor(), "whatsapp back-off",
                run_after(s, s->backoff, s->generation, restart));
}

void abandon_requests(ChannelState& s) {
    for (auto& [id, pending] : s.pending)
        pending->timer.cancel();
    s.pending.clear();
}

// Logged out (401) or never linked (a QR request): the session cannot come back by itself, so
// the channel stops instead of looping, and says how to link again: log, status, main chat.
void stop_logged_out(const StatePtr& s, const std::string& why) {
    if (s->logged_out) return;
    s->logged_out = true;
    s->connected = false;
    s->problem =
        why + "; link it again with: " + std::string(k_relink_hint) + ", then restart nanoclaw";
    spdlog::error("WhatsApp: {}", s->problem);
    if (s->backoff) s->backoff->cancel();
    s->backoff.reset();
    abandon_requests(*s);
    s->notify_change();
    if (s->callbacks.on_channel_notice) {
        s->callbacks.on_channel_notice("WhatsApp stopped: " + why +
                                       ". Messages for WhatsApp are kept until it is linked "
                                       "again. To link it, run `" +
                                       std::string(k_relink_hint) + "`, then restart nanoclaw.");
    }
    if (s->bridge) core::spawn(s->io.get_executor(), "whatsapp bridge stop", stop_bridge(s));
}

void on_connected(const StatePtr& s, const ConnectedEvent& e) {
    const auto now = std::chrono::steady_clock::now();
    s->lids.set_own(e.id, e.lid);
    s->account = jid_user(e.id);
    if (s->disconnected_at != SteadyTime{}) {
        spdlog::info("Connected to WhatsApp as +{} (the link was down for {} s)", s->account,
                     duration_cast<seconds>(now - s->disconnected_at).count());
    } else {
        spdlog::info("Connected to WhatsApp as +{}", s->account);
    }
    s->connected = true;
    s->connected_at = now;
    s->problem.clear();
    s->notify_change(); // connect() returns, the outbox's lanes flush in order
    core::spawn(s->io.get_executor(), "whatsapp group sync", [](StatePtr state) -> awaitable<void> {
        co_await sync_groups_now(state, false);
    }(s));
    start_sync_timer(s);
}

void on_disconnected(const StatePtr& s, const DisconnectedEvent& e) {
    const auto now = std::chrono::steady_clock::now();
    const bool was = s->connected;
    s->connected = false;
    s->disconnected_at = now;
    s->notify_change();
    if (s->stopping || s->logged_out) return;
    if (was && now - s->connected_at >= s->settings.reconnect.stable_after) {
        s->disconnects = 0;
        s->replaced = 0;
    }
    ++s->disconnects;
    s->replaced = e.reason == k_reason_connection_replaced ? s->replaced + 1 : 0;
    const auto d = decide_reconnect(e.reason, s->disconnects, s->replaced, s->settings.reconnect);
    if (d.action == ReconnectAction::stop) {
        stop_logged_out(s, "the session was logged out (the linked device was removed or expired)");
        return;
    }
    if (d.replaced) {
        s->problem = "another process is using " + s->settings.auth_dir.string() +
                     " (WhatsApp replaced this session " + std::to_string(s->replaced) +
                     " times); stop the other nanoclawd or auth step";
        spdlog::warn("WhatsApp: {}; trying again in {} s", s->problem,
                     duration_cast<seconds>(d.delay).count());
    } else {
        s->problem = "reconnecting (closed with reason " + std::to_string(e.reason) + ")";
        spdlog::warn("WhatsApp connection closed reason={} ({}); reconnecting in {} ms, {} "
                     "message(s) waiting",
                     e.reason, e.message, d.delay.count(), s->outbox ? s->outbox->pending() : 0);
    }
    schedule(s, d.delay, false);
}

void answer(ChannelState& s, std::int64_t id, BridgeEvent event) {
    auto it = s.pending.find(id);
    if (it == s.pending.end()) {
        spdlog::debug("WhatsApp bridge answered unknown request {}", id);
        return;
    }
    it->second->answer = std::move(event);
    it->second->timer.cancel();
    s.pending.erase(it);
}

void on_message(const StatePtr& s, const MessageEvent& e) {
    try {
        const auto& callbacks = s->callbacks;
        const auto registered = [&callbacks](const std::string& jid) {
            return callbacks.registered_groups && callbacks.registered_groups().count(jid) > 0;
        };
        auto mapped = map_inbound(e, s->lids, s->mapping, registered);
        if (!mapped) return;
        if (mapped->via_sender_pn)
            spdlog::info("Translated LID via senderPn lid={} phone={}", mapped->raw_jid,
                         mapped->chat.jid);
        if (callbacks.on_chat_metadata) callbacks.on_chat_metadata(mapped->chat);
        if (mapped->unmatched_translation) {
            std::string jids;
            for (const auto& [jid, group] : callbacks.registered_groups())
                jids += (jids.empty() ? "" : ", ") + jid;
            spdlog::warn("WhatsApp message JID not found in registered groups after translation "
                         "raw={} translated={} registered=[{}]",
                         mapped->raw_jid, mapped->chat.jid, jids);
        }
        if (mapped->message && callbacks.on_message)
            callbacks.on_message(std::move(*mapped->message));
    } catch (const std::exception& err) {
        spdlog::error("WhatsApp: error processing incoming message id={} jid={}: {}", e.id,
                      e.remote_jid, err.what());
    }
}

void dispatch(const StatePtr& s, BridgeEvent event) {
    if (auto* e = std::get_if<StartedEvent>(&event)) {
        spdlog::info("WhatsApp bridge started (bridge {}, Baileys {}, {})", e->bridge_version,
                     e->baileys_version, e->registered ? "linked" : "not linked");
    } else if (std::holds_alternative<QrEvent>(event) ||
               std::holds_alternative<PairingCodeEvent>(event)) {
        stop_logged_out(s, "the session is not linked (WhatsApp asked for a QR code)");
    } else if (auto* c = std::get_if<ConnectedEvent>(&event)) {
        on_connected(s, *c);
    } else if (auto* d = std::get_if<DisconnectedEvent>(&event)) {
        on_disconnected(s, *d);
    } else if (auto* m = std::get_if<MessageEvent>(&event)) {
        on_message(s, *m);
    } else if (auto* l = std::get_if<LidMappingEvent>(&event)) {
        if (s->lids.add(l->lid, l->pn)) spdlog::debug("WhatsApp LID {} is {}", l->lid, l->pn);
    } else if (auto* g = std::get_if<GroupsEvent>(&event)) {
        answer(*s, g->request_id, std::move(event));
    } else if (auto* sent = std::get_if<SentEvent>(&event)) {
        answer(*s, sent->request_id, std::move(event));
    } else if (auto* failed = std::get_if<SendFailedEvent>(&event)) {
        answer(*s, failed->request_id, std::move(event));
    } else if (auto* err = std::get_if<ErrorEvent>(&event)) {
        spdlog::warn("WhatsApp bridge error: {}", err->error);
        if (err->request_id != 0) answer(*s, err->request_id, std::move(event));
    } else if (auto* r = std::get_if<ReceiptEvent>(&event)) {
        spdlog::debug("WhatsApp receipt id={} jid={} status={}", r->id, r->jid, r->status);
    } else if (std::holds_alternative<LoggedOutEvent>(event)) {
        spdlog::info("WhatsApp bridge: logged out");
    }
}

void on_line(const std::weak_ptr<ChannelState>& weak, int generation, std::string line) {
    auto s = weak.lock();
    if (!s || s->generation != generation) return;
    auto event = parse_bridge_event(line);
    if (!event) {
        spdlog::warn("WhatsApp bridge: ignoring a bad line ({}): {:.200}", event.error(), line);
        return;
    }
    dispatch(s, std::move(*event));
}

void on_stderr(std::string line) {
    const auto lower = lowercase(line);
    if (lower.find("error") != std::string::npos || lower.find("fatal") != std::string::npos ||
        lower.find("warn") != std::string::npos) {
        spdlog::warn("WhatsApp bridge: {}", line);
    } else {
        spdlog::debug("WhatsApp bridge: {}", line);
    }
}

void on_exit(const std::weak_ptr<ChannelState>& weak, int generation, std::optional<int> code) {
    auto s = weak.lock();
    if (!s || s->generation != generation) return;
    const auto now = std::chrono::steady_clock::now();
    const bool was = s->connected;
    s->connected = false;
    if (was) s->disconnected_at = now;
    abandon_requests(*s);
    s->notify_change();
    // Destroyed on the next turn: this handler runs inside the process object's coroutine.
    asio::post(s->io, [old = std::shared_ptr<BridgeProcess>(std::move(s->bridge))] {});
    if (s->stopping || s->logged_out) return;
    if (now - s->bridge_started_at >= s->settings.reconnect.stable_after) s->restarts = 0;
    const auto delay = restart_delay(++s->restarts, s->settings.reconnect);
    s->problem = "the bridge exited (" + exit_text(code) + "); restarting";
    spdlog::warn("WhatsApp bridge exited ({}); starting it again in {} ms", exit_text(code),
                 delay.count());
    schedule(s, delay, true);
}

} // namespace

awaitable<void> wait_for_change(StatePtr s, std::chrono::milliseconds limit) {
    auto timer = std::make_shared<asio::steady_timer>(s->io, limit);
    s->change_waiters.insert(timer);
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
    s->change_waiters.erase(timer);
}

awaitable<std::optional<BridgeEvent>> request(StatePtr s, std::int64_t id, std::string line,
                                              std::chrono::milliseconds limit) {
    if (!s->bridge) co_return std::nullopt;
    auto pending = std::make_shared<PendingRequest>(s->io);
    pending->timer.expires_after(limit);
    s->pending[id] = pending;
    s->bridge->send(std::move(line));
    boost::system::error_code ec;
    co_await pending->timer.async_wait(asio::redirect_error(use_awaitable, ec));
    s->pending.erase(id); // timed out: a late answer is ignored
    co_return pending->answer;
}

void start_bridge(const StatePtr& s) {
    if (s->stopping || s->logged_out || s->bridge) return;
    const int generation = ++s->generation;
    std::weak_ptr<ChannelState> weak = s;
    BridgeHandlers handlers{
        [weak, generation](std::string line) { on_line(weak, generation, std::move(line)); },
        [](std::size_t n) {
            spdlog::warn("WhatsApp bridge: dropped a line of {} bytes (over the {} byte limit)", n,
                         k_max_bridge_line);
        },
        [](std::string line) { on_stderr(std::move(line)); },
        [weak, generation](std::optional<int> code) { on_exit(weak, generation, code); }};
    core::SpawnOptions options;
    const auto argv = bridge_argv(s->settings);
    options.binary = argv.front();
    options.args.assign(argv.begin() + 1, argv.end());
    // The bridge never sees the daemon's credentials (the same rule the setup steps use).
    options.removed_env = secret_env_names(core::process_env());
    options.cwd = s->settings.root;
    s->bridge_started_at = std::chrono::steady_clock::now();
    try {
        s->bridge = std::make_unique<BridgeProcess>(s->io, options, std::move(handlers));
    } catch (const std::exception& e) {
        const auto delay = restart_delay(++s->restarts, s->settings.reconnect);
        s->problem = std::string("cannot start the bridge: ") + e.what();
        spdlog::error("WhatsApp: {} (command: {}); trying again in {} ms", s->problem,
                      options.binary, delay.count());
        s->notify_change();
        schedule(s, delay, true);
        return;
    }
    spdlog::debug("WhatsApp bridge pid={} started", s->bridge->pid());
    s->bridge->send(encode_connect());
}

awaitable<void> stop_bridge(StatePtr s) {
    if (!s->bridge) co_return;
    auto* bridge = s->bridge.get();
    co_await bridge->stop(encode_shutdown(), s->settings.shutdown_grace);
}

} // namespace nanoclaw::channels::whatsapp
