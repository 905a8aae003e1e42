// SPDX-License-Identifier: MIT
// The container output marker parser (container::MarkerParser), fed the input as stdout reads of
// varying sizes, exactly as the runner does. Invariants: memory stays bounded between reads; the
// records do not depend on where the reads were cut (unless the size limit applied); every record
// re-encodes to JSON that parses back to itself; a rejected record carries a reason.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "nanoclaw/container/marker_parser.hpp"

using namespace nanoclaw;
using container::MarkerRecord;

namespace {

// Small, so the oversized-record paths are reached by inputs of a few hundred bytes.
constexpr std::size_t k_limit = 512;

bool any_oversized(const std::vector<MarkerRecord>& records) {
    for (const auto& r : records)
        if (!r && r.error().find("larger than the limit") != std::string::npos) return true;
    return false;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::as_text(data, size);

    container::MarkerParser streamed(k_limit);
    std::vector<MarkerRecord> by_chunks;
    for (const auto piece : fuzz::chunked(text)) {
        for (auto& r : streamed.feed(piece)) by_chunks.push_back(std::move(r));
        FUZZ_CHECK(streamed.buffered_bytes() <= k_limit + container::k_output_end_marker.size());
    }

    container::MarkerParser whole(k_limit);
    const auto at_once = whole.feed(text);
    if (!any_oversized(by_chunks) && !any_oversized(at_once)) FUZZ_CHECK(by_chunks == at_once);

    for (const auto& r : by_chunks) {
        if (!r) {
            FUZZ_CHECK(!r.error().empty());
            continue;
        }
        const auto again = container::parse_container_output(container::to_json_text(*r));
        FUZZ_CHECK(again && *again == *r);
    }
    return 0;
}
