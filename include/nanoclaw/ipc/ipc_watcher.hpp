// SPDX-License-Identifier: MIT
// Watches data/ipc/<folder>/{messages,tasks}/ for request files written by agent containers and
// processes them one at a time in name (= creation) order. Event-driven through inotify, with a
// full scan at start, on inotify overflow, and as a rare safety net.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "nanoclaw/core/asio.hpp"
#include "nanoclaw/ipc/ipc_deps.hpp"

namespace nanoclaw::ipc {

struct WatcherOptions {
    std::filesystem::path ipc_dir;                  ///< DATA_DIR/ipc
    std::chrono::milliseconds safety_scan{300'000}; ///< full re-scan period when idle
    std::size_t max_file_bytes = 4 * 1024 * 1024;   ///< larger request files go to errors/
};

class IpcWatcher {
public:
    /// Whether `folder` belongs to a main group (identity comes from the directory).
    using IsMainFn = std::function<bool(const std::string& folder)>;

    IpcWatcher(asio::io_context& io, WatcherOptions options, IpcDeps& deps, IsMainFn is_main);
    ~IpcWatcher();
    IpcWatcher(const IpcWatcher&) = delete;
    IpcWatcher& operator=(const IpcWatcher&) = delete;

    /// Creates the directories, installs the inotify watches and runs the first scan.
    void start();
    /// Stops watching; a file being processed finishes first.
    void stop();
    /// Schedules a full scan (e.g. after a group is registered).
    void request_scan();
    /// Files handled so far (processed or moved to errors/).
    std::uint64_t files_handled() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace nanoclaw::ipc
