// SPDX-License-Identifier: MIT
#include "nanoclaw/core/atomic_file.hpp"

#include <fcntl.h>
#include <stdio.h> // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace nanoclaw::core {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& path, int error) {
    throw std::system_error(error, std::generic_category(), what + " " + path.string());
}

void write_all(int fd, std::string_view text, const fs::path& path) {
    while (!text.empty()) {
        const auto n = ::write(fd, text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", path, errno);
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Moves `tmp` onto `path`. On Linux the two names are swapped (RENAME_EXCHANGE) and the old file,
// now at `tmp`, is removed: a plain rename over an existing file makes ext4 flush the new data
// first (its replace-by-rename heuristic), which cost ~0.4 ms per snapshot before every run.
// These files are rewritten before each use, so that flush buys nothing here.
void move_into_place(const fs::path& tmp, const fs::path& path) {
#if defined(__linux__) && defined(RENAME_EXCHANGE)
    if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) == 0) {
        // The old entry (a file, or a link or directory a container planted) is now at `tmp`.
        if (::unlink(tmp.c_str()) != 0 && errno == EISDIR) ::rmdir(tmp.c_str());
        return;
    }
    // ENOENT: nothing to swap with yet; EINVAL/ENOSYS/EOPNOTSUPP: the filesystem cannot swap.
#endif
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(tmp.c_str());
        fail("cannot replace", path, error);
    }
}

// True if `path` is a regular file (not followed if a link) whose bytes are exactly `text`.
bool holds(const fs::path& path, std::string_view text) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return false;
    struct stat st {};
    bool same = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                static_cast<std::size_t>(st.st_size) == text.size();
    std::string buf(text.size() + 1, '\0');
    std::size_t got = 0;
    while (same) {
        const auto n = ::read(fd, buf.data() + got, buf.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
        if (got > text.size()) same = false;
    }
    ::close(fd);
    return same && got == text.size() && std::string_view(buf.data(), got) == text;
}

} // namespace

void replace_file(const fs::path& path, std::string_view text) {
    auto tmp = path;
    tmp += ".tmp-" + std::to_string(::getpid());
    // A leftover from a crash, or something a container planted: never open through it.
    if (::unlink(tmp.c_str()) != 0 && errno != ENOENT && errno != EISDIR) {
        fail("cannot clear temporary file", tmp, errno);
    }
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) fail("cannot create", tmp, errno);
    try {
        write_all(fd, text, tmp);
    } catch (...) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(tmp.c_str());
        fail("cannot write", tmp, error);
    }
    move_into_place(tmp, path);
}

bool replace_file_if_changed(const fs::path& path, std::string_view text) {
    if (holds(path, text)) return false;
    replace_file(path, text);
    return true;
}

} // namespace nanoclaw::core
