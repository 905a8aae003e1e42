// SPDX-License-Identifier: MIT
// Task-management requests. Each handler checks, in order: required fields, existence,
// authorisation (main: anything; others: their own folder only), validity; then applies.
#include <chrono>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "group_request.hpp"
#include "nanoclaw/core/unique_name.hpp"
#include "nanoclaw/ipc/ipc_requests.hpp"

namespace nanoclaw::ipc {
namespace {

constexpr std::size_t k_max_task_id = 128;

std::string generate_task_id() { return "task-" + core::timestamped_name(6); }

// Optional string field: absent/null -> nullopt, a non-string value -> throws (file to errors/).
std::optional<std::string> optional_string(const nlohmann::json& data, const char* key) {
    auto it = data.find(key);
    if (it == data.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) throw std::invalid_argument(std::string("field ") + key + " must be a string");
    return it->get<std::string>();
}

Outcome schedule_task(const nlohmann::json& data, const std::string& source, bool is_main,
                      IpcDeps& deps) {
    const auto prompt = required_string(data, "prompt");
    const auto type = required_string(data, "schedule_type");
    const auto value = required_string(data, "schedule_value");
    const auto target_jid = required_string(data, "targetJid");
    if (!prompt || !type || !value || !target_jid) return Outcome::invalid;
    const auto& groups = deps.registered_groups();
    const auto target = groups.find(*target_jid);
    if (target == groups.end()) {
        spdlog::warn("cannot schedule task: target group not registered targetJid={}", *target_jid);
        return Outcome::invalid;
    }
    if (!is_main && target->second.folder != source) {
        spdlog::warn("unauthorized schedule_task blocked source={} target={}", source, *target_jid);
        return Outcome::unauthorized;
    }
    auto next_run = deps.first_run(*type, *value);
    if (!next_run) {
        spdlog::warn("invalid schedule for task: {} source={}", next_run.error(), source);
        return Outcome::invalid;
    }
    core::ScheduledTask task;
    task.id = required_string(data, "taskId").value_or(generate_task_id());
    if (task.id.size() > k_max_task_id) throw std::invalid_argument("taskId is too long");
    task.group_folder = target->second.folder;
    task.chat_jid = *target_jid;
    task.prompt = *prompt;
    task.script = required_string(data, "script");
    task.schedule_type = *type;
    task.schedule_value = *value;
    const auto mode = required_string(data, "context_mode");
    task.context_mode = (mode == "group" || mode == "isolated") ? *mode : "isolated";
    task.next_run = *next_run;
    task.status = "active";
    task.created_at = deps.now_iso();
    deps.create_task(task);
    spdlog::info("task created id={} group={} type={} source={}", task.id, task.group_folder,
                 task.schedule_type, source);
    deps.tasks_changed();
    return Outcome::done;
}

// Loads the task named by taskId if the source may touch it.
std::optional<core::ScheduledTask> authorized_task(const nlohmann::json& data, const char* op,
                                                   const std::string& source, bool is_main,
                                                   IpcDeps& deps) {
    const auto id = required_string(data, "taskId");
    if (!id) return std::nullopt;
    auto task = deps.get_task(*id);
    if (!task || (!is_main && task->group_folder != source)) {
        spdlog::warn("{} refused: task not found or not owned taskId={} source={}", op, *id, source);
        return std::nullopt;
    }
    return task;
}

Outcome set_status(const nlohmann::json& data, const std::string& source, bool is_main,
                   IpcDeps& deps, const std::string& type) {
    auto task = authorized_task(data, type.c_str(), source, is_main, deps);
    if (!task) return Outcome::unauthorized;
    if (type == "cancel_task") {
        deps.delete_task(task->id);
    } else {
        TaskPatch patch;
        patch.status = type == "pause_task" ? "paused" : "active";
        if (type == "resume_task") {
            if (auto next = deps.next_run_on_resume(*task)) patch.next_run = *next;
        }
        deps.update_task(task->id, patch);
    }
    spdlog::info("{} applied taskId={} source={}", type, task->id, source);
    deps.tasks_changed();
    return Outcome::done;
}

Outcome update_task(const nlohmann::json& data, const std::string& source, bool is_main,
                    IpcDeps& deps) {
    auto task = authorized_task(data, "update_task", source, is_main, deps);
    if (!task) return Outcome::unauthorized;
    TaskPatch patch;
    patch.prompt = optional_string(data, "prompt");
    patch.schedule_type = optional_string(data, "schedule_type");
    patch.schedule_value = optional_string(data, "schedule_value");
    if (patch.prompt && patch.prompt->empty()) throw std::invalid_argument("prompt must not be empty");
    if (data.contains("script")) {
        auto script = optional_string(data, "script");
        patch.script = (script && !script->empty()) ? script : std::nullopt;
    }
    const bool schedule_changed = (patch.schedule_type && !patch.schedule_type->empty()) ||
                                  (patch.schedule_value && !patch.schedule_value->empty());
    if (schedule_changed) {
        // Quirk 8 fixed: every schedule change recomputes next_run; an invalid one changes nothing.
        const auto type = patch.schedule_type.value_or(task->schedule_type);
        const auto value = patch.schedule_value.value_or(task->schedule_value);
        auto next = deps.first_run(type, value);
        if (!next) {
            spdlog::warn("update_task rejected: {} taskId={}", next.error(), task->id);
            return Outcome::invalid;
        }
        patch.next_run = *next;
    }
    if (patch.empty()) return Outcome::ignored;
    deps.update_task(task->id, patch);
    spdlog::info("task updated taskId={} source={}", task->id, source);
    deps.tasks_changed();
    return Outcome::done;
}

} // namespace

awaitable<Outcome> handle_task_request(const nlohmann::json& data, std::string source_folder,
                                       bool is_main, IpcDeps& deps) {
    const auto type = required_string(data, "type").value_or("");
    if (type == "schedule_task") co_return schedule_task(data, source_folder, is_main, deps);
    if (type == "pause_task" || type == "resume_task" || type == "cancel_task") {
        co_return set_status(data, source_folder, is_main, deps, type);
    }
    if (type == "update_task") co_return update_task(data, source_folder, is_main, deps);
    if (type == "register_group") co_return register_group(data, source_folder, is_main, deps);
    if (type == "refresh_groups") {
        if (!is_main) {
            spdlog::warn("unauthorized refresh_groups blocked source={}", source_folder);
            co_return Outcome::unauthorized;
        }
        co_await deps.refresh_groups(source_folder);
        co_return Outcome::done;
    }
    spdlog::warn("unknown IPC task type {:?} source={}", type, source_folder);
    co_return Outcome::ignored;
}

} // namespace nanoclaw::ipc
