// SPDX-License-Identifier: MIT
#include "nanoclaw/core/config.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "nanoclaw/core/env_file.hpp"
#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/core/group_folder.hpp"
#include "nanoclaw/core/install_paths.hpp"
#include "nanoclaw/core/time_zone.hpp"

extern char** environ;

namespace nanoclaw::core {
namespace {

std::optional<std::string> non_empty(const EnvMap& env, const std::string& key) {
    auto it = env.find(key);
    if (it == env.end() || it->second.empty()) return std::nullopt;
    return it->second;
}

std::filesystem::path home_directory(const EnvMap& env) {
    if (auto home = non_empty(env, "HOME")) return *home;
    if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_dir != nullptr) {
        return pw->pw_dir;
    }
    return "/";
}

// Integer setting parsed like JS parseInt. A missing value keeps the default silently; a value
// with no digits keeps the default with a warning (v1 would turn it into NaN, spec 10 §17 quirk
// 10).
long long int_setting(const EnvMap& env, const std::string& key, long long def,
                      std::vector<std::string>& warnings) {
    auto raw = non_empty(env, key);
    if (!raw) return def;
    auto parsed = js_parse_int(*raw);
    if (!parsed) {
        warnings.push_back(
            fmt::format("{} is not a number ({:?}); using the default {}", key, *raw, def));
        return def;
    }
    return *parsed;
}

std::chrono::milliseconds timeout_setting(const EnvMap& env, const std::string& key, long long def,
                                          std::vector<std::string>& warnings) {
    long long v = int_setting(env, key, def, warnings);
    if (v <= 0) {
        warnings.push_back(
            fmt::format("{} must be positive (got {}); using the default {}", key, v, def));
        v = def;
    }
    return std::chrono::milliseconds(v);
}

// MAX_CONCURRENT_CONTAINERS / MAX_MESSAGES_PER_PROMPT rule: max(1, P), NaN or 0 -> default.
int at_least_one(const EnvMap& env, const std::string& key, int def,
                 std::vector<std::string>& warnings) {
    long long p = int_setting(env, key, def, warnings);
    if (p == 0) p = def;
    if (p > 1'000'000) p = 1'000'000;
    return static_cast<int>(std::max(1LL, p));
}

bool flag_off(const std::string& v) {
    return v == "off" || v == "false" || v == "0" || v == "no";
}

std::string resolve_timezone(const EnvMap& env, const std::map<std::string, std::string>& dotenv,
                             std::vector<std::string>& warnings) {
    std::vector<std::pair<std::string, std::string>> candidates;
    if (auto tz = non_empty(env, "TZ")) candidates.emplace_back("TZ", *tz);
    if (auto it = dotenv.find("TZ"); it != dotenv.end())
        candidates.emplace_back(".env TZ", it->second);
    for (const auto& [source, tz] : candidates) {
        if (is_valid_timezone(tz)) return tz;
        warnings.push_back(
            fmt::format("{}={:?} is not a valid IANA time zone; ignoring it", source, tz));
    }
    return system_timezone();
}

} // namespace

EnvMap process_env() {
    EnvMap env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string_view kv(*e);
        auto eq = kv.find('=');
        if (eq == std::string_view::npos) continue;
        env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
    return env;
}

// A zone this process can actually load (see TimeZone::locate), not merely a plausible name.
bool is_valid_timezone(const std::string& tz) {
    return TimeZone::locate(tz).has_value();
}

std::optional<std::string> detect_system_timezone() {
    std::error_code ec;
    const auto target = std::filesystem::read_symlink("/etc/localtime", ec);
    if (!ec) {
        const std::string text = target.string();
        const auto at = text.find("zoneinfo/");
        if (at != std::string::npos) {
            const auto name = text.substr(at + 9);
            if (is_valid_timezone(name)) return name;
        }
    }
    std::ifstream file("/etc/timezone");
    std::string name;
    if (file && std::getline(file, name)) {
        while (!name.empty() && (name.back() == ' ' || name.back() == '\r'))
            name.pop_back();
        if (is_valid_timezone(name)) return name;
    }
    return std::nullopt;
}

// The system's zone, UTC when it cannot be told (as JavaScript's Intl does).
std::string system_timezone() {
    return detect_system_timezone().value_or("UTC");
}

std::filesystem::path resolve_root(const std::optional<std::string>& cli_root, const EnvMap& env) {
    std::filesystem::path root;
    if (cli_root && !cli_root->empty()) {
        root = *cli_root;
    } else if (auto r = non_empty(env, "NANOCLAW_ROOT")) {
        root = *r;
    } else {
        root = std::filesystem::current_path();
    }
    root = std::filesystem::absolute(root).lexically_normal();
    if (!root.has_filename() && root != root.root_path()) root = root.parent_path();
    return root;
}

Config load_config(const std::filesystem::path& root, const EnvMap& env) {
    Config c;
    auto& w = c.warnings;
    c.root = resolve_root(root.string(), env);
    c.store_dir = c.root / "store";
    c.groups_dir = c.root / "groups";
    c.data_dir = c.root / "data";
    c.home_dir = home_directory(env);
    c.mount_allowlist_path = c.home_dir / ".config" / "nanoclaw" / "mount-allowlist.json";
    c.sender_allowlist_path = c.home_dir / ".config" / "nanoclaw" / "sender-allowlist.json";
    // Not fatal here: the CLI never reads shipped files; the daemon checks at start-up.
    if (auto share = locate_share_dir(executable_path(), env)) {
        c.share_dir = *share;
    } else {
        c.share_dir_error = share.error();
    }

    // Only these non-secret keys are read from .env by config (spec 10 §1, §16.1).
    const auto dotenv =
        read_env_file(c.root / ".env", {"ASSISTANT_NAME", "ASSISTANT_HAS_OWN_NUMBER", "TZ"});
    auto from_env_or_file = [&](const std::string& key) -> std::optional<std::string> {
        if (auto v = non_empty(env, key)) return v;
        if (auto it = dotenv.find(key); it != dotenv.end()) return it->second;
        return std::nullopt;
    };
    c.assistant_name = from_env_or_file("ASSISTANT_NAME").value_or("Andy");
    c.assistant_has_own_number = from_env_or_file("ASSISTANT_HAS_OWN_NUMBER") == "true";
    c.timezone = resolve_timezone(env, dotenv, w);

    c.container_image = non_empty(env, "CONTAINER_IMAGE").value_or(c.container_image);
    c.container_timeout = timeout_setting(env, "CONTAINER_TIMEOUT", 1'800'000, w);
    c.idle_timeout = timeout_setting(env, "IDLE_TIMEOUT", 1'800'000, w);
    c.container_max_output_size = int_setting(env, "CONTAINER_MAX_OUTPUT_SIZE", 10'485'760, w);
    if (c.container_max_output_size <= 0) c.container_max_output_size = 10'485'760;
    c.max_concurrent_containers = at_least_one(env, "MAX_CONCURRENT_CONTAINERS", 5, w);
    c.max_messages_per_prompt = at_least_one(env, "MAX_MESSAGES_PER_PROMPT", 10, w);

    const auto runtime = non_empty(env, "CONTAINER_RUNTIME").value_or("docker");
    if (runtime == "docker") {
        c.container_runtime = RuntimeKind::docker;
    } else if (runtime == "podman") {
        c.container_runtime = RuntimeKind::podman;
    } else {
        throw FatalError(
            fmt::format("CONTAINER_RUNTIME must be \"docker\" or \"podman\" (got {:?})", runtime));
    }
    c.container_runtime_bin = non_empty(env, "CONTAINER_RUNTIME_BIN").value_or(runtime);
    c.container_cpus = non_empty(env, "CONTAINER_CPUS");
    c.container_memory = non_empty(env, "CONTAINER_MEMORY");
    c.container_pids_limit = non_empty(env, "CONTAINER_PIDS_LIMIT");
    const long long warm = int_setting(env, "WARM_POOL_SIZE", c.warm_pool_size, w);
    if (warm < 0 || warm > 64) {
        w.push_back(fmt::format("WARM_POOL_SIZE must be 0 (off) to 64 (got {}); using {}", warm,
                                c.warm_pool_size));
    } else {
        c.warm_pool_size = static_cast<int>(warm);
    }
    c.warm_pool_ttl = timeout_setting(env, "WARM_POOL_TTL", c.warm_pool_ttl.count(), w);
    if (auto hot = non_empty(env, "WARM_POOL_GROUPS")) {
        std::string_view rest = *hot;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const auto folder = std::string(js_trim(rest.substr(0, comma)));
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            if (folder.empty()) continue;
            if (!is_valid_group_folder(folder)) {
                w.push_back(fmt::format("WARM_POOL_GROUPS: {:?} is not a group folder name; "
                                        "ignoring it",
                                        folder));
                continue;
            }
            if (std::find(c.warm_pool_groups.begin(), c.warm_pool_groups.end(), folder) ==
                c.warm_pool_groups.end())
                c.warm_pool_groups.push_back(folder);
        }
    }

    const long long port = int_setting(env, "CREDENTIAL_PROXY_PORT", 3001, w);
    if (port < 0 || port > 65535) {
        throw FatalError(fmt::format("CREDENTIAL_PROXY_PORT must be 0-65535 (got {})", port));
    }
    c.credential_proxy_port = static_cast<int>(port);
    c.credential_proxy_host = non_empty(env, "CREDENTIAL_PROXY_HOST");

    if (auto v = non_empty(env, "LOCAL_CHANNEL")) c.local_channel = !flag_off(*v);
    c.telegram_api_base_url =
        non_empty(env, "TELEGRAM_API_BASE_URL").value_or(c.telegram_api_base_url);

    c.log_level = non_empty(env, "LOG_LEVEL").value_or("info");
    if (auto f = non_empty(env, "NANOCLAW_LOG_FILE")) c.log_file = std::filesystem::path(*f);
    c.shutdown_grace = timeout_setting(env, "SHUTDOWN_GRACE_MS", 10'000, w);
    if (auto v = non_empty(env, "NANOCLAW_PREFLIGHT")) c.upstream_preflight = !flag_off(*v);
    c.upstream_wait_notice = timeout_setting(env, "UPSTREAM_WAIT_NOTICE_MS", 30'000, w);
    return c;
}

} // namespace nanoclaw::core
