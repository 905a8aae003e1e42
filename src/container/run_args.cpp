// SPDX-License-Identifier: MIT
// The `docker run` argv in the exact order of spec 20 §5.5.
#include "nanoclaw/container/run_args.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace nanoclaw::container {

namespace {

constexpr unsigned k_image_user_uid = 1000; // the image's `node` user

void add_env(std::vector<std::string>& args, std::string_view name, std::string_view value) {
    args.emplace_back("-e");
    args.push_back(fmt::format("{}={}", name, value));
}

// Bind-mounted files must be usable from both sides: run as the host user unless that is root
// (no mapping in v1) or already the image's uid. HOME must then point at the writable home.
void add_user_mapping(std::vector<std::string>& args, const core::Config& config,
                      const Settings& settings) {
    const auto& ids = settings.host_ids;
    const bool map_user = ids && ids->uid != 0 && ids->uid != k_image_user_uid;
    // Rootless Podman maps container ids to sub-ids; keep-id makes the host user appear as
    // itself, so the mounts stay writable (no effect on Docker's argv).
    if (config.container_runtime == core::RuntimeKind::podman && ids && ids->uid != 0) {
        args.emplace_back("--userns=keep-id");
    }
    if (!map_user) return;
    args.emplace_back("--user");
    args.push_back(fmt::format("{}:{}", ids->uid, ids->gid));
    add_env(args, "HOME", "/home/node");
}

void add_limits(std::vector<std::string>& args, const core::Config& config) {
    const std::pair<const char*, const std::optional<std::string>*> limits[] = {
        {"--cpus", &config.container_cpus},
        {"--memory", &config.container_memory},
        {"--pids-limit", &config.container_pids_limit}};
    for (const auto& [flag, value] : limits) {
        if (!*value) continue;
        args.emplace_back(flag);
        args.push_back(**value);
    }
}

} // namespace

std::string make_container_name(std::string_view group_folder,
                                std::chrono::system_clock::time_point now) {
    std::string safe(group_folder);
    for (auto& c : safe) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-';
        if (!keep) c = '-';
    }
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    return fmt::format("nanoclaw-{}-{}", safe, ms);
}

std::vector<std::string> mount_args(const VolumeMount& mount) {
    auto spec = mount.host_path + ":" + mount.container_path;
    if (mount.readonly) spec += ":ro";
    return {"-v", std::move(spec)};
}

std::string loggable_args(const std::vector<std::string>& argv) {
    constexpr std::string_view prefix = "/r/";
    // Run tokens are 48 hex digits; shorter runs are ordinary path parts (`/srv/r/cafe`).
    constexpr std::size_t min_token_digits = 16;
    std::string out;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const auto& arg = argv[i];
        if (i > 0) out += ' ';
        std::size_t pos = 0;
        while (pos < arg.size()) {
            const auto at = arg.find(prefix, pos);
            if (at == std::string::npos) break;
            auto end = at + prefix.size();
            while (end < arg.size() && std::isxdigit(static_cast<unsigned char>(arg[end])))
                ++end;
            const bool token = end - (at + prefix.size()) >= min_token_digits;
            out.append(arg, pos, at + prefix.size() - pos);
            if (token) {
                out += "<run token>";
            } else {
                out.append(arg, at + prefix.size(), end - at - prefix.size());
            }
            pos = end;
        }
        out.append(arg, std::min(pos, arg.size()));
    }
    return out;
}

std::vector<std::string> build_run_args(const core::Config& config, const Settings& settings,
                                        const RunArgsInput& input) {
    std::vector<std::string> args = {"run", "-i", "--rm", "--name", input.container_name};
    add_env(args, "TZ", config.timezone);
    add_env(args, "ANTHROPIC_BASE_URL", input.base_url);
    add_env(args, input.oauth ? "CLAUDE_CODE_OAUTH_TOKEN" : "ANTHROPIC_API_KEY",
            k_credential_placeholder);
    // Value-less `-e NAME`: the CLI copies the value from its own environment (the runner sets
    // it there), so proxy URLs, which may embed credentials, never show in the argv.
    for (const auto& entry : settings.proxy_env) {
        args.emplace_back("-e");
        args.push_back(entry.first);
    }
    if (input.prepared.ca_cert_mounted) add_env(args, "NODE_EXTRA_CA_CERTS", k_container_ca_cert);
    if (settings.host_is_linux) args.emplace_back("--add-host=host.docker.internal:host-gateway");
    if (settings.network) {
        args.emplace_back("--network");
        args.push_back(*settings.network);
    }
    add_user_mapping(args, config, settings);
    add_limits(args, config);
    for (const auto& mount : input.prepared.mounts) {
        auto pair = mount_args(mount);
        args.insert(args.end(), pair.begin(), pair.end());
    }
    args.push_back(config.container_image);
    return args;
}

} // namespace nanoclaw::container
