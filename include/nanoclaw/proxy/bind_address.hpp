// SPDX-License-Identifier: MIT
// Where the credential proxy listens (spec 20 §3.6): an explicit override, loopback where Docker
// Desktop routes host.docker.internal to it (macOS, WSL), else the docker0 bridge address.
#pragma once

#include <optional>
#include <string>

namespace nanoclaw::proxy {

/// Facts about the host that decide the bind address; probe_host() fills them for real.
struct HostProbe {
    bool macos = false;
    bool wsl = false;                      ///< /proc/sys/fs/binfmt_misc/WSLInterop exists
    std::optional<std::string> docker0_ipv4; ///< first IPv4 of interface docker0
};

enum class BindReason { override_env, loopback_platform, docker_bridge, fallback_any };

struct BindChoice {
    std::string host;
    BindReason reason;
};

/// Reads the real host facts (uname, the WSL interop file, getifaddrs).
HostProbe probe_host();

/// The §3.6 order: non-empty override, macOS/WSL loopback, docker0 IPv4, else 0.0.0.0 with
/// reason fallback_any (the caller must warn loudly and keep re-detecting).
BindChoice choose_bind_host(const std::optional<std::string>& override_host, const HostProbe& probe);

} // namespace nanoclaw::proxy
