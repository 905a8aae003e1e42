// SPDX-License-Identifier: MIT
// Group subjects become chat names (spec 30 §15.8): on every connection and once a day unless a
// sync ran within the day (the `__group_sync__` sentinel, written only after a success), and on
// demand (IPC refresh_groups, `nanoclaw setup --step groups`) regardless. Never throws.
#include <spdlog/spdlog.h>

#include "channel_state.hpp"
#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::channels::whatsapp {
namespace {

bool synced_recently(ChannelState& s) {
    const auto last = s.store.get_last_group_sync();
    if (!last) return false;
    const auto when = core::parse_iso(*last);
    return when && std::chrono::system_clock::now() - *when < s.settings.group_sync_interval;
}

GroupSyncResult failed(std::string error) {
    spdlog::warn("WhatsApp: failed to sync group metadata: {}", error);
    return GroupSyncResult{false, 0, std::move(error)};
}

int store_names(ChannelState& s, const GroupsEvent& groups) {
    int named = 0;
    for (const auto& g : groups.groups) {
        if (g.subject.empty()) continue;
        s.store.update_chat_name(g.jid, g.subject);
        ++named;
    }
    s.store.set_last_group_sync();
    return named;
}

awaitable<void> daily_sync(StatePtr s, std::shared_ptr<asio::steady_timer> timer) {
    while (!s->stopping) {
        timer->expires_after(s->settings.group_sync_interval);
        boost::system::error_code ec;
        co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
        if (ec || s->stopping) co_return;
        if (s->connected) co_await sync_groups_now(s, false);
    }
}

} // namespace

awaitable<GroupSyncResult> sync_groups_now(StatePtr s, bool force) {
    try {
        if (!force && synced_recently(*s)) {
            spdlog::debug("WhatsApp: group metadata synced recently, skipping");
            co_return GroupSyncResult{};
        }
        if (!s->connected) {
            co_return failed(s->problem.empty() ? std::string("WhatsApp is not connected")
                                                : "WhatsApp is not connected: " + s->problem);
        }
        const auto id = s->next_request++;
        auto reply = co_await request(s, id, encode_fetch_groups(id), s->settings.fetch_timeout);
        if (!reply) co_return failed("the bridge did not answer fetch_groups");
        if (auto* err = std::get_if<ErrorEvent>(&*reply)) co_return failed(err->error);
        const auto* groups = std::get_if<GroupsEvent>(&*reply);
        if (!groups) co_return failed("unexpected answer to fetch_groups");
        const int named = store_names(*s, *groups);
        spdlog::info("WhatsApp group metadata synced count={}", named);
        co_return GroupSyncResult{true, named, {}};
    } catch (const std::exception& e) {
        co_return failed(e.what());
    }
}

void start_sync_timer(const StatePtr& s) {
    if (s->sync_timer || s->stopping) return;
    s->sync_timer = std::make_shared<asio::steady_timer>(s->io);
    core::spawn(s->io.get_executor(), "whatsapp daily group sync", daily_sync(s, s->sync_timer));
}

} // namespace nanoclaw::channels::whatsapp
