// SPDX-License-Identifier: MIT
#include "nanoclaw/container/marker_parser.hpp"

#include <algorithm>

#include "nanoclaw/core/env_file.hpp"

namespace nanoclaw::container {

namespace {

constexpr std::size_t k_start_len = k_output_start_marker.size();
constexpr std::size_t k_end_len = k_output_end_marker.size();

// Keeps only the last `keep` bytes: enough to complete a marker that was split by a read.
void keep_tail(std::string& buffer, std::size_t keep) {
    if (buffer.size() > keep) buffer.erase(0, buffer.size() - keep);
}

} // namespace

MarkerParser::MarkerParser(std::size_t max_record_bytes) : max_record_bytes_(max_record_bytes) {}

std::vector<MarkerRecord> MarkerParser::feed(std::string_view chunk) {
    std::vector<MarkerRecord> out;
    buffer_.append(chunk);
    while (step(out)) {
    }
    return out;
}

bool MarkerParser::step(std::vector<MarkerRecord>& out) {
    switch (state_) {
    case State::outside: return find_start();
    case State::inside: return find_end(out);
    case State::skipping: return skip_to_end();
    }
    return false;
}

bool MarkerParser::find_start() {
    const auto pos = buffer_.find(k_output_start_marker);
    if (pos == std::string::npos) {
        // Noise between records is never kept, only a possible marker prefix.
        keep_tail(buffer_, k_start_len - 1);
        return false;
    }
    buffer_.erase(0, pos + k_start_len);
    state_ = State::inside;
    scanned_ = 0;
    return true;
}

bool MarkerParser::find_end(std::vector<MarkerRecord>& out) {
    // Resume the search where the last one stopped, minus a possible split end marker.
    const auto from = scanned_ > k_end_len ? scanned_ - (k_end_len - 1) : 0;
    const auto pos = buffer_.find(k_output_end_marker, from);
    if (pos == std::string::npos) {
        scanned_ = buffer_.size();
        if (buffer_.size() > max_record_bytes_ + k_end_len) {
            out.push_back(tl::unexpected(std::string("record larger than the limit, dropped")));
            keep_tail(buffer_, k_end_len - 1);
            state_ = State::skipping;
        }
        return false;
    }
    const auto payload = core::js_trim(std::string_view(buffer_).substr(0, pos));
    if (payload.size() > max_record_bytes_) {
        out.push_back(tl::unexpected(std::string("record larger than the limit, dropped")));
    } else {
        out.push_back(parse_container_output(payload));
    }
    buffer_.erase(0, pos + k_end_len);
    state_ = State::outside;
    return true;
}

bool MarkerParser::skip_to_end() {
    const auto pos = buffer_.find(k_output_end_marker);
    if (pos == std::string::npos) {
        keep_tail(buffer_, k_end_len - 1);
        return false;
    }
    buffer_.erase(0, pos + k_end_len);
    state_ = State::outside;
    return true;
}

} // namespace nanoclaw::container
