// SPDX-License-Identifier: MIT
// The data exchanged with an agent container (spec 20 §5.1): the ContainerInput document written to
// its stdin, the ContainerOutput records it prints between markers, and the bind mounts it gets.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace nanoclaw::container {

/// What one run is asked to do; serialized as v1's compact JSON (absent optionals are left out).
struct ContainerInput {
    std::string prompt;
    std::optional<std::string> session_id; ///< "sessionId"; absent = new session
    std::string group_folder;              ///< "groupFolder"
    std::string chat_jid;                  ///< "chatJid"
    bool is_main = false;                  ///< "isMain"
    std::optional<bool> is_scheduled_task; ///< "isScheduledTask"; true for scheduler runs
    std::optional<std::string> assistant_name; ///< "assistantName"
    std::optional<std::string> script;     ///< "script" (spec §12.9, task pre-check script)
};

enum class OutputStatus { success, error };

/// One result record from the container, and also the final result of a run.
struct ContainerOutput {
    OutputStatus status = OutputStatus::success;
    std::optional<std::string> result;         ///< null for session-update / completion records
    std::optional<std::string> new_session_id; ///< "newSessionId"
    std::optional<std::string> error;
    /// Host-side only (never parsed from a record): set on a failed run that will fail the same
    /// way if retried (compile error, image missing, mount refused); the first useful line.
    std::optional<std::string> permanent_failure;
    bool operator==(const ContainerOutput&) const = default;
};

/// One bind mount as it goes into the argv.
struct VolumeMount {
    std::string host_path;
    std::string container_path;
    bool readonly = false;
    bool operator==(const VolumeMount&) const = default;
};

/// The credential view of one run, provided by the credential proxy. Only placeholders reach the
/// container: `base_url` becomes ANTHROPIC_BASE_URL, `oauth` picks which placeholder variable.
struct RunCredentials {
    std::string base_url;
    bool oauth = false;
    std::function<void()> release; ///< called exactly once when the run ends (may be empty)
    /// Makes dormant credentials admit requests; false when they were released meanwhile.
    std::function<bool()> activate;
};

/// Live credentials admit requests at once (a cold run); dormant ones only after `activate`
/// (a warm container, started long before a message takes it).
enum class Admission { live, dormant };

/// Asked once per run with the group folder; may throw (the run then fails before spawning).
using CredentialSource =
    std::function<RunCredentials(const std::string& group_folder, Admission admission)>;

/// Compact JSON of `input` with v1's key order; no trailing newline.
std::string to_json_text(const ContainerInput& input);

/// Parses one marker payload. Needs a JSON object; "status":"error" means error, anything else
/// success (as v1, which passes the object through). Non-string fields are ignored.
tl::expected<ContainerOutput, std::string> parse_container_output(std::string_view json_text);

/// The JSON object text of `output` (used in logs and by the fake runtime tests).
std::string to_json_text(const ContainerOutput& output);

} // namespace nanoclaw::container
