// SPDX-License-Identifier: MIT
// inotify watches on data/ipc/, each data/ipc/<folder>/ and its messages/ and tasks/ dirs.
// Reports which folder changed ("" = rescan everything, e.g. on queue overflow).
#pragma once

#include <filesystem>
#include <functional>
#include <array>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "nanoclaw/core/asio.hpp"

namespace nanoclaw::ipc {

class InotifySource {
public:
    using OnChange = std::function<void(const std::string& folder)>;

    explicit InotifySource(asio::io_context& io);
    ~InotifySource();

    /// Watches `ipc_dir`; without inotify (error) only the safety scan finds files.
    void start(const std::filesystem::path& ipc_dir, OnChange on_change);
    /// Adds watches for a folder dir and its request dirs (idempotent; called on every scan so
    /// directories created later are covered).
    void watch_folder(const std::filesystem::path& folder_dir);
    void stop();

private:
    void add_watch(const std::filesystem::path& dir, std::string folder, std::uint32_t mask);
    void read_events();
    void handle_buffer(std::size_t bytes);

    asio::posix::stream_descriptor fd_;
    std::filesystem::path ipc_dir_;
    OnChange on_change_;
    std::map<int, std::string> folder_of_wd_; ///< watch -> folder ("" for ipc_dir itself)
    std::map<std::filesystem::path, int> wd_of_path_;
    std::shared_ptr<std::array<char, 16384>> buffer_;
    bool running_ = false;
};

} // namespace nanoclaw::ipc
