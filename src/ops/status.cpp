// SPDX-License-Identifier: MIT
// `nanoclaw status`, the gathering half: the daemon's live answer plus the database's view.
#include "nanoclaw/ops/status.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "nanoclaw/channels/local/local_channel.hpp"
#include "nanoclaw/core/daemon_lock.hpp"
#include "nanoclaw/core/version.hpp"
#include "nanoclaw/ops/daemon_query.hpp"
#include "nanoclaw/setup/service_state.hpp"
#include "nanoclaw/store/store.hpp"
#include "shell_quote.hpp"

namespace nanoclaw::ops {
namespace {

using json = nlohmann::json;

json daemon_json(const core::Config& config, const core::EnvMap& env) {
    const auto pid = core::running_daemon_pid(core::daemon_lock_path(config.data_dir));
    auto live = query_daemon_status(channels::local_socket_path(config));
    if (live) {
        json d = std::move(*live);
        d["running"] = true;
        return d;
    }
    json d = json::object();
    if (pid) {
        // Running, but its socket does not answer: LOCAL_CHANNEL=off, or it is still starting.
        d["running"] = true;
        d["pid"] = static_cast<long long>(*pid);
        d["live"] = false;
        d["reason"] = config.local_channel ? live.error()
                                           : "the local channel is off (LOCAL_CHANNEL=off), so "
                                             "the daemon cannot be asked for its live state";
        return d;
    }
    d["running"] = false;
    d["reason"] = live.error();
    d["start"] = start_command(config, env);
    return d;
}

json group_json(const std::string& jid, const core::RegisteredGroup& g) {
    json j = json::object();
    j["jid"] = jid;
    j["name"] = g.name;
    j["folder"] = g.folder;
    j["trigger"] = g.trigger;
    j["requires_trigger"] = g.needs_trigger();
    j["main"] = g.main();
    j["added_at"] = g.added_at;
    return j;
}

json task_json(const core::ScheduledTask& t) {
    json j = json::object();
    j["id"] = t.id;
    j["group_folder"] = t.group_folder;
    j["chat_jid"] = t.chat_jid;
    j["schedule_type"] = t.schedule_type;
    j["schedule_value"] = t.schedule_value;
    j["status"] = t.status;
    j["next_run"] = t.next_run ? json(*t.next_run) : json();
    j["last_run"] = t.last_run ? json(*t.last_run) : json();
    j["prompt"] = t.prompt;
    return j;
}

json usage_json(const store::GroupUsage& u) {
    json j = json::object();
    j["group_folder"] = u.group_folder;
    j["requests"] = u.runs;
    j["input_tokens"] = u.input_tokens;
    j["output_tokens"] = u.output_tokens;
    j["cache_creation_input_tokens"] = u.cache_creation_input_tokens;
    j["cache_read_input_tokens"] = u.cache_read_input_tokens;
    return j;
}

// Active tasks first, each kind by next run (the soonest on top).
void sort_tasks(std::vector<core::ScheduledTask>& tasks) {
    auto rank = [](const core::ScheduledTask& t) {
        return t.status == "active" ? 0 : t.status == "paused" ? 1 : 2;
    };
    std::stable_sort(tasks.begin(), tasks.end(), [&](const auto& a, const auto& b) {
        if (rank(a) != rank(b)) return rank(a) < rank(b);
        return a.next_run.value_or("~") < b.next_run.value_or("~");
    });
}

void add_database(const core::Config& config, json& report) {
    const auto db_file = config.store_dir / "messages.db";
    json groups = json::array();
    json tasks = json::array();
    json usage = json::array();
    report["database"] = {{"path", db_file.string()}, {"exists", std::filesystem::exists(db_file)}};
    if (std::filesystem::exists(db_file)) {
        core::SystemClock clock;
        auto db = store::Store::open(db_file, store::StoreOptions(clock, config.assistant_name));
        for (const auto& [jid, g] : db.get_all_registered_groups())
            groups.push_back(group_json(jid, g));
        auto all = db.get_all_tasks();
        sort_tasks(all);
        for (const auto& t : all)
            tasks.push_back(task_json(t));
        for (const auto& u : db.usage_by_group())
            usage.push_back(usage_json(u));
    }
    report["groups"] = std::move(groups);
    report["tasks"] = std::move(tasks);
    report["usage"] = std::move(usage);
}

} // namespace

namespace {

// The service manager's start (or restart) command when a service is installed, else the
// fallback script's, else nanoclawd by hand.
std::string daemon_command(const core::Config& config, const core::EnvMap& env, bool restart) {
    std::ostringstream discard;
    const auto platform = setup::detect_platform(env);
    const setup::SetupContext ctx{config, env, discard, discard, nullptr, &platform};
    const auto status = setup::service_status(ctx);
    if (status.state != setup::ServiceState::not_found) {
        if (status.manager == setup::ServiceManager::systemd) {
            return fmt::format("{} {} nanoclaw", fmt::join(setup::systemctl_prefix(platform), " "),
                               restart ? "restart" : "start");
        }
        if (status.manager == setup::ServiceManager::launchd) {
            return restart ? "launchctl kickstart -k gui/$(id -u)/com.nanoclaw"
                           : "launchctl load ~/Library/LaunchAgents/com.nanoclaw.plist";
        }
    }
    const auto script = config.root / "start-nanoclaw.sh";
    if (std::filesystem::exists(script)) return "bash " + shell_quote(script.string());
    const std::string by_hand = "nanoclawd --root " + shell_quote(config.root.string());
    if (restart && status.daemon_pid) {
        return fmt::format("kill {}, then start it again: {}", *status.daemon_pid, by_hand);
    }
    return by_hand + "   (to run it as a service: nanoclaw setup --step service)";
}

} // namespace

std::string start_command(const core::Config& config, const core::EnvMap& env) {
    return daemon_command(config, env, false);
}

std::string restart_command(const core::Config& config, const core::EnvMap& env) {
    return daemon_command(config, env, true);
}

json gather_status(const core::Config& config, const core::EnvMap& env) {
    json report = json::object();
    report["root"] = config.root.string();
    report["cli_version"] = core::k_version;
    report["daemon"] = daemon_json(config, env);
    add_database(config, report);
    return report;
}

int run_status(const core::Config& config, const core::EnvMap& env, std::ostream& out,
               bool as_json) {
    json report;
    int code = 0;
    try {
        report = gather_status(config, env);
    } catch (const std::exception& e) {
        out << "nanoclaw: cannot read the database: " << e.what() << "\n";
        return 1;
    }
    if (!report["daemon"].value("running", false)) code = 3;
    if (as_json) {
        out << report.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    } else {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        print_status(report, out,
                     std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
    }
    return code;
}

} // namespace nanoclaw::ops
