// SPDX-License-Identifier: MIT
// Container settings that are not part of core::Config: Docker Sandboxes support (spec 20 §11),
// the host identity used for --user, and timing knobs that tests shorten.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nanoclaw/core/config.hpp"

namespace nanoclaw::container {

struct HostIds {
    unsigned uid = 0;
    unsigned gid = 0;
};

struct Settings {
    /// Source of the read-only `.env` shadow mount. Must be empty: /dev/null by default,
    /// DATA_DIR/empty-env inside Docker Sandboxes (NANOCLAW_DOCKER_SANDBOX, from the environment
    /// or `.env`), or NANOCLAW_ENV_SHADOW.
    std::filesystem::path env_shadow_source = "/dev/null";
    /// Host CA bundle to copy to DATA_DIR/ca-cert (NODE_EXTRA_CA_CERTS, else SSL_CERT_FILE).
    std::optional<std::filesystem::path> ca_cert_source;
    /// HTTP(S)_PROXY / NO_PROXY in both cases, forwarded in this order as value-less `-e NAME`
    /// with the value set in the runtime CLI's environment (kept out of the argv). When a proxy
    /// is forwarded, NO_PROXY and no_proxy also name the credential proxy's host (appended).
    std::vector<std::pair<std::string, std::string>> proxy_env;
    bool host_is_linux = true;        ///< adds --add-host=host.docker.internal:host-gateway
    /// NANOCLAW_CONTAINER_NETWORK: `--network <name>` for agent containers (unset = the
    /// runtime's default bridge, as v1). With "host", containers reach the credential proxy on
    /// 127.0.0.1 (used by the end-to-end tests, which must stay on loopback).
    std::optional<std::string> network;
    std::optional<HostIds> host_ids;  ///< the daemon's real uid/gid (nullopt: no mapping)
    std::string hostname;             ///< own hostname, never stopped by orphan cleanup
    bool verbose_run_logs = false;    ///< LOG_LEVEL debug/trace: full per-run logs
    bool shadow_store_auth = true;    ///< hide store/auth inside main's project mount (§14.7)
    /// Hard timeout >= idle timeout + this (v1's 30 s); CONTAINER_TIMEOUT_GRACE_MS shortens it
    /// for tests that must see a hung agent killed within seconds.
    std::chrono::milliseconds timeout_grace{30'000};
    std::chrono::milliseconds stop_timeout{15'000};  ///< limit for one `stop`/`kill` command
    std::chrono::milliseconds info_timeout{10'000};  ///< limit for the start-up `info` check
    std::chrono::milliseconds pipe_drain_grace{5'000}; ///< after exit, wait this long for EOF
};

/// The host name containers use to reach the credential proxy.
std::string proxy_host_for_containers(const Settings& settings);

/// Reads the settings above from the process environment `env` and the host; `config` supplies
/// root (for `.env`), data_dir and log_level.
Settings load_settings(const core::Config& config, const core::EnvMap& env);

} // namespace nanoclaw::container
