// SPDX-License-Identifier: MIT
#include "nanoclaw/setup/platform.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>

#include "nanoclaw/core/whole_file.hpp"

namespace nanoclaw::setup {
namespace {

std::string os_name() {
    utsname u{};
    if (::uname(&u) != 0) return "unknown";
    const std::string_view sys = u.sysname;
    if (sys == "Linux") return "linux";
    if (sys == "Darwin") return "macos";
    return "unknown";
}

bool set(const core::EnvMap& env, const char* key) {
    const auto it = env.find(key);
    return it != env.end() && !it->second.empty();
}

} // namespace

bool is_wsl_kernel(std::string_view proc_version) {
    std::string lower(proc_version);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower.find("microsoft") != std::string::npos || lower.find("wsl") != std::string::npos;
}

ServiceManager Platform::service_manager() const {
    if (name == "macos") return ServiceManager::launchd;
    if (name == "linux" && systemd) return ServiceManager::systemd;
    return ServiceManager::none;
}

std::string_view to_string(ServiceManager manager) {
    switch (manager) {
    case ServiceManager::launchd: return "launchd";
    case ServiceManager::systemd: return "systemd";
    case ServiceManager::none: break;
    }
    return "none";
}

Platform detect_platform(const core::EnvMap& env, const PlatformProbe& probe) {
    Platform p;
    p.name = os_name();
    p.root = ::geteuid() == 0;
    p.time_zone = core::detect_system_timezone().value_or("");
    if (p.name != "linux") return p;
    p.wsl = is_wsl_kernel(core::read_whole_file(probe.proc_version));
    p.headless = !set(env, "DISPLAY") && !set(env, "WAYLAND_DISPLAY");
    auto comm = core::read_whole_file(probe.proc1_comm);
    while (!comm.empty() && std::isspace(static_cast<unsigned char>(comm.back())))
        comm.pop_back();
    p.systemd = comm == "systemd";
    return p;
}

} // namespace nanoclaw::setup
