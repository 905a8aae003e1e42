// SPDX-License-Identifier: MIT
#include "bridge_command.hpp"

#include <sstream>

#include "nanoclaw/core/env_file.hpp"
#include "nanoclaw/core/install_paths.hpp"
#include "nanoclaw/setup/command.hpp"

namespace nanoclaw::setup {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_command_key = "WHATSAPP_BRIDGE_COMMAND";

std::vector<std::string> split_words(const std::string& text) {
    std::istringstream words(text);
    std::vector<std::string> out;
    for (std::string word; words >> word;)
        out.push_back(word);
    return out;
}

std::string configured_command(const SetupContext& ctx) {
    if (auto it = ctx.env.find(k_command_key); it != ctx.env.end() && !it->second.empty())
        return it->second;
    const auto file = core::read_env_file(ctx.config.root / ".env", {k_command_key});
    const auto it = file.find(k_command_key);
    return it == file.end() ? std::string() : it->second;
}

// The checkout's layout (channels/whatsapp-bridge), which an install copies as it is, else a flat
// whatsapp-bridge/ beside the share's other files: the places the daemon looks too.
tl::expected<fs::path, std::string> default_script(const fs::path& share_dir) {
    if (share_dir.empty()) {
        return tl::make_unexpected(
            std::string("the shipped files (and the WhatsApp bridge) were not "
                        "found: ") +
            core::k_share_dir_hint);
    }
    const fs::path candidates[] = {share_dir / "channels/whatsapp-bridge/dist/bridge.js",
                                   share_dir / "whatsapp-bridge/dist/bridge.js"};
    std::error_code ec;
    for (const auto& candidate : candidates)
        if (fs::is_regular_file(candidate, ec)) return candidate;
    return tl::make_unexpected("the WhatsApp bridge is not built (no " + candidates[0].string() +
                               " or " + candidates[1].string() +
                               "); build it in the nanoclaw "
                               "checkout with `" +
                               k_bridge_build_hint + "`, or set WHATSAPP_BRIDGE_COMMAND");
}

} // namespace

core::EnvMap bridge_environment(const core::EnvMap& env) {
    core::EnvMap out;
    for (const auto& [key, value] : env) {
        const bool secret = key.starts_with("ANTHROPIC_") || key == "CLAUDE_CODE_OAUTH_TOKEN" ||
                            key.ends_with("_TOKEN") || key.ends_with("_API_KEY") ||
                            key.ends_with("_SECRET");
        if (!secret) out.emplace(key, value);
    }
    return out;
}

tl::expected<BridgeSpawn, std::string> bridge_spawn(const SetupContext& ctx,
                                                    BridgeRequest request) {
    BridgeSpawn spawn;
    if (const auto configured = configured_command(ctx); !configured.empty()) {
        spawn.argv = split_words(configured);
        if (spawn.argv.empty())
            return tl::make_unexpected(std::string(k_command_key) + " is blank");
    } else {
        const auto script = default_script(ctx.config.share_dir);
        if (!script) return tl::make_unexpected(script.error());
        spawn.argv = {"node", script->string()};
    }
    if (!find_program(spawn.argv[0], ctx.env)) {
        return tl::make_unexpected(
            spawn.argv[0] + " was not found" +
            (spawn.argv[0] == "node"
                 ? ": install Node.js 20 or later (the WhatsApp bridge runs on it)"
                 : " (" + std::string(k_command_key) + ")"));
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
