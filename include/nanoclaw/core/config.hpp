// SPDX-License-Identifier: MIT
// Process-wide settings, computed once at start-up (spec 10 §1, §16.1; spec 20 §0.3) and then
// immutable. Each component takes the fields it needs; nothing reads the environment later.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nanoclaw::core {

enum class RuntimeKind { docker, podman };

struct Config {
    // Layout (all absolute, derived from the root).
    std::filesystem::path root;        ///< PROJECT_ROOT: --root, NANOCLAW_ROOT, or the cwd
    std::filesystem::path store_dir;   ///< root/store
    std::filesystem::path groups_dir;  ///< root/groups
    std::filesystem::path data_dir;    ///< root/data
    std::filesystem::path home_dir;    ///< $HOME, else the passwd home directory
    std::filesystem::path mount_allowlist_path;  ///< home/.config/nanoclaw/mount-allowlist.json
    std::filesystem::path sender_allowlist_path; ///< home/.config/nanoclaw/sender-allowlist.json

    // Shipped files (agent-runner source, skills, CLAUDE.md templates): never under the root.
    std::filesystem::path share_dir; ///< see core::locate_share_dir; empty when not found
    std::optional<std::string> share_dir_error; ///< why share_dir is empty (daemon: fatal)

    // Identity and triggers.
    std::string assistant_name = "Andy";   ///< env, else .env, else "Andy"
    bool assistant_has_own_number = false; ///< exact string "true"
    std::string timezone = "UTC";          ///< first valid IANA zone of env TZ, .env TZ, system

    // Containers.
    std::string container_image = "nanoclaw-agent:latest";
    std::chrono::milliseconds container_timeout{1'800'000};
    std::chrono::milliseconds idle_timeout{1'800'000};
    long long container_max_output_size = 10'485'760;
    int max_concurrent_containers = 5;
    int max_messages_per_prompt = 10;
    RuntimeKind container_runtime = RuntimeKind::docker;
    std::string container_runtime_bin = "docker"; ///< name on PATH or absolute path
    std::optional<std::string> container_cpus;      ///< --cpus, unset = reference argv
    std::optional<std::string> container_memory;    ///< --memory
    std::optional<std::string> container_pids_limit;///< --pids-limit
    /// WARM_POOL_SIZE: agent containers kept started and idle, one per recently used group, so a
    /// message skips the container's start (0 = off). WARM_POOL_TTL: how long one may idle.
    int warm_pool_size = 1;
    std::chrono::milliseconds warm_pool_ttl{1'800'000};
    /// WARM_POOL_GROUPS: folders of groups kept warm from start-up on, whatever the TTL ("hot").
    std::vector<std::string> warm_pool_groups;

    // Credential proxy.
    int credential_proxy_port = 3001; ///< 0 = any free port
    std::optional<std::string> credential_proxy_host; ///< bind override; else auto-detected

    // Channels.
    bool local_channel = true; ///< LOCAL_CHANNEL: off/false/0/no disables it
    std::string telegram_api_base_url = "https://api.telegram.org";

    // Operations.
    std::string log_level = "info";
    std::optional<std::filesystem::path> log_file; ///< NANOCLAW_LOG_FILE
    std::chrono::milliseconds shutdown_grace{10'000}; ///< SHUTDOWN_GRACE_MS
    bool upstream_preflight = true; ///< NANOCLAW_PREFLIGHT: off/false/0/no skips the start-up check
    /// UPSTREAM_WAIT_NOTICE_MS: a run retrying a 429/529/timeout this long tells its chat once.
    std::chrono::milliseconds upstream_wait_notice{30'000};

    /// Warnings produced while loading (bad numbers, invalid TZ...), logged by main once the
    /// logger is configured.
    std::vector<std::string> warnings;
};

/// Source of environment variables; the real one wraps getenv, tests pass a map.
using EnvMap = std::map<std::string, std::string>;

/// Snapshot of the process environment.
EnvMap process_env();

/// Builds the Config for `root` from `env` (process environment) and `root/.env`.
/// Throws FatalError for values that cannot be used at all (e.g. unknown CONTAINER_RUNTIME).
Config load_config(const std::filesystem::path& root, const EnvMap& env);

/// Resolves the root directory from --root, NANOCLAW_ROOT, or the current directory.
std::filesystem::path resolve_root(const std::optional<std::string>& cli_root, const EnvMap& env);

/// The system's IANA zone name (from /etc/localtime or /etc/timezone, when that zone loads), or
/// "UTC" when it cannot be determined.
std::string system_timezone();

/// The zone /etc/localtime links to (or /etc/timezone names) when it loads; nullopt otherwise.
std::optional<std::string> detect_system_timezone();

/// True iff `tz` names a zone whose file loads ("UTC" always does); see core::TimeZone.
bool is_valid_timezone(const std::string& tz);

} // namespace nanoclaw::core
