// SPDX-License-Identifier: MIT
// Reading, dispatching and disposing of request files in one directory.
#pragma once

#include <cstdint>
#include <string>

#include "nanoclaw/ipc/ipc_deps.hpp"
#include "nanoclaw/ipc/ipc_watcher.hpp"

namespace nanoclaw::ipc {

enum class RequestKind { message, task };

struct RequestDir {
    RequestKind kind;
    const char* name; ///< "messages" or "tasks"
};

/// Processes every `*.json` regular file of ipc_dir/folder/dir in name order, one at a time:
/// handled -> deleted; unreadable, not JSON, too large, a symlink, or a handler error -> moved to
/// ipc_dir/errors/<folder>-<file>. If a move fails, the rest of the directory waits for the next
/// pass. Returns the number of files handled.
awaitable<std::uint64_t> process_request_dir(const WatcherOptions& options, std::string folder,
                                             bool is_main, RequestDir dir, IpcDeps& deps);

} // namespace nanoclaw::ipc
