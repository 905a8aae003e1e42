// SPDX-License-Identifier: MIT
#include "message_flow.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "nanoclaw/core/spawn.hpp"
#include "nanoclaw/router/gating.hpp"
#include "nanoclaw/router/prompt.hpp"
#include "nanoclaw/router/text.hpp"
#include "nanoclaw/router/trigger.hpp"

namespace nanoclaw::daemon {
namespace {

std::vector<core::NewMessage> messages_of(const std::vector<store::StoredMessage>& rows) {
    std::vector<core::NewMessage> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
        out.push_back(r.message);
    return out;
}

} // namespace

/// One agent run's bookkeeping, shared with its output callback and idle timer.
struct MessageFlow::RunState {
    RunState(asio::io_context& io, std::string chat, std::string group_folder,
             AgentCursors::Position prompt_end)
        : jid(std::move(chat)), folder(std::move(group_folder)), confirmed(std::move(prompt_end)),
          idle(io) {}
    std::string jid;
    std::string folder;
    AgentCursors::Position confirmed; ///< answered for sure: the prompt, or more after replies
    bool delivered = false;
    bool had_error = false;
    asio::steady_timer idle;
};

MessageFlow::MessageFlow(FlowParts parts)
    : p_(parts), bot_prefix_(parts.config.assistant_name),
      last_seen_(parts.store.get_router_state("last_timestamp").value_or("")) {}

void MessageFlow::on_inbound(core::NewMessage message) {
    const auto* group = p_.groups.find_or_load(message.chat_jid);
    if (group != nullptr && !message.is_from_me && !message.is_bot_message) {
        const auto& allowlist = p_.allowlist.current();
        if (router::should_drop_message(allowlist, message.chat_jid) &&
            !router::is_sender_allowed(allowlist, message.chat_jid, message.sender)) {
            if (allowlist.log_denied) {
                spdlog::debug("dropped message from disallowed sender chat={}", message.chat_jid);
            }
            return;
        }
    }
    // v1's "seen" cursor (router_state last_timestamp) moves in the same commit as the message.
    std::optional<store::Store::StateUpdate> seen;
    if (message.timestamp > last_seen_)
        seen = store::Store::StateUpdate{"last_timestamp", message.timestamp};
    try {
        p_.store.store_message_seq(message, seen);
    } catch (const std::exception& e) {
        // Not swallowed: the channel must know the message was not taken, so it can refuse it
        // to the sender (local) or leave it unconfirmed for redelivery (Telegram).
        spdlog::error("cannot store message chat={} id={} err={}; the message is refused to its "
                      "channel (check free space under store/ and programs holding "
                      "store/messages.db locked)",
                      message.chat_jid, message.id, e.what());
        throw;
    }
    if (seen) last_seen_ = seen->value;
    if (group != nullptr && dispatching_) schedule_evaluation(message.chat_jid);
}

void MessageFlow::schedule_evaluation(const std::string& jid) {
    // Coalesces a burst: one evaluation per chat per turn of the event loop.
    if (!evaluation_pending_.insert(jid).second) return;
    asio::post(p_.io, [this, jid] {
        evaluation_pending_.erase(jid);
        try {
            evaluate(jid);
        } catch (const std::exception& e) {
            spdlog::error("evaluating messages failed chat={} err={}", jid, e.what());
        }
    });
}

bool MessageFlow::activates(const core::RegisteredGroup& group, const std::string& jid,
                            const std::vector<store::StoredMessage>& batch) {
    const auto messages = messages_of(batch);
    const auto matcher = router::TriggerMatcher::for_group(group.trigger, p_.config.assistant_name);
    return router::batch_activates_group(group, jid, messages, matcher, p_.allowlist.current());
}

void MessageFlow::evaluate(const std::string& jid) {
    const auto* group = p_.groups.find(jid);
    if (group == nullptr || !dispatching_) return;
    auto& seen = evaluated_.try_emplace(jid, p_.cursors.dispatched(jid)).first->second;
    const auto batch = p_.store.get_messages_after_seq(jid, seen, bot_prefix_, k_batch);
    if (batch.empty()) return;
    seen = batch.back().seq;
    if (batch.size() == static_cast<std::size_t>(k_batch)) schedule_evaluation(jid);
    if (!p_.outbound.has_channel(jid)) {
        spdlog::warn("no channel owns chat={}, message not processed", jid);
        return;
    }
    if (group->needs_trigger() && !activates(*group, jid, batch)) return;
    if (try_pipe(jid)) return;
    p_.queue.enqueue_message_check(jid);
    if (!p_.queue.is_active(jid)) {
        // Not started at once: the group's previous run is finishing, or every slot is taken.
        p_.outbound.status(jid, p_.queue.active_count() >= p_.config.max_concurrent_containers
                                    ? "queued: all agent slots are busy"
                                    : "queued: waiting for a retry or the group's last run");
    }
}

bool MessageFlow::try_pipe(const std::string& jid) {
    if (!p_.queue.is_active(jid)) return false;
    const auto pending =
        p_.store.get_messages_after_seq(jid, p_.cursors.dispatched(jid), bot_prefix_, k_batch);
    if (pending.empty()) return false;
    const auto prompt = router::format_messages(messages_of(pending), p_.config.timezone);
    if (!p_.queue.send_message(jid, prompt)) return false;
    p_.cursors.dispatch(jid, pending.back().seq, pending.back().message.timestamp);
    spdlog::debug("piped {} message(s) into the running agent chat={}", pending.size(), jid);
    p_.outbound.typing(jid, true);
    return true;
}

void MessageFlow::recover() {
    for (const auto& [jid, group] : p_.groups.all()) {
        if (!p_.store.get_messages_after_seq(jid, p_.cursors.dispatched(jid), bot_prefix_, 1)
                 .empty()) {
            spdlog::info("recovery: unanswered messages pending chat={}", jid);
            p_.queue.enqueue_message_check(jid);
        }
    }
}

awaitable<bool> MessageFlow::process_group(std::string jid) {
    const auto* found = p_.groups.find(jid);
    if (found == nullptr) co_return true;
    if (!p_.outbound.has_channel(jid)) {
        spdlog::warn("no channel owns chat={}, skipping run", jid);
        co_return true;
    }
    const core::RegisteredGroup group = *found;
    const auto missed =
        p_.store.get_messages_after_seq(jid, p_.cursors.dispatched(jid), bot_prefix_, k_batch);
    if (missed.empty()) co_return true;
    if (group.needs_trigger() && !activates(group, jid, missed)) co_return true;

    const auto previous = p_.cursors.position(jid);
    p_.cursors.dispatch(jid, missed.back().seq, missed.back().message.timestamp);
    auto state = std::make_shared<RunState>(p_.io, jid, group.folder, p_.cursors.position(jid));
    p_.outbound.typing(jid, true); // not awaited: the run does not wait for the indicator

    auto input = p_.launcher.input_for(group, jid);
    input.prompt = router::format_messages(messages_of(missed), p_.config.timezone);
    auto callback = [this, state](container::ContainerOutput out) {
        return on_output(state, std::move(out));
    };
    const auto result = co_await p_.launcher.run(group, jid, std::move(input), callback, true);
    state->idle.cancel();
    p_.outbound.typing(jid, false);

    if (result.status == container::OutputStatus::error || state->had_error) {
        if (state->delivered) {
            spdlog::warn("agent failed after replying; not retrying to avoid duplicates chat={}",
                         jid);
            co_return true;
        }
        p_.cursors.rollback(jid, previous);
        if (result.permanent_failure) {
            // The chat has been told why; a retry would fail the same way. The messages stay
            // unanswered (nothing is lost): the next message, or a restart, runs them again.
            spdlog::warn("agent run failed in a way that will repeat; not retrying chat={}", jid);
            co_return true;
        }
        // The queue retries after a back-off of seconds to minutes: say so, or the chat's last
        // word is "starting the agent". The error itself (container stderr) stays in the log.
        p_.outbound.status(jid, "the agent run failed; retrying (details in the daemon log)");
        co_return false;
    }
    // Follow-ups piped while the container was finishing were never read: take them back so
    // the next run answers them (the agent cannot have seen them).
    const auto leftovers = unread_inputs(group.folder);
    if (!leftovers.empty()) {
        for (const auto& file : leftovers)
            std::filesystem::remove(file);
        p_.cursors.rollback(jid, state->confirmed);
        p_.cursors.commit_to(jid, state->confirmed);
    } else {
        p_.cursors.commit(jid);
    }
    if (!p_.store.get_messages_after_seq(jid, p_.cursors.dispatched(jid), bot_prefix_, 1).empty()) {
        p_.queue.enqueue_message_check(jid); // the rest of a burst, or messages that came meanwhile
    }
    co_return true;
}

awaitable<void> MessageFlow::on_output(std::shared_ptr<RunState> state,
                                       container::ContainerOutput out) {
    if (out.result && !out.result->empty()) {
        spdlog::info("agent output chat={} chars={}", state->jid, out.result->size());
        const auto text = router::format_outbound(*out.result);
        if (!text.empty() && co_await p_.outbound.send(state->jid, text)) {
            state->delivered = true;
            state->confirmed = answered_position(*state);
            p_.cursors.commit_to(state->jid,
                                 state->confirmed); // answered: never redo after a crash
        }
        arm_idle_timer(state);
    }
    if (out.status == container::OutputStatus::success) {
        p_.queue.notify_idle(state->jid);
        p_.outbound.typing(state->jid, false);
    } else {
        state->had_error = true;
    }
}

std::vector<std::filesystem::path> MessageFlow::unread_inputs(const std::string& folder) const {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    const auto dir = p_.config.data_dir / "ipc" / folder / "input";
    for (auto it = std::filesystem::directory_iterator(dir, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        if (it->path().extension() == ".json") files.push_back(it->path());
    }
    return files;
}

AgentCursors::Position MessageFlow::answered_position(const RunState& state) {
    if (!unread_inputs(state.folder).empty()) return state.confirmed;
    return p_.cursors.position(state.jid);
}

void MessageFlow::arm_idle_timer(const std::shared_ptr<RunState>& state) {
    state->idle.expires_after(p_.config.idle_timeout);
    state->idle.async_wait([this, state](const boost::system::error_code& ec) {
        if (!ec) p_.queue.close_stdin(state->jid);
    });
}

} // namespace nanoclaw::daemon
