// SPDX-License-Identifier: MIT
#include "agent_launcher.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "nanoclaw/core/group_folder.hpp"

namespace nanoclaw::daemon {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// v1 §16.6: errors that mean "the stored session no longer exists", so retrying with it is futile.
bool is_stale_session_error(const std::string& error) {
    const auto e = lower(error);
    const auto has = [&](const char* s) { return e.find(s) != std::string::npos; };
    return has("no conversation found") || (has("enoent") && has(".jsonl")) ||
           (has("session") && has("not found"));
}

// The chat's one message about an agent that cannot start: the cause, that retrying will not
// help, and where the whole output is.
std::string container_failure_sentence(const std::string& folder, const std::string& headline) {
    return "The agent could not start: " + headline +
           " (this will fail the same way until it is fixed; the full output is in groups/" +
           folder + "/logs/)";
}

} // namespace

AgentLauncher::AgentLauncher(store::Store& store, GroupDirectory& groups,
                             container::ContainerRunner& runner, queue::GroupQueue& queue,
                             RunHealth& health, const core::Config& config,
                             const core::Clock& clock)
    : store_(store), groups_(groups), runner_(runner), queue_(queue), health_(health),
      config_(config), clock_(clock) {}

void AgentLauncher::load_sessions() { sessions_ = store_.get_all_sessions(); }

std::optional<std::string> AgentLauncher::session(const std::string& folder) const {
    auto it = sessions_.find(folder);
    if (it == sessions_.end()) return std::nullopt;
    return it->second;
}

void AgentLauncher::remember_session(const std::string& folder, const std::optional<std::string>& id) {
    if (!id || id->empty() || sessions_[folder] == *id) return;
    sessions_[folder] = *id;
    store_.set_session(folder, *id);
}

void AgentLauncher::forget_stale_session(const std::string& folder,
                                         const container::ContainerOutput& out) {
    if (out.status != container::OutputStatus::error || !out.error) return;
    if (!sessions_.contains(folder) || !is_stale_session_error(*out.error)) return;
    spdlog::warn("agent session is gone, starting a fresh one next time group={}", folder);
    sessions_.erase(folder);
    store_.delete_session(folder);
}

container::ContainerInput AgentLauncher::input_for(const core::RegisteredGroup& group,
                                                  const std::string& jid) const {
    container::ContainerInput input;
    input.session_id = session(group.folder);
    input.group_folder = group.folder;
    input.chat_jid = jid;
    input.is_main = group.main();
    input.assistant_name = config_.assistant_name;
    return input;
}

bool AgentLauncher::is_hot(const std::string& folder) const {
    const auto& hot = config_.warm_pool_groups;
    return std::find(hot.begin(), hot.end(), folder) != hot.end();
}

void AgentLauncher::warm_hot_groups() {
    for (const auto& folder : config_.warm_pool_groups) {
        bool found = false;
        for (const auto& [jid, group] : groups_.all()) {
            if (group.folder != folder) continue;
            found = true;
            runner_.keep_warm(group, input_for(group, jid), true);
            break;
        }
        if (!found) {
            spdlog::warn("WARM_POOL_GROUPS names {}, which no registered group uses as its folder; "
                         "skipping it",
                         folder);
        }
    }
}

std::vector<container::AvailableGroup> AgentLauncher::available_groups() {
    std::vector<container::AvailableGroup> out;
    for (const auto& chat : store_.get_all_chats()) {
        if (chat.jid == store::k_group_sync_jid || chat.is_group.value_or(0) == 0) continue;
        out.push_back({chat.jid, chat.name.value_or(chat.jid), chat.last_message_time.value_or(""),
                       groups_.find(chat.jid) != nullptr});
    }
    return out;
}

void AgentLauncher::write_tasks_snapshot(const std::string& folder, bool is_main) {
    container::write_tasks_snapshot(config_.data_dir, folder, is_main, store_.get_all_tasks());
}

void AgentLauncher::write_groups_snapshot(const std::string& folder, bool is_main) {
    const auto list = is_main ? available_groups() : std::vector<container::AvailableGroup>{};
    container::write_groups_snapshot(config_.data_dir, folder, is_main, list, clock_.now());
}

void AgentLauncher::refresh_all_task_snapshots() {
    const auto tasks = store_.get_all_tasks();
    for (const auto& [jid, g] : groups_.all()) {
        try {
            container::write_tasks_snapshot(config_.data_dir, g.folder, g.main(), tasks);
        } catch (const std::exception& e) {
            spdlog::warn("cannot write task snapshot group={} err={}", g.folder, e.what());
        }
    }
}

awaitable<void> AgentLauncher::forward_record(std::string folder, bool keep_session,
                                              container::OutputCallback on_output,
                                              container::ContainerOutput out) {
    // Session ids are saved before the record is forwarded, as v1 does.
    if (keep_session) remember_session(folder, out.new_session_id);
    if (on_output) co_await on_output(std::move(out));
}

awaitable<container::ContainerOutput> AgentLauncher::run(core::RegisteredGroup group, std::string jid,
                                                         container::ContainerInput input,
                                                         container::OutputCallback on_output,
                                                         bool keep_session) {
    const std::string folder = group.folder;
    try {
        write_tasks_snapshot(folder, group.main());
        write_groups_snapshot(folder, group.main());
    } catch (const std::exception& e) {
        spdlog::warn("cannot write snapshots group={} err={}", folder, e.what());
    }
    // A plain lambda returning a coroutine that owns copies of everything it uses.
    auto forward = [this, folder, keep_session, on_output](container::ContainerOutput out) {
        return forward_record(folder, keep_session, on_output, std::move(out));
    };
    container::RunHooks hooks{[this, jid, folder](const std::string& name) {
        queue_.register_process(jid, name, folder);
        health_.started(folder, name);
    }};
    health_.begin(folder, jid);
    container::ContainerOutput result;
    auto warm_group = group; // for the warm container started after a success (below)
    try {
        result = co_await runner_.run(std::move(group), std::move(input), forward, hooks);
    } catch (const std::exception& e) {
        result.status = container::OutputStatus::error;
        result.error = e.what();
    }
    if (result.status == container::OutputStatus::error && result.permanent_failure) {
        health_.report_permanent(folder, container_failure_sentence(folder, *result.permanent_failure));
    }
    // An upstream failure told during the run (rejected key, no DNS) makes the run permanent too.
    if (auto told = health_.end(folder); told && result.status == container::OutputStatus::error) {
        result.permanent_failure = told;
    }
    if (keep_session) {
        remember_session(folder, result.new_session_id);
        forget_stale_session(folder, result);
    }
    if (result.status == container::OutputStatus::error) {
        spdlog::error("agent run failed group={} err={}", folder, result.error.value_or("unknown"));
    } else if (keep_session) {
        // The group's next message most likely comes after this container has closed: have
        // its agent started by then. Only after a success: a failing start would fail again.
        auto header = input_for(warm_group, jid); // the session id just remembered included
        runner_.keep_warm(std::move(warm_group), std::move(header), is_hot(folder));
    }
    co_return result;
}

} // namespace nanoclaw::daemon
