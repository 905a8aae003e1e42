// SPDX-License-Identifier: MIT
// `nanoclaw setup --step service` (spec 30 §8, §17.4): installs nanoclawd as a launchd agent, a
// systemd unit (user, or system as root) or, without systemd, the nohup start script, and starts
// it. Deliberate differences from v1 (§19 #10-#13): no build (the binary must exist), no pkill
// (a daemon started by hand is found through its lock and stopped by PID; the unit is restarted
// through systemctl so a changed unit applies), launchd unload-then-load, escaped values.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <thread>

#include <fmt/format.h>

#include "nanoclaw/core/atomic_file.hpp"
#include "nanoclaw/core/daemon_lock.hpp"
#include "nanoclaw/core/install_paths.hpp"
#include "nanoclaw/setup/command.hpp"
#include "nanoclaw/setup/service_files.hpp"
#include "nanoclaw/setup/setup.hpp"
#include "nanoclaw/setup/status_block.hpp"
#include "setup_log.hpp"

namespace nanoclaw::setup {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* k_service_title = "SETUP_SERVICE";
constexpr const char* k_system_dir = "/etc/systemd/system";

struct Step {
    const SetupContext& ctx;
    SetupLog log;
    ServiceLayout layout;

    std::string env(const char* key) const {
        const auto it = ctx.env.find(key);
        return it == ctx.env.end() ? std::string() : it->second;
    }
    StatusBlock block(const std::string& type) const {
        StatusBlock b(k_service_title);
        b.add("SERVICE_TYPE", type)
            .add("NODE_PATH", layout.daemon.string()) // v1's field name; now the daemon binary
            .add("PROJECT_PATH", layout.root.string());
        return b;
    }
    int failed(const std::string& error) const {
        ctx.out << block("unknown")
                       .add("STATUS", std::string("failed"))
                       .add("ERROR", error)
                       .add("LOG", std::string(k_setup_log_path))
                       .text();
        return k_exit_failed;
    }
    int succeeded(StatusBlock& b) const {
        ctx.out << b.add("STATUS", std::string("success"))
                       .add("LOG", std::string(k_setup_log_path))
                       .text();
        return k_exit_ok;
    }
    // Runs a program from the context's PATH; its outcome goes to the log.
    CommandResult run(std::vector<std::string> argv,
                      std::chrono::milliseconds timeout = 60s) const {
        const auto line = fmt::format("{}", fmt::join(argv, " "));
        auto r = run_program(CommandSpec{std::move(argv), &ctx.env, {}, std::nullopt, timeout});
        if (r.ok()) {
            log.line(line + ": ok");
        } else {
            const auto why = !r.started ? "not started" : r.timed_out ? "timed out" : "failed";
            log.line(fmt::format("{}: {} {}", line, why, r.err.substr(0, 300)));
        }
        return r;
    }
    CommandResult systemctl(bool user, std::vector<std::string> rest) const {
        std::vector<std::string> argv{"systemctl"};
        if (user) argv.push_back("--user");
        argv.insert(argv.end(), rest.begin(), rest.end());
        // `restart` of a Type=notify unit returns once READY=1 arrived, which systemd awaits for
        // up to TimeoutStartSec (90 s), after the old daemon's shutdown.
        return run(std::move(argv), 150s);
    }
};

// The nanoclawd beside this nanoclaw (installed: <prefix>/bin), or NANOCLAW_DAEMON_PATH.
fs::path daemon_path(const Step& s) {
    const auto set = s.env("NANOCLAW_DAEMON_PATH");
    const fs::path p =
        set.empty() ? core::executable_path().parent_path() / "nanoclawd" : fs::path(set);
    std::error_code ec;
    const auto canonical = fs::weakly_canonical(p, ec);
    return ec ? p : canonical;
}

bool executable_file(const fs::path& p) {
    struct stat st {};
    return p.is_absolute() && ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(p.c_str(), X_OK) == 0;
}

void write_file(const fs::path& path, const std::string& text, fs::perms mode) {
    fs::create_directories(path.parent_path());
    core::replace_file(path, text);
    fs::permissions(path, mode);
}

// A daemon not run by the service manager (started by hand, or by the nohup script) holds the
// lock: SIGTERM, then wait for the lock to go (it lets agents finish first). `manager_pid` names
// the manager's own daemon, which is left to the restart below.
void stop_other_daemon(const Step& s, const std::function<std::optional<pid_t>()>& manager_pid) {
    const auto lock = core::daemon_lock_path(s.ctx.config.data_dir);
    const auto pid = core::running_daemon_pid(lock);
    if (!pid) return;
    if (manager_pid && manager_pid() == pid) {
        s.log.line(fmt::format("nanoclawd (PID {}) runs under the service manager", *pid));
        return;
    }
    s.log.line(fmt::format("stopping the running nanoclawd (PID {}) with SIGTERM", *pid));
    if (::kill(*pid, SIGTERM) != 0) {
        s.log.line(fmt::format("cannot signal PID {}: {}", *pid, std::strerror(errno)));
        return;
    }
    const auto deadline = std::chrono::steady_clock::now() + s.ctx.config.shutdown_grace + 20s;
    while (core::running_daemon_pid(lock) == pid) {
        if (std::chrono::steady_clock::now() > deadline) {
            s.log.line(fmt::format("PID {} did not stop in time; the service may not start", *pid));
            return;
        }
        std::this_thread::sleep_for(50ms);
    }
    s.log.line(fmt::format("PID {} stopped", *pid));
}

// Docker works in this shell but not in the user manager's session: the user joined the docker
// group after the manager started (spec 30 §8.4 step 3).
bool docker_group_stale(const Step& s) {
    const auto& docker = s.ctx.config.container_runtime_bin;
    if (s.run({"systemd-run", "--user", "--pipe", "--wait", docker, "info"}, 10s).ok())
        return false;
    return s.run({docker, "info"}, 5s).ok();
}

int nohup_fallback(const Step& s, const std::string& reason) {
    s.log.line("no usable systemd (" + reason + "): writing start-nanoclaw.sh, which is not run");
    const auto path = s.layout.root / "start-nanoclaw.sh";
    write_file(path, nohup_script(s.layout), fs::perms(0755));
    auto b = s.block("nohup");
    b.add("WRAPPER_PATH", path.string()).add("SERVICE_LOADED", false);
    b.add("FALLBACK", std::string("wsl_no_systemd")); // v1's value, whatever the reason
    return s.succeeded(b);
}

int launchd(const Step& s) {
    const auto plist =
        s.layout.home / "Library/LaunchAgents" / (std::string(k_launchd_label) + ".plist");
    write_file(plist, launchd_plist(s.layout), fs::perms(0644));
    s.log.line("wrote " + plist.string());
    // `load` keeps an already loaded agent as it was: unload first so the new plist applies.
    s.run({"launchctl", "unload", plist.string()});
    stop_other_daemon(s, {});
    s.run({"launchctl", "load", plist.string()});
    const bool loaded = s.run({"launchctl", "list"}).out.find(k_launchd_label) != std::string::npos;
    auto b = s.block("launchd");
    b.add("PLIST_PATH", plist.string()).add("SERVICE_LOADED", loaded);
    return s.succeeded(b);
}

// The unit's running main process, to tell it from a daemon started by hand.
std::optional<pid_t> unit_main_pid(const Step& s, bool user) {
    const auto r = s.systemctl(user, {"show", "--property=MainPID", "--value", k_unit_name});
    try {
        const auto pid = static_cast<pid_t>(std::stol(r.out));
        return pid > 0 ? std::optional(pid) : std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

int systemd(const Step& s, bool system) {
    const bool user = !system;
    fs::path dir = s.env("NANOCLAW_SYSTEMD_SYSTEM_DIR"); // tests only: never the real /etc
    if (dir.empty()) dir = k_system_dir;
    if (user) {
        // No user manager to talk to (su, sudo -u, some WSL set-ups): the script instead.
        if (!s.systemctl(true, {"daemon-reload"}).ok())
            return nohup_fallback(s, "systemctl --user failed");
        dir = s.layout.home / ".config/systemd/user";
    }
    const auto unit_path = dir / (std::string(k_unit_name) + ".service");
    const UnitOptions options{system ? UnitScope::system : UnitScope::user,
                              s.ctx.config.container_runtime == core::RuntimeKind::docker};
    write_file(unit_path, systemd_unit(s.layout, options), fs::perms(0644));
    s.log.line("wrote " + unit_path.string());

    const bool stale = user && s.ctx.config.container_runtime == core::RuntimeKind::docker &&
                       docker_group_stale(s);
    if (stale) s.log.line("docker works here but not in the user manager: log out and in again");
    stop_other_daemon(s, [&] { return unit_main_pid(s, user); });
    // Without linger the user manager, and the service, end with the user's last session.
    if (user) s.run({"loginctl", "enable-linger"});
    s.systemctl(user, {"daemon-reload"});
    s.systemctl(user, {"enable", k_unit_name});
    s.systemctl(user, {"restart", k_unit_name}); // a running unit picks up the new definition
    const bool active = s.systemctl(user, {"is-active", k_unit_name}).ok();

    auto b = s.block(system ? "systemd-system" : "systemd-user");
    b.add("UNIT_PATH", unit_path.string()).add("SERVICE_LOADED", active);
    if (stale) b.add("DOCKER_GROUP_STALE", true);
    b.add("LINGER_ENABLED", user);
    return s.succeeded(b);
}

} // namespace

int service_step(const std::vector<std::string>& args, const SetupContext& ctx) {
    const bool want_system = std::find(args.begin(), args.end(), "--system") != args.end();
    Step s{ctx, SetupLog(ctx.config.root, "service"), {}};
    s.layout = {daemon_path(s), ctx.config.root,
                ctx.config.home_dir.empty() ? fs::path(s.env("HOME")) : ctx.config.home_dir};
    const auto platform = platform_of(ctx);
    s.log.line(fmt::format("platform={} daemon={} root={}", platform.name, s.layout.daemon.string(),
                           s.layout.root.string()));

    if (!executable_file(s.layout.daemon)) {
        s.log.line("no executable nanoclawd at " + s.layout.daemon.string() +
                   " (install nanoclaw, or set NANOCLAW_DAEMON_PATH)");
        return s.failed("binary_missing");
    }
    for (const auto& p : {s.layout.daemon, s.layout.root, s.layout.home}) {
        if (!p.is_absolute() || has_control_character(p.string())) {
            s.log.line("cannot write this path into a service definition: " + p.string());
            return s.failed("unsupported_path");
        }
    }
    fs::create_directories(ctx.config.root / "logs");

    const auto manager = platform.service_manager();
    if (want_system && (manager != ServiceManager::systemd || !platform.root)) {
        s.log.line("--system needs Linux with systemd, run as root (sudo)");
        return s.failed(manager == ServiceManager::systemd ? "needs_root" : "no_systemd");
    }
    if (platform.name == "macos") return launchd(s);
    if (platform.name != "linux") return s.failed("unsupported_platform");
    if (manager != ServiceManager::systemd) {
        return nohup_fallback(s, platform.wsl ? "WSL without systemd" : "PID 1 is not systemd");
    }
    return systemd(s, platform.root);
}

} // namespace nanoclaw::setup
