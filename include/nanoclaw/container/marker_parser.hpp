// SPDX-License-Identifier: MIT
// Incremental parser for the stdout marker protocol (spec 20 §5.7). Works on bytes, so UTF-8
// sequences split across reads stay intact, and keeps its memory bounded whatever the container
// prints: outside a record only a marker-sized tail is kept, and an oversized record is dropped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "nanoclaw/container/types.hpp"

namespace nanoclaw::container {

inline constexpr std::string_view k_output_start_marker = "---NANOCLAW_OUTPUT_START---";
inline constexpr std::string_view k_output_end_marker = "---NANOCLAW_OUTPUT_END---";

/// One completed marker pair: the parsed record, or why its payload was rejected.
using MarkerRecord = tl::expected<ContainerOutput, std::string>;

class MarkerParser {
public:
    /// Records whose payload exceeds `max_record_bytes` are rejected (and skipped to their end).
    explicit MarkerParser(std::size_t max_record_bytes = 16 * 1024 * 1024);

    /// Consumes one chunk of stdout; returns the marker pairs it completed, in order.
    std::vector<MarkerRecord> feed(std::string_view chunk);

    /// Bytes currently held (for the memory bound tests).
    std::size_t buffered_bytes() const { return buffer_.size(); }

private:
    enum class State { outside, inside, skipping };
    bool step(std::vector<MarkerRecord>& out);
    bool find_start();
    bool find_end(std::vector<MarkerRecord>& out);
    bool skip_to_end();

    std::size_t max_record_bytes_;
    State state_ = State::outside;
    std::string buffer_;
    std::size_t scanned_ = 0; ///< prefix of buffer_ already known to hold no end marker
};

} // namespace nanoclaw::container
