// SPDX-License-Identifier: MIT
// The TZif reader (core::TimeZone::parse, what TimeZone::locate runs on a zone file) and its POSIX
// TZ footer rules (core::PosixRule::parse): inputs starting "TZif" are zone files, others rule
// text. Invariants: the span for an instant contains it; a wall time read off a real instant is
// never reported as skipped, its offset is the instant's when the wall time is unique, and
// reported occurrences hold the wall time in their order; a rule span
// starts no earlier than its floor.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fuzz_support.hpp"
#include "nanoclaw/core/time_zone.hpp"

using namespace nanoclaw;
using std::chrono::seconds;

namespace {

// Instants worth probing: far past, the epoch, around 2038, far future, and one from the input.
std::vector<core::SysSeconds> probes(std::string_view input) {
    std::vector<long long> at{-2'208'988'800, -1, 0, 1'000'000'000, 1'772'937'000, 2'147'483'647,
                              2'147'483'648, 4'102'444'800, 32'503'680'000};
    if (input.size() >= 8) {
        std::int64_t raw = 0;
        std::memcpy(&raw, input.data() + input.size() - 8, 8);
        at.push_back(raw % 40'000'000'000); // within about +-1200 years
    }
    std::vector<core::SysSeconds> out;
    for (const auto s : at) out.emplace_back(seconds{s});
    return out;
}

void check_zone(const core::TimeZone& zone, std::string_view input) {
    for (const auto t : probes(input)) {
        const auto span = zone.get_info(t);
        FUZZ_CHECK(span.begin <= t && t < span.end);
        const auto local = zone.to_local(t);
        const auto wall = zone.get_info(local);
        FUZZ_CHECK(wall.result != core::LocalSpan::nonexistent);
        if (wall.result == core::LocalSpan::unique) {
            FUZZ_CHECK(wall.first.offset == span.offset);
        } else {
            // A crafted zone can repeat a wall time three times; LocalSpan holds the first two
            // occurrences, which need not include `t`'s, but both must hold the wall time.
            const core::SysSeconds x{local.time_since_epoch()};
            for (const auto& s : {wall.first, wall.second})
                FUZZ_CHECK(s.begin + s.offset <= x && x < s.end + s.offset);
            FUZZ_CHECK(wall.first.begin < wall.second.begin);
        }
    }
}

void check_rule(const core::PosixRule& rule, std::string_view input) {
    const core::SysSeconds floor{seconds{-2'208'988'800}};
    for (const auto t : probes(input)) {
        if (t < floor) continue;
        const auto span = rule.span_at(t, floor);
        FUZZ_CHECK(span.begin >= floor);
        FUZZ_CHECK(span.begin <= t && t < span.end);
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::as_text(data, size);
    if (input.starts_with("TZif")) {
        const auto zone = core::TimeZone::parse("Fuzz/Zone", input);
        if (!zone) {
            FUZZ_CHECK(!zone.error().empty());
            return 0;
        }
        check_zone(*zone, input);
        return 0;
    }
    const auto rule = core::PosixRule::parse(input);
    if (!rule) {
        FUZZ_CHECK(!rule.error().empty());
        return 0;
    }
    check_rule(*rule, input);
    return 0;
}
