// SPDX-License-Identifier: MIT
#include "nanoclaw/ipc/ipc_watcher.hpp"

#include <set>

#include <spdlog/spdlog.h>

#include "inotify_source.hpp"
#include "nanoclaw/core/group_folder.hpp"
#include "nanoclaw/core/spawn.hpp"
#include "request_files.hpp"

namespace nanoclaw::ipc {

struct IpcWatcher::Impl : std::enable_shared_from_this<IpcWatcher::Impl> {
    Impl(asio::io_context& io_ctx, WatcherOptions opts, IpcDeps& ipc_deps, IsMainFn main_fn)
        : io(io_ctx), options(std::move(opts)), deps(ipc_deps), is_main(std::move(main_fn)),
          wake(io_ctx), safety(io_ctx), inotify(io_ctx) {}

    asio::io_context& io;
    WatcherOptions options;
    IpcDeps& deps;
    IsMainFn is_main;
    asio::steady_timer wake;   ///< cancelled to wake the processing loop
    asio::steady_timer safety; ///< periodic full scan
    InotifySource inotify;
    std::set<std::string> dirty; ///< folders to scan
    bool scan_all = true;
    bool stopped = false;
    std::uint64_t handled = 0;

    void mark(const std::string& folder) {
        if (folder.empty()) {
            scan_all = true;
        } else {
            dirty.insert(folder);
        }
        wake.cancel();
    }

    std::vector<std::string> folders_to_scan() {
        std::vector<std::string> out;
        if (scan_all) {
            scan_all = false;
            dirty.clear();
            std::error_code ec;
            for (auto it = std::filesystem::directory_iterator(options.ipc_dir, ec);
                 !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
                const auto name = it->path().filename().string();
                if (name != "errors" && it->is_directory(ec) && !it->is_symlink(ec)) out.push_back(name);
            }
            if (ec) spdlog::error("cannot list IPC dir {}: {}", options.ipc_dir.string(), ec.message());
            std::sort(out.begin(), out.end());
            return out;
        }
        out.assign(dirty.begin(), dirty.end());
        dirty.clear();
        return out;
    }

    awaitable<void> process_folder(std::string folder) {
        if (!core::is_valid_group_folder(folder)) {
            spdlog::warn("ignoring IPC directory with an invalid folder name {:?}", folder);
            co_return;
        }
        inotify.watch_folder(options.ipc_dir / folder);
        const bool main = is_main(folder);
        RequestDir dirs[] = {{RequestKind::message, "messages"}, {RequestKind::task, "tasks"}};
        for (const auto& dir : dirs) {
            handled += co_await process_request_dir(options, folder, main, dir, deps);
        }
    }

    awaitable<void> loop() {
        auto self = shared_from_this();
        while (!stopped) {
            if (!scan_all && dirty.empty()) {
                wake.expires_at(asio::steady_timer::time_point::max());
                boost::system::error_code ec;
                co_await wake.async_wait(asio::redirect_error(use_awaitable, ec));
                continue;
            }
            for (const auto& folder : folders_to_scan()) {
                if (stopped) break;
                co_await process_folder(folder);
            }
        }
    }

    awaitable<void> safety_loop() {
        auto self = shared_from_this();
        while (!stopped) {
            safety.expires_after(options.safety_scan);
            boost::system::error_code ec;
            co_await safety.async_wait(asio::redirect_error(use_awaitable, ec));
            if (!stopped) mark("");
        }
    }
};

IpcWatcher::IpcWatcher(asio::io_context& io, WatcherOptions options, IpcDeps& deps,
                       IsMainFn is_main)
    : impl_(std::make_shared<Impl>(io, std::move(options), deps, std::move(is_main))) {}

IpcWatcher::~IpcWatcher() { stop(); }

void IpcWatcher::start() {
    std::error_code ec;
    std::filesystem::create_directories(impl_->options.ipc_dir / "errors", ec);
    std::weak_ptr<Impl> weak = impl_;
    impl_->inotify.start(impl_->options.ipc_dir, [weak](const std::string& folder) {
        if (auto impl = weak.lock()) impl->mark(folder);
    });
    impl_->mark("");
    core::spawn(impl_->io.get_executor(), "ipc watcher", impl_->loop());
    core::spawn(impl_->io.get_executor(), "ipc safety scan", impl_->safety_loop());
}

void IpcWatcher::stop() {
    if (!impl_ || impl_->stopped) return;
    impl_->stopped = true;
    impl_->wake.cancel();
    impl_->safety.cancel();
    impl_->inotify.stop();
}

void IpcWatcher::request_scan() { impl_->mark(""); }

std::uint64_t IpcWatcher::files_handled() const { return impl_->handled; }

} // namespace nanoclaw::ipc
