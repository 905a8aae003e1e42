// SPDX-License-Identifier: MIT
#include "nanoclaw/proxy/bind_address.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <cstring>
#include <filesystem>

namespace nanoclaw::proxy {
namespace {

std::optional<std::string> first_ipv4_of(const char* interface_name) {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return std::nullopt;
    std::optional<std::string> found;
    for (const ifaddrs* it = list; it != nullptr && !found; it = it->ifa_next) {
        if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != AF_INET) continue;
        if (std::strcmp(it->ifa_name, interface_name) != 0) continue;
        char text[INET_ADDRSTRLEN] = {};
        const auto* in = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
        if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text) != nullptr) found = text;
    }
    freeifaddrs(list);
    return found;
}

} // namespace

HostProbe probe_host() {
    HostProbe probe;
#ifdef __APPLE__
    probe.macos = true;
#endif
    std::error_code ec;
    probe.wsl = std::filesystem::exists("/proc/sys/fs/binfmt_misc/WSLInterop", ec);
    probe.docker0_ipv4 = first_ipv4_of("docker0");
    return probe;
}

BindChoice choose_bind_host(const std::optional<std::string>& override_host,
                            const HostProbe& probe) {
    if (override_host && !override_host->empty()) {
        return {*override_host, BindReason::override_env};
    }
    if (probe.macos || probe.wsl) return {"127.0.0.1", BindReason::loopback_platform};
    if (probe.docker0_ipv4) return {*probe.docker0_ipv4, BindReason::docker_bridge};
    return {"0.0.0.0", BindReason::fallback_any};
}

} // namespace nanoclaw::proxy
