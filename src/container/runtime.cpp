// SPDX-License-Identifier: MIT
// Runtime start-up check and orphan cleanup (spec 20 §3.5, §3.7, §11.4, §12.1, §12.2).
#include "nanoclaw/container/runtime.hpp"

#include <cstdio>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "command.hpp"
#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/core/env_file.hpp"

namespace nanoclaw::container {

namespace {

constexpr std::string_view k_orphan_prefix = "nanoclaw-";

std::string runtime_label(core::RuntimeKind kind) {
    return kind == core::RuntimeKind::podman ? "Podman" : "Docker";
}

void print_banner(const std::string& binary, core::RuntimeKind kind) {
    const auto label = runtime_label(kind);
    const auto install = kind == core::RuntimeKind::podman
                             ? "install Podman (e.g. `apt install podman`); rootless works"
                             : "install Docker Engine or Docker Desktop and start it "
                               "(`sudo systemctl start docker`)";
    std::fprintf(stderr,
                 "\n================================================================\n"
                 "FATAL: container runtime failed to start\n\n"
                 "NanoClaw runs every agent in a container and cannot work without %s.\n"
                 "  1. Make sure %s is installed and running: %s\n"
                 "  2. Check that `%s info` works for this user. On Linux, a permission error\n"
                 "     on /var/run/docker.sock means: `sudo usermod -aG docker $USER`, then log\n"
                 "     out and in again (or set CONTAINER_RUNTIME=podman for rootless Podman)\n"
                 "  3. Restart NanoClaw\n"
                 "================================================================\n\n",
                 label.c_str(), label.c_str(), install, binary.c_str());
}

} // namespace

bool is_valid_container_name(std::string_view name) {
    if (name.empty()) return false;
    auto alnum = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    if (!alnum(name.front())) return false;
    for (char c : name) {
        if (!alnum(c) && c != '_' && c != '.' && c != '-') return false;
    }
    return true;
}

std::vector<std::string> stop_args(std::string_view name) {
    if (!is_valid_container_name(name)) {
        throw std::invalid_argument("Invalid container name: " + std::string(name));
    }
    return {"stop", "-t", "1", std::string(name)};
}

std::vector<std::string> kill_args(std::string_view name) {
    if (!is_valid_container_name(name)) {
        throw std::invalid_argument("Invalid container name: " + std::string(name));
    }
    return {"kill", std::string(name)};
}

std::vector<std::string> select_orphans(std::string_view ps_output, std::string_view own_hostname) {
    std::vector<std::string> names;
    std::size_t start = 0;
    while (start <= ps_output.size()) {
        auto end = ps_output.find('\n', start);
        if (end == std::string_view::npos) end = ps_output.size();
        const auto name = core::js_trim(ps_output.substr(start, end - start));
        start = end + 1;
        // Docker's name filter is a substring match; only our own prefix counts.
        if (!name.starts_with(k_orphan_prefix) || !is_valid_container_name(name)) continue;
        if (!own_hostname.empty() && name == own_hostname) continue;
        names.emplace_back(name);
    }
    return names;
}

Runtime::Runtime(const core::Config& config, const Settings& settings)
    : binary_(config.container_runtime_bin), kind_(config.container_runtime),
      hostname_(settings.hostname), info_timeout_(settings.info_timeout),
      stop_timeout_(settings.stop_timeout) {}

namespace {

std::optional<std::string> probe_failure(const detail::CommandResult& info,
                                         std::chrono::milliseconds timeout) {
    if (info.ok()) return std::nullopt;
    const auto why = info.timed_out   ? fmt::format("no answer within {} ms", timeout.count())
                     : info.exit_code ? fmt::format("exit code {}", *info.exit_code)
                                      : std::string("could not run it");
    return fmt::format("({}): {}", why, core::js_trim(info.error));
}

const std::vector<std::string> k_ps_args = {"ps", "--filter", "name=nanoclaw-", "--format",
                                            "{{.Names}}"};

// Owns copies of everything it uses: it may outlive the Runtime that started it.
awaitable<std::vector<std::string>> stop_orphans(asio::io_context& io, std::string binary,
                                                 std::string hostname,
                                                 std::chrono::milliseconds timeout) {
    const auto ps = co_await detail::run_command(io, binary, k_ps_args, timeout);
    if (!ps.ok()) {
        spdlog::warn("Failed to clean up orphaned containers: {}",
                     ps.timed_out ? "ps timed out" : std::string(core::js_trim(ps.error)));
        co_return std::vector<std::string>{};
    }
    const auto names = select_orphans(ps.output, hostname);
    for (const auto& name : names) {
        const auto stop = co_await detail::run_command(io, binary, stop_args(name), timeout);
        if (!stop.ok()) spdlog::debug("Stopping orphan {} failed (already stopped?)", name);
    }
    if (!names.empty()) {
        spdlog::info("Stopped orphaned containers: count={} names=[{}]", names.size(),
                     fmt::join(names, ", "));
    }
    co_return names;
}

} // namespace

std::optional<std::string> Runtime::probe() const {
    return start_check().finish();
}

RuntimeCheck Runtime::start_check() const {
    return RuntimeCheck(std::make_unique<detail::StartedCommand>(
                            binary_, std::vector<std::string>{"info"}, info_timeout_),
                        info_timeout_);
}

RuntimeCheck::RuntimeCheck(std::unique_ptr<detail::StartedCommand> info,
                           std::chrono::milliseconds timeout)
    : info_(std::move(info)), timeout_(timeout) {}
RuntimeCheck::RuntimeCheck(RuntimeCheck&&) noexcept = default;
RuntimeCheck& RuntimeCheck::operator=(RuntimeCheck&&) noexcept = default;
RuntimeCheck::~RuntimeCheck() = default;

std::optional<std::string> RuntimeCheck::finish() {
    if (!info_) throw std::logic_error("RuntimeCheck::finish called twice");
    const auto result = info_->wait();
    info_.reset();
    return probe_failure(result, timeout_);
}

void Runtime::fail(const std::string& why) const {
    spdlog::error("Failed to reach container runtime with `{} info` {}", binary_, why);
    print_banner(binary_, kind_);
    throw core::FatalError("Container runtime is required but failed to start");
}

void Runtime::ensure_running() const {
    if (const auto failure = probe()) fail(*failure);
    spdlog::debug("Container runtime already running");
}

std::vector<std::string> Runtime::cleanup_orphans() const {
    asio::io_context io;
    std::vector<std::string> names;
    asio::co_spawn(io, cleanup_orphans_async(io),
                   [&names](std::exception_ptr e, std::vector<std::string> stopped) {
                       if (e) {
                           spdlog::warn("Failed to clean up orphaned containers: unexpected error");
                           return;
                       }
                       names = std::move(stopped);
                   });
    io.run();
    return names;
}

awaitable<std::vector<std::string>> Runtime::cleanup_orphans_async(asio::io_context& io) const {
    return stop_orphans(io, binary_, hostname_, stop_timeout_);
}

} // namespace nanoclaw::container
