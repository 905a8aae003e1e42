// SPDX-License-Identifier: MIT
#include "whatsapp_group_sync.hpp"

#include <fmt/format.h>

#include "nanoclaw/channels/whatsapp/bridge_protocol.hpp"
#include "nanoclaw/store/store.hpp"
#include "bridge_command.hpp"

namespace nanoclaw::setup {
namespace {

namespace wa = channels::whatsapp;
using Clock = BridgeClient::Clock;

constexpr std::int64_t k_request_id = 1;

int write_names(const SetupContext& ctx, const std::vector<wa::Group>& groups,
                const SetupLog& log) {
    static const core::SystemClock system_clock;
    const core::Clock& clock = ctx.clock != nullptr ? *ctx.clock : system_clock;
    std::error_code ec;
    std::filesystem::create_directories(ctx.config.data_dir, ec);
    auto store = store::Store::open(
        ctx.config.store_dir / "messages.db",
        store::StoreOptions(clock, ctx.config.assistant_name, ctx.config.data_dir));
    int written = 0;
    for (const auto& group : groups) {
        if (group.subject.empty() || group.jid.empty()) continue; // v1 wrote only named groups
        store.update_chat_name(group.jid, group.subject);
        ++written;
    }
    log.line(fmt::format("{} of {} groups have a name; written to the chats table", written,
                         groups.size()));
    return written;
}

tl::expected<int, GroupSyncFailure> fail(std::string error, std::string detail) {
    return tl::make_unexpected(GroupSyncFailure{std::move(error), std::move(detail)});
}

// One event of the exchange: nullopt to read on, else the outcome.
std::optional<tl::expected<int, GroupSyncFailure>> handle(const SetupContext& ctx,
                                                          const SetupLog& log, BridgeClient& bridge,
                                                          const wa::BridgeEvent& event) {
    if (std::holds_alternative<wa::StartedEvent>(event)) {
        bridge.send(wa::encode_connect());
    } else if (const auto* connected = std::get_if<wa::ConnectedEvent>(&event)) {
        log.line("connected as " + connected->id + "; fetching groups");
        bridge.send(wa::encode_fetch_groups(k_request_id));
    } else if (const auto* closed = std::get_if<wa::DisconnectedEvent>(&event)) {
        if (closed->reason == wa::k_reason_restart_required) {
            bridge.send(wa::encode_connect());
            return std::nullopt;
        }
        const auto detail =
            fmt::format("WhatsApp closed the connection ({} {})", closed->reason, closed->message);
        if (closed->reason == wa::k_reason_logged_out) {
            return fail("logged_out",
                        detail + ": link again with nanoclaw setup --step whatsapp-auth");
        }
        return fail("connection_closed", detail);
    } else if (const auto* groups = std::get_if<wa::GroupsEvent>(&event);
               groups && groups->request_id == k_request_id) {
        return write_names(ctx, groups->groups, log);
    } else if (const auto* error = std::get_if<wa::ErrorEvent>(&event)) {
        if (error->request_id == k_request_id)
            return fail("fetch_failed", "fetching the groups failed: " + error->error);
        log.line("bridge error: " + error->error);
    }
    return std::nullopt;
}

} // namespace

tl::expected<int, GroupSyncFailure> sync_groups_directly(const SetupContext& ctx,
                                                         const SetupLog& log,
                                                         std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    auto spawn = bridge_spawn(
        ctx, BridgeRequest{BridgeMode::channel, std::nullopt, [&log](std::string_view line) {
                               log.line("bridge: " + std::string(line));
                           }});
    if (!spawn) return fail("bridge_not_found", spawn.error());
    log.line(fmt::format("no daemon runs: syncing through {}", fmt::join(spawn->argv, " ")));
    auto bridge = BridgeClient::start(std::move(*spawn));
    if (!bridge) return fail("bridge_not_found", bridge.error());
    while (true) {
        const auto read = (*bridge)->next(deadline);
        if (read.kind == BridgeRead::Kind::timeout)
            return fail("timeout", "no group list within the time limit");
        if (read.kind == BridgeRead::Kind::closed) {
            const auto code = (*bridge)->exit_code();
            return fail("bridge_exited",
                        "the bridge exited (" +
                            (code ? "code " + std::to_string(*code) : std::string("killed")) +
                            ") before it listed the groups");
        }
        if (read.kind == BridgeRead::Kind::oversized) {
            log.line("dropped a bridge line longer than 1 MiB");
            continue;
        }
        const auto event = wa::parse_bridge_event(read.text);
        if (!event) {
            log.line("ignored a bridge line (" + event.error() + ")");
            continue;
        }
        if (auto outcome = handle(ctx, log, **bridge, *event)) {
            // Closed without logging out; what is left of the time limit (at least a moment) to
            // exit.
            (*bridge)->send(wa::encode_shutdown());
            (*bridge)->finish(std::max(deadline, Clock::now() + std::chrono::milliseconds(500)));
            return *outcome;
        }
    }
}

} // namespace nanoclaw::setup
