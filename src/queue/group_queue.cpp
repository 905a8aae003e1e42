// SPDX-License-Identifier: MIT
#include "nanoclaw/queue/group_queue.hpp"

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "input_files.hpp"
#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::queue {

std::chrono::milliseconds retry_delay(std::chrono::milliseconds base, int attempt) {
    return base * (1LL << std::clamp(attempt - 1, 0, 30));
}

namespace {

DelayScheduler asio_delays(asio::io_context& io) {
    return [&io](std::chrono::milliseconds delay, std::function<void()> fn) {
        auto timer = std::make_shared<asio::steady_timer>(io, delay);
        timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
            if (!ec) fn();
        });
        return std::function<void()>([timer] { timer->cancel(); });
    };
}

} // namespace

GroupQueue::GroupQueue(asio::io_context& io, QueueOptions options, DelayScheduler delays)
    : io_(io), options_(std::move(options)), delays_(delays ? std::move(delays) : asio_delays(io)),
      all_idle_(std::make_unique<asio::steady_timer>(io)) {
    options_.max_concurrent = std::max(1, options_.max_concurrent);
}

GroupQueue::~GroupQueue() {
    for (auto& [jid, s] : groups_) {
        if (s.cancel_retry) s.cancel_retry();
    }
}

void GroupQueue::set_process_messages_fn(ProcessFn fn) {
    process_fn_ = std::move(fn);
}

GroupQueue::GroupState& GroupQueue::state(const std::string& jid) {
    return groups_[jid];
}

bool GroupQueue::is_active(const std::string& jid) const {
    auto it = groups_.find(jid);
    return it != groups_.end() && it->second.active;
}

std::vector<std::string> GroupQueue::active_containers() const {
    std::vector<std::string> names;
    for (const auto& [jid, s] : groups_) {
        if (s.active && !s.container_name.empty()) names.push_back(s.container_name);
    }
    return names;
}

std::vector<GroupRun> GroupQueue::runs() const {
    std::vector<GroupRun> out;
    for (const auto& [jid, s] : groups_) {
        const bool waiting = std::find(waiting_.begin(), waiting_.end(), jid) != waiting_.end();
        const bool retrying = !s.active && s.retry_count > 0; // a back-off timer is armed
        if (!s.active && !waiting && !retrying && !s.pending_messages && s.pending_tasks.empty())
            continue;
        out.push_back(GroupRun{jid, s.group_folder, s.container_name, s.active, s.is_task_container,
                               s.idle_waiting, waiting, retrying, s.pending_messages,
                               s.pending_tasks.size()});
    }
    std::sort(out.begin(), out.end(),
              [](const GroupRun& a, const GroupRun& b) { return a.jid < b.jid; });
    return out;
}

void GroupQueue::add_waiting(const std::string& jid) {
    if (std::find(waiting_.begin(), waiting_.end(), jid) == waiting_.end()) waiting_.push_back(jid);
}

void GroupQueue::enqueue_message_check(const std::string& jid) {
    if (shutting_down_) return;
    auto& s = state(jid);
    if (s.active) {
        s.pending_messages = true;
        return;
    }
    if (active_count_ >= options_.max_concurrent) {
        s.pending_messages = true;
        add_waiting(jid);
        return;
    }
    start_message_run(jid);
}

void GroupQueue::enqueue_task(const std::string& jid, const std::string& task_id, TaskFn fn) {
    if (shutting_down_) return;
    auto& s = state(jid);
    const bool duplicate = s.running_task_id == task_id ||
                           std::any_of(s.pending_tasks.begin(), s.pending_tasks.end(),
                                       [&](const PendingTask& t) { return t.id == task_id; });
    if (duplicate) return;
    if (s.active) {
        s.pending_tasks.push_back({task_id, std::move(fn)});
        if (s.idle_waiting) close_stdin(jid);
        return;
    }
    if (active_count_ >= options_.max_concurrent) {
        s.pending_tasks.push_back({task_id, std::move(fn)});
        add_waiting(jid);
        return;
    }
    start_task_run(jid, {task_id, std::move(fn)});
}

void GroupQueue::register_process(const std::string& jid, const std::string& container_name,
                                  const std::string& group_folder) {
    auto& s = state(jid);
    s.container_name = container_name;
    if (!group_folder.empty()) s.group_folder = group_folder;
}

void GroupQueue::notify_idle(const std::string& jid) {
    auto& s = state(jid);
    s.idle_waiting = true;
    if (!s.pending_tasks.empty()) close_stdin(jid);
}

bool GroupQueue::write_input_file(const GroupState& s, const std::string& name,
                                  const std::string& body) {
    return write_file_atomically(options_.ipc_dir / s.group_folder / "input", name, body);
}

bool GroupQueue::send_message(const std::string& jid, const std::string& text) {
    auto it = groups_.find(jid);
    if (it == groups_.end()) return false;
    auto& s = it->second;
    if (!s.active || s.group_folder.empty() || s.is_task_container) return false;
    s.idle_waiting = false;
    const std::string body = nlohmann::json{{"type", "message"}, {"text", text}}.dump();
    return write_input_file(s, unique_input_name() + ".json", body);
}

void GroupQueue::close_stdin(const std::string& jid) {
    auto it = groups_.find(jid);
    if (it == groups_.end() || !it->second.active || it->second.group_folder.empty()) return;
    if (!write_input_file(it->second, "_close", "")) {
        spdlog::warn("could not write _close for group={}", it->second.group_folder);
    }
}

void GroupQueue::start_message_run(const std::string& jid) {
    // State flips before the coroutine starts so callers observe it immediately.
    auto& s = state(jid);
    s.active = true;
    s.idle_waiting = false;
    s.is_task_container = false;
    s.pending_messages = false;
    ++active_count_;
    core::spawn(io_.get_executor(), "message run " + jid, run_messages(jid));
}

void GroupQueue::start_task_run(const std::string& jid, PendingTask task) {
    auto& s = state(jid);
    s.active = true;
    s.idle_waiting = false;
    s.is_task_container = true;
    s.running_task_id = task.id;
    ++active_count_;
    core::spawn(io_.get_executor(), "task run " + task.id, run_task(jid, std::move(task)));
}

awaitable<void> GroupQueue::run_messages(std::string jid) {
    bool ok = false;
    try {
        ok = process_fn_ ? co_await process_fn_(jid) : true;
    } catch (const std::exception& e) {
        spdlog::error("processing messages failed jid={} err={}", jid, e.what());
    }
    auto& s = state(jid);
    if (ok) {
        s.retry_count = 0;
    } else {
        schedule_retry(jid);
    }
    finish_run(jid);
}

awaitable<void> GroupQueue::run_task(std::string jid, PendingTask task) {
    try {
        co_await task.fn();
    } catch (const std::exception& e) {
        spdlog::error("task run failed task={} err={}", task.id, e.what());
    }
    state(jid).running_task_id.reset();
    finish_run(jid);
}

void GroupQueue::finish_run(const std::string& jid) {
    auto& s = state(jid);
    s.active = false;
    s.is_task_container = false;
    s.idle_waiting = false;
    s.container_name.clear();
    s.group_folder.clear();
    --active_count_;
    drain_group(jid);
    if (active_count_ == 0) all_idle_->cancel();
}

void GroupQueue::schedule_retry(const std::string& jid) {
    auto& s = state(jid);
    ++s.retry_count;
    if (s.retry_count > options_.max_retries) {
        spdlog::error("max retries exceeded, giving up until the next message jid={}", jid);
        s.retry_count = 0;
        return;
    }
    const auto delay = retry_delay(options_.base_retry, s.retry_count);
    spdlog::info("retrying message processing jid={} attempt={} in_ms={}", jid, s.retry_count,
                 delay.count());
    if (s.cancel_retry) s.cancel_retry();
    s.cancel_retry = delays_(delay, [this, jid] {
        if (!shutting_down_) enqueue_message_check(jid);
    });
}

bool GroupQueue::has_work(const GroupState& s) const {
    return !s.pending_tasks.empty() || s.pending_messages;
}

void GroupQueue::drain_group(const std::string& jid) {
    if (shutting_down_) return;
    auto& s = state(jid);
    if (!waiting_.empty() && has_work(s)) {
        // Fairness: others have waited for a slot; this group queues behind them.
        add_waiting(jid);
        drain_waiting();
        return;
    }
    if (!start_pending(jid, s)) drain_waiting();
}

bool GroupQueue::start_pending(const std::string& jid, GroupState& s) {
    // Tasks first: they will not be rediscovered, while messages stay in the database.
    if (!s.pending_tasks.empty()) {
        auto task = std::move(s.pending_tasks.front());
        s.pending_tasks.pop_front();
        start_task_run(jid, std::move(task));
        return true;
    }
    if (s.pending_messages) {
        start_message_run(jid);
        return true;
    }
    return false;
}

void GroupQueue::drain_waiting() {
    while (!waiting_.empty() && active_count_ < options_.max_concurrent) {
        const std::string jid = waiting_.front();
        waiting_.pop_front();
        auto& s = state(jid);
        if (s.active) continue; // its own drain will pick the work up
        start_pending(jid, s);
    }
}

void GroupQueue::shutdown() {
    shutting_down_ = true;
    for (auto& [jid, s] : groups_) {
        if (s.cancel_retry) {
            s.cancel_retry();
            s.cancel_retry = nullptr;
        }
    }
    const auto names = active_containers();
    if (!names.empty())
        spdlog::info("containers still running at shutdown: {}", fmt::join(names, ", "));
}

awaitable<int> GroupQueue::drain(std::chrono::milliseconds grace) {
    for (auto& [jid, s] : groups_) {
        if (s.active) close_stdin(jid);
    }
    if (active_count_ > 0) {
        all_idle_->expires_after(grace);
        boost::system::error_code ec;
        co_await all_idle_->async_wait(asio::redirect_error(use_awaitable, ec));
    }
    co_return active_count_;
}

} // namespace nanoclaw::queue
