// SPDX-License-Identifier: MIT
// The `.env` reader (core::read_env_file, parse_env_text) and the JS-compatible helpers it uses.
// Invariants: no empty value, no key with a newline or surrounding whitespace, a key filter only
// ever narrows the full result, the file path and the text path agree, js_trim is idempotent.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "nanoclaw/core/env_file.hpp"

using namespace nanoclaw;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::as_text(data, size);
    const auto all = core::parse_env_text(text, {});
    for (const auto& [key, value] : all) {
        FUZZ_CHECK(!value.empty());
        FUZZ_CHECK(key.find('\n') == std::string::npos);
        FUZZ_CHECK(core::js_trim(key) == key);
    }

    // The keys the daemon asks for, plus whatever the input defines first.
    std::set<std::string> wanted{"ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN", "ASSISTANT_NAME",
                                 "TZ"};
    if (!all.empty()) wanted.insert(all.begin()->first);
    const auto some = core::parse_env_text(text, wanted);
    for (const auto& [key, value] : some) {
        FUZZ_CHECK(wanted.contains(key));
        FUZZ_CHECK(all.contains(key) && all.at(key) == value);
    }
    for (const auto& key : wanted) FUZZ_CHECK(some.contains(key) == all.contains(key));

    const auto file = fuzz::scratch_dir() / ".env";
    fuzz::write_file(file, text);
    FUZZ_CHECK(core::read_env_file(file, {}) == all);

    const auto trimmed = core::js_trim(text);
    FUZZ_CHECK(core::js_trim(trimmed) == trimmed);
    if (const auto n = core::js_parse_int(text)) {
        // A parsed number has digits: parsing its own decimal form gives it back.
        FUZZ_CHECK(core::js_parse_int(std::to_string(*n)) == n);
    }
    return 0;
}
