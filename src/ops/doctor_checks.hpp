// SPDX-License-Identifier: MIT
// Private: the individual checks of `nanoclaw doctor`, grouped by what they look at. Each returns
// what it found; none throws for the thing it checks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nanoclaw/ops/doctor.hpp"
#include "nanoclaw/setup/platform.hpp"

namespace nanoclaw::ops::doctor {

/// What the checks share; later checks read what earlier ones found.
struct Context {
    const core::Config& config;
    const core::EnvMap& env;
    const DoctorOptions& options;
    setup::Platform platform;
    std::optional<nlohmann::json> live; ///< the running daemon's status, when it answered
    bool runtime_ok = false;            ///< `<runtime> info` answered
    bool image_ok = false;              ///< the agent image is present
    bool credentials_ok = false;        ///< a credential is configured
};

Check make_check(std::string name, CheckStatus status, std::string detail, std::string fix = {});

// doctor_runtime.cpp: the container runtime and the agent image.
Check check_runtime(Context& ctx);
Check check_docker_socket(const Context& ctx);
Check check_image(Context& ctx);

// doctor_api.cpp: credentials, and whether the API accepts them.
Check check_credentials(Context& ctx);
Check check_api(const Context& ctx);

// doctor_env.cpp: .env is private to its owner.
Check check_env_file(const Context& ctx);

// doctor_proxy.cpp: can a container reach the credential proxy?
Check check_proxy_bind(const Context& ctx);

// doctor_host.cpp: files and state on this machine.
Check check_share_dir(const Context& ctx);
Check check_mount_allowlist(const Context& ctx);
Check check_sender_allowlist(const Context& ctx);
Check check_disk(const Context& ctx);
Check check_service(const Context& ctx);

// doctor_channels.cpp: each configured channel; a failure when none is enabled.
std::vector<Check> check_channels(const Context& ctx);

/// "then restart the daemon: <command>" when a daemon runs (a .env change needs a restart).
std::string restart_hint(const Context& ctx);

} // namespace nanoclaw::ops::doctor
