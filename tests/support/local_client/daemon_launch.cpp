// SPDX-License-Identifier: MIT
#include "daemon_launch.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace nanoclaw::testing {

pid_t launch_daemon(const std::filesystem::path& binary, const std::filesystem::path& root,
                    const std::map<std::string, std::string>& env,
                    const std::filesystem::path& log) {
    // Everything the child needs is built before fork: after it, only async-signal-safe calls.
    std::vector<std::string> env_strings;
    for (const auto& [name, value] : env)
        env_strings.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& s : env_strings)
        envp.push_back(s.data());
    envp.push_back(nullptr);
    const std::string bin = binary.string(), root_arg = root.string(), log_path = log.string();
    std::vector<char*> argv{const_cast<char*>(bin.c_str()), const_cast<char*>("--root"),
                            const_cast<char*>(root_arg.c_str()), nullptr};
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0) {
        const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::execve(bin.c_str(), argv.data(), envp.data());
        ::_exit(127);
    }
    return pid;
}

} // namespace nanoclaw::testing
