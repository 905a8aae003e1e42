// SPDX-License-Identifier: MIT
// In-memory IpcDeps recording what IPC requests did.
#pragma once

#include <set>
#include <stdexcept>
#include <vector>

#include "nanoclaw/core/iso_time.hpp"
#include "nanoclaw/ipc/ipc_deps.hpp"

namespace nanoclaw::testing {

class FakeIpcDeps : public ipc::IpcDeps {
public:
    std::map<std::string, core::RegisteredGroup> groups;
    std::map<std::string, core::ScheduledTask> tasks;
    std::vector<std::pair<std::string, std::string>> sent;
    std::vector<std::string> refreshed;
    std::set<std::string> channel_jids; ///< empty = every JID has a channel
    int tasks_changed_calls = 0;
    std::string now = "2026-01-01T00:00:00.000Z";

    const std::map<std::string, core::RegisteredGroup>& registered_groups() override { return groups; }
    awaitable<void> send_message(std::string jid, std::string text) override {
        if (!channel_jids.empty() && !channel_jids.contains(jid)) {
            throw std::runtime_error("No channel for JID: " + jid);
        }
        sent.emplace_back(jid, text);
        co_return;
    }
    tl::expected<void, std::string> register_group(const std::string& jid,
                                                   core::RegisteredGroup group) override {
        for (const auto& [other, g] : groups) {
            if (other != jid && g.folder == group.folder) {
                return tl::unexpected("folder " + group.folder + " is used by " + other);
            }
        }
        groups[jid] = std::move(group);
        return {};
    }
    std::optional<core::ScheduledTask> get_task(const std::string& id) override {
        auto it = tasks.find(id);
        if (it == tasks.end()) return std::nullopt;
        return it->second;
    }
    void create_task(const core::ScheduledTask& task) override {
        if (tasks.contains(task.id)) throw std::runtime_error("UNIQUE constraint failed");
        tasks[task.id] = task;
    }
    void update_task(const std::string& id, const ipc::TaskPatch& p) override {
        auto& t = tasks.at(id);
        if (p.prompt) t.prompt = *p.prompt;
        if (p.schedule_type) t.schedule_type = *p.schedule_type;
        if (p.schedule_value) t.schedule_value = *p.schedule_value;
        if (p.script) t.script = *p.script;
        if (p.next_run) t.next_run = *p.next_run;
        if (p.status) t.status = *p.status;
    }
    void delete_task(const std::string& id) override { tasks.erase(id); }
    // A tiny schedule model: interval = positive integer ms; once = ISO; cron = "0 9 * * *" only.
    tl::expected<std::optional<std::string>, std::string> first_run(const std::string& type,
                                                                    const std::string& value) override {
        if (type == "interval") {
            long long ms = 0;
            try {
                ms = std::stoll(value);
            } catch (...) {
                return tl::unexpected(std::string("bad interval"));
            }
            if (ms <= 0) return tl::unexpected(std::string("bad interval"));
            return core::format_iso(*core::parse_iso(now) + std::chrono::milliseconds(ms));
        }
        if (type == "once") {
            if (value.size() < 10 || !core::parse_iso(value.substr(0, 10))) {
                return tl::unexpected(std::string("bad date"));
            }
            return value;
        }
        if (type == "cron") {
            if (value != "0 9 * * *") return tl::unexpected(std::string("bad cron"));
            return std::string("2026-01-01T09:00:00.000Z");
        }
        return std::optional<std::string>{};
    }
    std::optional<std::string> next_run_on_resume(const core::ScheduledTask&) override {
        return std::nullopt;
    }
    awaitable<void> refresh_groups(std::string folder) override {
        refreshed.push_back(folder);
        co_return;
    }
    void tasks_changed() override { ++tasks_changed_calls; }
    std::string now_iso() override { return now; }
};

} // namespace nanoclaw::testing
