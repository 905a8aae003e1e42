// SPDX-License-Identifier: MIT
// The data model shared by every component (spec 10 §4). JSON names are v1's exact keys.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace nanoclaw::core {

/// An extra host directory a group asks to have mounted (validated by mount security).
struct AdditionalMount {
    std::string host_path;                     ///< "hostPath"; may start with "~"
    std::optional<std::string> container_path; ///< "containerPath"; default basename(hostPath)
    std::optional<bool> readonly;              ///< "readonly"; absent means true
    bool operator==(const AdditionalMount&) const = default;
};

struct ContainerConfig {
    std::vector<AdditionalMount> additional_mounts; ///< "additionalMounts"
    std::optional<long long> timeout;               ///< "timeout" in ms
    bool operator==(const ContainerConfig&) const = default;
};

/// A registered chat. `requires_trigger` and `is_main` keep "absent" apart from false because
/// v1 persists and reports them that way.
struct RegisteredGroup {
    std::string name;
    std::string folder;
    std::string trigger;  ///< "trigger" (stored in column trigger_pattern)
    std::string added_at; ///< ISO
    std::optional<ContainerConfig> container_config;
    std::optional<bool> requires_trigger; ///< absent => true
    std::optional<bool> is_main;
    bool operator==(const RegisteredGroup&) const = default;

    bool main() const { return is_main.value_or(false); }
    bool needs_trigger() const { return !main() && requires_trigger.value_or(true); }
};

struct NewMessage {
    std::string id;
    std::string chat_jid;
    std::string sender;
    std::string sender_name;
    std::string content;
    std::string timestamp; ///< ISO, canonical shape
    bool is_from_me = false;
    bool is_bot_message = false;
    std::optional<std::string> reply_to_message_id;
    std::optional<std::string> reply_to_message_content;
    std::optional<std::string> reply_to_sender_name;
    std::optional<std::string> thread_id; ///< not stored
    bool operator==(const NewMessage&) const = default;
};

struct ScheduledTask {
    std::string id;
    std::string group_folder;
    std::string chat_jid;
    std::string prompt;
    std::optional<std::string> script;
    std::string schedule_type;  ///< cron | interval | once
    std::string schedule_value;
    std::string context_mode = "isolated"; ///< group | isolated
    std::optional<std::string> next_run;
    std::optional<std::string> last_run;
    std::optional<std::string> last_result;
    std::string status = "active"; ///< active | paused | completed
    std::string created_at;
    bool operator==(const ScheduledTask&) const = default;
};

struct TaskRunLog {
    std::string task_id;
    std::string run_at;
    long long duration_ms = 0;
    std::string status; ///< success | error
    std::optional<std::string> result;
    std::optional<std::string> error;
};

void to_json(nlohmann::json& j, const AdditionalMount& m);
void from_json(const nlohmann::json& j, AdditionalMount& m);
void to_json(nlohmann::json& j, const ContainerConfig& c);
void from_json(const nlohmann::json& j, ContainerConfig& c);
void to_json(nlohmann::json& j, const RegisteredGroup& g);
void from_json(const nlohmann::json& j, RegisteredGroup& g);

} // namespace nanoclaw::core
