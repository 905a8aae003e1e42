// SPDX-License-Identifier: MIT
// Private: the few fields usage metering reads from one JSON document (a whole response body,
// or one SSE event's data), found by a single validating scan instead of a parsed tree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nanoclaw::proxy {

/// The four counts of one `usage` object; a field absent or not an integer in 0..INT64_MAX
/// is empty.
struct UsageCounts {
    std::optional<std::int64_t> input, output, cache_creation, cache_read;
    bool operator==(const UsageCounts&) const = default;
};

/// `type`, `model` and `usage` at the top level, `model` and `usage` inside `message`. A key
/// that repeats replaces its earlier value whole, as in a parsed tree; a string field whose
/// value is not a string reads as empty.
struct UsageFields {
    struct Usage {
        bool object = false; ///< the key was there and its value was an object
        UsageCounts counts;
        bool operator==(const Usage&) const = default;
    };
    std::string type, model, message_model;
    Usage usage, message_usage;
    bool message_object = false; ///< `message` was there and was an object
    bool operator==(const UsageFields&) const = default;
};

/// The fields of `json`, or nullopt when it is not one well-formed JSON object (RFC 8259:
/// strict grammar, valid UTF-8 and escapes, nothing after the object but whitespace).
/// Runs in one pass with memory bounded by the nesting depth; the response text, usually most
/// of the document, is checked but never copied.
std::optional<UsageFields> read_usage_fields(std::string_view json);

} // namespace nanoclaw::proxy
