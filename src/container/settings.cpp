// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cctype>
#include "nanoclaw/container/settings.hpp"
#include "nanoclaw/core/errors.hpp"

#include <unistd.h>

#include <array>

namespace nanoclaw::container {

namespace {

std::optional<std::string> non_empty(const core::EnvMap& env, const std::string& key) {
    const auto it = env.find(key);
    if (it == env.end() || it->second.empty()) return std::nullopt;
    return it->second;
}

bool truthy(const std::optional<std::string>& value) {
    return value && (*value == "1" || *value == "true" || *value == "yes" || *value == "on");
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
    } else if (truthy(non_empty(env, "NANOCLAW_DOCKER_SANDBOX"))) {
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
    s.host_ids = HostIds{static_cast<unsigned>(getuid()), static_cast<unsigned>(getgid())};
    s.hostname = own_hostname();
    s.verbose_run_logs = config.log_level == "debug" || config.log_level == "trace";
    return s;
}

} // namespace nanoclaw::container
