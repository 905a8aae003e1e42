// SPDX-License-Identifier: MIT
#include "warm_pool.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "cgroup_usage.hpp"
#include "command.hpp"
#include "nanoclaw/core/child_process.hpp"
#include "nanoclaw/core/spawn.hpp"

namespace nanoclaw::container::detail {
namespace {

using SteadyClock = std::chrono::steady_clock;

/// The runner's line once its agent is up and only the prompt is missing (container contract).
constexpr std::string_view k_ready_line = "Warm and waiting for the prompt";
/// Image events come in bursts (a build tags, untags, deletes): restart after this much quiet.
constexpr std::chrono::milliseconds k_image_quiet{2000};
/// A dismissed container reads EOF and exits at once; after this it is stopped by name.
constexpr std::chrono::milliseconds k_exit_grace{5000};

std::chrono::milliseconds since(SteadyClock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - t);
}

std::string one_line(std::string text, std::size_t max) {
    std::replace(text.begin(), text.end(), '\n', ' ');
    if (text.size() > max) text = text.substr(text.size() - max);
    return text;
}

} // namespace

struct WarmPool::Slot {
    explicit Slot(asio::io_context& io) : ttl(io) {}
    std::shared_ptr<WarmEntry> entry;
    asio::steady_timer ttl;
    SteadyClock::time_point expires;
    bool ready = false;
    int container_pid = 0; ///< the container's first process, once inspected
};

WarmPool::WarmPool(asio::io_context& io, const core::Config& config,
                   std::chrono::milliseconds stop_timeout, Restart restart)
    : io_(io), config_(config), capacity_(config.warm_pool_size), ttl_(config.warm_pool_ttl),
      stop_timeout_(stop_timeout), restart_(std::move(restart)) {}

WarmPool::~WarmPool() {
    alive_.reset(); // pending callbacks see the pool gone
    // Their runner reads EOF and exits; the containers remove themselves (--rm).
    for (auto& [folder, slot] : entries_) {
        if (slot->entry->credentials.release) slot->entry->credentials.release();
        close_session_stdin(slot->entry->session);
    }
    if (image_watch_) image_watch_->terminate();
}

WarmPool::Entries::iterator WarmPool::find_by_id(std::uint64_t id) {
    return std::find_if(entries_.begin(), entries_.end(),
                        [id](const auto& e) { return e.second->entry->id == id; });
}

WarmPool::Slot* WarmPool::slot_by_id(std::uint64_t id) {
    const auto it = find_by_id(id);
    return it == entries_.end() ? nullptr : it->second.get();
}

std::function<void(std::string_view)> WarmPool::ready_watch(std::uint64_t id) {
    std::weak_ptr<bool> alive = alive_;
    return [this, alive, id](std::string_view line) {
        if (alive.expired() || line.find(k_ready_line) == std::string_view::npos) return;
        auto* slot = slot_by_id(id);
        if (!slot || slot->ready) return;
        slot->ready = true;
        const auto& e = *slot->entry;
        spdlog::info("Warm container ready: group={} container={} afterMs={}", e.group_name,
                     session_container_name(e.session), since(e.started).count());
        core::spawn(io_.get_executor(), "warm container inspect",
                    find_container_pid(alive_, id, config_.container_runtime_bin,
                                       session_container_name(e.session)));
    };
}

std::function<void()> WarmPool::exit_watch(std::uint64_t id) {
    std::weak_ptr<bool> alive = alive_;
    return [this, alive, id]() {
        if (alive.expired()) return;
        const auto it = find_by_id(id);
        if (it == entries_.end()) return; // dismissed before it exited
        const auto entry = it->second->entry;
        // Not started again here: whatever made it exit would make the next one exit too.
        spdlog::warn("Warm container exited before a message took it: group={} container={} "
                     "stderr: {}",
                     entry->group_name, session_container_name(entry->session),
                     one_line(session_stderr_tail(entry->session, 600), 600));
        if (entry->credentials.release) entry->credentials.release();
        entries_.erase(it);
        if (entries_.empty()) stop_image_watch();
    };
}

bool WarmPool::make_room(const std::string& folder, bool hot) {
    if (!enabled()) return false;
    if (auto it = entries_.find(folder); it != entries_.end()) {
        dismiss_slot(it, "replaced by a newer one");
    }
    while (static_cast<int>(entries_.size()) >= capacity_) {
        // Hot groups (WARM_POOL_GROUPS) go last, and only for another hot group.
        auto victim = std::min_element(entries_.begin(), entries_.end(), [](auto& a, auto& b) {
            const auto& x = *a.second->entry;
            const auto& y = *b.second->entry;
            return x.hot != y.hot ? !x.hot : x.started < y.started;
        });
        if (victim->second->entry->hot && !hot) return false;
        dismiss_slot(victim, "WARM_POOL_SIZE reached; keeping the more recent groups");
    }
    return start_image_watch();
}

void WarmPool::add(std::shared_ptr<WarmEntry> entry) {
    auto slot = std::make_unique<Slot>(io_);
    slot->entry = std::move(entry);
    slot->expires = SteadyClock::now() + ttl_;
    slot->ttl.expires_at(slot->expires);
    std::weak_ptr<bool> alive = alive_;
    const auto id = slot->entry->id;
    slot->ttl.async_wait([this, alive, id](const boost::system::error_code& ec) {
        if (!ec && !alive.expired()) expire(id);
    });
    spdlog::info("Warm container started: group={} container={}", slot->entry->group_name,
                 session_container_name(slot->entry->session));
    const auto folder = slot->entry->folder;
    entries_[folder] = std::move(slot);
}

void WarmPool::expire(std::uint64_t id) {
    const auto it = find_by_id(id);
    if (it == entries_.end()) return;
    auto entry = it->second->entry;
    dismiss_slot(it, entry->hot ? "WARM_POOL_TTL; a hot group gets a fresh one"
                                : "idle for WARM_POOL_TTL");
    // A fresh container rather than an old one: the TTL also bounds a container's age.
    if (entry->hot && !stopping_) restart_(entry->group, entry->header, true);
}

std::shared_ptr<WarmEntry> WarmPool::take(const std::string& folder, const std::string& key,
                                          std::string& why_not) {
    why_not.clear();
    auto it = entries_.find(folder);
    if (it == entries_.end()) return nullptr;
    if (session_unusable(it->second->entry->session)) {
        why_not = "it exited or wrote output before it was taken";
    } else if (it->second->entry->key != key) {
        why_not = "stale: the group's settings, mounts, session or agent-runner source changed";
    }
    if (!why_not.empty()) {
        dismiss_slot(it, why_not);
        return nullptr;
    }
    auto entry = std::move(it->second->entry);
    it->second->ttl.cancel();
    entries_.erase(it);
    if (entries_.empty()) stop_image_watch();
    return entry;
}

void WarmPool::dismiss(const std::string& folder, const std::string& reason) {
    if (auto it = entries_.find(folder); it != entries_.end()) dismiss_slot(it, reason);
}

void WarmPool::dismiss_slot(Entries::iterator it, const std::string& reason) {
    auto entry = std::move(it->second->entry);
    it->second->ttl.cancel();
    entries_.erase(it);
    spdlog::info("Warm container dismissed: group={} container={} ({})", entry->group_name,
                 session_container_name(entry->session), reason);
    if (entry->credentials.release) entry->credentials.release();
    close_session_stdin(entry->session);
    // Stopped by name if it does not leave by itself; kept here until then.
    leaving_.push_back(entry->session);
    core::spawn(io_.get_executor(), "warm container exit",
                [](WarmPool* pool, std::weak_ptr<bool> alive, SessionPtr session,
                   std::chrono::milliseconds stop_timeout) -> awaitable<void> {
                    asio::steady_timer timer(co_await asio::this_coro::executor);
                    const auto deadline = SteadyClock::now() + k_exit_grace;
                    while (!session_exited(session) && SteadyClock::now() < deadline) {
                        timer.expires_after(std::chrono::milliseconds(50));
                        co_await timer.async_wait(use_awaitable);
                    }
                    if (alive.expired()) co_return;
                    if (!session_exited(session)) {
                        spdlog::warn("Warm container {} did not exit after its input closed; "
                                     "stopping it",
                                     session_container_name(session));
                        co_await stop_by_name(pool->io_, pool->config_.container_runtime_bin,
                                              session_container_name(session), stop_timeout);
                    }
                    if (alive.expired()) co_return;
                    auto& leaving = pool->leaving_;
                    leaving.erase(std::remove(leaving.begin(), leaving.end(), session),
                                  leaving.end());
                }(this, alive_, entry->session, stop_timeout_));
    if (entries_.empty()) stop_image_watch();
}

awaitable<void> WarmPool::shutdown() {
    stopping_ = true;
    while (!entries_.empty()) dismiss_slot(entries_.begin(), "the daemon is stopping");
    stop_image_watch();
    asio::steady_timer timer(io_);
    const auto deadline = SteadyClock::now() + k_exit_grace + stop_timeout_;
    while (!leaving_.empty() && SteadyClock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(50));
        co_await timer.async_wait(use_awaitable);
    }
}

bool WarmPool::start_image_watch() {
    if (image_watch_ && !image_watch_->exited()) return true;
    // Replays the last second too: an image tagged while this starts is not missed.
    const auto since = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count() -
                       1;
    try {
        image_watch_ = std::make_shared<core::ChildProcess>(
            io_, core::SpawnOptions{config_.container_runtime_bin,
                                    {"events", "--filter", "type=image", "--since",
                                     std::to_string(since)},
                                    {},
                                    {},
                                    {}});
    } catch (const std::exception& e) {
        spdlog::warn("Warm containers are off: cannot watch the agent image for changes ({})",
                     e.what());
        return false;
    }
    image_watch_->close_stdin();
    core::spawn(io_.get_executor(), "image events", read_image_events(alive_, image_watch_));
    return true;
}

void WarmPool::stop_image_watch() {
    if (!image_watch_) return;
    auto child = std::move(image_watch_);
    image_watch_.reset();
    child->terminate();
}

awaitable<void> WarmPool::read_image_events(std::weak_ptr<bool> alive,
                                            std::shared_ptr<core::ChildProcess> child) {
    std::string buf(4096, '\0');
    std::string line;
    for (;;) {
        const auto n = co_await child->read_stdout(buf.data(), buf.size());
        if (n == 0 || alive.expired()) break;
        for (std::size_t i = 0; i < n && !alive.expired(); ++i) {
            if (buf[i] != '\n') {
                if (line.size() < 1024) line.push_back(buf[i]);
                continue;
            }
            if (!line.empty()) on_image_event(line);
            line.clear();
        }
    }
    std::string err;
    for (;;) {
        const auto n = co_await child->read_stderr(buf.data(), buf.size());
        if (n == 0) break;
        if (err.size() < 600) err.append(buf.data(), std::min<std::size_t>(n, 600 - err.size()));
    }
    co_await child->wait_exit();
    if (alive.expired() || image_watch_ != child) co_return; // stopped on purpose
    image_watch_.reset();
    spdlog::warn("`{} events` ended ({}); dismissing warm containers, since a changed image could "
                 "no longer be noticed",
                 config_.container_runtime_bin, err.empty() ? "no output" : one_line(err, 300));
    while (!entries_.empty()) dismiss_slot(entries_.begin(), "image changes are not watched");
}

void WarmPool::on_image_event(const std::string& line) {
    if (entries_.empty()) return;
    spdlog::info("The runtime reports an image change ({}); dismissing warm containers, so none "
                 "answers with an image older than the one a cold start would use",
                 one_line(line, 200));
    while (!entries_.empty()) {
        auto it = entries_.begin();
        to_restart_.push_back(it->second->entry);
        dismiss_slot(it, "the image may have changed");
    }
    quiet_until_ = SteadyClock::now() + k_image_quiet;
    if (!quiet_wait_running_) {
        quiet_wait_running_ = true;
        core::spawn(io_.get_executor(), "warm restart", restart_after_quiet(alive_));
    }
}

awaitable<void> WarmPool::restart_after_quiet(std::weak_ptr<bool> alive) {
    if (alive.expired()) co_return;
    asio::steady_timer timer(io_);
    for (;;) {
        timer.expires_at(quiet_until_);
        co_await timer.async_wait(use_awaitable);
        if (alive.expired()) co_return;
        if (SteadyClock::now() >= quiet_until_) break;
    }
    quiet_wait_running_ = false;
    auto pending = std::move(to_restart_);
    to_restart_.clear();
    if (stopping_) co_return;
    for (auto& entry : pending) restart_(entry->group, entry->header, entry->hot);
}

awaitable<void> WarmPool::find_container_pid(std::weak_ptr<bool> alive, std::uint64_t id,
                                             std::string binary, std::string name) {
    // Started later than spawned: the pool may be gone by then, so `this` is touched only while
    // `alive` says it exists.
    if (alive.expired()) co_return;
    // Built before the co_await: GCC 12 mishandles braced temporaries in a coroutine call.
    std::vector<std::string> args{"inspect", "--format", "{{.State.Pid}}", std::move(name)};
    const auto result =
        co_await run_command(io_, std::move(binary), std::move(args), std::chrono::seconds(10));
    if (alive.expired() || !result.ok()) co_return;
    auto* slot = slot_by_id(id);
    if (!slot) co_return;
    try {
        slot->container_pid = std::stoi(result.output);
    } catch (const std::exception&) {
        slot->container_pid = 0; // no such field (another runtime): usage is not shown
    }
}

std::vector<WarmContainerInfo> WarmPool::info() const {
    std::vector<WarmContainerInfo> out;
    const auto now = SteadyClock::now();
    for (const auto& [folder, slot] : entries_) {
        WarmContainerInfo i;
        i.group_folder = folder;
        i.container_name = session_container_name(slot->entry->session);
        i.age = since(slot->entry->started);
        i.expires_in = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::max(slot->expires - now, SteadyClock::duration::zero()));
        i.ready = slot->ready;
        i.hot = slot->entry->hot;
        if (slot->container_pid > 0) {
            const auto usage = read_cgroup_usage(slot->container_pid);
            i.memory_bytes = usage.memory_bytes;
            i.cpu_usec = usage.cpu_usec;
        }
        out.push_back(std::move(i));
    }
    return out;
}

} // namespace nanoclaw::container::detail
