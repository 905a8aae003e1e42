// SPDX-License-Identifier: MIT
// Shared by the harnesses: an invariant check that aborts (so libFuzzer saves the input), a
// private scratch directory, chunking of one input into reads, and quiet-but-formatted logging.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace nanoclaw::fuzz {

/// Fails the run with the broken invariant's text. Not `assert`: the harnesses are built
/// without NDEBUG today, but an invariant must never depend on that.
#define FUZZ_CHECK(cond)                                                                          \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            std::fprintf(stderr, "invariant failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);   \
            std::abort();                                                                         \
        }                                                                                         \
    } while (0)

/// Routes spdlog to a sink that formats every message and drops it: log formatting of
/// untrusted values is exercised, yet a run does not spend its time writing to the terminal.
void quiet_logging();

/// A directory of our own under $TMPDIR, created on first use and removed at exit. Harnesses
/// write their files only here.
const std::filesystem::path& scratch_dir();

/// Writes `bytes` to `path` (replacing it).
void write_file(const std::filesystem::path& path, std::string_view bytes);

/// Splits `data` into read-sized pieces: the first byte seeds the piece sizes (1..64), so the
/// same payload is also seen cut at many different places. Returns views into `data`.
std::vector<std::string_view> chunked(std::string_view data);

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

} // namespace nanoclaw::fuzz
