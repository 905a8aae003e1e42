// SPDX-License-Identifier: MIT
// Starting a real nanoclawd for the daemon integration tests and the daemon benchmark.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>

namespace nanoclaw::testing {

/// Starts `binary --root root` with exactly `env` as its environment, stdout and stderr appended
/// to `log`. Returns the child's pid; readiness is the caller's to wait for (tests wait for the
/// "ready" log line, the benchmark times the first accepted connection).
pid_t launch_daemon(const std::filesystem::path& binary, const std::filesystem::path& root,
                    const std::map<std::string, std::string>& env,
                    const std::filesystem::path& log);

} // namespace nanoclaw::testing
