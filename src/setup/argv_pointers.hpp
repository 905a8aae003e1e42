// SPDX-License-Identifier: MIT
// posix_spawn wants char* arrays ending in nullptr; the strings must outlive the call.
#pragma once

#include <string>
#include <vector>

namespace nanoclaw::setup {

inline std::vector<char*> argv_pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

} // namespace nanoclaw::setup
