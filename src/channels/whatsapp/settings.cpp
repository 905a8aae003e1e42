// SPDX-License-Identifier: MIT
// WhatsApp is on when it has been linked (store/auth/creds.json, spec 30 §15.1: the port returns
// no channel without it, so a supervisor never loops on a QR request) and a bridge can be run.
#include "nanoclaw/channels/whatsapp/settings.hpp"

#include "nanoclaw/core/env_file.hpp"

namespace nanoclaw::channels::whatsapp {
namespace fs = std::filesystem;

namespace {

constexpr const char* k_command_key = "WHATSAPP_BRIDGE_COMMAND";

std::string configured_command(const core::Config& config, const core::EnvMap& env) {
    if (auto it = env.find(k_command_key); it != env.end() && !it->second.empty())
        return it->second;
    auto dotenv = core::read_env_file(config.root / ".env", {k_command_key});
    if (auto it = dotenv.find(k_command_key); it != dotenv.end()) return it->second;
    return {};
}

// The built bridge in the share directory: the checkout's layout (channels/whatsapp-bridge),
// which an install copies as it is, else a flat whatsapp-bridge/ beside the share's other files.
std::optional<fs::path> built_bridge(const fs::path& share) {
    if (share.empty()) return std::nullopt;
    for (const auto& candidate : {share / "channels" / "whatsapp-bridge" / "dist" / "bridge.js",
                                  share / "whatsapp-bridge" / "dist" / "bridge.js"}) {
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) return candidate;
    }
    return std::nullopt;
}

} // namespace

std::vector<std::string> split_command(std::string_view command) {
    std::vector<std::string> argv;
    std::size_t i = 0;
    while (i < command.size()) {
        while (i < command.size() && (command[i] == ' ' || command[i] == '\t'))
            ++i;
        const auto start = i;
        while (i < command.size() && command[i] != ' ' && command[i] != '\t')
            ++i;
        if (i > start) argv.emplace_back(command.substr(start, i - start));
    }
    return argv;
}

tl::expected<std::vector<std::string>, std::string> resolve_bridge_command(const core::Config& config,
                                                                          const core::EnvMap& env) {
    if (const auto command = configured_command(config, env); !command.empty()) {
        auto argv = split_command(command);
        if (argv.empty()) return tl::unexpected(std::string(k_command_key) + " is blank");
        return argv;
    }
    const auto bridge = built_bridge(config.share_dir);
    if (!bridge) {
        return tl::unexpected("the WhatsApp bridge is not built (no " +
                              (config.share_dir / "channels/whatsapp-bridge/dist/bridge.js").string() + " or " +
                              (config.share_dir / "whatsapp-bridge/dist/bridge.js").string() +
                              "); build it in the nanoclaw checkout with `" + std::string(k_bridge_build_hint) +
                              "`, or set WHATSAPP_BRIDGE_COMMAND");
    }
    return std::vector<std::string>{"node", bridge->string()};
}

tl::expected<WhatsAppSettings, std::string> load_whatsapp_settings(const core::Config& config,
                                                                   const core::EnvMap& env) {
    WhatsAppSettings s;
    s.root = config.root;
    s.auth_dir = config.store_dir / "auth";
    s.assistant_name = config.assistant_name;
    s.assistant_has_own_number = config.assistant_has_own_number;
    std::error_code ec;
    if (!fs::is_regular_file(s.auth_dir / "creds.json", ec)) {
        return tl::unexpected("WhatsApp is not linked (no " + (s.auth_dir / "creds.json").string() +
                              "); to use it, run " + std::string(k_relink_hint));
    }
    auto command = resolve_bridge_command(config, env);
    if (!command) return tl::unexpected("WhatsApp is linked but " + command.error());
    s.bridge_command = std::move(*command);
    return s;
}

bool is_secret_env_name(std::string_view name) {
    return name.starts_with("ANTHROPIC_") || name == "CLAUDE_CODE_OAUTH_TOKEN" ||
           name.ends_with("_TOKEN") || name.ends_with("_API_KEY") || name.ends_with("_SECRET");
}

std::vector<std::string> secret_env_names(const core::EnvMap& env) {
    std::vector<std::string> names;
    for (const auto& [name, value] : env)
        if (is_secret_env_name(name)) names.push_back(name);
    return names;
}

std::vector<std::string> bridge_argv(const WhatsAppSettings& settings) {
    auto argv = settings.bridge_command;
    argv.insert(argv.end(), {"--auth-dir", settings.auth_dir.string(), "--mode", "channel"});
    return argv;
}

} // namespace nanoclaw::channels::whatsapp
