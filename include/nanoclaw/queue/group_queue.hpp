// SPDX-License-Identifier: MIT
// Per-group serialisation and global concurrency for agent runs (spec 10 §11): at most one run
// per chat JID, at most `max_concurrent` runs overall, tasks before messages, retries with
// exponential back-off, and the host -> container input channel (follow-up files, `_close`).
// Unlike v1, groups waiting for a slot are served fairly (quirk 14): a group that finishes a
// run while others wait goes to the back of the line.
#pragma once

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "nanoclaw/core/asio.hpp"

namespace nanoclaw::queue {

struct QueueOptions {
    int max_concurrent = 5;
    std::filesystem::path ipc_dir; ///< DATA_DIR/ipc; input files go to <ipc_dir>/<folder>/input/
    int max_retries = 5;
    std::chrono::milliseconds base_retry{5000};
};

/// Runs `fn` after `delay` unless cancelled; returns a cancel function. Injected so tests can
/// drive back-off without waiting; the default uses asio timers on the queue's io_context.
using DelayScheduler =
    std::function<std::function<void()>(std::chrono::milliseconds delay, std::function<void()> fn)>;

/// One group's state in the queue, for `nanoclaw status` (GroupQueue::runs).
struct GroupRun {
    std::string jid;
    std::string group_folder;   ///< empty until the container registered
    std::string container_name; ///< empty until the container registered
    bool active = false;        ///< a container is running for the group
    bool task = false;          ///< the running container serves a scheduled task
    bool idle = false;          ///< its turn is done and it waits for input (a warm container)
    bool waiting = false;       ///< queued for a free slot
    bool retry_pending = false; ///< a back-off timer will retry it
    bool pending_messages = false;
    std::size_t pending_tasks = 0;
};

/// Delay before retry number `attempt` (1-based): base * 2^(attempt-1).
std::chrono::milliseconds retry_delay(std::chrono::milliseconds base, int attempt);

class GroupQueue {
  public:
    using ProcessFn = std::function<awaitable<bool>(std::string jid)>;
    using TaskFn = std::function<awaitable<void>()>;

    GroupQueue(asio::io_context& io, QueueOptions options, DelayScheduler delays = {});
    ~GroupQueue();
    GroupQueue(const GroupQueue&) = delete;
    GroupQueue& operator=(const GroupQueue&) = delete;

    /// The message-processing callback: returns true when done, false to retry with back-off.
    void set_process_messages_fn(ProcessFn fn);
    /// Asks for a message run for `jid` now, or as soon as the group and a slot are free.
    void enqueue_message_check(const std::string& jid);
    /// Queues a task run; a task id already running or pending for the group is ignored.
    void enqueue_task(const std::string& jid, const std::string& task_id, TaskFn fn);
    /// Records the running container of `jid`; until then send_message/close_stdin do nothing.
    void register_process(const std::string& jid, const std::string& container_name,
                          const std::string& group_folder);
    /// The container finished a turn and waits for input; pending tasks preempt it.
    void notify_idle(const std::string& jid);
    /// Pipes a follow-up into the group's active message container (atomic file write).
    /// False when there is none (inactive, unregistered process, or a task container).
    bool send_message(const std::string& jid, const std::string& text);
    /// Writes the `_close` sentinel for the group's active container.
    void close_stdin(const std::string& jid);
    /// Refuses new work from now on and cancels retry timers; running work continues.
    void shutdown();
    /// Writes `_close` to every active container and waits until all runs end or `grace`
    /// elapses. Returns the number of runs still active.
    awaitable<int> drain(std::chrono::milliseconds grace);

    int active_count() const { return active_count_; }
    bool is_active(const std::string& jid) const;
    bool is_shutting_down() const { return shutting_down_; }
    /// Container names of active runs (for logs and shutdown).
    std::vector<std::string> active_containers() const;
    /// Every group that is running, warm, queued or retrying, ordered by JID.
    std::vector<GroupRun> runs() const;
    int max_concurrent() const { return options_.max_concurrent; }

  private:
    struct PendingTask {
        std::string id;
        TaskFn fn;
    };
    struct GroupState {
        bool active = false;
        bool idle_waiting = false;
        bool is_task_container = false;
        std::optional<std::string> running_task_id;
        bool pending_messages = false;
        std::deque<PendingTask> pending_tasks;
        std::string container_name;
        std::string group_folder;
        int retry_count = 0;
        std::function<void()> cancel_retry;
    };

    GroupState& state(const std::string& jid);
    void start_message_run(const std::string& jid);
    void start_task_run(const std::string& jid, PendingTask task);
    awaitable<void> run_messages(std::string jid);
    awaitable<void> run_task(std::string jid, PendingTask task);
    void finish_run(const std::string& jid);
    void schedule_retry(const std::string& jid);
    void drain_group(const std::string& jid);
    void drain_waiting();
    /// Starts the group's next pending task, else its pending messages; false if it has none.
    bool start_pending(const std::string& jid, GroupState& s);
    bool has_work(const GroupState& s) const;
    void add_waiting(const std::string& jid);
    bool write_input_file(const GroupState& s, const std::string& name, const std::string& body);

    asio::io_context& io_;
    QueueOptions options_;
    DelayScheduler delays_;
    ProcessFn process_fn_;
    std::unordered_map<std::string, GroupState> groups_;
    std::deque<std::string> waiting_;
    int active_count_ = 0;
    bool shutting_down_ = false;
    std::unique_ptr<asio::steady_timer> all_idle_; ///< cancelled when active_count_ reaches 0
};

} // namespace nanoclaw::queue
