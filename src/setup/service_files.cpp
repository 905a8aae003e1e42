// SPDX-License-Identifier: MIT
// v1 pasted raw paths into every format, so a space broke ExecStart, `&` broke the plist and `$`
// expanded in the script (spec 30 §19 #12, #13). Here each format gets its own escaping.
#include "nanoclaw/setup/service_files.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "nanoclaw/core/xml_escape.hpp"

namespace nanoclaw::setup {
namespace {

// systemd expands %-specifiers in nearly every setting: a literal % is written %%.
std::string double_percent(std::string_view text) {
    std::string out;
    for (const char c : text) {
        out += c;
        if (c == '%') out += '%';
    }
    return out;
}

// A word of a whitespace-separated systemd list (Environment=, ReadWritePaths=): quoted when it
// holds whitespace, a quote or a backslash, which the unquoting parser would otherwise take.
std::string systemd_word(std::string_view word) {
    const bool plain = !word.empty() && word.find_first_of(" \t\"'\\;") == std::string_view::npos;
    if (plain) return double_percent(word);
    std::string out = "\"";
    for (const char c : word) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
        if (c == '%') out += '%';
    }
    return out + "\"";
}

std::string env_line(std::string_view key, std::string_view value) {
    return fmt::format("Environment={}\n", systemd_word(fmt::format("{}={}", key, value)));
}

// The daemon's PATH: v1's (docker lives in /usr/local/bin or /usr/bin), plus ~/.local/bin.
std::string service_path(const ServiceLayout& l) {
    return "/usr/local/bin:/usr/bin:/bin:" + (l.home / ".local/bin").string();
}

std::string log_file(const ServiceLayout& l) {
    return (l.root / "logs/nanoclaw.log").string();
}

// Directives that need a mount namespace (system unit only, see unit_sandbox).
constexpr const char* k_namespace_sandbox[] = {
    "PrivateTmp=yes",
    "PrivateDevices=yes",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectKernelLogs=yes",
    "ProtectControlGroups=yes",
    "ProtectClock=yes",
    "ProtectHostname=yes",
    "ProtectProc=invisible",
    "CapabilityBoundingSet=CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER"};

// seccomp and prctl only: these work in any manager.
constexpr const char* k_seccomp_sandbox[] = {
    "RestrictNamespaces=yes",
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
    "RestrictRealtime=yes",
    "RestrictSUIDSGID=yes",
    "LockPersonality=yes",
    "MemoryDenyWriteExecute=yes",
    "SystemCallArchitectures=native",
    "SystemCallFilter=@system-service",
    "SystemCallErrorNumber=EPERM"};

std::string unit_sandbox(const ServiceLayout& l, UnitScope scope) {
    std::string out = "\n# Sandbox (docs/service.md). The container runtime's daemon, not this "
                      "service, runs\n# the containers: nanoclawd needs its root, the runtime's "
                      "socket and the network.\nNoNewPrivileges=yes\n";
    // Mount namespaces: a user manager can set them up only through an unprivileged user
    // namespace, which Ubuntu 24.04's AppArmor policy refuses (the unit would fail or run
    // unsandboxed). Only the system unit gets them.
    if (scope == UnitScope::system) {
        out += fmt::format("ProtectSystem=strict\nReadWritePaths={} {}\nProtectHome=read-only\n",
                           systemd_word(l.root.string()),
                           systemd_word("-" + (l.home / ".docker").string()));
        for (const auto* line : k_namespace_sandbox)
            out += std::string(line) + "\n";
    }
    for (const auto* line : k_seccomp_sandbox)
        out += std::string(line) + "\n";
    return out;
}

} // namespace

bool has_control_character(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

std::string systemd_exec_word(std::string_view word) {
    const bool plain = !word.empty() && word.find_first_of(" \t\"'\\;") == std::string_view::npos;
    std::string out = plain ? "" : "\"";
    for (const char c : word) {
        if (!plain && (c == '"' || c == '\\')) out += '\\';
        out += c;
        if (c == '%' || c == '$') out += c; // no specifier, no variable expansion
    }
    return plain ? out : out + "\"";
}

std::string systemd_unit(const ServiceLayout& l, const UnitOptions& o) {
    const bool system = o.scope == UnitScope::system;
    std::string out =
        "# Written by `nanoclaw setup --step service`, which replaces this file: put local\n"
        "# changes in a drop-in (systemctl [--user] edit nanoclaw). See docs/service.md.\n"
        "[Unit]\nDescription=NanoClaw Personal Assistant\n";
    // A user manager cannot order itself after system units; the system unit waits for the
    // network and for dockerd, which nanoclawd's start-up check needs.
    out += system ? "After=network-online.target docker.service\nWants=network-online.target\n"
                  : "After=network.target\n";
    // A start-up error (bad config, runtime missing) exits 1 within a second: five of those in
    // five minutes and systemd stops trying, instead of restarting every 5 s for ever.
    out += "StartLimitIntervalSec=300\nStartLimitBurst=5\n\n[Service]\n"
           "Type=notify\nNotifyAccess=main\n";
    out += fmt::format("ExecStart={} --root {}\n", systemd_exec_word(l.daemon.string()),
                       systemd_exec_word(l.root.string()));
    out += fmt::format("WorkingDirectory={}\n", double_percent(l.root.string()));
    out += fmt::format("Restart=on-failure\nRestartSec=5\nKillMode=process\n"
                       "RestartPreventExitStatus=2\nWatchdogSec={}\n",
                       k_watchdog_seconds);
    out += env_line("HOME", l.home.string()) + env_line("PATH", service_path(l)) +
           env_line("NANOCLAW_LOG_FILE", log_file(l));
    out += "StandardOutput=journal\nStandardError=journal\nSyslogIdentifier=nanoclaw\n";
    if (o.sandbox) {
        out += unit_sandbox(l, o.scope);
    } else {
        out += "\n# No sandbox: podman runs the containers inside this service "
               "(docs/service.md).\n";
    }
    out +=
        fmt::format("\n[Install]\nWantedBy={}\n", system ? "multi-user.target" : "default.target");
    return out;
}

std::string xml_escape(std::string_view text) {
    return core::escape_xml(text, true);
}

std::string launchd_plist(const ServiceLayout& l) {
    const auto s = [](const auto& v) { return xml_escape(std::string_view(v)); };
    const auto root = l.root.string();
    return fmt::format(
        R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>Label</key>
    <string>{label}</string>
    <key>ProgramArguments</key>
    <array>
        <string>{daemon}</string>
        <string>--root</string>
        <string>{root}</string>
    </array>
    <key>WorkingDirectory</key>
    <string>{root}</string>
    <key>RunAtLoad</key>
    <true/>
    <key>KeepAlive</key>
    <dict>
        <key>SuccessfulExit</key>
        <false/>
    </dict>
    <key>EnvironmentVariables</key>
    <dict>
        <key>PATH</key>
        <string>{path}</string>
        <key>HOME</key>
        <string>{home}</string>
        <key>NANOCLAW_LOG_FILE</key>
        <string>{log}</string>
    </dict>
    <key>StandardOutPath</key>
    <string>{log}</string>
    <key>StandardErrorPath</key>
    <string>{error_log}</string>
</dict>
</plist>
)",
        fmt::arg("label", k_launchd_label), fmt::arg("daemon", s(l.daemon.string())),
        fmt::arg("root", s(root)), fmt::arg("path", s(service_path(l))),
        fmt::arg("home", s(l.home.string())), fmt::arg("log", s(log_file(l))),
        fmt::arg("error_log", s((l.root / "logs/nanoclaw.error.log").string())));
}

std::string shell_quote(std::string_view text) {
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

std::string nohup_script(const ServiceLayout& l) {
    // The paths are assigned once, single-quoted; everything after uses the variables.
    const auto root = shell_quote(l.root.string());
    return fmt::format(R"SH(#!/bin/bash
# start-nanoclaw.sh — Start NanoClaw without systemd
# Written by `nanoclaw setup --step service` (docs/service.md); running it again restarts.
# To stop: kill "$(cat {root}/nanoclaw.pid)"

set -euo pipefail

ROOT={root}
DAEMON={daemon}
DAEMON_REAL=$(readlink -f "$DAEMON" 2>/dev/null || echo "$DAEMON")
PID_FILE="$ROOT/nanoclaw.pid"
# nanoclawd's own PID file, locked while it runs, however it was started.
LOCK_FILE="$ROOT/data/nanoclawd.pid"

cd "$ROOT"
mkdir -p "$ROOT/logs"

# The PID in file $1 if that process runs $DAEMON; nothing otherwise (a PID left by a crash may
# belong to another program by now). Processes are never looked up by name.
daemon_pid() {{
  local pid
  [ -f "$1" ] || return 0
  pid=$(tr -cd '0-9' 2>/dev/null < "$1" || true)
  if [ -n "$pid" ] && runs_daemon "$pid"; then echo "$pid"; fi
}}

# True while process $1 runs $DAEMON (links resolved). A zombie has no executable, so an exited
# daemon that nobody has reaped yet does not count.
runs_daemon() {{
  local exe
  exe=$(readlink "/proc/$1/exe" 2>/dev/null || true)
  [ "$exe" = "$DAEMON_REAL" ] || [ "$exe" = "$DAEMON_REAL (deleted)" ]
}}

# SIGTERM, then wait: nanoclawd lets running agents finish first (SHUTDOWN_GRACE_MS, 10 s).
stop_daemon() {{
  local pid=$1 waited=0
  echo "Stopping existing NanoClaw (PID $pid)..."
  kill "$pid" 2>/dev/null || true
  while runs_daemon "$pid"; do
    if [ "$waited" -ge 300 ]; then
      echo "NanoClaw (PID $pid) did not stop within 30 s; not starting another." >&2
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}}

# Stop existing instance if running: the one this script started, or one started by hand.
for file in "$PID_FILE" "$LOCK_FILE"; do
  pid=$(daemon_pid "$file")
  if [ -n "$pid" ]; then stop_daemon "$pid"; fi
done

echo "Starting NanoClaw..."
export NANOCLAW_LOG_FILE="$ROOT/logs/nanoclaw.log"
nohup "$DAEMON" --root "$ROOT" \
  >> "$ROOT/logs/nanoclaw.log" \
  2>> "$ROOT/logs/nanoclaw.error.log" &

echo $! > "$PID_FILE"
echo "NanoClaw started (PID $!)"
echo "Logs: tail -f $ROOT/logs/nanoclaw.log"
)SH",
                       fmt::arg("root", root), fmt::arg("daemon", shell_quote(l.daemon.string())));
}

} // namespace nanoclaw::setup
