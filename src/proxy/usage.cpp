// SPDX-License-Identifier: MIT
#include "nanoclaw/proxy/usage.hpp"

#include <nlohmann/json.hpp>

namespace nanoclaw::proxy {
namespace {

using nlohmann::json;

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
    }
    return true;
}

std::string_view trim_left(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    return s;
}

void read_count(const json& usage, const char* key, std::int64_t& into) {
    const auto it = usage.find(key);
    if (it != usage.end() && it->is_number_integer() && it->get<std::int64_t>() >= 0) {
        into = it->get<std::int64_t>();
    }
}

std::string model_of(const json& message) {
    const auto it = message.find("model");
    return it != message.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

UsageMeter::Format UsageMeter::format_for(std::string_view content_type) {
    content_type = trim_left(content_type);
    if (starts_with_ci(content_type, "text/event-stream")) return Format::sse;
    if (starts_with_ci(content_type, "application/json")) return Format::json;
    return Format::none;
}

void UsageMeter::feed(std::string_view bytes) {
    if (format_ == Format::sse) {
        feed_sse(bytes);
    } else if (format_ == Format::json && !overflow_) {
        if (pending_.size() + bytes.size() > k_max_json_bytes) {
            overflow_ = true;
            std::string().swap(pending_);
            return;
        }
        pending_.append(bytes);
    }
}

// Splits on '\n' (dropping a trailing '\r'); lines past the cap are skipped, not buffered.
void UsageMeter::feed_sse(std::string_view bytes) {
    while (!bytes.empty()) {
        const auto newline = bytes.find('\n');
        const std::string_view part = bytes.substr(0, newline);
        if (!overflow_ && pending_.size() + part.size() <= k_max_line_bytes) {
            pending_.append(part);
        } else {
            overflow_ = true;
            pending_.clear();
        }
        if (newline == std::string_view::npos) return;
        bytes.remove_prefix(newline + 1);
        if (!overflow_) {
            std::string_view line = pending_;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            on_line(line);
        }
        overflow_ = false;
        pending_.clear();
    }
}

void UsageMeter::on_line(std::string_view line) {
    if (line.empty()) { // end of event
        if (!data_.empty()) on_event_data(data_);
        data_.clear();
        return;
    }
    if (line.substr(0, 5) != "data:") return;
    line.remove_prefix(5);
    if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (data_.size() + line.size() + 1 > k_max_line_bytes) return;
    if (!data_.empty()) data_.push_back('\n');
    data_.append(line);
}

void UsageMeter::on_event_data(std::string_view data) {
    // Most events are content deltas; only parse the two kinds that carry usage.
    const bool start = data.find("\"message_start\"") != std::string_view::npos;
    if (!start && data.find("\"message_delta\"") == std::string_view::npos) return;
    const json event = json::parse(data, nullptr, false);
    if (!event.is_object()) return;
    const auto type = event.value("type", std::string());
    if (type == "message_start" && event.contains("message") && event["message"].is_object()) {
        const json& message = event["message"];
        if (usage_.model.empty()) usage_.model = model_of(message);
        if (message.contains("usage")) apply_usage(message["usage"]);
    } else if (type == "message_delta" && event.contains("usage")) {
        apply_usage(event["usage"]);
    }
}

// Counts in later events are running totals, so each present field replaces the earlier value.
void UsageMeter::apply_usage(const json& usage) {
    if (!usage.is_object()) return;
    seen_ = true;
    read_count(usage, "input_tokens", usage_.input_tokens);
    read_count(usage, "output_tokens", usage_.output_tokens);
    read_count(usage, "cache_creation_input_tokens", usage_.cache_creation_input_tokens);
    read_count(usage, "cache_read_input_tokens", usage_.cache_read_input_tokens);
}

std::optional<UsageRecord> UsageMeter::finish() {
    if (format_ == Format::json && !overflow_ && !pending_.empty()) {
        const json body = json::parse(pending_, nullptr, false);
        std::string().swap(pending_);
        if (body.is_object() && body.contains("usage")) {
            usage_.model = model_of(body);
            apply_usage(body["usage"]);
        }
    } else if (format_ == Format::sse && !data_.empty()) {
        on_event_data(data_); // a final event without its blank line
        data_.clear();
    }
    if (!seen_) return std::nullopt;
    return usage_;
}

} // namespace nanoclaw::proxy
