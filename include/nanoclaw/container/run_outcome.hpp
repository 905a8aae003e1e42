// SPDX-License-Identifier: MIT
// The pure parts of finishing a run: capped collection of stdout/stderr for the log (§5.9), the
// close decision table (§5.11), the effective hard timeout (§5.10) and the per-run log (§5.12).
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nanoclaw/container/types.hpp"
#include "nanoclaw/core/iso_time.hpp"

namespace nanoclaw::container {

/// A byte buffer that keeps at most `cap` bytes and remembers that it dropped some.
class CappedBuffer {
public:
    explicit CappedBuffer(std::size_t cap) : cap_(cap) {}
    /// Appends what fits; returns true exactly once, on the call that first truncates.
    bool append(std::string_view chunk);
    const std::string& text() const { return text_; }
    bool truncated() const { return truncated_; }

private:
    std::size_t cap_;
    std::string text_;
    bool truncated_ = false;
};

/// max(config_timeout, idle_timeout + grace): the hard kill never precedes the idle `_close`.
std::chrono::milliseconds effective_hard_timeout(std::chrono::milliseconds config_timeout,
                                                 std::chrono::milliseconds idle_timeout,
                                                 std::chrono::milliseconds grace);

/// What is known when the process has closed.
struct RunFacts {
    bool timed_out = false;
    bool had_streaming_output = false;
    bool streaming = true;              ///< an output callback was given
    std::optional<int> exit_code;       ///< nullopt: killed by a signal
    std::optional<std::string> latest_session_id;
    std::string_view stderr_text;       ///< collected (capped)
    std::string_view stdout_text;       ///< collected (capped), for legacy mode
    long long config_timeout_ms = 0;    ///< the configured (not effective) timeout
};

/// The §5.11 decision table, first matching row wins. Failed runs that will repeat also get
/// `permanent_failure` (see permanent_failure_of).
ContainerOutput decide_outcome(const RunFacts& facts);

/// Exit code of the agent image's entrypoint when the group's runner source does not compile.
inline constexpr int k_exit_runner_compile_failed = 78;

/// The first useful stderr line of a run that failed before producing any output in a way that
/// will repeat: the runtime could not create or start the container (exit 125-127: image
/// missing, mount refused), the runner source does not compile (entrypoint exit 78, `error TS`),
/// or the runner cannot load (SyntaxError, ERR_MODULE_NOT_FOUND). nullopt otherwise.
std::optional<std::string> permanent_failure_of(const RunFacts& facts);

/// Everything the per-run log shows.
struct RunLogData {
    core::TimePoint started;
    std::string group_name;
    std::string container_name;
    bool is_main = false;
    long long duration_ms = 0;
    std::string input_json_pretty; ///< written only when verbose (§12.3)
    std::size_t prompt_length = 0;
    std::optional<std::string> session_id;
    std::vector<std::string> argv; ///< binary first
    std::vector<VolumeMount> mounts;
    const CappedBuffer* out = nullptr;
    const CappedBuffer* err = nullptr;
    RunFacts facts;
    bool verbose = false;
};

/// The log file text: the TIMEOUT shape for timed-out runs, the normal shape otherwise.
std::string format_run_log(const RunLogData& data);

/// logs_dir/container-<ISO with ':' and '.' replaced by '-'>.log
std::filesystem::path run_log_path(const std::filesystem::path& logs_dir, core::TimePoint at);

/// Length as JavaScript counts it (UTF-16 code units), for "Prompt length: <n> chars".
std::size_t utf16_length(std::string_view utf8);

/// Exit code text as v1 prints it ("null" for a signal).
std::string exit_code_text(const std::optional<int>& code);

} // namespace nanoclaw::container
