// SPDX-License-Identifier: MIT
// doctor: the container runtime answers, its socket is usable by this user, the image is there.
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <sstream>

#include <fmt/format.h>

#include "doctor_checks.hpp"
#include "nanoclaw/setup/command.hpp"
#include "shell_quote.hpp"

namespace nanoclaw::ops::doctor {
namespace {

namespace fs = std::filesystem;

setup::CommandResult run(const Context& ctx, std::vector<std::string> argv) {
    return setup::run_program(setup::CommandSpec{
        std::move(argv), &ctx.env, {}, std::nullopt, ctx.options.runtime_timeout});
}

std::string last_line(const std::string& text) {
    auto end = text.find_last_not_of(" \t\r\n");
    if (end == std::string::npos) return {};
    auto begin = text.rfind('\n', end);
    return text.substr(begin == std::string::npos ? 0 : begin + 1,
                       end - (begin == std::string::npos ? 0 : begin + 1) + 1);
}

bool contains(const std::string& text, std::string_view needle) {
    auto lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return lower.find(needle) != std::string::npos;
}

bool is_docker(const Context& ctx) {
    return ctx.config.container_runtime == core::RuntimeKind::docker;
}

std::string start_runtime_fix(const Context& ctx) {
    if (ctx.platform.name == "macos") return "open -a Docker   (start Docker Desktop)";
    return is_docker(ctx) ? "sudo systemctl start docker" : "systemctl --user start podman.socket";
}

std::string install_fix(const Context& ctx) {
    if (!is_docker(ctx))
        return "sudo apt-get install podman   (or set CONTAINER_RUNTIME_BIN to its path)";
    if (ctx.platform.name == "macos")
        return "install Docker Desktop: https://docs.docker.com/desktop/setup/install/mac-install/";
    return "sudo apt-get install docker.io   (or https://docs.docker.com/engine/install/; "
           "CONTAINER_RUNTIME_BIN names another binary)";
}

std::string server_version(const std::string& info) {
    std::istringstream lines(info);
    for (std::string line; std::getline(lines, line);) {
        const auto at = line.find("Server Version:");
        if (at != std::string::npos) return line.substr(at);
    }
    return {};
}

// The runtime binary and image the build script needs to hear about.
std::string build_fix(const Context& ctx) {
    const auto& bin = ctx.config.container_runtime_bin;
    std::string prefix;
    if (!is_docker(ctx)) prefix += "CONTAINER_RUNTIME=podman ";
    if (bin != "docker" && bin != "podman")
        prefix += "CONTAINER_RUNTIME_BIN=" + shell_quote(bin) + " ";
    const std::string& image = ctx.config.container_image;
    constexpr std::string_view ours = "nanoclaw-agent:";
    if (image.rfind(ours, 0) != 0) return shell_quote(bin) + " pull " + shell_quote(image);
    const auto tag = image.substr(ours.size());
    const fs::path script = ctx.config.share_dir.empty()
                                ? fs::path("container/build.sh")
                                : ctx.config.share_dir / "container/build.sh";
    return prefix + "bash " + shell_quote(script.string()) +
           (tag == "latest" ? "" : " " + shell_quote(tag));
}

// The socket the docker CLI talks to; nullopt when DOCKER_HOST names something else (tcp, ssh).
std::optional<fs::path> docker_socket(const Context& ctx) {
    const auto it = ctx.env.find("DOCKER_HOST");
    if (it == ctx.env.end() || it->second.empty()) return fs::path("/var/run/docker.sock");
    constexpr std::string_view unix_scheme = "unix://";
    if (it->second.rfind(unix_scheme, 0) == 0)
        return fs::path(it->second.substr(unix_scheme.size()));
    return std::nullopt;
}

bool process_has_group(gid_t gid) {
    if (::getegid() == gid) return true;
    std::vector<gid_t> groups(static_cast<std::size_t>(std::max(::getgroups(0, nullptr), 0)));
    const int n = ::getgroups(static_cast<int>(groups.size()), groups.data());
    return std::find(groups.begin(), groups.begin() + std::max(n, 0), gid) !=
           groups.begin() + std::max(n, 0);
}

// Is the user listed in the group (so a new login would have it)?
bool user_listed_in(const group& g) {
    const passwd* pw = ::getpwuid(::geteuid());
    if (pw == nullptr) return false;
    if (pw->pw_gid == g.gr_gid) return true;
    for (char** member = g.gr_mem; member && *member; ++member) {
        if (std::strcmp(*member, pw->pw_name) == 0) return true;
    }
    return false;
}

Check socket_denied(const fs::path& path, const struct stat& st) {
    const group* g = ::getgrgid(st.st_gid);
    const std::string name = g ? g->gr_name : std::to_string(st.st_gid);
    if (g && user_listed_in(*g) && !process_has_group(st.st_gid)) {
        return make_check("docker_socket", CheckStatus::fail,
                          fmt::format("{} belongs to group {}: you are in it, but this login "
                                      "session started before you were added",
                                      path.string(), name),
                          "log out and back in (or, for this shell only: newgrp " + name + ")");
    }
    return make_check("docker_socket", CheckStatus::fail,
                      fmt::format("no permission on {} (group {}, mode {:o}), and you are not in "
                                  "group {}",
                                  path.string(), name, st.st_mode & 0777, name),
                      "sudo usermod -aG " + name + " $USER   then log out and back in");
}

} // namespace

Check check_runtime(Context& ctx) {
    const auto& bin = ctx.config.container_runtime_bin;
    if (!setup::find_program(bin, ctx.env)) {
        return make_check("runtime", CheckStatus::fail,
                          bin + " is not installed (not found on PATH)", install_fix(ctx));
    }
    const auto r = run(ctx, {bin, "info"});
    if (r.ok()) {
        ctx.runtime_ok = true;
        const auto version = server_version(r.out);
        return make_check("runtime", CheckStatus::ok,
                          bin + " answers" + (version.empty() ? "" : " (" + version + ")"));
    }
    if (!r.started)
        return make_check("runtime", CheckStatus::fail, "cannot run " + bin + ": " + r.err,
                          install_fix(ctx));
    if (r.timed_out) {
        return make_check("runtime", CheckStatus::fail,
                          fmt::format("`{} info` did not answer within {} s", bin,
                                      ctx.options.runtime_timeout.count() / 1000),
                          is_docker(ctx) ? "sudo systemctl restart docker"
                                         : start_runtime_fix(ctx));
    }
    if (contains(r.err, "permission denied")) {
        return make_check("runtime", CheckStatus::fail,
                          bin + " may not use the Docker socket (permission denied)",
                          "sudo usermod -aG docker $USER   then log out and back in");
    }
    return make_check("runtime", CheckStatus::fail,
                      "`" + bin + " info` failed: " + last_line(r.err.empty() ? r.out : r.err),
                      start_runtime_fix(ctx));
}

Check check_docker_socket(const Context& ctx) {
    if (!is_docker(ctx) || ctx.platform.name != "linux") {
        return make_check("docker_socket", CheckStatus::skip, "only for Docker on Linux");
    }
    const auto path = docker_socket(ctx);
    if (!path)
        return make_check("docker_socket", CheckStatus::ok, "DOCKER_HOST is not a local socket");
    struct stat st {};
    if (::stat(path->c_str(), &st) != 0) {
        if (ctx.runtime_ok) {
            return make_check("docker_socket", CheckStatus::ok,
                              "no " + path->string() +
                                  "; the runtime answers through its own context");
        }
        return make_check("docker_socket", CheckStatus::fail,
                          "no Docker socket at " + path->string() +
                              ": the Docker daemon is not running",
                          start_runtime_fix(ctx));
    }
    if (::access(path->c_str(), R_OK | W_OK) == 0) {
        return make_check("docker_socket", CheckStatus::ok,
                          path->string() + " is usable by this user");
    }
    return socket_denied(*path, st);
}

Check check_image(Context& ctx) {
    const auto& image = ctx.config.container_image;
    if (!ctx.runtime_ok)
        return make_check("image", CheckStatus::skip, "the runtime does not answer");
    const auto r = run(
        ctx, {ctx.config.container_runtime_bin, "image", "inspect", "--format", "{{.Id}}", image});
    if (r.ok()) {
        ctx.image_ok = true;
        return make_check("image", CheckStatus::ok, image + " is present");
    }
    if (r.timed_out)
        return make_check("image", CheckStatus::warn, "`image inspect` did not answer in time",
                          start_runtime_fix(ctx));
    return make_check("image", CheckStatus::fail, image + " is not present (agents cannot start)",
                      build_fix(ctx));
}

} // namespace nanoclaw::ops::doctor
