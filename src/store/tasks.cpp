// SPDX-License-Identifier: MIT
// Scheduled tasks and their run logs (spec 10 §10.5 "Tasks", §16.5 script). Columns are read by
// name: on migrated databases context_mode and script are the last columns.
#include <vector>

#include <SQLiteCpp/Transaction.h>

#include "impl.hpp"

namespace nanoclaw::store {
namespace {

constexpr const char* k_task_columns =
    "SELECT id, group_folder, chat_jid, prompt, script, schedule_type, schedule_value, "
    "context_mode, next_run, last_run, last_result, status, created_at FROM scheduled_tasks ";

constexpr const char* k_insert_task = R"SQL(
INSERT INTO scheduled_tasks (id, group_folder, chat_jid, prompt, script, schedule_type,
  schedule_value, context_mode, next_run, status, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))SQL";

constexpr const char* k_after_run = R"SQL(
UPDATE scheduled_tasks
SET next_run = ?, last_run = ?, last_result = ?,
    status = CASE WHEN ? IS NULL THEN 'completed' ELSE status END
WHERE id = ?)SQL";

core::ScheduledTask read_task(SQLite::Statement& row) {
    core::ScheduledTask t;
    t.id = text(row, "id");
    t.group_folder = text(row, "group_folder");
    t.chat_jid = text(row, "chat_jid");
    t.prompt = text(row, "prompt");
    t.script = optional_text(row, "script");
    t.schedule_type = text(row, "schedule_type");
    t.schedule_value = text(row, "schedule_value");
    // NULL reads as the column default, which is also how v1's scheduler treats it.
    t.context_mode = optional_text(row, "context_mode").value_or("isolated");
    t.next_run = optional_text(row, "next_run");
    t.last_run = optional_text(row, "last_run");
    t.last_result = optional_text(row, "last_result");
    t.status = text(row, "status");
    t.created_at = text(row, "created_at");
    return t;
}

std::vector<core::ScheduledTask> read_tasks(SQLite::Statement& rows) {
    std::vector<core::ScheduledTask> tasks;
    while (rows.executeStep())
        tasks.push_back(read_task(rows));
    return tasks;
}

std::optional<std::string> non_empty(const std::optional<std::string>& s) {
    if (s && s->empty()) return std::nullopt;
    return s;
}

/// "column = ?" fragments and their values, in the order they will be bound.
struct Assignments {
    std::vector<std::string> columns;
    std::vector<std::optional<std::string>> values;
    void add(const char* column, std::optional<std::string> value) {
        columns.emplace_back(column);
        values.push_back(std::move(value));
    }
};

Assignments assignments_for(const TaskUpdate& u) {
    Assignments a;
    if (u.prompt) a.add("prompt", *u.prompt);
    if (u.script) a.add("script", non_empty(*u.script));
    if (u.schedule_type) a.add("schedule_type", *u.schedule_type);
    if (u.schedule_value) a.add("schedule_value", *u.schedule_value);
    if (u.next_run) a.add("next_run", *u.next_run);
    if (u.status) a.add("status", *u.status);
    return a;
}

} // namespace

void Store::create_task(const core::ScheduledTask& t) {
    guarded("creating task " + t.id, [&] {
        auto q = impl_->query(k_insert_task);
        q->bind(1, t.id);
        q->bind(2, t.group_folder);
        q->bind(3, t.chat_jid);
        q->bind(4, t.prompt);
        bind_optional(*q, 5, non_empty(t.script));
        q->bind(6, t.schedule_type);
        q->bind(7, t.schedule_value);
        q->bind(8, t.context_mode.empty() ? std::string("isolated") : t.context_mode);
        bind_optional(*q, 9, t.next_run);
        q->bind(10, t.status);
        q->bind(11, t.created_at);
        q->exec();
    });
}

std::optional<core::ScheduledTask> Store::get_task_by_id(const std::string& id) {
    return guarded("reading task " + id, [&]() -> std::optional<core::ScheduledTask> {
        auto q = impl_->query(std::string(k_task_columns) + "WHERE id = ?");
        q->bind(1, id);
        if (!q->executeStep()) return std::nullopt;
        return read_task(*q);
    });
}

std::vector<core::ScheduledTask> Store::get_tasks_for_group(const std::string& folder) {
    return guarded("listing tasks of " + folder, [&] {
        auto q = impl_->query(std::string(k_task_columns) +
                              "WHERE group_folder = ? ORDER BY created_at DESC");
        q->bind(1, folder);
        return read_tasks(*q);
    });
}

std::vector<core::ScheduledTask> Store::get_all_tasks() {
    return guarded("listing tasks", [&] {
        auto q = impl_->query(std::string(k_task_columns) + "ORDER BY created_at DESC");
        return read_tasks(*q);
    });
}

void Store::update_task(const std::string& id, const TaskUpdate& update) {
    const auto a = assignments_for(update);
    if (a.columns.empty()) return;
    std::string sql = "UPDATE scheduled_tasks SET ";
    for (std::size_t i = 0; i < a.columns.size(); ++i) {
        sql += (i == 0 ? "" : ", ") + a.columns[i] + " = ?";
    }
    sql += " WHERE id = ?";
    guarded("updating task " + id, [&] {
        auto q = impl_->query(sql);
        int index = 1;
        for (const auto& value : a.values)
            bind_optional(*q, index++, value);
        q->bind(index, id);
        q->exec();
    });
}

void Store::delete_task(const std::string& id) {
    guarded("deleting task " + id, [&] {
        // Run logs reference the task (foreign key), so they go first, atomically with it.
        SQLite::Transaction transaction(impl_->db);
        {
            auto logs = impl_->query("DELETE FROM task_run_logs WHERE task_id = ?");
            logs->bind(1, id);
            logs->exec();
        }
        auto task = impl_->query("DELETE FROM scheduled_tasks WHERE id = ?");
        task->bind(1, id);
        task->exec();
        transaction.commit();
    });
}

std::vector<core::ScheduledTask> Store::get_due_tasks() {
    return get_due_tasks(impl_->clock.now());
}

std::vector<core::ScheduledTask> Store::get_due_tasks(core::TimePoint now) {
    return guarded("listing due tasks", [&] {
        auto q = impl_->query(std::string(k_task_columns) +
                              "WHERE status = 'active' AND next_run IS NOT NULL AND next_run <= ? "
                              "ORDER BY next_run");
        q->bind(1, core::format_iso(now));
        return read_tasks(*q);
    });
}

void Store::update_task_after_run(const std::string& id, const std::optional<std::string>& next_run,
                                  const std::string& last_result) {
    guarded("recording run of task " + id, [&] {
        auto q = impl_->query(k_after_run);
        bind_optional(*q, 1, next_run);
        q->bind(2, impl_->now_iso());
        q->bind(3, last_result);
        bind_optional(*q, 4, next_run);
        q->bind(5, id);
        q->exec();
    });
}

void Store::log_task_run(const core::TaskRunLog& log) {
    guarded("logging run of task " + log.task_id, [&] {
        auto q = impl_->query("INSERT INTO task_run_logs (task_id, run_at, duration_ms, status, "
                              "result, error) VALUES (?, ?, ?, ?, ?, ?)");
        q->bind(1, log.task_id);
        q->bind(2, log.run_at);
        q->bind(3, static_cast<std::int64_t>(log.duration_ms));
        q->bind(4, log.status);
        bind_optional(*q, 5, log.result);
        bind_optional(*q, 6, log.error);
        q->exec();
    });
}

} // namespace nanoclaw::store
