// SPDX-License-Identifier: MIT
#include "open_browser.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "nanoclaw/setup/command.hpp"

namespace nanoclaw::setup {

void open_in_browser(const std::filesystem::path& file, const Platform& platform,
                     const core::EnvMap& env, const SetupLog& log) {
    const std::string opener = platform.name == "macos" ? "open" : "xdg-open";
    const auto program = find_program(opener, env);
    if (!program) {
        log.line(opener + " not found: open " + file.string() + " in a browser yourself");
        return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO})
        posix_spawn_file_actions_addopen(&actions, fd, "/dev/null",
                                         fd == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID); // outlives the step; never killed with it
    std::vector<std::string> args{opener, file.string()};
    std::vector<std::string> envs;
    for (const auto& [k, v] : env)
        envs.push_back(k + "=" + v);
    std::vector<char*> argv, envp;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : envs)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, program->c_str(), &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        log.line(opener + " could not be started (" + std::strerror(rc) + "): open " +
                 file.string() + " in a browser yourself");
        return;
    }
    log.line("opened " + file.string() + " with " + opener + " (PID " + std::to_string(pid) + ")");
}

} // namespace nanoclaw::setup
