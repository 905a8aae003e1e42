// SPDX-License-Identifier: MIT
// Reading the allowlist file. POSIX open/read rather than ifstream so a directory, a permission
// problem or a missing file are told apart by errno, as v1 tells ENOENT from other errors.
// O_NONBLOCK only matters if someone puts a FIFO there: we must never hang the poll loop.
#include "nanoclaw/router/sender_allowlist.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

namespace nanoclaw::router {
namespace {

// The file is a short hand-written list; anything this large is a mistake, not a list.
constexpr std::size_t k_max_file_bytes = 16 * 1024 * 1024;

struct ReadResult {
    enum class Status { ok, missing, failed } status = Status::ok;
    std::string text;  ///< file contents when ok
    std::string error; ///< reason when failed
};

ReadResult read_error(int error_number) {
    if (error_number == ENOENT) return {ReadResult::Status::missing, {}, {}};
    return {ReadResult::Status::failed, {}, std::strerror(error_number)};
}

ReadResult read_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return read_error(errno);
    ReadResult result;
    char buffer[16 * 1024];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            result = read_error(errno);
            break;
        }
        if (n == 0) break;
        result.text.append(buffer, static_cast<std::size_t>(n));
        if (result.text.size() > k_max_file_bytes) {
            result = {ReadResult::Status::failed, {}, "file is larger than 16 MiB"};
            break;
        }
    }
    ::close(fd);
    return result;
}

void log_warnings(const ParsedAllowlist& parsed, const std::filesystem::path& path) {
    for (const auto& warning : parsed.warnings) {
        spdlog::warn("sender-allowlist: {} path={}", warning, path.string());
    }
}

} // namespace

SenderAllowlist load_sender_allowlist(const std::filesystem::path& path) {
    auto read = read_file(path);
    if (read.status == ReadResult::Status::missing) return {};
    if (read.status == ReadResult::Status::failed) {
        spdlog::warn("sender-allowlist: cannot read config ({}) path={}", read.error,
                     path.string());
        return {};
    }
    auto parsed = parse_sender_allowlist(read.text);
    log_warnings(parsed, path);
    return std::move(parsed.allowlist);
}

SenderAllowlistFile::SenderAllowlistFile(std::filesystem::path path) : path_(std::move(path)) {}

const SenderAllowlist& SenderAllowlistFile::current() {
    auto read = read_file(path_);
    if (read.status != ReadResult::Status::ok) {
        if (read.status == ReadResult::Status::failed && read.error != last_error_) {
            spdlog::warn("sender-allowlist: cannot read config ({}) path={}", read.error,
                         path_.string());
        }
        last_error_ = std::move(read.error);
        last_text_.reset();
        allowlist_ = SenderAllowlist{};
        return allowlist_;
    }
    last_error_.clear();
    if (last_text_ != read.text) {
        auto parsed = parse_sender_allowlist(read.text);
        log_warnings(parsed, path_);
        allowlist_ = std::move(parsed.allowlist);
        last_text_ = std::move(read.text);
    }
    return allowlist_;
}

} // namespace nanoclaw::router
