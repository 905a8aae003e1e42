// SPDX-License-Identifier: MIT
#include "input_files.hpp"

#include "nanoclaw/core/atomic_file.hpp"
#include "nanoclaw/core/unique_name.hpp"

#include <system_error>

namespace nanoclaw::queue {

std::string unique_input_name() {
    return core::timestamped_name(4);
}

bool write_file_atomically(const std::filesystem::path& dir, const std::string& name,
                           const std::string& body) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return false;
    try {
        core::replace_file(dir / name, body);
        return true;
    } catch (const std::system_error&) {
        return false;
    }
}

} // namespace nanoclaw::queue
