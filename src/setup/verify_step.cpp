// SPDX-License-Identifier: MIT
// `nanoclaw setup --step verify` (spec 30 §10): is everything in place for the assistant to answer?
// Read-only. Differences from v1: CONTAINER_RUNTIME reports the runtime the daemon is configured
// to use (§19 #31), a daemon found through its lock counts as running, the local terminal channel
// counts as a configured channel when it is on, and an allowlist that does not load is `invalid`.
#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nanoclaw/container/mount_security.hpp"
#include "nanoclaw/core/env_file.hpp"
#include "nanoclaw/core/whole_file.hpp"
#include "nanoclaw/setup/command.hpp"
#include "nanoclaw/setup/service_state.hpp"
#include "nanoclaw/setup/setup.hpp"
#include "nanoclaw/setup/status_block.hpp"
#include "setup_log.hpp"
#include "store_probe.hpp"

namespace nanoclaw::setup {
namespace {

using namespace std::chrono_literals;

// A line that starts with one of the credential keys; an empty value still counts, as in v1.
bool has_credentials(const std::string& dotenv) {
    static const std::regex key(R"(^(CLAUDE_CODE_OAUTH_TOKEN|ANTHROPIC_API_KEY|ONECLI_URL)=)",
                                std::regex::multiline);
    return std::regex_search(dotenv, key);
}

std::string container_runtime(const SetupContext& ctx) {
    const auto& bin = ctx.config.container_runtime_bin;
    const auto info = run_program(CommandSpec{{bin, "info"}, &ctx.env, {}, std::nullopt, 20s});
    if (info.ok()) return ctx.config.container_runtime == core::RuntimeKind::podman ? "podman" : "docker";
    return "none";
}

// Channel name -> state, in v1's order, then the port's local terminal channel.
nlohmann::ordered_json channel_auth(const SetupContext& ctx, const std::string& dotenv_text) {
    const auto dotenv = core::parse_env_text(dotenv_text, {});
    const auto set = [&](const char* key) {
        const auto it = ctx.env.find(key);
        if (it != ctx.env.end() && !it->second.empty()) return true;
        const auto d = dotenv.find(key);
        return d != dotenv.end() && !d->second.empty();
    };
    nlohmann::ordered_json auth = nlohmann::ordered_json::object();
    if (non_empty_directory(ctx.config.store_dir / "auth")) auth["whatsapp"] = "authenticated";
    if (set("TELEGRAM_BOT_TOKEN")) auth["telegram"] = "configured";
    if (set("SLACK_BOT_TOKEN") && set("SLACK_APP_TOKEN")) auth["slack"] = "configured";
    if (set("DISCORD_BOT_TOKEN")) auth["discord"] = "configured";
    if (ctx.config.local_channel) auth["local"] = "enabled";
    return auth;
}

std::string allowlist_state(const SetupContext& ctx) {
    std::error_code ec;
    const auto& file = ctx.config.mount_allowlist_path;
    if (!std::filesystem::exists(file, ec)) return "missing";
    return container::parse_mount_allowlist(core::read_whole_file(file)) ? "configured" : "invalid";
}

} // namespace

int verify_step(const std::vector<std::string>& /*args*/, const SetupContext& ctx) {
    const SetupLog log(ctx.config.root, "verify");
    const auto service = service_status(ctx);
    const auto dotenv = core::read_whole_file(ctx.config.root / ".env");
    const bool credentials = has_credentials(dotenv);
    const auto auth = channel_auth(ctx, dotenv);
    std::vector<std::string> channels;
    for (const auto& [name, state] : auth.items())
        channels.push_back(name);
    const auto groups = registered_group_count(ctx.config.store_dir / "messages.db").value_or(0);
    const bool ok = service.state == ServiceState::running && credentials && !channels.empty() && groups > 0;
    log.line(fmt::format("service {} (manager {}), credentials {}, channels [{}], {} group(s)",
                         to_string(service.state), to_string(service.manager), credentials ? "configured" : "missing",
                         fmt::join(channels, ","), groups));
    ctx.out << StatusBlock("VERIFY")
                   .add("SERVICE", std::string(to_string(service.state)))
                   .add("CONTAINER_RUNTIME", container_runtime(ctx))
                   .add("CREDENTIALS", std::string(credentials ? "configured" : "missing"))
                   .add("CONFIGURED_CHANNELS", fmt::format("{}", fmt::join(channels, ",")))
                   .add("CHANNEL_AUTH", auth.dump())
                   .add("REGISTERED_GROUPS", std::to_string(groups))
                   .add("MOUNT_ALLOWLIST", allowlist_state(ctx))
                   .add("STATUS", std::string(ok ? "success" : "failed"))
                   .add("LOG", std::string(k_setup_log_path))
                   .text();
    return ok ? k_exit_ok : k_exit_failed;
}

} // namespace nanoclaw::setup
