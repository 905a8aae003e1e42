// SPDX-License-Identifier: MIT
#include "request_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "nanoclaw/ipc/ipc_requests.hpp"

namespace nanoclaw::ipc {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> request_files(const fs::path& dir) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        // Writers rename *.json.tmp to *.json, so a *.json name is always complete.
        if (it->path().extension() == ".json") files.push_back(it->path());
    }
    std::sort(files.begin(), files.end()); // epoch-ms prefixes: name order = creation order
    return files;
}

// Reads a request file without following symlinks: a container must not be able to make the
// host read (and echo) an arbitrary host file.
std::string read_request(const fs::path& file, std::size_t max_bytes) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw std::runtime_error("cannot open request file (symlink or unreadable)");
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw std::runtime_error("request is not a regular file");
    }
    if (static_cast<std::size_t>(st.st_size) > max_bytes) {
        ::close(fd);
        throw std::runtime_error("request file is too large");
    }
    std::string data(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t got = 0;
    while (got < data.size()) {
        const auto n = ::read(fd, data.data() + got, data.size() - got);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    data.resize(got);
    return data;
}

bool move_to_errors(const fs::path& errors_dir, const std::string& folder, const fs::path& file) {
    std::error_code ec;
    fs::create_directories(errors_dir, ec);
    fs::rename(file, errors_dir / (folder + "-" + file.filename().string()), ec);
    if (ec) {
        spdlog::error("cannot move failed IPC file {} to errors/: {}", file.string(), ec.message());
        return false;
    }
    return true;
}

} // namespace

awaitable<std::uint64_t> process_request_dir(const WatcherOptions& options, std::string folder,
                                             bool is_main, RequestDir dir, IpcDeps& deps) {
    std::uint64_t handled = 0;
    for (const auto& file : request_files(options.ipc_dir / folder / dir.name)) {
        std::string failure;
        try {
            const auto data = nlohmann::json::parse(read_request(file, options.max_file_bytes));
            if (dir.kind == RequestKind::message) {
                co_await handle_message_request(data, folder, is_main, deps);
            } else {
                co_await handle_task_request(data, folder, is_main, deps);
            }
        } catch (const std::exception& e) {
            failure = e.what();
        }
        ++handled;
        if (failure.empty()) {
            std::error_code ec;
            fs::remove(file, ec);
            continue;
        }
        spdlog::error("IPC request failed, moved to errors/ source={} file={} reason={}", folder,
                      file.filename().string(), failure);
        if (!move_to_errors(options.ipc_dir / "errors", folder, file)) break;
    }
    co_return handled;
}

} // namespace nanoclaw::ipc
