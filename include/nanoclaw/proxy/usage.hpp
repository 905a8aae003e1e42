// SPDX-License-Identifier: MIT
// Token accounting from Anthropic Messages API responses: the `usage` object of a JSON body, or
// the SSE `message_start` / `message_delta` events, parsed incrementally as bytes pass through.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nanoclaw::proxy {

/// One response's usage, attributed to the run's group. The daemon stores it (token_usage table).
struct UsageRecord {
    std::string group_folder;
    std::string model;
    std::int64_t input_tokens = 0;
    std::int64_t output_tokens = 0;
    std::int64_t cache_creation_input_tokens = 0;
    std::int64_t cache_read_input_tokens = 0;
    bool operator==(const UsageRecord&) const = default;
};

/// Incremental usage extractor for one response body; bounded memory whatever the input.
class UsageMeter {
public:
    enum class Format { none, json, sse };

    /// Picks the format from the Content-Type (text/event-stream, application/json, else none).
    static Format format_for(std::string_view content_type);

    explicit UsageMeter(Format format) : format_(format) {}
    /// Feeds the next decoded body bytes.
    void feed(std::string_view bytes);
    /// The usage seen so far (group_folder left empty), or nullopt when none was found.
    std::optional<UsageRecord> finish();

    /// JSON bodies larger than this are not parsed (usage then goes unrecorded).
    static constexpr std::size_t k_max_json_bytes = 8u << 20;
    /// An SSE line longer than this is skipped; usage events are far smaller.
    static constexpr std::size_t k_max_line_bytes = 1u << 20;

private:
    void feed_sse(std::string_view bytes);
    void on_line(std::string_view line);
    void on_event_data(std::string_view data);

    Format format_;
    std::string pending_;   ///< JSON body so far, or the current SSE line
    std::string data_;      ///< data: lines of the current SSE event
    bool overflow_ = false; ///< pending_ hit its cap
    bool seen_ = false;
    UsageRecord usage_;
};

} // namespace nanoclaw::proxy
