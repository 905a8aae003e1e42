// SPDX-License-Identifier: MIT
// Long polling (spec 30 §14.2) with the robustness the reference lacks: the offset is persisted
// after every handled update (a restart neither loses nor replays one; a replayed message would
// be deduplicated by the store anyway), 429 waits are honoured, 409 and 401 are said once with
// the fix, and network errors back off with jitter instead of retrying in a loop.
#include <spdlog/spdlog.h>

#include "channel_state.hpp"
#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::channels::telegram {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

std::chrono::milliseconds backoff(const TelegramSettings& s, int failures) {
    return jittered_backoff(s.first_retry, s.max_retry, failures);
}

std::int64_t load_offset(store::Store& store) {
    const auto saved = store.get_router_state(k_offset_state_key);
    if (!saved) return 0;
    try {
        return std::stoll(*saved);
    } catch (const std::exception&) {
        spdlog::warn("Telegram: ignoring a corrupt saved update offset");
        return 0;
    }
}

// JSON bodies are built outside coroutines: GCC 12 miscompiles initializer lists in them.
json command_params(const ParsedUpdate& update) {
    json params{{"chat_id", update.chat_jid.substr(k_jid_prefix.size())},
                {"text", update.command_reply}};
    if (update.command_reply_markdown) params["parse_mode"] = "Markdown";
    return params;
}

json poll_params(std::int64_t offset, std::chrono::seconds timeout) {
    json params{{"timeout", timeout.count()}, {"limit", 100}, {"allowed_updates", allowed_updates()}};
    if (offset > 0) params["offset"] = offset;
    return params;
}

json webhook_params() { return json{{"drop_pending_updates", false}}; }

awaitable<void> answer_command(StatePtr s, ParsedUpdate update) {
    const auto params = command_params(update);
    const auto reply = co_await s->api.call("sendMessage", params, 30s);
    if (!reply.ok()) {
        spdlog::warn("Telegram: answering a command in {} failed: {}", update.chat_jid,
                     reply.description);
    }
}

void handle_update(const StatePtr& s, const json& raw) {
    auto update = parse_update(raw, s->bot, s->settings.assistant_name);
    using Kind = ParsedUpdate::Kind;
    switch (update.kind) {
    case Kind::ignored:
        if (update.malformed) {
            spdlog::warn("Telegram: skipping a malformed update {}: {}", update.update_id,
                         update.ignore_reason);
        } else {
            spdlog::debug("Telegram: update {} skipped: {}", update.update_id, update.ignore_reason);
        }
        return;
    case Kind::command:
        core::spawn(s->io.get_executor(), "telegram command", answer_command(s, std::move(update)));
        return;
    case Kind::text:
    case Kind::media: break;
    }
    const bool registered = s->callbacks.registered_groups().contains(update.chat_jid);
    // Text in an unregistered chat still records the chat, so the main agent can find and
    // register it; media there is ignored entirely (spec 14.5).
    if (update.kind == Kind::text || registered) s->callbacks.on_chat_metadata(update.metadata);
    if (!registered) {
        spdlog::debug("Telegram: message from unregistered chat {}", update.chat_jid);
        return;
    }
    s->callbacks.on_message(std::move(update.message));
}

struct BatchOutcome {
    std::int64_t offset;   ///< the next offset to confirm
    bool unstored = false; ///< an update could not be stored: poll again after a pause
};

// One batch: handled in order, the offset saved after each so a crash loses nothing. An update
// the store cannot take (disk full, database locked) ends the batch unconfirmed, so Telegram
// sends it, and the rest of the batch, again with the next poll.
BatchOutcome handle_batch(const StatePtr& s, const json& result, std::int64_t offset) {
    for (const auto& raw : result) {
        if (s->stopping) break;
        const auto id = raw.is_object() && raw.contains("update_id") && raw["update_id"].is_number_integer()
                            ? raw["update_id"].get<std::int64_t>()
                            : 0;
        try {
            handle_update(s, raw);
        } catch (const store::StoreError& e) {
            if (!e.transient()) { // e.g. a constraint: it would fail forever and block the rest
                spdlog::error("Telegram: handling update {} failed: {}", id, e.what());
            } else {
                spdlog::error("Telegram: update {} could not be stored ({}); it stays unconfirmed "
                              "and is fetched again once the store works (check free space "
                              "under store/ and programs holding store/messages.db)",
                              id, e.what());
                return {offset, true};
            }
        } catch (const std::exception& e) {
            spdlog::error("Telegram: handling update {} failed: {}", id, e.what());
        }
        if (id >= offset) {
            offset = id + 1;
            try {
                s->store.set_router_state(k_offset_state_key, std::to_string(offset));
            } catch (const store::StoreError& e) {
                // The message itself is stored: a restart that fetches it again keeps its place.
                spdlog::warn("Telegram: could not save the update offset {}: {}", offset, e.what());
            }
        }
    }
    return {offset};
}

// getMe's answer comes from the network: a field of the wrong type reads as missing, never a throw.
std::string string_field(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t integer_field(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

awaitable<bool> identify(StatePtr s) {
    for (int failures = 0; !s->stopping;) {
        const auto me = co_await s->api.call("getMe", json::object(), 30s);
        if (me.ok() && me.result.is_object() && !string_field(me.result, "username").empty()) {
            s->bot = BotIdentity{integer_field(me.result, "id"), string_field(me.result, "username"),
                                 string_field(me.result, "first_name")};
            s->identified = true;
            s->problem.clear();
            co_return true;
        }
        if (me.outcome == BotReply::Outcome::api_error && (me.error_code == 401 || me.error_code == 404)) {
            spdlog::error("Telegram: the bot token was rejected ({} {}). Check TELEGRAM_BOT_TOKEN "
                          "in .env (from @BotFather); the other channels keep working.",
                          me.error_code, me.description);
            s->problem = "the bot token was rejected (" + std::to_string(me.error_code) + ")";
            co_return false;
        }
        const auto wait = me.retry_after ? std::chrono::milliseconds(*me.retry_after * 1000)
                                         : backoff(s->settings, ++failures);
        spdlog::warn("Telegram: cannot reach the Bot API yet ({}); retrying in {} ms",
                     me.description, wait.count());
        s->problem = "cannot reach the Bot API (" + me.description + "), retrying";
        if (!co_await pause(s, wait)) co_return false;
    }
    co_return false;
}

} // namespace

awaitable<bool> pause(StatePtr state, std::chrono::milliseconds delay) {
    asio::steady_timer timer(state->io, delay);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    co_return !state->stopping;
}

awaitable<void> run_polling(StatePtr s) {
    if (!co_await identify(s)) co_return;
    // Updates waiting since the last poll are kept (pending updates are not dropped).
    const auto hook = co_await s->api.call("deleteWebhook", webhook_params(), 30s);
    if (!hook.ok()) spdlog::warn("Telegram: deleteWebhook failed: {}", hook.description);
    spdlog::info("Telegram bot connected: @{} (id {})", s->bot.username, s->bot.id);
    std::int64_t offset = load_offset(s->store);
    int failures = 0;
    int store_failures = 0; // polls in a row whose batch could not be stored
    bool conflict_told = false;
    while (!s->stopping) {
        const auto params = poll_params(offset, s->settings.poll_timeout);
        // The long poll's own deadline sits past the task timer's once-a-minute tick, so the
        // io_context's timer fd is never armed for it: cancelling it after each poll then costs
        // no extra wake-up (Asio does not re-arm the fd on cancel). A dead link is still found,
        // 60 s late at worst.
        const auto poll_limit =
            std::chrono::duration_cast<std::chrono::milliseconds>(s->settings.poll_timeout) + 60s;
        const auto reply = co_await s->api.call("getUpdates", params, poll_limit);
        if (s->stopping) break;
        if (reply.ok() && reply.result.is_array()) {
            if (failures > 0 || conflict_told) spdlog::info("Telegram: polling again");
            failures = 0;
            conflict_told = false;
            s->polling = true;
            s->problem.clear();
            const auto batch = handle_batch(s, reply.result, offset);
            offset = batch.offset;
            store_failures = batch.unstored ? store_failures + 1 : 0;
            if (batch.unstored && !co_await pause(s, backoff(s->settings, store_failures))) break;
            continue;
        }
        s->polling = false;
        std::chrono::milliseconds wait{};
        if (reply.outcome == BotReply::Outcome::api_error && reply.error_code == 401) {
            spdlog::error("Telegram: the bot token was rejected while polling (401). Check "
                          "TELEGRAM_BOT_TOKEN in .env; polling stopped.");
            s->problem = "the bot token was rejected (401); polling stopped";
            co_return;
        }
        if (reply.outcome == BotReply::Outcome::api_error && reply.error_code == 409) {
            if (!conflict_told) {
                spdlog::error("Telegram: another program is polling this bot, or a webhook is set "
                              "(409 {}). Stop the other bot process (an old NanoClaw?) or remove "
                              "the webhook; nanoclaw retries every {} s.",
                              reply.description, s->settings.conflict_retry.count() / 1000);
                conflict_told = true;
            }
            wait = s->settings.conflict_retry;
            s->problem = "another program is polling this bot (409), retrying";
        } else if (reply.retry_after) {
            wait = std::chrono::milliseconds(*reply.retry_after * 1000);
        } else {
            wait = backoff(s->settings, ++failures);
            const auto level = failures == 1 ? spdlog::level::warn : spdlog::level::debug;
            spdlog::log(level, "Telegram: getUpdates failed ({}); retry {} in {} ms",
                        reply.ok() ? std::string("result is not a list") : reply.description,
                        failures, wait.count());
            s->problem = "getUpdates failing, retrying";
        }
        if (!co_await pause(s, wait)) break;
    }
}

} // namespace nanoclaw::channels::telegram
