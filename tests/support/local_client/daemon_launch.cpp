// SPDX-License-Identifier: MIT
#include "daemon_launch.hpp"

#include <fcntl.h>
#include <spawn.h>

#include <cstring>
#include <stdexcept>
#include <vector>

namespace nanoclaw::testing {

pid_t launch_daemon(const std::filesystem::path& binary, const std::filesystem::path& root,
                    const std::map<std::string, std::string>& env,
                    const std::filesystem::path& log) {
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
    // posix_spawn (vfork-style) rather than fork: copying this process's page tables is the
    // harness's cost, not the daemon's, and the benchmark times start-up from here.
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                       0644);
    ::posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), envp.data());
    ::posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + bin + ": " + std::strerror(rc));
    return pid;
}

} // namespace nanoclaw::testing
