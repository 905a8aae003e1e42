// SPDX-License-Identifier: MIT
// The `docker run` argv (spec 20 §5.4, §5.5) as a pure function of its inputs, so it can be checked
// element by element. Only placeholders ever appear in it, never a credential.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "nanoclaw/container/host_prep.hpp"
#include "nanoclaw/container/settings.hpp"
#include "nanoclaw/container/types.hpp"
#include "nanoclaw/core/config.hpp"

namespace nanoclaw::container {

/// Placeholder value sent instead of any real credential.
inline constexpr std::string_view k_credential_placeholder = "placeholder";
/// Where the CA copy appears inside the container (spec §11.2).
inline constexpr std::string_view k_container_ca_cert = "/workspace/ca-cert/proxy-ca.crt";

/// nanoclaw-<folder with [^A-Za-z0-9-] replaced by '-'>-<epoch ms>.
std::string make_container_name(std::string_view group_folder,
                                std::chrono::system_clock::time_point now);

/// Everything the argv depends on besides Config and Settings.
struct RunArgsInput {
    std::string container_name;
    std::string base_url; ///< ANTHROPIC_BASE_URL for the container
    bool oauth = false;   ///< CLAUDE_CODE_OAUTH_TOKEN vs ANTHROPIC_API_KEY placeholder
    PreparedMounts prepared;
};

/// The argv after the binary, in spec order. Deliberate additions, each absent by default:
/// proxy env and NODE_EXTRA_CA_CERTS (§11), --cpus/--memory/--pids-limit, podman --userns=keep-id.
std::vector<std::string> build_run_args(const core::Config& config, const Settings& settings,
                                        const RunArgsInput& input);

/// `-v host:container[:ro]` as two argv elements.
std::vector<std::string> mount_args(const VolumeMount& mount);

/// The argv joined by spaces for the logs, each run token (16 or more hex digits after `/r/`, as
/// in ANTHROPIC_BASE_URL) replaced by `<run token>`: a live token admits its holder to the credential
/// proxy, and a debug log may sit under the root, where the main agent can read it.
std::string loggable_args(const std::vector<std::string>& argv);

} // namespace nanoclaw::container
