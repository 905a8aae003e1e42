// SPDX-License-Identifier: MIT
// Private: the state the WhatsApp channel's coroutines share (bridge supervision, outbox
// delivery, group sync). Held by shared_ptr, so a coroutine still running at disconnect never
// touches freed memory; the bridge's handlers hold it weakly.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "nanoclaw/channels/outbox.hpp"
#include "nanoclaw/channels/whatsapp/bridge_process.hpp"
#include "nanoclaw/channels/whatsapp/bridge_protocol.hpp"
#include "nanoclaw/channels/whatsapp/mapping.hpp"
#include "nanoclaw/channels/whatsapp/settings.hpp"
#include "nanoclaw/store/store.hpp"

namespace nanoclaw::channels::whatsapp {

using SteadyTime = std::chrono::steady_clock::time_point;

/// A request waiting for the bridge's answer (`sent`/`send_failed`, `groups`/`error`).
struct PendingRequest {
    explicit PendingRequest(asio::io_context& io) : timer(io) {}
    asio::steady_timer timer;          ///< cancelled when answered or abandoned
    std::optional<BridgeEvent> answer; ///< empty: the bridge went away or did not answer
};

struct ChannelState {
    ChannelState(asio::io_context& context, WhatsAppSettings s, ChannelCallbacks cb,
                 store::Store& st)
        : io(context), settings(std::move(s)), callbacks(std::move(cb)),
          store(st), mapping{settings.assistant_name, settings.assistant_has_own_number} {}

    asio::io_context& io;
    WhatsAppSettings settings;
    ChannelCallbacks callbacks;
    store::Store& store;
    MappingOptions mapping;
    LidTranslator lids;
    std::unique_ptr<Outbox> outbox;

    std::unique_ptr<BridgeProcess> bridge;
    int generation = 0;      ///< bumped per bridge process: late events of an old one are ignored
    bool connected = false;  ///< the last event was `connected`
    bool stopping = false;   ///< disconnect() ran
    bool logged_out = false; ///< 401 or a QR request: stopped until the user links again
    std::string account;     ///< the linked phone number
    std::string problem;     ///< why it is not connected, for `nanoclaw status`
    int disconnects = 0;     ///< since the last stable connection
    int replaced = 0;        ///< consecutive 440s
    int restarts = 0;        ///< consecutive bridge exits
    SteadyTime connected_at{}, disconnected_at{}, bridge_started_at{};
    std::int64_t next_request = 1;
    std::map<std::int64_t, std::shared_ptr<PendingRequest>> pending;
    std::set<std::shared_ptr<asio::steady_timer>> change_waiters;
    std::shared_ptr<asio::steady_timer> backoff; ///< the scheduled reconnect or restart
    std::shared_ptr<asio::steady_timer> sync_timer;

    /// Wakes everyone waiting for a change of the link state.
    void notify_change() {
        for (const auto& timer : change_waiters)
            timer->cancel();
        change_waiters.clear();
    }
};

using StatePtr = std::shared_ptr<ChannelState>;

/// Waits until the link state changes (connected, disconnected, stopped) or `limit` passes.
awaitable<void> wait_for_change(StatePtr s, std::chrono::milliseconds limit);
/// Sends `line` (a request numbered `id`) and waits for its answer up to `limit`.
awaitable<std::optional<BridgeEvent>> request(StatePtr s, std::int64_t id, std::string line,
                                              std::chrono::milliseconds limit);

/// Starts the bridge and sends `connect`; a bridge that cannot start is retried with back-off.
void start_bridge(const StatePtr& s);
/// Ends the bridge (EOF, then SIGTERM, then SIGKILL) without restarting it.
awaitable<void> stop_bridge(StatePtr s);

/// Delivers one outbox entry once the link is up; delivered only on the bridge's `sent`.
awaitable<DeliveryAttempt> deliver_entry(StatePtr s, store::OutboxEntry entry,
                                         std::function<void(int)> progress);
/// Group subjects to chat names (§15.8); unless `force`, skipped within a day of the last sync.
awaitable<GroupSyncResult> sync_groups_now(StatePtr s, bool force);
/// The daily sync, started on the first connection.
void start_sync_timer(const StatePtr& s);

} // namespace nanoclaw::channels::whatsapp
