// SPDX-License-Identifier: MIT
// WhatsApp channel settings: the bridge command (WHATSAPP_BRIDGE_COMMAND or the built bridge in
// the share directory), the auth folder, the assistant's name and number, and the timings.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "nanoclaw/channels/whatsapp/reconnect.hpp"
#include "nanoclaw/core/config.hpp"

namespace nanoclaw::channels::whatsapp {

struct WhatsAppSettings {
    std::vector<std::string> bridge_command; ///< argv the daemon's own arguments are added to
    std::filesystem::path root;              ///< the bridge's working directory
    std::filesystem::path auth_dir;          ///< <root>/store/auth
    std::string assistant_name = "Andy";
    bool assistant_has_own_number = false;
    ReconnectPolicy reconnect;
    std::chrono::milliseconds connect_timeout{30'000}; ///< connect() fails after this
    std::chrono::milliseconds send_timeout{60'000};    ///< an unanswered send is retried
    std::chrono::milliseconds fetch_timeout{30'000};   ///< fetch_groups
    std::chrono::milliseconds group_sync_interval{24 * 3'600'000};
    std::chrono::milliseconds shutdown_grace{3'000}; ///< EOF -> SIGTERM -> SIGKILL
};

/// Splits WHATSAPP_BRIDGE_COMMAND on spaces (no shell, no quoting).
std::vector<std::string> split_command(std::string_view command);

/// How to build the bridge, for messages that tell the user.
inline constexpr std::string_view k_bridge_build_hint =
    "cd channels/whatsapp-bridge && npm ci && npm run build";

/// The bridge's argv before its own flags: WHATSAPP_BRIDGE_COMMAND (environment, else .env),
/// else `node <share>/channels/whatsapp-bridge/dist/bridge.js` (a checkout) or
/// `node <share>/whatsapp-bridge/dist/bridge.js` (an install); the error says how to build it.
/// The daemon's channel and the setup steps start the same program this way.
tl::expected<std::vector<std::string>, std::string> resolve_bridge_command(const core::Config& config,
                                                                          const core::EnvMap& env);

/// The settings, or why the channel stays off (the daemon logs it at info): WhatsApp is not
/// linked (no store/auth/creds.json), or the default bridge is not built.
tl::expected<WhatsAppSettings, std::string> load_whatsapp_settings(const core::Config& config,
                                                                   const core::EnvMap& env);

/// True for variables that hold credentials the bridge has no use for (ANTHROPIC_*,
/// CLAUDE_CODE_OAUTH_TOKEN, *_TOKEN, *_API_KEY, *_SECRET): the daemon's channel and the setup
/// steps both start the bridge without them.
bool is_secret_env_name(std::string_view name);

/// The names in `env` that is_secret_env_name picks.
std::vector<std::string> secret_env_names(const core::EnvMap& env);

/// The full argv: the command plus `--auth-dir <auth_dir> --mode channel`.
std::vector<std::string> bridge_argv(const WhatsAppSettings& settings);

/// The fix told to the user when the session is logged out or was never linked.
inline constexpr std::string_view k_relink_hint =
    "nanoclaw setup --step whatsapp-auth --method qr-terminal (or --method pairing-code --phone "
    "<number>)";

} // namespace nanoclaw::channels::whatsapp
