// SPDX-License-Identifier: MIT
#include "nanoclaw/proxy/usage.hpp"

#include <cctype>

#include "usage_fields.hpp"

namespace nanoclaw::proxy {
namespace {

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

// Counts in later events are running totals, so each present field replaces the earlier value.
// True when `part` was a usage object (the response reported usage).
bool apply_usage(const UsageFields::Usage& part, UsageRecord& into) {
    if (!part.object) return false;
    const UsageCounts& c = part.counts;
    if (c.input) into.input_tokens = *c.input;
    if (c.output) into.output_tokens = *c.output;
    if (c.cache_creation) into.cache_creation_input_tokens = *c.cache_creation;
    if (c.cache_read) into.cache_read_input_tokens = *c.cache_read;
    return true;
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
    const auto event = read_usage_fields(data);
    if (!event) return;
    if (event->type == "message_start" && event->message_object) {
        if (usage_.model.empty()) usage_.model = event->message_model;
        if (apply_usage(event->message_usage, usage_)) seen_ = true;
    } else if (event->type == "message_delta") {
        if (apply_usage(event->usage, usage_)) seen_ = true;
    }
}

std::optional<UsageRecord> UsageMeter::finish() {
    if (format_ == Format::json && !overflow_ && !pending_.empty()) {
        const auto body = read_usage_fields(pending_);
        std::string().swap(pending_);
        if (body && apply_usage(body->usage, usage_)) {
            seen_ = true;
            usage_.model = body->model;
        }
    } else if (format_ == Format::sse && !data_.empty()) {
        on_event_data(data_); // a final event without its blank line
        data_.clear();
    }
    if (!seen_) return std::nullopt;
    return usage_;
}

} // namespace nanoclaw::proxy
