// SPDX-License-Identifier: MIT
#include "nanoclaw/setup/status_block.hpp"

#include <algorithm>

namespace nanoclaw::setup {

StatusBlock& StatusBlock::add(std::string key, std::string value) {
    std::replace(value.begin(), value.end(), '\n', ' ');
    std::replace(value.begin(), value.end(), '\r', ' ');
    fields_.emplace_back(std::move(key), std::move(value));
    return *this;
}

std::string StatusBlock::text() const {
    std::string out = "=== NANOCLAW SETUP: " + title_ + " ===\n";
    for (const auto& [key, value] : fields_)
        out += key + ": " + value + "\n";
    return out + "=== END ===\n";
}

} // namespace nanoclaw::setup
