// SPDX-License-Identifier: MIT
// Delivering one outbox entry (spec 30 §14.6): parts of at most 4,096 UTF-16 units, in order,
// each sent with legacy Markdown and again as plain text only when Telegram cannot parse the
// entities. Unlike the reference, any other failure is not "fall back and hope": 429 waits its
// retry_after and re-sends the same part, network errors and 5xx are retried by the outbox, and a
// chat that refuses the bot (blocked, kicked, gone) drops the message with the reason.
#include <spdlog/spdlog.h>

#include "channel_state.hpp"

namespace nanoclaw::channels::telegram {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using Verdict = DeliveryAttempt::Verdict;

bool cannot_parse_entities(const BotReply& r) {
    return r.outcome == BotReply::Outcome::api_error && r.error_code == 400 &&
           r.description.find("can't parse entities") != std::string::npos;
}

// Refusals that retrying cannot change: the chat is gone, the bot was blocked or removed.
bool refused_for_good(const BotReply& r) {
    return r.outcome == BotReply::Outcome::api_error &&
           (r.error_code == 400 || r.error_code == 403);
}

DeliveryAttempt verdict_for(const BotReply& r) {
    if (refused_for_good(r)) return {Verdict::drop, r.description, std::nullopt};
    std::optional<std::chrono::milliseconds> wait;
    if (r.retry_after) wait = std::chrono::milliseconds(*r.retry_after * 1000);
    const auto reason = r.outcome == BotReply::Outcome::api_error
                            ? std::to_string(r.error_code) + " " + r.description
                            : r.description;
    return {Verdict::retry, reason, wait};
}

// Built outside the coroutine: GCC 12 miscompiles initializer lists in coroutines.
json part_params(const std::string& chat_id, const std::string& text, bool markdown) {
    json params{{"chat_id", chat_id}, {"text", text}};
    if (markdown) params["parse_mode"] = "Markdown";
    return params;
}

awaitable<BotReply> send_part(StatePtr s, std::string chat_id, std::string text, bool markdown) {
    co_return co_await s->api.call("sendMessage", part_params(chat_id, text, markdown), 30s);
}

} // namespace

awaitable<DeliveryAttempt> deliver_entry(StatePtr s, store::OutboxEntry entry,
                                         std::function<void(int)> progress) {
    const auto chat = chat_id_of(entry.jid);
    if (!chat) co_return DeliveryAttempt{Verdict::drop, "not a Telegram chat JID", std::nullopt};
    const auto chat_id = std::to_string(*chat);
    const auto parts = split_message(entry.text);
    for (auto i = static_cast<std::size_t>(std::max(0, entry.sent_parts)); i < parts.size(); ++i) {
        auto reply = co_await send_part(s, chat_id, parts[i], true);
        if (cannot_parse_entities(reply)) {
            spdlog::debug("Telegram: part {} of a message to {} is not valid Markdown; sending it "
                          "as plain text", i + 1, entry.jid);
            reply = co_await send_part(s, chat_id, parts[i], false);
        }
        if (!reply.ok()) co_return verdict_for(reply);
        progress(static_cast<int>(i + 1));
    }
    spdlog::info("Telegram message sent jid={} length={} parts={}", entry.jid, entry.text.size(),
                 parts.size());
    co_return DeliveryAttempt{Verdict::delivered, {}, std::nullopt};
}

} // namespace nanoclaw::channels::telegram
