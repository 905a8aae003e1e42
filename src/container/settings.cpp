// SPDX-License-Identifier: MIT
#include "nanoclaw/container/settings.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "nanoclaw/core/env_file.hpp"
#include "nanoclaw/core/errors.hpp"

namespace nanoclaw::container {

namespace {

std::optional<std::string> non_empty(const core::EnvMap& env, const std::string& key) {
    const auto it = env.find(key);
    if (it == env.end() || it->second.empty()) return std::nullopt;
    return it->second;
}

// CONTAINER_TIMEOUT_GRACE_MS: whole milliseconds, at least 1; anything else stops start-up.
std::chrono::milliseconds timeout_grace(const core::EnvMap& env, std::chrono::milliseconds def) {
    const auto value = non_empty(env, "CONTAINER_TIMEOUT_GRACE_MS");
    if (!value) return def;
    const bool digits =
        value->size() <= 12 && std::all_of(value->begin(), value->end(),
                                           [](unsigned char c) { return std::isdigit(c) != 0; });
    if (!digits || std::stoll(*value) <= 0) {
        throw core::FatalError("CONTAINER_TIMEOUT_GRACE_MS must be a positive number of "
                               "milliseconds (got \"" +
                               *value + "\")");
    }
    return std::chrono::milliseconds(std::stoll(*value));
}

bool truthy(const std::optional<std::string>& value) {
    return value && (*value == "1" || *value == "true" || *value == "yes" || *value == "on");
}

// NANOCLAW_DOCKER_SANDBOX from the process environment, else from `.env`: the guide keeps the
// sandbox's settings beside the placeholder key, and the flag is no secret.
bool docker_sandbox(const core::Config& config, const core::EnvMap& env) {
    if (auto value = non_empty(env, "NANOCLAW_DOCKER_SANDBOX")) return truthy(value);
    auto dotenv = core::read_env_file(config.root / ".env", {"NANOCLAW_DOCKER_SANDBOX"});
    const auto it = dotenv.find("NANOCLAW_DOCKER_SANDBOX");
    return it != dotenv.end() && truthy(it->second);
}

// True when the comma- or space-separated NO_PROXY `list` names `host` itself.
bool lists_host(const std::string& list, const std::string& host) {
    std::size_t start = 0;
    while (start < list.size()) {
        auto end = list.find_first_of(", ", start);
        if (end == std::string::npos) end = list.size();
        if (list.compare(start, end - start, host) == 0) return true;
        start = end + 1;
    }
    return false;
}

// With a forwarded HTTP(S) proxy, an agent would send its API calls for ANTHROPIC_BASE_URL (plain
// http to the credential proxy) to that proxy, which cannot reach the daemon's host. Both
// spellings of NO_PROXY therefore name the credential proxy's host, appended to what the host set.
void exempt_credential_proxy(Settings& s) {
    const bool proxied = std::any_of(s.proxy_env.begin(), s.proxy_env.end(), [](const auto& entry) {
        return entry.first != "NO_PROXY" && entry.first != "no_proxy";
    });
    if (!proxied) return;
    const auto host = proxy_host_for_containers(s);
    for (const char* key : {"NO_PROXY", "no_proxy"}) {
        auto it = std::find_if(s.proxy_env.begin(), s.proxy_env.end(),
                               [key](const auto& entry) { return entry.first == key; });
        if (it == s.proxy_env.end()) {
            s.proxy_env.emplace_back(key, host);
        } else if (!lists_host(it->second, host)) {
            it->second += "," + host;
        }
    }
}

std::string own_hostname() {
    std::array<char, 256> buf{};
    if (gethostname(buf.data(), buf.size() - 1) != 0) return {};
    return std::string(buf.data());
}

} // namespace

std::string proxy_host_for_containers(const Settings& settings) {
    return settings.network == "host" ? "127.0.0.1" : "host.docker.internal";
}

Settings load_settings(const core::Config& config, const core::EnvMap& env) {
    Settings s;
    if (auto shadow = non_empty(env, "NANOCLAW_ENV_SHADOW")) {
        s.env_shadow_source = *shadow;
    } else if (docker_sandbox(config, env)) {
        // Docker Sandboxes reject bind mounts of /dev/null (spec §11.3).
        s.env_shadow_source = config.data_dir / "empty-env";
    }
    if (auto ca = non_empty(env, "NODE_EXTRA_CA_CERTS")) {
        s.ca_cert_source = *ca;
    } else if (auto cert = non_empty(env, "SSL_CERT_FILE")) {
        s.ca_cert_source = *cert;
    }
    for (const char* key : {"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy",
                            "no_proxy"}) {
        if (auto value = non_empty(env, key)) s.proxy_env.emplace_back(key, *value);
    }
#ifdef __linux__
    s.host_is_linux = true;
#else
    s.host_is_linux = false;
#endif
    if (auto network = non_empty(env, "NANOCLAW_CONTAINER_NETWORK")) {
        const bool safe = std::all_of(network->begin(), network->end(), [](unsigned char c) {
            return std::isalnum(c) || c == '_' || c == '-' || c == '.';
        });
        if (!safe) throw core::FatalError("NANOCLAW_CONTAINER_NETWORK has invalid characters: " + *network);
        s.network = *network;
    }
    exempt_credential_proxy(s);
    s.timeout_grace = timeout_grace(env, s.timeout_grace);
    s.host_ids = HostIds{static_cast<unsigned>(getuid()), static_cast<unsigned>(getgid())};
    s.hostname = own_hostname();
    s.verbose_run_logs = config.log_level == "debug" || config.log_level == "trace";
    return s;
}

} // namespace nanoclaw::container
