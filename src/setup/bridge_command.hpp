// SPDX-License-Identifier: MIT
// How setup starts the WhatsApp bridge (docs/whatsapp-bridge-protocol.md, "Process"): the command
// in WHATSAPP_BRIDGE_COMMAND (environment, else .env; split on spaces, no shell), else the built
// bridge of the shipped files run with node, plus the arguments of the mode asked for.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "nanoclaw/channels/whatsapp/settings.hpp"
#include "nanoclaw/setup/setup.hpp"
#include "bridge_client.hpp"

namespace nanoclaw::setup {

enum class BridgeMode { auth, channel };

struct BridgeRequest {
    BridgeMode mode = BridgeMode::auth;
    std::optional<std::string> pairing_phone; ///< auth mode: --pairing-code --phone <digits>
    /// Called with each stderr line of the bridge.
    std::function<void(std::string_view)> on_stderr_line;
};

/// The full spawn (argv with --auth-dir <root>/store/auth --mode ..., environment without
/// secrets, cwd the root), or a message for the user when the bridge cannot be run: the default
/// bridge is not built (the message says how to build it), or the program is not on PATH.
tl::expected<BridgeSpawn, std::string> bridge_spawn(const SetupContext& context,
                                                    BridgeRequest request);

/// The bridge's environment: the step's, minus credentials the bridge has no use for.
core::EnvMap bridge_environment(const core::EnvMap& env);

} // namespace nanoclaw::setup
