// SPDX-License-Identifier: MIT
// doctor: each channel that is configured works (Telegram's token through one getMe, the way
// the daemon and `setup --step telegram` call it), and at least one channel is enabled.
#include <fmt/format.h>

#include "doctor_checks.hpp"
#include "nanoclaw/channels/local/local_channel.hpp"
#include "nanoclaw/channels/telegram/bot_api.hpp"
#include "nanoclaw/channels/telegram/telegram_channel.hpp"
#include "nanoclaw/core/spawn.hpp"
#include "nanoclaw/ops/status.hpp"
#include "shell_quote.hpp"

namespace nanoclaw::ops::doctor {
namespace {

using namespace std::chrono_literals;
namespace tg = channels::telegram;

// The running daemon's view of channel `name`: {connected, detail}, when it answered.
std::optional<nlohmann::json> live_channel(const Context& ctx, const std::string& name) {
    if (!ctx.live) return std::nullopt;
    for (const auto& c : ctx.live->value("channels", nlohmann::json::array())) {
        if (c.value("name", std::string()) == name) return c;
    }
    return std::nullopt;
}

awaitable<void> get_me(tg::BotApi* api, tg::BotReply* reply) {
    *reply = co_await api->call("getMe", nlohmann::json::object(), 20s);
}

Check check_local(const Context& ctx) {
    if (!ctx.config.local_channel) {
        return make_check("channel:local", CheckStatus::ok, "off (LOCAL_CHANNEL=off)");
    }
    const auto socket = channels::local_socket_path(ctx.config).string();
    if (ctx.live) return make_check("channel:local", CheckStatus::ok, "listening on " + socket);
    return make_check("channel:local", CheckStatus::ok, "on (" + socket + " once nanoclawd runs)");
}

Check telegram_reply(const Context& ctx, const tg::TelegramSettings& s, const tg::BotReply& reply) {
    const std::string env_file = shell_quote((ctx.config.root / ".env").string());
    if (reply.outcome == tg::BotReply::Outcome::api_error &&
        (reply.error_code == 401 || reply.error_code == 404)) {
        return make_check(
            "channel:telegram", CheckStatus::fail,
            fmt::format("the bot token was rejected ({} {})", reply.error_code, reply.description),
            "get the token from @BotFather (/token) and put TELEGRAM_BOT_TOKEN=<token> in " +
                env_file + restart_hint(ctx));
    }
    if (!reply.ok() || !reply.result.is_object()) {
        return make_check("channel:telegram", CheckStatus::warn,
                          "cannot reach the Bot API at " + s.base.host + ": " + reply.description,
                          "check the network and HTTPS_PROXY");
    }
    const std::string bot = "@" + reply.result.value("username", std::string());
    if (auto live = live_channel(ctx, "telegram"); live && !live->value("connected", false)) {
        return make_check("channel:telegram", CheckStatus::warn,
                          "the token works (" + bot +
                              "), but the running daemon is not connected: " +
                              live->value("detail", std::string()),
                          "restart the daemon: " + restart_command(ctx.config, ctx.env));
    }
    return make_check("channel:telegram", CheckStatus::ok, "the token works: " + bot);
}

std::optional<Check> check_telegram(const Context& ctx) {
    auto settings = tg::load_telegram_settings(ctx.config, ctx.env);
    const std::string env_file = shell_quote((ctx.config.root / ".env").string());
    if (!settings) {
        return make_check("channel:telegram", CheckStatus::fail, settings.error(),
                          "correct TELEGRAM_BOT_TOKEN / TELEGRAM_API_BASE_URL in " + env_file);
    }
    if (!*settings) return std::nullopt;
    const auto& s = **settings;
    if (ctx.options.offline) {
        return make_check("channel:telegram", CheckStatus::ok,
                          "token configured (not tried: --offline)");
    }
    asio::io_context io;
    tg::BotApi api(io, tg::BotApiOptions{s.base, s.token, s.tunnel, s.extra_ca_file, 10s});
    tg::BotReply reply;
    core::spawn(io.get_executor(), "doctor getMe", get_me(&api, &reply));
    io.run();
    return telegram_reply(ctx, s, reply);
}

} // namespace

std::vector<Check> check_channels(const Context& ctx) {
    std::vector<Check> checks{check_local(ctx)};
    if (auto telegram = check_telegram(ctx)) checks.push_back(std::move(*telegram));
    const bool any = ctx.config.local_channel || checks.size() > 1;
    if (!any) {
        checks.push_back(make_check("channels", CheckStatus::fail, "no channel is enabled",
                                    "remove LOCAL_CHANNEL=off from .env, or set TELEGRAM_BOT_TOKEN "
                                    "(nanoclaw setup --step telegram)"));
    }
    return checks;
}

} // namespace nanoclaw::ops::doctor
