// SPDX-License-Identifier: MIT
#include "bridge_command.hpp"

#include "nanoclaw/channels/whatsapp/settings.hpp"
#include "nanoclaw/setup/command.hpp"

namespace nanoclaw::setup {

core::EnvMap bridge_environment(const core::EnvMap& env) {
    core::EnvMap out;
    for (const auto& [key, value] : env)
        if (!channels::whatsapp::is_secret_env_name(key)) out.emplace(key, value);
    return out;
}

tl::expected<BridgeSpawn, std::string> bridge_spawn(const SetupContext& ctx,
                                                    BridgeRequest request) {
    BridgeSpawn spawn;
    auto command = channels::whatsapp::resolve_bridge_command(ctx.config, ctx.env);
    if (!command) return tl::make_unexpected(command.error());
    spawn.argv = std::move(*command);
    if (!find_program(spawn.argv[0], ctx.env)) {
        return tl::make_unexpected(
            spawn.argv[0] + " was not found" +
            (spawn.argv[0] == "node"
                 ? ": install Node.js 20 or later (the WhatsApp bridge runs on it)"
                 : " (WHATSAPP_BRIDGE_COMMAND)"));
    }
    spawn.argv.insert(spawn.argv.end(),
                      {"--auth-dir", (ctx.config.store_dir / "auth").string(), "--mode",
                       request.mode == BridgeMode::auth ? "auth" : "channel"});
    if (request.pairing_phone)
        spawn.argv.insert(spawn.argv.end(), {"--pairing-code", "--phone", *request.pairing_phone});
    spawn.env = bridge_environment(ctx.env);
    spawn.cwd = ctx.config.root;
    spawn.on_stderr_line = std::move(request.on_stderr_line);
    return spawn;
}

} // namespace nanoclaw::setup
