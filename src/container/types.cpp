// SPDX-License-Identifier: MIT
#include "nanoclaw/container/types.hpp"

#include <nlohmann/json.hpp>

namespace nanoclaw::container {

namespace {

// v1 serializes with JSON.stringify, which keeps insertion order; ordered_json does the same.
using OrderedJson = nlohmann::ordered_json;

std::optional<std::string> string_field(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

} // namespace

std::string to_json_text(const ContainerInput& input) {
    OrderedJson j;
    j["prompt"] = input.prompt;
    if (input.session_id) j["sessionId"] = *input.session_id;
    j["groupFolder"] = input.group_folder;
    j["chatJid"] = input.chat_jid;
    j["isMain"] = input.is_main;
    if (input.is_scheduled_task) j["isScheduledTask"] = *input.is_scheduled_task;
    if (input.assistant_name) j["assistantName"] = *input.assistant_name;
    if (input.script) j["script"] = *input.script;
    // Replacing invalid UTF-8 (chat text is untrusted) instead of throwing keeps the run alive.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

tl::expected<ContainerOutput, std::string> parse_container_output(std::string_view json_text) {
    auto parsed = nlohmann::json::parse(json_text, nullptr, false);
    if (parsed.is_discarded()) return tl::unexpected(std::string("invalid JSON"));
    if (!parsed.is_object()) return tl::unexpected(std::string("not a JSON object"));
    ContainerOutput out;
    const auto status = string_field(parsed, "status");
    out.status = status == "error" ? OutputStatus::error : OutputStatus::success;
    out.result = string_field(parsed, "result");
    out.new_session_id = string_field(parsed, "newSessionId");
    out.error = string_field(parsed, "error");
    return out;
}

std::string to_json_text(const ContainerOutput& output) {
    OrderedJson j;
    j["status"] = output.status == OutputStatus::error ? "error" : "success";
    j["result"] = output.result ? OrderedJson(*output.result) : OrderedJson(nullptr);
    if (output.new_session_id) j["newSessionId"] = *output.new_session_id;
    if (output.error) j["error"] = *output.error;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace nanoclaw::container
