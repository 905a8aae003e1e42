// SPDX-License-Identifier: MIT
#include "inotify_source.hpp"

#include <sys/inotify.h>
#include <cstring>
#include <unistd.h>

#include <spdlog/spdlog.h>

namespace nanoclaw::ipc {

namespace {
constexpr std::uint32_t k_dir_events = IN_CREATE | IN_MOVED_TO | IN_ONLYDIR;
constexpr std::uint32_t k_file_events = IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR;
} // namespace

InotifySource::InotifySource(asio::io_context& io)
    : fd_(io), buffer_(std::make_shared<std::array<char, 16384>>()) {}

InotifySource::~InotifySource() { stop(); }

void InotifySource::start(const std::filesystem::path& ipc_dir, OnChange on_change) {
    ipc_dir_ = ipc_dir;
    on_change_ = std::move(on_change);
    const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
        spdlog::warn("inotify unavailable ({}); IPC relies on periodic scans", std::strerror(errno));
        return;
    }
    fd_.assign(fd);
    running_ = true;
    add_watch(ipc_dir, "", k_dir_events);
    read_events();
}

void InotifySource::add_watch(const std::filesystem::path& dir, std::string folder,
                              std::uint32_t mask) {
    if (!running_ || wd_of_path_.contains(dir)) return;
    const int wd = inotify_add_watch(fd_.native_handle(), dir.c_str(), mask);
    if (wd < 0) return; // not there yet: the scan after its creation event adds it
    folder_of_wd_[wd] = std::move(folder);
    wd_of_path_[dir] = wd;
}

void InotifySource::watch_folder(const std::filesystem::path& folder_dir) {
    const auto folder = folder_dir.filename().string();
    add_watch(folder_dir, folder, k_dir_events);
    add_watch(folder_dir / "messages", folder, k_file_events);
    add_watch(folder_dir / "tasks", folder, k_file_events);
}

void InotifySource::read_events() {
    if (!running_) return;
    auto buffer = buffer_;
    fd_.async_read_some(asio::buffer(*buffer), [this, buffer](const boost::system::error_code& ec,
                                                              std::size_t bytes) {
        if (ec) {
            if (ec != asio::error::operation_aborted) spdlog::warn("inotify read failed: {}", ec.message());
            return;
        }
        handle_buffer(bytes);
        read_events();
    });
}

void InotifySource::handle_buffer(std::size_t bytes) {
    std::size_t offset = 0;
    while (offset + sizeof(inotify_event) <= bytes) {
        const auto* ev = reinterpret_cast<const inotify_event*>(buffer_->data() + offset);
        offset += sizeof(inotify_event) + ev->len;
        if (ev->mask & IN_Q_OVERFLOW) {
            on_change_("");
            continue;
        }
        if (ev->mask & IN_IGNORED) {
            // The directory went away; forget it so a re-created one gets a fresh watch.
            for (auto it = wd_of_path_.begin(); it != wd_of_path_.end(); ++it) {
                if (it->second == ev->wd) {
                    wd_of_path_.erase(it);
                    break;
                }
            }
            folder_of_wd_.erase(ev->wd);
            continue;
        }
        auto it = folder_of_wd_.find(ev->wd);
        if (it == folder_of_wd_.end()) continue;
        if (it->second.empty()) {
            // A new entry in ipc_dir: a new group folder.
            const std::string name = ev->len > 0 ? std::string(ev->name) : std::string();
            if (!name.empty() && name != "errors") on_change_(name);
        } else {
            on_change_(it->second);
        }
    }
}

void InotifySource::stop() {
    if (!running_) return;
    running_ = false;
    boost::system::error_code ec;
    fd_.cancel(ec);
    fd_.close(ec);
}

} // namespace nanoclaw::ipc
