// SPDX-License-Identifier: MIT
// `nanoclaw setup --step telegram`: is the bot token good? One getMe through the same client,
// proxy and CA rules the daemon uses; the block names the bot and the next thing to do.
#include <spdlog/spdlog.h>

#include "nanoclaw/channels/telegram/bot_api.hpp"
#include "nanoclaw/channels/telegram/telegram_channel.hpp"
#include "nanoclaw/core/spawn.hpp"
#include "nanoclaw/setup/setup.hpp"
#include "nanoclaw/setup/status_block.hpp"
#include "setup_log.hpp"

namespace nanoclaw::setup {
namespace {

using namespace std::chrono_literals;
namespace tg = channels::telegram;

awaitable<void> get_me(tg::BotApi* api, tg::BotReply* reply) {
    *reply = co_await api->call("getMe", nlohmann::json::object(), 20s);
}

int fail(const SetupContext& ctx, int code, const std::string& status, const std::string& error) {
    SetupLog(ctx.config.root, "telegram").line("failed (" + status + "): " + error);
    ctx.out << StatusBlock("SETUP_TELEGRAM").add("STATUS", status).add("ERROR", error).text();
    return code;
}

} // namespace

int telegram_step(const std::vector<std::string>& /*args*/, const SetupContext& ctx) {
    auto settings = tg::load_telegram_settings(ctx.config, ctx.env);
    if (!settings) return fail(ctx, k_exit_bad_input, "failed", settings.error());
    if (!*settings) {
        return fail(ctx, k_exit_bad_input, "missing_token",
                    "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put its token "
                    "in .env as TELEGRAM_BOT_TOKEN=<token>");
    }
    const auto& s = **settings;
    asio::io_context io;
    tg::BotApi api(io, tg::BotApiOptions{s.base, s.token, s.tunnel, s.extra_ca_file, 10s});
    tg::BotReply reply;
    core::spawn(io.get_executor(), "setup getMe", get_me(&api, &reply));
    io.run();
    if (reply.outcome == tg::BotReply::Outcome::api_error &&
        (reply.error_code == 401 || reply.error_code == 404)) {
        return fail(ctx, k_exit_failed, "failed",
                    "the bot token was rejected (" + std::to_string(reply.error_code) + " " +
                        reply.description + "): check TELEGRAM_BOT_TOKEN in .env");
    }
    if (!reply.ok() || !reply.result.is_object()) {
        return fail(ctx, k_exit_failed, "failed",
                    "cannot reach the Bot API at " + s.base.host + ": " + reply.description);
    }
    SetupLog(ctx.config.root, "telegram")
        .line("the token works: bot @" + reply.result.value("username", std::string()));
    StatusBlock block("SETUP_TELEGRAM");
    block.add("BOT_USERNAME", "@" + reply.result.value("username", std::string()))
        .add("BOT_NAME", reply.result.value("first_name", std::string()))
        .add("BOT_ID", std::to_string(reply.result.value("id", std::int64_t{0})))
        .add("NEXT", std::string("add the bot to a group (or message it), send /chatid there, then "
                                 "register the tg:<id> it answers"))
        .add("STATUS", std::string("success"));
    ctx.out << block.text();
    return k_exit_ok;
}

} // namespace nanoclaw::setup
